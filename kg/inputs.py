"""The input files of a build: which files under the data folder are sources, and reading them safely.

Apart from kg.sources so that a command that only needs to list or hash the inputs (the freshness check of
a cold ``kg query``) does not import rdflib.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.project import ontology_dir, seeds_dir

#: File endings the loader understands, and Oxigraph's format for each.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def rdf_files_under(path: Path) -> list[Path]:
    """One file, or every RDF file below a folder, in a stable order.

    A broken link or anything that is not a regular file (a named pipe, a device)
    with an RDF ending is an error, never silently skipped nor read (a pipe would
    block the build forever).
    """
    if path.is_dir():
        return regular_files(p for p in path.rglob("*") if p.suffix in FORMATS and not _is_real_dir(p))
    if path.suffix not in FORMATS and path.is_file():
        raise InputError(f"{path}: not an RDF file (expected one of {', '.join(FORMATS)})")
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{path}: no such file or folder")
    return regular_files([path])


def _is_real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def regular_files(paths: Iterable[Path]) -> list[Path]:
    """The paths sorted, after checking that each is (a link to) a regular file."""
    found = sorted(paths)
    for path in found:
        if path.is_symlink() and not path.exists():
            raise InputError(f"{path}: broken symbolic link (its target {os.readlink(path)} does not exist)")
        if not path.is_file():
            raise InputError(f"{path}: not a regular file ({_kind(path)}); remove it or replace it with a file")
    return found


def _kind(path: Path) -> str:
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; anything else is refused in one line instead of read (or waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a named pipe opens at once and is refused below
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(f"{path}: broken symbolic link (its target {os.readlink(path)} does not exist)") from None
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{path}: not a regular file ({_kind(path)})")
        os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)


def default_source_files() -> list[Path]:
    """Every Turtle file under ``ontology/`` and the seed metadata under ``seeds/``."""
    return rdf_files_under(ontology_dir()) + regular_files(p for p in seeds_dir().glob("*.ttl") if not _is_real_dir(p))


def source_files(include: Iterable[Path] = ()) -> list[Path]:
    files = default_source_files()
    for extra in include:
        files.extend(rdf_files_under(Path(extra)))
    return files
