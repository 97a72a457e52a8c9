"""The built wheel carries ontology/ and seeds/: installed in a fresh venv, `kg build` works from anywhere.

The venv is made the same way whether the tests run in a venv, in a conda-like
environment or in a system Python: it gets no system site-packages (from inside a
venv those would be the *base* interpreter's, without typer & co.) and instead a
``.pth`` file naming the site-packages folders of the interpreter running the tests,
so the dependencies are reused while the project itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _site_folders() -> list[str]:
    """The running interpreter's package folders (site-packages or Debian's dist-packages), not the checkout."""
    return [p for p in sys.path if p and Path(p).name in {"site-packages", "dist-packages"} and Path(p).is_dir()]


def _clean_env() -> dict[str, str]:
    """The environment without anything that would point Python at the checkout or another environment."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "KG_HOME", "PYTHONSTARTUP"}
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns the venv folder."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    wheels = tmp_path / "wheels"
    # --no-isolation: the build backend (hatchling, in the test extra) is already installed, so no download.
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    wheel = next(wheels.glob("zhengfa_kg-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        env=_clean_env(),
    ).stdout.strip()
    (Path(purelib) / "_outer_site.pth").write_text("\n".join(_site_folders()) + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, env=_clean_env())
    return env_dir


@pytest.mark.slow
def test_wheel_installs_and_builds_from_any_directory(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import kg, typer; print(kg.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env(),
    ).stdout.splitlines()
    assert where[0].startswith(str(installed)), where
    result = subprocess.run(
        [str(installed / "bin" / "kg"), "build"], cwd=work, capture_output=True, text=True, env=_clean_env()
    )
    assert result.returncode == 0, result.stderr
    assert "validation: conforms" in result.stdout
    assert (work / "dist" / "graph.ttl").is_file() and (work / "dist" / "store").is_dir()


def _kg(installed: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed / "bin" / "kg"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**_clean_env(), **env},
        timeout=300,
    )


def _shipped(installed: Path) -> Path:
    return next(installed.glob("lib/python*/site-packages/kg/_data"))


@pytest.mark.slow
def test_installed_copy_without_a_project_reads_the_shipped_data_and_never_writes_it(
    installed: Path, tmp_path: Path
) -> None:
    shipped = _shipped(installed)
    version = _kg(installed, tmp_path, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.splitlines()[1] == f"data: {shipped} (shipped read-only data)"
    before = sorted(p.name for p in (shipped / "seeds").iterdir())
    text = tmp_path / "new.txt"
    text.write_text("湖南省高级人民法院出台新规。\n", encoding="utf-8")
    added = _kg(
        installed, tmp_path, "add-source", str(text), "--title", "新规", "--publisher", "新华网", "--date", "2024-01-02"
    )
    assert added.returncode == 2
    assert added.stderr.startswith("error: cannot register a source text into its seeds/: the data in use is the copy")
    assert "--project DIR or KG_HOME=DIR" in added.stderr and added.stderr.count("\n") == 1
    assert sorted(p.name for p in (shipped / "seeds").iterdir()) == before


@pytest.mark.slow
def test_installed_copy_reads_the_checkout_it_runs_in_or_the_one_named(installed: Path, tmp_path: Path) -> None:
    """After `pip install .`, edits to the checkout are what kg reads (it used to read site-packages)."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "ontology", checkout / "ontology")
    shutil.copytree(ROOT / "seeds", checkout / "seeds")
    (checkout / "docs").mkdir()
    shipped_triples = _kg(installed, tmp_path, "stats").stdout.splitlines()[1]
    with (checkout / "ontology" / "facts" / "core.ttl").open("a", encoding="utf-8") as facts:
        facts.write('\n<https://example.org/edit> <http://www.w3.org/2000/01/rdf-schema#comment> "an edit" .\n')
    for cwd, args, env, origin in [
        (checkout / "docs", [], {}, "checkout"),
        (tmp_path, ["--project", str(checkout)], {}, "--project"),
        (tmp_path, [], {"KG_HOME": str(checkout)}, "KG_HOME"),
    ]:
        stats = _kg(installed, cwd, *args, "stats", **env)
        assert stats.returncode == 0, stats.stderr
        data, triples = stats.stdout.splitlines()[:2]
        assert data == f"data: {checkout.resolve()} ({origin})"
        assert int(triples.split()[1]) == int(shipped_triples.split()[1]) + 1
