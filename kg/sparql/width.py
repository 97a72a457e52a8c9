"""Display width of text in a terminal: East Asian wide and full-width characters take two columns."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    if text.isascii():
        return sum(1 for c in text if c.isprintable())
    return sum(char_width(c) for c in text)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """Cut ``text`` to at most ``width`` columns, ending in an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    room = width - display_width(ellipsis)
    out: list[str] = []
    used = 0
    for char in text:
        w = char_width(char)
        if used + w > room:
            break
        out.append(char)
        used += w
    return "".join(out) + ellipsis


def pad(text: str, width: int, align: str = "left") -> str:
    gap = max(width - display_width(text), 0)
    return " " * gap + text if align == "right" else text + " " * gap


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces.

    A word longer than a line (a run of Chinese text without spaces, a long IRI)
    is broken between characters, so that no line overflows.
    """
    width = max(width, 1)
    lines: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        size = display_width(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line and size <= width:
            lines.append(line)
            line, used = word, size
            continue
        if line:
            line, used = line + " ", used + 1
        for char in word:
            w = char_width(char)
            if used + w > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + char, used + w
    lines.append(line.rstrip())
    return lines
