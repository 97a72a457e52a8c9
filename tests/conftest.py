"""Shared fixtures: the seed graph built once per session, in memory and in a real Oxigraph store."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.build import BuildResult, build
from kg.sources import load_sources, source_files

#: The ``browser`` fixture (headless Chromium) for the browser tests.
pytest_plugins = ["tests.browser"]

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "seeds" / "000_c6000f12c74fa8d8.txt"
SEED_SHA256 = "1114a34a2b607152768d4c895bd16f1b984ea2d535169c0335241b7318979cf7"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The seed graph built once into a temporary dist/ folder (store at dist/store)."""
    out = tmp_path_factory.mktemp("dist")
    return build(out_dir=out)


@pytest.fixture(scope="session")
def store_path(built: BuildResult) -> Path:
    return built.outputs["store"]


@pytest.fixture(scope="session")
def seed_graph() -> Graph:
    """The seed graph in rdflib's memory store (read it, don't change it)."""
    return load_sources(source_files()).graph
