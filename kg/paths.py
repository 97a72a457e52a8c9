"""Where the shipped data lives, in a source checkout and in an installed wheel.

A wheel carries ``ontology/`` and ``seeds/`` under ``kg/_data/``; a source
checkout (or an editable install) has them beside the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _data_root() -> Path:
    packaged = PACKAGE_DIR / "_data"
    if (packaged / "ontology").is_dir():
        return packaged
    return PACKAGE_DIR.parent


def ontology_dir() -> Path:
    return _data_root() / "ontology"


def seeds_dir() -> Path:
    return _data_root() / "seeds"


def queries_dir() -> Path:
    return PACKAGE_DIR / "queries"


def default_out_dir() -> Path:
    """Outputs of ``kg build`` go to ``./dist`` in the working directory."""
    return Path("dist")


def default_store_path() -> Path:
    return default_out_dir() / "store"
