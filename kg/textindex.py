"""The text index of a built store: its names' and quotes' texts, so a text is found without the store reading
them all.

Why: ``search --param text=…`` and ``evidence-of --param entity=<label>`` narrow by a FILTER on the
text of every label and quote (kg.sparql.narrowing), and Oxigraph reads each text from its string
table to test it: at a million triples 95,000 labels and 43,000 quotes cost 0.7-1 s. ``kg build``
writes this index into the store's folder (``kg-text-index``): for each indexed predicate its
distinct objects, one a line, lowercased and as written in SPARQL; a lookup is a byte search of the
file (milliseconds), and the narrow line then starts from the objects found (``VALUES ?o { … }``).

It only ever proposes candidates: the line runs on the store as written, its FILTER included, so
an object the index proposes wrongly is dropped there. Missing one would be the error, and cannot
happen where it answers (:func:`indexed_line`): a line whose head is a triple pattern of an indexed
predicate and a FILTER in one of two forms, ``CONTAINS(LCASE(STR(?o)), LCASE(STR(?param)))`` and
``isLITERAL(?param) && STR(?o) = STR(?param)``, with a text of printable characters but ``"`` and
``\\`` (written escaped in the index); every object whose text holds the text, lowercased as SPARQL's
LCASE and Python's ``str.lower`` both do (Unicode's default mapping), holds it in its line.

Never stale: the file records the store's own files (names and sizes of its tables, logs and
manifest), which every write changes and opening read-only does not. A store changed since (or
made by another tool, without an index) is scanned by the engine, as before. The terms found go into a
query's text, so each must be one IRI, literal, number or boolean, or the index proposes nothing.
"""

from __future__ import annotations

import json
import mmap
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

T = TypeVar("T")
INDEX_FILE = "kg-text-index"
FORMAT = "kg-text-index 1"
INDEXED = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/ns/oa#exact",
)
#: More candidates than this, and the store's own scan is as quick: the index declines.
MAX_CANDIDATES = 20_000
#: One IRI, literal, number or boolean as Oxigraph writes them in TSV results (kg build's index lines).
_ONE_TERM = re.compile(
    r'<[^<>"{}|^`\\\x00-\x20]*>'
    r'|"(?:[^"\\\n\r]|\\[tbnrf"\'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*"'
    r"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>\"{}|^`\\\x00-\x20]*>)?"
    r"|[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|true|false"
)
#: The store's files whose names and sizes change with every write (RocksDB's tables, write-ahead logs and
#: manifest); its info logs (``LOG``), ``LOCK``, ``IDENTITY`` and ``OPTIONS-*`` do not say what it holds.
_STORE_FILE = re.compile(r"^(?:\d+\.(?:sst|log)|MANIFEST-\d+|CURRENT)$")


#: The index's lines and where each predicate's begin and end, as kg build makes them on its loading thread.
TextIndexBody = tuple[bytes, dict[str, list[int]]]


def store_fingerprint(folder: Path) -> list[str]:
    """The names and sizes of the store's data files: what any write to it changes."""
    return sorted(
        f"{entry.name}:{entry.stat().st_size}" for entry in os.scandir(folder) if _STORE_FILE.match(entry.name)
    )


def index_body(store: ox.Store) -> TextIndexBody:
    """Each indexed predicate's distinct objects (not blank nodes), one a line: its text lowercased, a tab, the
    term in SPARQL syntax (Oxigraph's TSV results, escapes and all); and where each predicate's lines are.

    The engine writes the terms with the GIL released (kg build runs this on its loading thread, beside the
    exports); the lowercasing is Python's, on the whole text at once.
    """
    parts, sections, at = [], {}, 0
    for predicate in INDEXED:
        query = f"SELECT DISTINCT ?o WHERE {{ ?s <{predicate}> ?o FILTER(!isBLANK(?o)) }}"
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        written = solutions.serialize(format=ox.QueryResultsFormat.TSV) or b""
        lines = written.decode().split("\n", 1)[1]  # after the header line, "?o"
        if lines and not lines.endswith("\n"):
            lines += "\n"
        # A term's lowercase may hold no tab or line end: Oxigraph writes those escaped. (Not splitlines: a
        # literal may hold U+2028 and other breaks unescaped.)
        terms, lowered = lines.split("\n")[:-1], lines.lower().split("\n")[:-1]
        data = "".join(f"{low}\t{term}\n" for low, term in zip(lowered, terms, strict=True))
        encoded = data.encode()
        parts.append(encoded)
        sections[predicate] = [at, at + len(encoded)]
        at += len(encoded)
    return b"".join(parts), sections


def write_text_index(folder: Path, body: TextIndexBody | None = None) -> None:
    """Write the index of the closed store in ``folder`` into ``folder/INDEX_FILE`` (``body``: made already by
    :func:`index_body` from the same data; else read from the store, opened read-only).

    Written beside under a temporary name and renamed: a reader sees the whole index or none.
    """
    folder = Path(folder)
    if body is None:
        body = index_body(ox.Store.read_only(str(folder)))
    data, sections = body
    header = json.dumps({"fingerprint": store_fingerprint(folder), "sections": sections}, separators=(",", ":"))
    fresh = folder / f".{INDEX_FILE}.{os.getpid()}"
    try:
        with fresh.open("wb") as handle:
            handle.write(f"{FORMAT}\t{header}\n".encode())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(fresh, folder / INDEX_FILE)
    finally:
        fresh.unlink(missing_ok=True)


@dataclass(frozen=True)
class TextIndex:
    """An index found current for the store in its folder."""

    path: Path
    start: int  # where the lines begin (after the header)
    sections: Mapping[str, list[int]]

    @classmethod
    def of_store(cls, folder: Path) -> TextIndex | None:
        """The index of the store in ``folder`` (give it resolved), or None: none written, or the store changed."""
        path = Path(folder) / INDEX_FILE
        try:
            with path.open("rb") as handle:
                line = handle.readline()
            name, _, header = line.decode().partition("\t")
            recorded = json.loads(header)
            if name != FORMAT or recorded["fingerprint"] != store_fingerprint(Path(folder)):
                return None
            return cls(path, len(line), recorded["sections"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def candidates(self, predicate: str, text: str) -> list[str] | None:
        """The objects of ``predicate`` (terms in SPARQL syntax) whose text lowercased may contain ``text``
        lowercased: every one that does, and perhaps a few that do not (the query's FILTER drops them).
        None: the index cannot say (a text with a quote, a backslash or a control character, written escaped in
        the index) or finds more than MAX_CANDIDATES."""
        if not text.isprintable() or '"' in text or "\\" in text or predicate not in self.sections:
            return None
        needle = text.lower().encode()
        first, last = (self.start + at for at in self.sections[predicate])
        found: dict[int, int] = {}  # where each line found begins and ends
        with self.path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as lines:
            at = lines.find(needle, first, last)
            while 0 <= at < last:
                newline = lines.rfind(b"\n", first, at)
                begin = newline + 1 if newline >= 0 else first
                end = lines.find(b"\n", at, last)
                found[begin] = end if end >= 0 else last
                if len(found) > MAX_CANDIDATES:
                    return None
                at = lines.find(needle, end + 1, last) if end >= 0 else -1
            terms = [lines[begin:end].decode().split("\t", 1)[-1] for begin, end in found.items()]
        # Each goes into a query's text: one term each, or the file is not what kg build wrote and is not used.
        return terms if all(_ONE_TERM.fullmatch(term) for term in terms) else None


# ---------------------------------------------------------------------------
# The narrow lines the index answers
# ---------------------------------------------------------------------------

_VAR = r"\?([A-Za-z_][A-Za-z0-9_]*)"
_TERM = r"(<[^<>\s]*>|[A-Za-z][\w\-.]*:[A-Za-z_][\w\-.]*|[A-Za-z][\w\-.]*:|:[A-Za-z_][\w\-.]*)"
_HEAD = re.compile(rf"^\s*{_VAR}\s+{_TERM}\s+{_VAR}\s+FILTER\s*\((.*)$", re.S)


@dataclass(frozen=True)
class IndexedLine:
    """A narrow line's head, ``?subject <predicate> ?object FILTER(test)``, that the index answers."""

    subject: str
    predicate: str
    object: str
    test: str  # "contains" or "equals"


def indexed_line(pattern: str, param: str, prefixes: Mapping[str, str]) -> IndexedLine | None:
    """The line ``pattern`` as the index answers it, or None: its head is not one of the two forms exactly, or
    its predicate is not indexed (``prefixes``: the query's own and the engine's, prefix → IRI)."""
    head = _HEAD.match(pattern)
    if head is None:
        return None
    subject, name, obj, after = head.groups()
    predicate = _expand(name, prefixes)
    if predicate not in INDEXED or subject == obj or param in (subject, obj):
        return None
    o, p = re.escape(obj), re.escape(param)
    forms = {
        "contains": rf"CONTAINS\s*\(\s*LCASE\s*\(\s*STR\s*\(\s*\?{o}\s*\)\s*\)\s*,\s*LCASE\s*\(\s*STR\s*\(\s*\?{p}\s*\)\s*\)\s*\)\s*\)",
        "equals": rf"isLITERAL\s*\(\s*\?{p}\s*\)\s*&&\s*STR\s*\(\s*\?{o}\s*\)\s*=\s*STR\s*\(\s*\?{p}\s*\)\s*\)",
    }
    for test, form in forms.items():
        if re.match(rf"\s*{form}", after, re.I) is not None:
            return IndexedLine(subject, predicate, obj, test)
    return None


def _expand(name: str, prefixes: Mapping[str, str]) -> str | None:
    if name.startswith("<"):
        return name[1:-1]
    prefix, _, local = name.partition(":")
    base = prefixes.get(prefix)
    return None if base is None else base + local


def open_with_index(path: Path, opener: Callable[[], T]) -> tuple[T, TextIndex | None]:
    """``opener()``'s store at ``path`` and the text index of the folder ``path`` led to as it was opened (``path``
    may be a link a build switches: None if it switched meanwhile, so an index is never another store's)."""
    folder = Path(path).resolve()
    opened = opener()
    return opened, TextIndex.of_store(folder) if Path(path).resolve() == folder else None


def declared_prefixes(prologue: str) -> dict[str, str]:
    """The ``PREFIX p: <iri>`` declarations of a query's prologue."""
    return dict(re.findall(r"PREFIX\s+([A-Za-z][\w\-.]*|):\s*<([^<>\s]*)>", prologue, re.I))
