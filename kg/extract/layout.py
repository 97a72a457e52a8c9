"""The layout of a text of this genre: page furniture, title and byline, editor's note,
section headings, and speech excerpts (headline, subheadline, speaker line, body).

Rule-based on lines: a heading is a short line without sentence punctuation; a
speaker line is a heading that ends in a post title and a personal name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.text import Segment, lines

#: Post titles a speaker line ends with, before the name (longest first).
TITLES = (
    "常务副省长", "常务副市长", "秘书长", "副书记", "副院长", "副检察长", "副厅长", "副局长", "副省长", "副市长",
    "副主任", "副部长", "副主席", "检察长", "监狱长", "总队长", "支队长", "书记", "常委", "委员", "院长", "厅长",
    "局长", "省长", "市长", "主任", "部长", "主席", "政委", "庭长", "处长", "队长", "会长",
)  # fmt: skip
TITLE = "|".join(sorted(TITLES, key=len, reverse=True))
#: A personal name: two to four Han characters (a middle dot for transliterated names).
NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5}"
SPEAKER_LINE = re.compile(rf"^(?P<post>\S.{{1,40}}?(?:{TITLE}))[ \t\u3000\xa0]*(?P<name>{NAME})$")
#: Sentence punctuation: a line with any of these is running text, not a heading.
SENTENCE_MARKS = re.compile(r"[。，,；;！？!?：:]")
BYLINE = re.compile(
    r"(?:(?P<date>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?:\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?\s*)?"
    r"(?:来源[:：]\s*(?P<publisher>\S+?)\s*)?(?:作者|记者)[:：]?\s*(?P<authors>[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4})*)\s*$"
)
EDITORS_NOTE = re.compile(r"^(?:【\s*)?编者按(?:\s*】)?(?:[:：]|$)")
#: Words of page furniture that a scraped page carries around an article.
FURNITURE = re.compile(
    r"^(?:视频推荐|图片新闻|相关新闻|相关阅读|热点推荐|推荐阅读|责任编辑|编辑[:：]|分享到|打印|关闭|返回顶部|上一篇|下一篇|"
    r"扫一扫|版权所有|Copyright|国际刊号|国内刊号|网上有害信息举报|【纠错】|\d{4}年\d{1,2}月\d{1,2}日$)",
    re.IGNORECASE,
)
MAX_HEADING = 40


@dataclass(frozen=True)
class SpeechLayout:
    segment: Segment
    headline: Segment | None
    subheadline: Segment | None
    speaker_line: Segment
    post: Segment
    name: Segment
    body: Segment | None


@dataclass
class Layout:
    furniture: list[Segment] = field(default_factory=list)
    header: Segment | None = None
    title: Segment | None = None
    subtitle: Segment | None = None
    byline: Segment | None = None
    byline_match: re.Match[str] | None = None
    note: Segment | None = None
    section_headings: list[Segment] = field(default_factory=list)
    speeches: list[SpeechLayout] = field(default_factory=list)

    def skipped(self) -> list[Segment]:
        """Stretches that hold no facts: furniture and the header."""
        return self.furniture + ([self.header] if self.header else [])


def is_heading(text: str, seg: Segment) -> bool:
    body = seg.of(text)
    return len(body) <= MAX_HEADING and not SENTENCE_MARKS.search(body)


def speaker_match(text: str, seg: Segment) -> re.Match[str] | None:
    body = seg.of(text)
    if len(body) > MAX_HEADING + 6 or SENTENCE_MARKS.search(body):
        return None
    return SPEAKER_LINE.match(body)


def analyse(text: str) -> Layout:
    layout = Layout()
    rows = lines(text)
    if not rows:
        return layout
    first_body = _header(text, rows, layout)
    speaker_rows = [i for i in range(first_body, len(rows)) if speaker_match(text, rows[i])]
    last = _tail_furniture(text, rows, layout)
    _note_and_speeches(text, rows, first_body, speaker_rows, last, layout)
    return layout


def _header(text: str, rows: list[Segment], layout: Layout) -> int:
    """Find byline, title and head furniture; return the index of the first row after them."""
    for i, row in enumerate(rows[:40]):
        m = BYLINE.search(row.of(text))
        if not m or not (m.group("date") or m.group("publisher")):
            continue
        layout.byline, layout.byline_match = row, m
        top = i
        if i >= 1 and rows[i - 1].of(text).startswith(("——", "—", "--")) and is_heading(text, rows[i - 1]):
            layout.subtitle = rows[i - 1]
            top = i - 1
        if top >= 1 and is_heading(text, rows[top - 1]) and not FURNITURE.match(rows[top - 1].of(text)):
            layout.title = rows[top - 1]
            top -= 1
        layout.header = Segment(rows[top].start, row.end)
        if top > 0:
            layout.furniture.append(Segment(rows[0].start, rows[top - 1].end))
        return i + 1
    # No byline: leading furniture lines only
    i = 0
    while i < len(rows) and FURNITURE.match(rows[i].of(text)):
        i += 1
    if i:
        layout.furniture.append(Segment(rows[0].start, rows[i - 1].end))
    return i


def _tail_furniture(text: str, rows: list[Segment], layout: Layout) -> int:
    """Mark trailing furniture lines; return the index after the last content row."""
    end = len(rows)
    while end > 0:
        body = rows[end - 1].of(text)
        if FURNITURE.match(body) or (len(body) <= 6 and not SENTENCE_MARKS.search(body) and end < len(rows)):
            end -= 1
            continue
        break
    # a run of short lines at the very end counts only if one of them is known furniture
    if end < len(rows) and any(FURNITURE.match(r.of(text)) for r in rows[end:]):
        layout.furniture.append(Segment(rows[end].start, rows[-1].end))
        return end
    return len(rows)


def _note_and_speeches(
    text: str, rows: list[Segment], first: int, speakers: list[int], last: int, layout: Layout
) -> None:
    speakers = [i for i in speakers if i < last]
    # headline rows of each speech: up to two heading rows right above its speaker line
    starts: list[int] = []
    for i in speakers:
        top = i
        while top - 1 >= first and i - (top - 1) <= 2 and is_heading(text, rows[top - 1]) and (top - 1) not in speakers:
            top -= 1
        starts.append(top)
    body_end = starts[0] if starts else last
    # editor's note
    at = first
    for i in range(first, body_end):
        if EDITORS_NOTE.match(rows[i].of(text)):
            stop = i + 1
            while stop < body_end and not (is_heading(text, rows[stop]) and stop > i + 1):
                stop += 1
            layout.note = Segment(rows[i].start, rows[stop - 1].end)
            at = stop
            break
    # section headings between the note (or header) and the first speech
    if starts:
        block = [r for r in rows[at:body_end] if is_heading(text, r)]
        if block and len(block) == body_end - at:
            layout.section_headings.append(Segment(block[0].start, block[-1].end))
    for n, (top, i) in enumerate(zip(starts, speakers, strict=True)):
        stop = starts[n + 1] if n + 1 < len(starts) else last
        heads = rows[top:i]
        m = speaker_match(text, rows[i])
        assert m is not None
        row = rows[i]
        body = Segment(rows[i + 1].start, rows[stop - 1].end) if i + 1 < stop else None
        layout.speeches.append(
            SpeechLayout(
                segment=Segment(rows[top].start, rows[stop - 1].end),
                headline=heads[0] if heads else None,
                subheadline=heads[1] if len(heads) > 1 else None,
                speaker_line=row,
                post=Segment(row.start + m.start("post"), row.start + m.end("post")),
                name=Segment(row.start + m.start("name"), row.start + m.end("name")),
                body=body,
            )
        )
