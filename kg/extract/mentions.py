"""Quoted terms “…”, document titles 《…》 (and the titles nested in them), and events."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.coverage import PATTERNS

TERM = PATTERNS["term"]
TITLE = PATTERNS["title"]
#: Other quotation marks a text may use for a term.
OTHER_TERMS = re.compile(r"「(?P<value>[^「」\n]{1,40})」|『(?P<value2>[^『』\n]{1,40})』")
#: A title nested in a title: 《关于贯彻<中国共产党政法工作条例>…》 or 《…《…》…》.
INNER_TITLE = re.compile(r"[<〈＜《](?P<value>[^<>〈〉＜＞《》]+)[>〉＞》]")
MAX_TERM = 40
MAX_TITLE = 120

EVENT = re.compile(
    r"(?P<date>\d{1,2}月\d{1,2}日)[,，]?\s*(?P<name>[\u4e00-\u9fff]{4,30}?"
    r"(?:电视电话会议|视频会议|联席会议|会议|视频会|座谈会|推进会|工作会|现场会|大会|论坛|研讨会))"
    r"(?:在[\u4e00-\u9fff]{2,8})?召开"
)
EVENT_TERM = re.compile(r"(?:会议|视频会|座谈会|推进会|工作会|现场会|大会|论坛)$")


@dataclass(frozen=True)
class Found:
    start: int  # of the whole match (with its quotation marks)
    end: int
    value_start: int
    value_end: int
    value: str


def terms(text: str, start: int, end: int) -> list[Found]:
    out = []
    for m in TERM.finditer(text, start, end):
        value = m.group("value")
        if len(value) <= MAX_TERM and "\n" not in value and value.strip():
            out.append(Found(m.start(), m.end(), m.start("value"), m.end("value"), value))
    for m in OTHER_TERMS.finditer(text, start, end):
        group = "value" if m.group("value") else "value2"
        out.append(Found(m.start(), m.end(), m.start(group), m.end(group), m.group(group)))
    return sorted(out, key=lambda f: f.start)


def titles(text: str, start: int, end: int) -> list[Found]:
    """Every 《title》 and every title nested inside one."""
    out = []
    for m in TITLE.finditer(text, start, end):
        value = m.group("value")
        if len(value) > MAX_TITLE or "\n" in value:
            continue
        out.append(Found(m.start(), m.end(), m.start("value"), m.end("value"), value))
        for inner in INNER_TITLE.finditer(text, m.start("value"), m.end("value")):
            out.append(
                Found(inner.start(), inner.end(), inner.start("value"), inner.end("value"), inner.group("value"))
            )
    return sorted(out, key=lambda f: (f.start, -f.end))


def events(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(EVENT.finditer(text, start, end))
