"""A `kg build` killed at any moment leaves dist/ as the old generation or the new one, complete.

Real `kg build` processes are killed with SIGKILL: at each named step of the
write (``KG_TEST_KILL_AT``, a hook in kg.generation and kg.build) and after 50
random delays. After each kill the four outputs must all belong to one
generation (the manifest's triple count matches the store and every export);
then a following build must succeed and leave no debris (after every named
step; after every fifth random kill, so that the others start from the debris
of one or more killed builds).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.generation import OUTPUTS, Outputs
from tests.conftest import ROOT

EXTRA = '<https://w3id.org/zhengfa-kg/id/kill-test> <http://www.w3.org/2000/01/rdf-schema#label> "k{n}" .\n'
POINTS = (
    "after-graph.ttl",
    "after-graph.nt",
    "after-graph.jsonld",
    "store-loaded",
    "generation-written",
    "before-switch",
    "after-switch",
)


def command(out: Path, extra: Path | None) -> list[str]:
    # --no-validate: validation comes before any write, so the kills land where the outputs change.
    args = [sys.executable, "-m", "kg", "build", "-o", str(out), "--no-validate"]
    return args + (["-i", str(extra)] if extra else [])


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def generation_triples(out: Path) -> int | None:
    """The triple count of the generation dist/ shows, after checking that all four outputs belong to it."""
    if not (out / "current").is_symlink():
        assert not any((out / name).exists() for name in OUTPUTS), "outputs without a generation"
        return None
    manifest = Outputs(out).manifest()
    assert manifest is not None, "dist/current points at an incomplete generation"
    triples = manifest["triples"]
    nt = (out / "graph.nt").read_bytes()
    assert nt.count(b"\n") == triples
    assert len(list(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))) == triples
    assert len(list(ox.parse(path=str(out / "graph.jsonld"), format=ox.RdfFormat.JSON_LD))) == triples
    assert len(ox.Store.read_only(str(out / "store"))) == triples
    assert isinstance(triples, int)
    return triples


def assert_tidy(out: Path) -> None:
    assert Outputs(out).debris() == []
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert hidden == [os.readlink(out / "current")]


def complete_build(out: Path, extra: Path | None) -> int:
    done = subprocess.run(command(out, extra), capture_output=True, text=True, env=environment(), timeout=300)
    assert done.returncode == 0, done.stderr
    assert_tidy(out)
    triples = generation_triples(out)
    assert triples is not None
    return triples


def extra_file(folder: Path, n: int) -> Path:
    path = folder / f"extra-{n}.ttl"
    path.write_text(EXTRA.format(n=n), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_kill_at_each_step_leaves_one_whole_generation(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    base = None  # the seed graph's triple count, known after the first complete build
    for index, point in enumerate(POINTS):
        before = generation_triples(out)
        extra = extra_file(tmp_path, index) if index % 2 else None  # each build changes the graph
        killed = subprocess.run(
            command(out, extra), capture_output=True, env=environment(KG_TEST_KILL_AT=point), timeout=300
        )
        assert killed.returncode == -signal.SIGKILL, point
        after = generation_triples(out)
        if point == "after-switch":  # switched: the new generation is whole, the links and debris come next
            assert after is not None and after != before
        else:  # not switched: the old generation (none before the very first build)
            assert after == before, point
        triples = complete_build(out, extra)
        base = base or triples
        assert triples == base + (1 if extra else 0)
        assert_tidy(out)


@pytest.mark.slow
def test_fifty_random_kills_never_mix_generations(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    base = complete_build(out, None)
    started = time.perf_counter()
    complete_build(out, extra_file(tmp_path, 0))  # how long one real build takes here
    duration = time.perf_counter() - started
    rng = random.Random(13)
    outcomes = {"old": 0, "new": 0}
    for n in range(1, 51):
        extra = extra_file(tmp_path, n) if n % 2 else None
        before = generation_triples(out)
        expected_new = base + (1 if extra else 0)
        process = subprocess.Popen(
            command(out, extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment()
        )
        time.sleep(rng.uniform(0.1, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        after = generation_triples(out)
        assert after in (before, expected_new), n
        # Alternating inputs differ by one triple, so the count tells old from new.
        outcomes["new" if after == expected_new else "old"] += 1
        if n % 5 == 0:  # between, the next build starts among what the killed ones left: they pile up
            assert complete_build(out, extra) == expected_new
    assert outcomes["old"] > 0  # the delays did land inside builds


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
def test_a_killed_validating_build_takes_its_validation_child_with_it(tmp_path: Path) -> None:
    """Validation runs in a forked child; killing the build must not leave it running or holding dist/."""
    out = tmp_path / "dist-validating"
    args = [a for a in command(out, None) if a != "--no-validate"]
    killed = subprocess.run(args, capture_output=True, env=environment(KG_TEST_KILL_AT="after-graph.nt"), timeout=300)
    assert killed.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while processes_mentioning(str(out)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_mentioning(str(out)) == []
    assert generation_triples(out) is None  # killed before the switch of a first build
    done = subprocess.run(args, capture_output=True, text=True, env=environment(), timeout=300)
    assert done.returncode == 0, done.stderr  # not "another kg build is writing"
    assert "validation: conforms" in done.stdout
    assert_tidy(out)
