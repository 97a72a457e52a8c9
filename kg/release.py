"""``kg release VERSION``: a versioned, compressed, checksummed set of the built graph, never overwritten.

``releases/VERSION/`` holds ``zhengfa-kg-VERSION.{ttl,nt,jsonld}.gz`` (gzip with
no time stamp, so equal inputs give equal bytes), ``void.ttl`` (VoID and DCAT
of those files), ``CITATION.cff``, ``NOTES.md`` (what changed since the
previous release, by :mod:`kg.diff`) and ``SHA256SUMS`` over all of them. The
folder appears whole or not at all: it is written aside and renamed into place.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.errors import InputError, UsageError

NAME = "zhengfa-kg"
EXPORTS = ("graph.ttl", "graph.nt", "graph.jsonld")
VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?$")


@dataclass
class Release:
    version: str
    folder: Path
    files: list[str]
    previous: str | None


def version_key(version: str) -> tuple[int, int, int, str]:
    match = VERSION.match(version)
    assert match is not None
    major, minor, patch = (int(part) for part in match.groups())
    # A pre-release (1.0.0-rc1) sorts before its release (1.0.0).
    return (major, minor, patch, version[match.end(3) :] or "~")


def releases_in(folder: Path) -> list[str]:
    """The versions released into ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if p.is_dir() and VERSION.match(p.name)]
    return sorted(found, key=version_key)


def citation_cff(version: str, released: date) -> str:
    return f"""cff-version: 1.2.0
message: "If you use this dataset, please cite it as below; cite single facts with `kg cite`."
type: dataset
title: "zhengfa-kg: a knowledge graph of China's law-enforcement and judicial supervision system (执法司法制约监督体系知识图谱)"
version: "{version}"
date-released: "{released.isoformat()}"
license: CC-BY-4.0
url: "https://w3id.org/zhengfa-kg/"
authors:
  - name: "zhengfa-kg"
keywords:
  - knowledge graph
  - Chinese law
  - judicial supervision
  - 执法司法制约监督
references:
  - type: newspaper-article
    title: "政法领域全面深化改革推进视频会发言摘登——加快构建规范高效的执法司法制约监督体系"
    authors:
      - name: "周斌"
      - name: "董凡超"
    publisher:
      name: "法制网"
    date-published: "2020-08-28"
"""


def make_release(
    version: str, dist: Path = Path("dist"), out: Path = Path("releases"), released: date | None = None
) -> Release:
    """Write ``out/VERSION`` from the build in ``dist``; refuse an existing version."""
    import pyoxigraph as ox

    from kg.dataset import describe, to_turtle

    if not VERSION.match(version):
        raise UsageError(f"version {version!r} is not of the form MAJOR.MINOR.PATCH (e.g. 0.2.0 or 1.0.0-rc1)")
    target = out / version
    if target.exists():
        raise InputError(f"{target} exists: a released version is never overwritten; choose a new version")
    missing = [name for name in (*EXPORTS, "store") if not (dist / name).exists()]
    if missing:
        raise InputError(f"{dist} lacks {', '.join(missing)}: run `kg build` first")
    released = released or date.today()
    earlier = [v for v in releases_in(out) if version_key(v) < version_key(version)]
    previous = earlier[-1] if earlier else None

    files: dict[str, bytes] = {}
    for name in EXPORTS:
        suffix = name.split(".", 1)[1]
        files[f"{NAME}-{version}.{suffix}.gz"] = gzip.compress((dist / name).read_bytes(), compresslevel=9, mtime=0)
    store = ox.Store.read_only(str(dist / "store"))
    described = dict(files)
    files["void.ttl"] = to_turtle(describe(store, described, version=version, issued=released))
    files["CITATION.cff"] = citation_cff(version, released).encode("utf-8")
    files["NOTES.md"] = _notes(version, previous, out, dist).encode("utf-8")
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode("utf-8")

    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".{version}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        # rename() refuses a non-empty target, so two releases of one version cannot both land.
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if target.exists():
            raise InputError(f"{target} exists: a released version is never overwritten") from None
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return Release(version, target, sorted(files), previous)


def _notes(version: str, previous: str | None, out: Path, dist: Path) -> str:
    from kg.diff import diff, to_markdown

    head = f"# {NAME} {version}\n\n"
    if previous is None:
        return head + "First release.\n"
    changes = diff(str(out / previous), str(dist / "graph.nt"))
    return head + to_markdown(changes, previous, version)
