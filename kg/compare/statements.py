"""Stating sentences: what ``--count statements`` counts.

A measure's stating quotes are its evidence marked ``zf:evidenceRole
zf:StatingSentence``, or, where the graph marks no role, every evidence that is
not marked ``zf:ContextHeading`` or ``zf:ContextClause`` (so the rule works before and after the
curation adds roles). The statement a quote makes is the sentence of the source
text that contains the quote's first character, a sentence ending at 。！？；
or a line break. Measures quoting the same sentence make one statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from kg.compare.model import Quote

#: Where a sentence ends (the terminator belongs to the sentence it closes).
SENTENCE_END = re.compile(r"[。！？；\n]")

#: A statement: (source IRI, start offset of its sentence).
Statement = tuple[str, int]


def sentence_start(text: str, offset: int) -> int:
    """Start of the sentence holding ``text[offset]``: just after the previous terminator."""
    start = 0
    for match in SENTENCE_END.finditer(text, 0, offset):
        start = match.end()
    while start < offset and text[start].isspace():
        start += 1
    return start


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding ``text[offset]``, terminator included."""
    start = sentence_start(text, offset)
    match = SENTENCE_END.search(text, offset)
    return start, match.end() if match else len(text)


def seed_text_reader(seeds: Path | None = None) -> Callable[[str], str | None]:
    """Reads a source's text by its ``zf:seedFile`` name from the seeds folder (cached)."""

    @cache
    def read(name: str) -> str | None:
        from kg.project import seeds_dir

        path = (seeds or seeds_dir()) / name
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    return read


def statements(quotes: Iterable[Quote], read: Callable[[str], str | None]) -> set[Statement]:
    """The sentences a measure's stating quotes stand in.

    A quote whose source text cannot be read (or without offsets) is its own
    statement: counted once, never merged with another.
    """
    found: set[Statement] = set()
    for quote in quotes:
        if quote.is_context:
            continue
        text = read(quote.source_file) if quote.source_file else None
        if text is None or quote.start is None:
            found.add((quote.evidence, -1))
            continue
        found.add((quote.source, sentence_start(text, quote.start)))
    return found
