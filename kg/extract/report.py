"""The draft as JSON (for programs) and as a Markdown review checklist (for people)."""

from __future__ import annotations

import json
from typing import Any

from kg.extract.model import Candidate, Draft, FigureData, Mention
from kg.extract.turtle import curie

HEADINGS = {
    "part": "Document parts",
    "speech": "Speeches",
    "event": "Events",
    "person": "People",
    "post": "Posts",
    "organ": "Organs",
    "title": "Documents named 《…》",
    "term": "Quoted terms “…”",
    "figure": "Figures",
    "indicator": "Indicators (what the figures measure)",
    "measure": "Measures (one per clause that opens with a verb of action)",
}
UNIT_EN = {
    "Percent": "%",
    "PercentagePoint": "percentage points",
    "Count": "count",
    "RatioToOne": "ratio 1:x",
    "Year": "years",
}


def _mention(m: Mention) -> dict[str, Any]:
    return {"start": m.start, "end": m.end, "text": m.text, **({"inferred": True} if m.inferred else {})}


def _candidate(draft: Draft, cand: Candidate) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": cand.kind,
        "key": cand.key,
        "iri": cand.existing or f"https://w3id.org/zhengfa-kg/id/draft-{draft.sha256[:8]}-{cand.key}",
        "existing": cand.existing,
        "label": cand.label,
        "quote": cand.quote,
        "start": cand.start,
        "end": cand.end,
        "mentions": [_mention(m) for m in cand.mentions],
        "sentence": (
            {"start": cand.sentence.start, "end": cand.sentence.end, "text": cand.sentence.of(draft.text)}
            if cand.sentence
            else None
        ),
        "guesses": [
            {
                "mechanism": g.mechanism,
                "mechanism_label": g.mechanism_label,
                "category": g.category,
                "category_label": g.category_label,
                "score": g.score,
                "matched": g.matched,
                "guess": True,
            }
            for g in cand.guesses
        ],
    }
    for key, value in cand.data.items():
        if isinstance(value, FigureData):
            out["figure"] = _figure(value)
        else:
            out[key] = value
    return out


def _figure(f: FigureData) -> dict[str, Any]:
    return {
        "value": str(f.value),
        "unit": f.unit,
        "counter_word": f.counter,
        "comparators": f.comparators,
        "number": _mention(f.number),
        "indicator": f.indicator,
        "indicator_mention": _mention(f.indicator_mention) if f.indicator_mention else None,
        "period": (
            {
                "zh": f.period.label_zh,
                "en": f.period.label_en,
                "start": f.period.start,
                "end": f.period.end,
                "mention": _mention(f.period.mention) if f.period.mention else None,
            }
            if f.period
            else None
        ),
        "change_of": f.change_of,
        "preceded_by": f.preceded_by,
        "followed_by": f.followed_by,
        "about_organ": f.about_organ,
        "rule": f.rule,
    }


def to_json(draft: Draft) -> str:
    data = {
        "source": {
            "path": draft.source_path,
            "iri": draft.source_iri,
            "registered": draft.registered,
            "sha256": draft.sha256,
            "characters": draft.characters,
            "reference_date": draft.reference_date,
        },
        "counts": draft.counts(),
        "draft": True,
        "candidates": [_candidate(draft, c) for c in draft.shown_candidates()],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _clip(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_").replace("`", "'")


class _Checklist:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.by_key = draft.by_key()

    def name(self, key: object) -> str:
        cand = self.by_key.get(str(key)) if key else None
        return _md(cand.label) if cand else "—"

    def where(self, cand: Candidate) -> str:
        return f"[{cand.start}–{cand.end})"

    def guess(self, cand: Candidate) -> str:
        if not cand.guesses:
            return " · no mechanism guess"
        g = cand.guesses[0]
        others = "; ".join(f"{_md(o.mechanism_label)} {o.score:.2f}" for o in cand.guesses[1:])
        more = f" (also: {others})" if others else ""
        return f" · guess (unconfirmed): {_md(g.mechanism_label)} — {_md(g.category_label)} {g.score:.2f}{more}"

    def existing(self, cand: Candidate) -> str:
        return f" · already in the graph: `{curie(cand.existing)}`" if cand.existing else ""

    def sentence(self, cand: Candidate) -> str:
        if cand.sentence is None:
            return ""
        return f"\n  > {_md(_clip(cand.sentence.of(self.draft.text)))}"

    def item(self, cand: Candidate) -> str:
        d = cand.data
        head = f"- [ ] **{_md(cand.label)}** {self.where(cand)}"
        if cand.kind == "part":
            extra = f" · {d['part_kind']} [{d['part_start']}–{d['part_end']})"
            if d.get("headline"):
                extra += f" · headline {_md(str(d['headline']))}"
            if d.get("speaker_name"):
                extra += f" · speaker {_md(str(d['speaker_name']))} ({_md(str(d.get('speaker_post_text')))})"
            return head + extra + self.existing(cand)
        if cand.kind == "speech":
            return (
                head + f" · speaker {self.name(d['speaker'])} · organ {self.name(d.get('organ'))}"
                f" · province {d.get('province') or '—'}" + self.existing(cand)
            )
        if cand.kind in ("person", "post", "event"):
            extra = ""
            if cand.kind == "post":
                extra = f" · in {self.name(d['organ'])} · held by {self.name(d['holder'])}"
            if cand.kind == "person":
                extra = f" · {d.get('role')}"
            if cand.kind == "event" and d.get("date"):
                extra = f" · date {d['date']} (year from the reference date)"
            return head + extra + f" · quote “{_md(cand.quote)}”" + self.existing(cand)
        if cand.kind == "organ":
            mentions = ", ".join(
                f"{_md(m.text)}{' (inferred)' if m.inferred else ''} @{m.start}" for m in cand.mentions[:8]
            )
            more = f" … {len(cand.mentions)} in all" if len(cand.mentions) > 8 else ""
            flag = " · ⚠ named only through role words: check" if all(m.inferred for m in cand.mentions) else ""
            return (
                head
                + f" · zf:{d['class']} · province {d.get('province') or '—'} · mentions: {mentions}{more}"
                + flag
                + self.existing(cand)
            )
        if cand.kind == "title":
            nested = " · nested in another title" if d.get("nested") else ""
            return head + nested + self.existing(cand) + self.guess(cand) + self.sentence(cand)
        if cand.kind == "term":
            where = ", ".join(f"@{m.start}" for m in cand.mentions)
            return head + f" · at {where}" + self.existing(cand) + self.guess(cand) + self.sentence(cand)
        if cand.kind == "indicator":
            return head + self.existing(cand)
        if cand.kind == "figure":
            return head + self.figure(cand) + self.guess(cand) + self.sentence(cand)
        if cand.kind == "measure":
            figures = ", ".join(self.name(k) for k in d.get("figures", []))
            docs = ", ".join(f"{how} {self.name(k)}" for k, how in d.get("documents", []))
            extra = f" · adopted by {self.name(d.get('organ'))}"
            extra += f" · figures: {figures}" if figures else ""
            extra += f" · documents: {docs}" if docs else ""
            return head + extra + self.guess(cand) + self.sentence(cand)
        return head

    def figure(self, cand: Candidate) -> str:
        f = cand.data["figure"]
        assert isinstance(f, FigureData)
        parts = [f"value {f.value} {UNIT_EN.get(f.unit, f.unit)}" + (f" ({f.counter})" if f.counter else "")]
        parts.append(f"indicator {_md(f.indicator)}" if f.indicator else "⚠ no indicator: choose one")
        if f.period:
            dates = f"{f.period.start or '?'}…{f.period.end or ''}" if f.period.start else "dates to fill in"
            parts.append(f"period {f.period.label_zh} ({f.period.label_en}; {dates})")
        else:
            parts.append("no period in the sentence")
        if f.comparators:
            parts.append("compared: " + ", ".join(f.comparators))
        for label, key in (("change of", f.change_of), ("after", f.preceded_by), ("before", f.followed_by)):
            if key:
                parts.append(f"{label} {self.name(key)}")
        if f.about_organ:
            parts.append(f"organ {self.name(f.about_organ)}")
        parts.append(f"quote “{_md(cand.quote)}”")
        return " · " + " · ".join(parts)

    def render(self) -> str:
        draft = self.draft
        status = "registered" if draft.registered else "**not registered yet** — run `kg add-source` before validating"
        counts = ", ".join(f"{n} {k}" for k, n in draft.counts().items() if n)
        lines = [
            f"# Review checklist: {_md(draft.source_path)}",
            "",
            f"Source `{curie(draft.source_iri)}` ({status}) · sha256 `{draft.sha256[:16]}…` · "
            f"{draft.characters} characters · reference date {draft.reference_date or 'unknown'}.",
            "",
            f"Draft candidates: {counts}. Everything here is machine-extracted and unreviewed; "
            "mechanisms are **guesses** matched on taxonomy labels. Offsets are code points, [start–end).",
            "",
            "How to work through it (details in docs/extending.md):",
            "",
            "1. For each item: keep it (tick the box), fix it, or strike it out; check the quote against the sentence.",
            "2. Reuse what the graph has (items marked *already in the graph*); look up others with "
            "`grep -rn 'label \"…\"@zh' ontology/`.",
            "3. In the Turtle draft: give each kept node an English label, replace `zf:suggestedMechanism` "
            "with a confirmed `zf:implements`, rename `zfr:draft-…` IRIs, and delete `zf:reviewStatus zf:Draft`.",
            "4. Move the nodes into `ontology/facts/<file>.ttl`, then run `kg validate` and `kg stats`.",
            "",
        ]
        for kind in draft.shown_kinds():
            cands = sorted(draft.of_kind(kind), key=lambda c: c.start)
            if not cands:
                continue
            lines += [f"## {HEADINGS[kind]} ({len(cands)})", ""]
            lines += [self.item(c) for c in cands]
            lines.append("")
        return "\n".join(lines)


def to_markdown(draft: Draft) -> str:
    return _Checklist(draft).render()
