"""`kg build` on a full disk, an unwritable folder: one line, exit 2, the previous outputs untouched.

The full disk is a small tmpfs mounted for the test (root only: skipped with
the reason otherwise).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.generation import Outputs
from tests.test_build_kills import complete_build, environment, generation_triples


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry below ``folder``: a link's target, a file's bytes."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def big_source(folder: Path, triples: int) -> Path:
    path = folder / "big.ttl"
    label = "長" * 300
    path.write_text(
        "".join(
            f'<https://w3id.org/zhengfa-kg/id/big-{i}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}{i}" .\n'
            for i in range(triples)
        ),
        encoding="utf-8",
    )
    return path


def run_build(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "kg", "build", "-o", str(out), "--no-validate", *extra]
    return subprocess.run(args, capture_output=True, text=True, env=environment(), timeout=300)


def export_bytes(extra: Path) -> int:
    """What the three exports of the seed graph plus ``extra`` take on disk (4 KiB blocks)."""
    from kg.serialize import canonical_exports
    from kg.sources import parse_sources, source_files

    parsed = parse_sources(source_files([extra]))
    data = canonical_exports(t for _path, triples in parsed for t in triples)
    return sum(-(-len(payload) // 4096) * 4096 for payload in data.values())


def fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - leave))
    return filler


@pytest.mark.parametrize("stage", ["exports", "store"])
def test_a_full_disk_is_one_line_exit_2_and_changes_nothing(small_disk: Path, tmp_path: Path, stage: str) -> None:
    out = small_disk / "dist"
    seed_triples = complete_build(out, None)
    before = snapshot(out)
    extra = big_source(tmp_path, 50)
    # Room for half the exports, or for the exports and a few blocks of the store (which needs some 1.5 MB).
    filler = fill(small_disk, export_bytes(extra) // 2 if stage == "exports" else export_bytes(extra) + 64 * 1024)
    done = run_build(out, "-i", str(extra))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: cannot write the build outputs to {out}: no space left on the device")
    assert snapshot(out) == before
    assert generation_triples(out) == seed_triples
    filler.unlink()
    assert complete_build(out, extra) == seed_triples + 50  # with room again, the same build succeeds
    assert Outputs(out).debris() == []


def test_an_output_folder_that_cannot_be_made_is_one_line_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for out in (blocker / "dist", Path("/proc/kg-dist")):
        done = run_build(out)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"error: cannot write the build outputs to {out}:"), done.stderr
        assert done.stderr.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_output_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    out.chmod(0o500)
    try:
        done = run_build(out)
    finally:
        out.chmod(0o700)
    assert done.returncode == 2 and done.stderr.startswith(f"error: cannot write the build outputs to {out}:")
