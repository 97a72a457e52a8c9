"""From a text to a draft: every candidate with its exact quote, offsets and sentence."""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from kg.extract import figures as fig
from kg.extract.knowledge import Knowledge
from kg.extract.layout import TITLE, Layout, SpeechLayout, analyse
from kg.extract.mentions import EVENT_TERM, events, terms, titles
from kg.extract.model import Candidate, Draft, FigureData, Guess, Mention
from kg.extract.organs import OrganMention, corefer, organ_mentions, read_posts
from kg.extract.places import PROVINCE_NAME, Place, place_named
from kg.extract.text import Segment, SentenceIndex, SourceInput, clauses, sentences
from kg.namespaces import ZFR

#: Verbs that open a clause stating a measure (longest first when joined).
MEASURE_VERBS = (
    "建立健全", "建立完善", "严格实行", "严格执行", "主动接受", "定期公开", "逐项明确", "科学设置", "全面整合", "一体推进",
    "进一步落实", "积极部署", "积极构建", "共同制定", "联合", "建立", "健全", "完善", "制定", "出台", "推行", "建设",
    "建成", "构建", "开发", "实行", "推进", "开展", "落实", "细化", "明确", "设定", "强化", "加强", "深化", "创新",
    "探索", "编制", "开通", "成立", "部署", "坚持", "规范", "依托", "接入", "集成", "整合", "打造", "突出", "做实",
    "做优", "做强", "聘请", "设立", "推动", "制作", "嵌入", "实施", "引入", "指导", "优化", "重塑", "加大", "打通",
    "运用", "实现", "统一", "完成", "召开", "发挥", "着力", "加快", "提升",
)  # fmt: skip
MEASURE = re.compile(
    r"^(?:[一二三四五六七八九十]是|第[一二三四五六七八九十]+[，,、]?|首先|其次|同时|此外|另外|并|还|通过|积极|主动|全面|"
    r"深入|持续|不断|切实|认真|大力|扎实|率先|进一步|依法|严格)*(?P<verb>"
    + "|".join(sorted(MEASURE_VERBS, key=len, reverse=True))
    + ")"
)
CREATES = re.compile(r"出台|制定|编制|印发|发布|起草|联合制定|出台了")
MIN_MEASURE = 6
MAX_LABEL = 60


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Region:
    """A stretch of the text scanned for facts, with the province and speech it belongs to."""

    segment: Segment
    province: Place | None
    speech: str | None  # key of the speech candidate


class _Builder:
    def __init__(self, source: SourceInput, know: Knowledge, reference_date: str | None) -> None:
        self.text = source.text
        self.know = know
        self.layout: Layout = analyse(self.text)
        registered = know.sources.get(source.sha256) or know.sources.get(source.original_sha256)
        self.draft = Draft(
            source_path=str(source.path),
            source_iri=registered.iri if registered else str(ZFR[f"doc-{source.sha256[:16]}"]),
            registered=registered is not None,
            sha256=source.sha256,
            characters=len(self.text),
            reference_date=reference_date or (registered.issued if registered else None) or self._byline_date(),
            text=self.text,
        )
        self.ref_year = int(self.draft.reference_date[:4]) if self.draft.reference_date else None
        self.by_key: dict[str, Candidate] = {}
        self.organ_mentions: list[tuple[OrganMention, str]] = []  # mention, candidate key
        self.seen: dict[str, set[tuple[int, int]]] = {}  # candidate key → its mention spans
        self.title_at: list[tuple[int, str]] = []  # (mention start, title key), in text order
        self._clauses_of: Segment | None = None
        self._clauses: list[Segment] = []
        self.organ_sorted: list[tuple[OrganMention, str]] = []
        self.organ_starts: list[int] = []

    # -- helpers -------------------------------------------------------------------------------

    def _byline_date(self) -> str | None:
        m = self.layout.byline_match
        if m and m.group("date"):
            parts = re.findall(r"\d+", m.group("date"))
            if len(parts) == 3:
                return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
        return None

    def clauses(self, sentence: Segment) -> list[Segment]:
        """The clauses of a sentence (cached: figures and measures of one sentence ask for them often)."""
        if self._clauses_of != sentence:
            self._clauses_of, self._clauses = sentence, clauses(self.text, sentence)
        return self._clauses

    def mention(self, start: int, end: int, inferred: bool = False) -> Mention:
        return Mention(start, end, self.text[start:end], inferred)

    def add(self, candidate: Candidate) -> Candidate:
        existing = self.by_key.get(candidate.key)
        if existing is not None:
            seen = self.seen[candidate.key]
            for m in candidate.mentions:
                if (m.start, m.end) not in seen:
                    seen.add((m.start, m.end))
                    existing.mentions.append(m)
            return existing
        self.seen[candidate.key] = {(m.start, m.end) for m in candidate.mentions}
        self.by_key[candidate.key] = candidate
        self.draft.candidates.append(candidate)
        return candidate

    # -- document parts, speeches, people ---------------------------------------------------------

    def parts(self) -> list[Region]:
        text, layout = self.text, self.layout
        regions: list[Region] = []
        for seg in layout.furniture:
            self._part(seg, "PageFurniture", "页面杂项", "page furniture")
        if layout.header:
            self._part(layout.header, "ArticleHeader", "标题与署名", "title and byline")
        if layout.byline_match and layout.byline:
            at = layout.byline.start
            authors = layout.byline_match
            for m in re.finditer(r"[\u4e00-\u9fff·]{2,4}", authors.group("authors")):
                s = at + authors.start("authors") + m.start()
                self._person(m.group(), self.mention(s, s + len(m.group())), layout.byline, role="author")
        if layout.note:
            self._part(layout.note, "EditorsNote", "编者按", "editor's note")
            regions.append(Region(layout.note, None, None))
        for seg in layout.section_headings:
            self._part(seg, "ArticleHeader", "版面标题", "section heading")
        for speech in layout.speeches:
            regions.append(self._speech(speech))
        covered = sorted(
            layout.skipped() + layout.section_headings + [r.segment for r in regions], key=lambda s: s.start
        )
        fallback = self._document_province()
        at = 0
        for seg in [*covered, Segment(len(text), len(text))]:
            if seg.start > at and text[at : seg.start].strip():
                regions.append(Region(Segment(at, seg.start), fallback, None))
            at = max(at, seg.end)
        return sorted(regions, key=lambda r: r.segment.start)

    def _document_province(self) -> Place | None:
        """The province a text without speaker lines is about: the one it names most, if clearly so."""
        counts: dict[str, int] = {}
        places: dict[str, Place] = {}
        for m in re.finditer(PROVINCE_NAME, self.text):
            place = place_named(m.group())
            if place:
                counts[place.code] = counts.get(place.code, 0) + 1
                places[place.code] = place
        if not counts:
            return None
        code, top = max(counts.items(), key=lambda kv: kv[1])
        return places[code] if top * 2 > sum(counts.values()) else None

    def _part(self, seg: Segment, kind: str, zh: str, en: str, **data: object) -> Candidate:
        first_line = self.text[seg.start : seg.end].split("\n", 1)[0].rstrip()
        return self.add(
            Candidate(
                kind="part",
                key=f"part-{seg.start}",
                label=str(data.pop("label", zh)),
                mentions=[self.mention(seg.start, seg.start + len(first_line))],
                existing=self.know.parts.get((self.draft.source_iri, seg.start, seg.end)),
                data={
                    "part_kind": kind,
                    "part_start": seg.start,
                    "part_end": seg.end,
                    "label_en": data.pop("label_en", en),
                    **data,
                },
            )
        )

    def _speech(self, speech: SpeechLayout) -> Region:
        text = self.text
        place, posts = read_posts(text, speech.post.start, speech.post.end, TITLE)
        name = speech.name.of(text)
        headline = speech.headline.of(text) if speech.headline else None
        organ = posts[-1].organ if posts else None
        part = self._part(
            speech.segment,
            "SpeechExcerpt",
            "",
            "",
            label=f"发言：{organ.label if organ else name}",
            label_en="",
            headline=headline,
            subheadline=speech.subheadline.of(text) if speech.subheadline else None,
            speaker_name=name,
            speaker_post_text=speech.post.of(text),
            organ_name=organ.label if organ else None,
            province_name=place.short if place else None,
        )
        line = speech.speaker_line
        person = self._person(name, self.mention(speech.name.start, speech.name.end), line, role="speaker")
        post_keys = []
        for post in posts:
            organ_key = self._organ(post.organ, line)
            key = f"post-{short_hash(post.label)}"
            cand = self.add(
                Candidate(
                    kind="post",
                    key=key,
                    label=post.label,
                    mentions=[self.mention(post.start, post.end)],
                    sentence=line,
                    existing=self.know.posts.get(post.label),
                    data={"title": post.title, "organ": organ_key, "holder": person.key},
                )
            )
            post_keys.append(cand.key)
        person.data.setdefault("posts", [])
        person.data["posts"] = list(dict.fromkeys([*person.data["posts"], *post_keys]))
        speech_key = f"speech-{line.start}"
        label = f"{name}：{headline}" if headline else name
        self.add(
            Candidate(
                kind="speech",
                key=speech_key,
                label=label,
                mentions=[self.mention(line.start, line.end)],
                sentence=line,
                existing=self.know.speeches.get(part.existing) if part.existing else None,
                data={
                    "speaker": person.key,
                    "posts": post_keys,
                    "organ": self._organ(organ, line) if organ else None,
                    "province": place.short if place else None,
                    "part": part.key,
                    "headline": headline,
                    "subheadline": part.data.get("subheadline"),
                },
            )
        )
        return Region(speech.segment, place, speech_key)

    def _person(self, name: str, mention: Mention, line: Segment, role: str) -> Candidate:
        return self.add(
            Candidate(
                kind="person",
                key=f"person-{short_hash(name)}",
                label=name,
                mentions=[mention],
                sentence=line,
                existing=self.know.persons.get(name),
                data={"role": role},
            )
        )

    def _organ(self, organ: OrganMention, sentence: Segment | None) -> str:
        key = f"organ-{short_hash(organ.label)}"
        cand = self.add(
            Candidate(
                kind="organ",
                key=key,
                label=organ.label,
                mentions=[self.mention(organ.start, organ.end, organ.inferred)],
                sentence=sentence,
                existing=self.know.organs.get(organ.label),
                data={
                    "class": organ.cls,
                    "province": organ.place.short if organ.place else None,
                    "level": organ.level,
                },
            )
        )
        self.organ_mentions.append((organ, cand.key))
        return cand.key

    # -- facts in the running text ----------------------------------------------------------------

    def scan(self, regions: list[Region]) -> None:
        text = self.text
        all_sentences: list[Segment] = []
        for region in regions:
            all_sentences += sentences(text, region.segment.start, region.segment.end)
        index = SentenceIndex(text, all_sentences)
        for region in regions:
            seg = region.segment
            first = len(self.organ_mentions)
            for organ in corefer(organ_mentions(text, seg.start, seg.end, region.province)):
                self._organ(organ, index.sentence_at(organ.start))
            # the figures of this region look up the organs named in this region
            self.organ_sorted = sorted(self.organ_mentions[first:], key=lambda pair: pair[0].start)
            self.organ_starts = [organ.start for organ, _ in self.organ_sorted]
            self._titles(seg, index)
            self._terms(seg, index)
            self._events(seg, index)
            for sentence in sentences(text, seg.start, seg.end):
                figures_here = self._figures(sentence, region)
                if region.speech is not None or region.province is not None:
                    self._measures(sentence, region, figures_here)

    def _titles(self, seg: Segment, index: SentenceIndex) -> None:
        for found in titles(self.text, seg.start, seg.end):
            self.title_at.append((found.start, f"title-{short_hash(found.value)}"))
            self.add(
                Candidate(
                    kind="title",
                    key=f"title-{short_hash(found.value)}",
                    label=found.value,
                    mentions=[self.mention(found.start, found.end)],
                    sentence=index.sentence_at(found.start),
                    existing=self.know.titles.get(found.value),
                    data={"title": found.value, "nested": self.text[found.start] != "《"},
                )
            )

    def _terms(self, seg: Segment, index: SentenceIndex) -> None:
        for found in terms(self.text, seg.start, seg.end):
            self.add(
                Candidate(
                    kind="term",
                    key=f"term-{short_hash(found.value)}",
                    label=found.value,
                    mentions=[self.mention(found.start, found.end)],
                    sentence=index.sentence_at(found.start),
                    existing=self.know.labels.get(found.value) if self.know.linking else None,
                )
            )
            if EVENT_TERM.search(found.value):
                self._event(found.value, self.mention(found.value_start, found.value_end), index, None)

    def _events(self, seg: Segment, index: SentenceIndex) -> None:
        for m in events(self.text, seg.start, seg.end):
            month, day = (int(x) for x in re.findall(r"\d+", m.group("date")))
            date = f"{self.ref_year:04d}-{month:02d}-{day:02d}" if self.ref_year else None
            self._event(
                m.group("name"),
                self.mention(m.start("name"), m.end("name")),
                index,
                date,
                self.mention(m.start(), m.end()),
            )

    def _event(
        self, name: str, mention: Mention, index: SentenceIndex, date: str | None, statement: Mention | None = None
    ) -> None:
        cand = self.add(
            Candidate(
                kind="event",
                key=f"event-{short_hash(name)}",
                label=name,
                mentions=[statement or mention],
                sentence=index.sentence_at(mention.start),
                existing=self.know.events.get(name),
                data={"date": date},
            )
        )
        if date and not cand.data.get("date"):
            cand.data["date"] = date

    def _figures(self, sentence: Segment, region: Region) -> list[tuple[int, str]]:
        """Add the figures of one sentence; return (number start, key) of each."""
        found = fig.scan(self.text, sentence.start, sentence.end)
        if not found:
            return []
        found = fig.contextualise(self.text, sentence, found, self.ref_year)
        keys = {str(id(f)): f"figure-{f.number.start}" for f in found}
        for f in found:
            for attr in ("change_of", "preceded_by", "followed_by"):
                value = getattr(f, attr)
                if value is not None:
                    setattr(f, attr, keys.get(value))
            statement, label = self._statement(f, sentence)
            indicator_key = self._indicator(f, sentence) if f.indicator_mention else None
            f.about_organ = self._organ_within(
                min(statement.start, f.indicator_mention.start if f.indicator_mention else statement.start),
                f.number.end,
            )
            self.add(
                Candidate(
                    kind="figure",
                    key=f"figure-{f.number.start}",
                    label=label,
                    mentions=[statement],
                    sentence=sentence,
                    data={
                        "figure": f,
                        "indicator": indicator_key,
                        "speech": region.speech,
                        "province": region.province.short if region.province else None,
                    },
                )
            )
        return [(f.number.start, f"figure-{f.number.start}") for f in found]

    def _lead(self, f: FigureData, sentence: Segment) -> int:
        """Where the comparison words right before a number start (同比上升, 缩短), or the number's start."""
        before = self.text[max(sentence.start, f.number.start - 8) : f.number.start]
        for pattern in (fig.YOY_UP, fig.YOY_DOWN, fig.REDUCTION):
            m = pattern.search(before)
            if m:
                return f.number.start - len(before) + m.start()
        return f.number.start

    def _statement(self, f: FigureData, sentence: Segment) -> tuple[Mention, str]:
        """The figure with its indicator phrase when they stand together, and its label.

        一审服判息诉率86.56%, 26项执法司法制约监督具体任务; a change or a later value whose
        indicator stands further back is labelled with it (结收案比同比上升1.15个百分点)
        but quoted on its own.
        """
        lead = self._lead(f, sentence)
        number = self.text[lead : f.number.end]
        ind = f.indicator_mention
        clause = next((c for c in self.clauses(sentence) if c.start <= f.number.start < c.end), sentence)
        if ind is None:
            return self.mention(lead, f.number.end), number
        if f.number.end <= ind.start <= f.number.end + 1:
            return self.mention(lead, ind.end), self.text[lead : ind.end]
        if ind.start >= f.number.end:
            return self.mention(lead, f.number.end), number + ind.text
        if clause.start <= ind.start and ind.end <= lead and not (f.change_of or f.preceded_by):
            return self.mention(ind.start, f.number.end), ind.text + number
        return self.mention(lead, f.number.end), ind.text + number

    def _indicator(self, f: FigureData, sentence: Segment) -> str:
        assert f.indicator_mention is not None
        phrase = f.indicator_mention.text
        return self.add(
            Candidate(
                kind="indicator",
                key=f"indicator-{short_hash(phrase)}",
                label=phrase,
                mentions=[f.indicator_mention],
                sentence=sentence,
                existing=self.know.indicator_for(phrase),
            )
        ).key

    def _organ_within(self, start: int, end: int) -> str | None:
        """The first organ named inside [start, end) (organ mentions are added in text order per region)."""
        at = bisect.bisect_left(self.organ_starts, start)
        while at < len(self.organ_starts) and self.organ_starts[at] < end:
            organ, key = self.organ_sorted[at]
            if organ.end <= end:
                return key
            at += 1
        return None

    def _measures(self, sentence: Segment, region: Region, figures_here: list[tuple[int, str]]) -> None:
        text = self.text
        speech = self.by_key.get(region.speech) if region.speech else None
        organ = speech.data.get("organ") if speech else None
        for clause in self.clauses(sentence):
            body = clause.of(text)
            m = MEASURE.match(body)
            if not m or len(body) < MIN_MEASURE:
                continue
            start = clause.start + m.start("verb")
            end = clause.end
            while end > start and text[end - 1] in "。；;！？":
                end -= 1
            mention = self.mention(start, end)
            figures = [key for at, key in figures_here if start <= at < end]
            first = bisect.bisect_left(self.title_at, (start, ""))
            docs = []
            for at, key in self.title_at[first:]:
                if at >= end:
                    break
                docs.append((key, "creates" if CREATES.search(text[start:at]) else "relies"))
            label = mention.text if len(mention.text) <= MAX_LABEL else mention.text[: MAX_LABEL - 1] + "…"
            self.add(
                Candidate(
                    kind="measure",
                    key=f"measure-{start}",
                    label=label,
                    mentions=[mention],
                    sentence=sentence,
                    data={
                        "organ": organ,
                        "speech": region.speech,
                        "figures": figures,
                        "documents": docs,
                        "verb": m.group("verb"),
                    },
                )
            )

    # -- guesses ---------------------------------------------------------------------------------

    def guess(self) -> None:
        index = self.know.mechanisms
        if not index:
            return
        by_sentence: dict[Segment, list[Guess]] = {}  # many candidates share a sentence
        for cand in self.draft.candidates:
            if cand.kind in ("part", "person", "post", "organ", "speech", "event"):
                continue
            # the candidate's own words first (a term, a title, a measure's clause), then its sentence
            own = index.guesses(cand.label if cand.kind in ("term", "title") else cand.quote)
            if own or cand.sentence is None:
                cand.guesses = own
                continue
            if cand.sentence not in by_sentence:
                by_sentence[cand.sentence] = index.guesses(cand.sentence.of(self.text))
            cand.guesses = by_sentence[cand.sentence]

    def run(self) -> Draft:
        regions = self.parts()
        self.scan(regions)
        self.guess()
        return self.draft


def extract(source: SourceInput, knowledge: Knowledge, reference_date: str | None = None) -> Draft:
    """Draft every candidate fact of ``source``: parts, people, organs, titles, terms, figures, measures."""
    return _Builder(source, knowledge, reference_date).run()


def extract_text(text: str, knowledge: Knowledge, name: str = "<text>", reference_date: str | None = None) -> Draft:
    """Extract from a string (for tests and notebooks); the checksum is of its UTF-8 bytes."""
    from pathlib import Path

    data = text.encode("utf-8")
    source = SourceInput(Path(name), text, hashlib.sha256(data).hexdigest(), hashlib.sha256(data).hexdigest(), "utf-8")
    return extract(source, knowledge, reference_date)
