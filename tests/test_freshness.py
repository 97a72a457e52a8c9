"""A command reading dist/store warns when the data folder changed after `kg build` (REVIEW-2 C-1: a comparison
answered from a stale build, silently, with measures the curation had merged)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def kg(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "kg", "--project", str(cwd / "data"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def provinces(cwd: Path) -> tuple[str, str]:
    done = kg(cwd, "query", "--name", "provinces", "--format", "csv")
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def test_an_edit_after_the_build_is_warned_about_until_the_next_build(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(ROOT / "ontology", data / "ontology")
    shutil.copytree(ROOT / "seeds", data / "seeds")
    built = kg(tmp_path, "build", "--no-validate")
    assert built.returncode == 0, built.stderr
    answer, warning = provinces(tmp_path)
    assert warning == ""

    # Touched, bytes unchanged: still the same data, no warning.
    hunan = data / "ontology" / "facts" / "hunan.ttl"
    time.sleep(0.01)
    os.utime(hunan)
    assert provinces(tmp_path) == (answer, "")

    # Changed but with an older modification time (as tar, rsync -a or cp -p put a file back): still a change.
    original, seen = hunan.read_bytes(), hunan.stat()
    hunan.write_bytes(original.replace(b"\n", b"\n\n", 1))
    os.utime(hunan, ns=(seen.st_atime_ns, seen.st_mtime_ns - 3600 * 10**9))
    _, warning = provinces(tmp_path)
    assert warning.startswith("warning: dist/store is older than the data: hunan.ttl changed since `kg build`")
    hunan.write_bytes(original)  # the built bytes again, at a new time: no change
    assert provinces(tmp_path) == (answer, "")

    # Changed, added, removed: each named; the answer is still the old build's.
    with hunan.open("a", encoding="utf-8") as f:
        f.write("# an edit\n")
    (data / "ontology" / "facts" / "extra.ttl").write_text("", encoding="utf-8")
    (data / "ontology" / "facts" / "guangxi.ttl").unlink()
    stale, warning = provinces(tmp_path)
    assert stale == answer
    assert warning == (
        "warning: dist/store is older than the data: extra.ttl, hunan.ttl, guangxi.ttl changed since `kg build`; "
        "answers come from the old build until you run `kg build` again\n"
    )
    compared = kg(tmp_path, "compare", "--format", "csv")
    assert compared.returncode == 0 and compared.stderr == warning

    # An explicit --store is the user's choice: no warning.
    explicit = kg(tmp_path, "query", "--name", "provinces", "--format", "csv", "--store", "dist/store")
    assert explicit.returncode == 0 and explicit.stderr == ""

    # A new build: fresh again, and the answer changes (广西 has no facts any more).
    rebuilt = kg(tmp_path, "build", "--no-validate")
    assert rebuilt.returncode == 0, rebuilt.stderr
    fresh, warning = provinces(tmp_path)
    assert warning == "" and fresh != answer and "广西" in answer
