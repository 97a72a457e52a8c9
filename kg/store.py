"""The graph stores: the embedded persistent Oxigraph store (default) and rdflib's memory store."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

import pyoxigraph as ox

from kg.errors import InputError
from kg.generation import hold
from kg.project import default_store_path

if TYPE_CHECKING:
    # Imported where a Graph is made: opening the store (kg compare, kg query) must not pay for rdflib.
    from rdflib import Graph

    from kg.sources import Source

Backend = Literal["oxigraph", "memory"]
BACKENDS: tuple[str, ...] = ("oxigraph", "memory")
T = TypeVar("T")


def write_store(path: Path, ntriples: bytes, workers: int | None = None) -> None:
    """Replace the Oxigraph store at ``path`` with one holding ``ntriples`` (for ``kg build --store PATH``).

    ``kg build``'s own store is part of a generation (:mod:`kg.generation`); a
    store elsewhere is switched the same way on its own: it is built in a new
    folder beside ``path`` (``.NAME.gen-PID-…``), and ``path``, a symlink, is
    pointed at it with one rename, so a failed or killed build leaves the
    previous store whole. Folders of earlier builds whose process is gone are
    removed. The load runs on ``workers`` threads (default: one per CPU, at
    least two); see :func:`load_parts` for what can load in parallel.
    """
    import tempfile

    from kg.generation import _pid_alive, _replace_with_link
    from kg.textindex import write_text_index

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{path.name}.gen-{os.getpid()}-", dir=path.parent))
    try:
        store = ox.Store(str(fresh))
        bulk_load_ntriples(store, ntriples, workers)
        store.flush()
        del store
        write_text_index(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    previous = path.parent / os.readlink(path) if path.is_symlink() else None
    if path.is_dir() and not path.is_symlink():  # a store folder of the older layout
        previous = path.with_name(f".{path.name}.old-{os.getpid()}")
        os.replace(path, previous)
    _replace_with_link(path, fresh.name)
    for entry in path.parent.iterdir():
        for marker in (f".{path.name}.gen-", f".{path.name}.old-", f".{path.name}.new-"):
            if entry.name.startswith(marker) and entry != fresh:
                owner = entry.name[len(marker) :].split("-", 1)[0]
                if entry == previous or not _pid_alive(owner):
                    shutil.rmtree(entry, ignore_errors=True)


def load_parts(ntriples: bytes, pieces: int) -> list[bytes]:
    """Cut N-Triples into parts that may be bulk-loaded concurrently.

    Oxigraph names blank nodes afresh in every load call, so every line from the
    first ``_:`` on (which may sit in a literal: harmless) stays in one last part;
    the lines before it are cut into ``pieces`` parts at line ends.
    ``kg.serialize.to_ntriples`` writes blank-node lines last for this reason;
    in any other order the result is still right, only less parallel.
    """
    first_blank = ntriples.find(b"_:")
    head_end = len(ntriples) if first_blank < 0 else ntriples.rfind(b"\n", 0, first_blank) + 1
    parts, start = [], 0
    for index in range(1, pieces):
        cut = ntriples.find(b"\n", max(start, head_end * index // pieces)) + 1
        if 0 < cut <= head_end:
            parts.append(ntriples[start:cut])
            start = cut
    parts += [ntriples[start:head_end], ntriples[head_end:]]
    return [part for part in parts if part]


def bulk_load_ntriples(store: ox.Store, ntriples: bytes, workers: int | None = None) -> None:
    """Bulk-load N-Triples into ``store`` on several threads (pyoxigraph releases the GIL while loading).

    The part with the blank nodes cannot be cut, so it starts first; the rest is
    cut finer than there are threads, and the pieces fill in around it.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = workers or max(2, os.cpu_count() or 1)
    parts = load_parts(ntriples, 2 * workers)
    if len(parts) == 1 or workers == 1:
        for part in parts:
            store.bulk_load(part, format=ox.RdfFormat.N_TRIPLES)
        return
    with ThreadPoolExecutor(workers) as pool:
        # list() re-raises the first error of any part.
        list(pool.map(lambda part: store.bulk_load(part, format=ox.RdfFormat.N_TRIPLES), [parts[-1], *parts[:-1]]))


def load_sources_into(store: ox.Store, sources: Iterable[Source]) -> None:
    """Bulk-load source files into ``store``, as :func:`kg.sources.parse_sources` reads them.

    Each file is one bulk load, and Oxigraph names the blank nodes of each load
    afresh: those of two files stay apart. Named graphs of N-Quads and TriG
    files go into the default graph, as the parser's triples do. pyoxigraph
    releases the GIL while it parses and indexes.
    """
    from kg.sources import parse_file, source_format

    for path, data in sources:
        fmt = source_format(path)
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):  # the parser's triples: into the default graph
            store.bulk_extend(ox.Quad(*t) for t in parse_file(path, rename_blank_nodes=True, data=data))
        else:
            store.bulk_load(data, format=fmt, base_iri=path.resolve().as_uri())


class SourcesLoad(Generic[T]):
    """Source files bulk-loaded into ``store`` on a thread of their own, then ``then(store)`` run there.

    pyoxigraph releases the GIL while it parses and indexes, so the load runs
    on a second core while the caller works in Python (kg build writes the
    exports meanwhile); see :func:`load_sources_into` for how the files are loaded.
    Use it as a context manager: leaving the block waits for the thread, so
    nothing writes into the store's folder after an error has removed it.
    """

    def __init__(self, store: ox.Store, sources: Iterable[Source], then: Callable[[ox.Store], T]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.store = store
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="kg-load")
        self._future = self._pool.submit(self._load, list(sources), then)

    def _load(self, sources: list[Source], then: Callable[[ox.Store], T]) -> T:
        load_sources_into(self.store, sources)
        self.store.flush()
        return then(self.store)

    def result(self) -> T:
        """Wait for the load (and ``then``); re-raises their error."""
        return self._future.result()

    def __enter__(self) -> SourcesLoad[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        import traceback

        self._pool.shutdown(wait=True)
        # A load that failed keeps the store in its traceback's frames: cleared, so that the store closes here,
        # before kg build removes its folder (an open on-disk store may still write into it, leaving debris).
        failure = self._future.exception() if not self._future.cancelled() else None
        if failure is not None:
            traceback.clear_frames(failure.__traceback__)
        del self.store  # closes it (kg build publishes the generation next)


def open_store(path: Path | None = None) -> ox.Store:
    """Open a built store read-only: nothing run through it can change it."""
    default = not path
    path = Path(path) if path else default_store_path()
    if not (path / "CURRENT").is_file():
        raise InputError(f"no graph store at {path}: run `kg build` first (or pass --store PATH)")
    if default:
        from kg.freshness import warn_if_stale

        warn_if_stale(path)
    hold(path)
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"cannot open the graph store at {path}: {exc}") from exc


def open_graph(backend: str = "oxigraph", store: Path | None = None, include: Iterable[Path] = ()) -> Graph:
    """An rdflib Graph over the built store, or over a fresh in-memory load of the sources."""
    from rdflib import Graph

    if backend == "oxigraph":
        from oxrdflib import OxigraphStore
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        from kg.namespaces import PREFIXES

        # The default-graph identifier makes triples() and SPARQL see the store's default graph.
        graph = Graph(store=OxigraphStore(store=open_store(store)), identifier=DATASET_DEFAULT_GRAPH_ID)
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri, override=True, replace=True)
        return graph
    if backend == "memory":
        from kg.sources import load_sources, source_files

        return load_sources(source_files(include)).graph
    raise InputError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
