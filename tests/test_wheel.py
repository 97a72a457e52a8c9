"""The built wheel carries ontology/ and seeds/: installed in a fresh venv, `kg build` works from anywhere."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_builds_from_any_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    wheel = next(wheels.glob("zhengfa_kg-*.whl"))
    env_dir = tmp_path / "venv"
    # Reuse the already-installed dependencies; the project itself comes only from the wheel.
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import kg, kg.paths; print(kg.__file__); print(kg.paths.ontology_dir())"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert where[0].startswith(str(env_dir)), where
    assert where[1].startswith(str(env_dir)) and where[1].endswith("kg/_data/ontology"), where
    result = subprocess.run([str(env_dir / "bin" / "kg"), "build"], cwd=work, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "validation: conforms" in result.stdout
    assert (work / "dist" / "graph.ttl").is_file() and (work / "dist" / "store").is_dir()
