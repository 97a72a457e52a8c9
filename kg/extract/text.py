"""Reading an input text safely, and cutting it into lines, sentences and clauses.

Offsets everywhere are Unicode code points of the decoded text (Python ``str``
indices), as the evidence nodes need them; the text is never normalised, so an
offset into it is an offset into the file as registered.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

#: Default ceiling on the characters one run reads (about 3 MB of Chinese text);
#: a longer text is refused with a clear message rather than drafted for minutes.
DEFAULT_MAX_CHARS = 1_000_000

#: Bytes per code point at worst in UTF-8 and GB18030: a file this many times
#: the character limit is refused before it is read.
_BYTES_PER_CHAR = 4


@dataclass(frozen=True)
class SourceInput:
    """A decoded input text with the checksum of the bytes it would be registered as."""

    path: Path
    text: str
    sha256: str  # of the UTF-8 bytes (what ``kg add-source`` stores)
    original_sha256: str  # of the bytes as read
    encoding: str


def decode_bytes(data: bytes, encoding: str | None, name: str) -> str:
    """Decode ``data`` strictly; a binary or non-UTF-8 file gets a clear message."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if b"\x00" in data[:65536] and (encoding is None or not encoding.lower().startswith("utf-16")):
        raise InputError(f"{name}: this looks like a binary file (it contains NUL bytes), not a text")
    codec = _codec(encoding or "utf-8")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
        if encoding is None:
            raise InputError(
                f"{name}: not valid UTF-8 (first bad {where}); if it is a GBK/GB18030 text, "
                "say so with --encoding gb18030"
            ) from None
        raise InputError(f"{name}: not valid {encoding} (first bad {where})") from None
    if not text.strip():
        raise InputError(f"{name}: the file holds only white space")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 16:
        raise InputError(f"{name}: this looks like a binary file ({controls} control characters), not a text")
    return text


def _codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} (try utf-8, gb18030, gbk or big5)") from None


def read_source(path: Path, encoding: str | None = None, max_chars: int | None = DEFAULT_MAX_CHARS) -> SourceInput:
    """Read and decode a text file, refusing empty, binary, undecodable or oversized input."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if max_chars and size > max_chars * _BYTES_PER_CHAR:
        raise InputError(
            f"{path}: {size:,} bytes is more than this run reads (at most {max_chars:,} characters); "
            "split the text, or raise the limit with --max-chars"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    text = decode_bytes(data, encoding, str(path))
    if max_chars and len(text) > max_chars:
        raise InputError(
            f"{path}: {len(text):,} characters is more than this run reads (at most {max_chars:,}); "
            "split the text, or raise the limit with --max-chars"
        )
    utf8 = data if encoding is None or _codec(encoding) == "utf-8" else text.encode("utf-8")
    return SourceInput(
        path=path,
        text=text,
        sha256=hashlib.sha256(utf8).hexdigest(),
        original_sha256=hashlib.sha256(data).hexdigest(),
        encoding=_codec(encoding or "utf-8"),
    )


@dataclass(frozen=True)
class Segment:
    """A stretch of the text: ``text[start:end]``."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


_LINE = re.compile(r"[^\r\n]+")
#: Sentence ends: full stops, question and exclamation marks, semicolons, and line breaks.
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』]?|[\r\n]+")
#: Clause ends within a sentence (the enumeration comma 、 is not one: it joins list items).
_CLAUSE_END = re.compile(r"[，,：:]")
_SPACE = " \t\u3000\xa0"


def lines(text: str) -> list[Segment]:
    """Non-blank lines, trimmed of surrounding spaces (full-width and no-break spaces too)."""
    out = []
    for m in _LINE.finditer(text):
        seg = trim(text, m.start(), m.end())
        if seg is not None:
            out.append(seg)
    return out


def trim(text: str, start: int, end: int) -> Segment | None:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return Segment(start, end) if end > start else None


def _split(text: str, start: int, end: int, pattern: re.Pattern[str], keep_end: bool) -> Iterator[Segment]:
    at = start
    for m in pattern.finditer(text, start, end):
        stop = m.end() if keep_end and not m.group().isspace() else m.start()
        seg = trim(text, at, stop)
        if seg is not None:
            yield seg
        at = m.end()
    seg = trim(text, at, end)
    if seg is not None:
        yield seg


#: A "sentence" longer than this (a list run on with commas, a text without full stops) is cut at
#: clause marks into pieces of at most this many characters, so that work per sentence stays bounded.
MAX_SENTENCE = 600
_CUT = re.compile(r"[，,、：:]")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Segment]:
    """Sentences of ``text[start:end]``, each with its closing punctuation."""
    out: list[Segment] = []
    for seg in _split(text, start, len(text) if end is None else end, _SENTENCE_END, keep_end=True):
        if seg.end - seg.start <= MAX_SENTENCE:
            out.append(seg)
        else:
            out.extend(_pieces(text, seg))
    return out


def _pieces(text: str, seg: Segment) -> list[Segment]:
    """Cut an overlong sentence after clause marks (or anywhere, failing those) into bounded pieces."""
    pieces = []
    at = seg.start
    while seg.end - at > MAX_SENTENCE:
        limit = at + MAX_SENTENCE
        cut = None
        for m in _CUT.finditer(text, at + MAX_SENTENCE // 2, limit):
            cut = m.end()
        stop = cut or limit
        piece = trim(text, at, stop)
        if piece is not None:
            pieces.append(piece)
        at = stop
    last = trim(text, at, seg.end)
    if last is not None:
        pieces.append(last)
    return pieces


def clauses(text: str, sentence: Segment) -> list[Segment]:
    """Comma-separated clauses of a sentence, without the commas."""
    return list(_split(text, sentence.start, sentence.end, _CLAUSE_END, keep_end=False))


class SentenceIndex:
    """Finds the sentence around an offset in O(log n)."""

    def __init__(self, text: str, sentence_list: list[Segment]) -> None:
        self.text = text
        self.items = sentence_list
        self.starts = [s.start for s in sentence_list]

    def sentence_at(self, offset: int) -> Segment | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and self.items[i].start <= offset < max(self.items[i].end, self.items[i].start + 1):
            return self.items[i]
        return None
