"""The draft as Turtle: project vocabulary, every node marked ``zf:reviewStatus zf:Draft``.

Written by hand (not by rdflib's serialiser) so that each candidate is one
commented block in text order, ready to be cut, edited and pasted into a facts
file. Candidates that match an entity already in the graph are referred to by
its IRI and not declared again.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from kg import __version__
from kg.evidence import evidence_turtle, span_at, turtle_literal
from kg.extract.model import Candidate, Draft, FigureData, Mention
from kg.namespaces import PREFIXES

DRAFT = "zf:reviewStatus zf:Draft"
#: One predicate and its object(s) in a node's block; None or [] leaves the row out.
Row = tuple[str, str | list[str] | None]
_USED_PREFIXES = ("zf", "zfr", "rdfs", "xsd", "skos", "org", "prov", "oa", "dcterms", "foaf")


def curie(iri: str) -> str:
    for prefix in ("zfr", "zf"):
        base = PREFIXES[prefix]
        if iri.startswith(base) and all(ch.isalnum() or ch in "-_" for ch in iri[len(base) :]):
            return f"{prefix}:{iri[len(base) :]}"
    return f"<{iri}>"


def zh(text: str) -> str:
    return turtle_literal(text) + "@zh"


def number_literal(value: Decimal, written: str) -> str:
    """84.73 stays a decimal, 26 an integer; 1.20 keeps its written precision."""
    if "." in written or value != value.to_integral_value():
        text = format(value, "f")
        return text if "." in text else text + ".0"
    return str(int(value))


class _Writer:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.text = draft.text
        self.by_key = draft.by_key()
        self.prefix = f"zfr:draft-{draft.sha256[:8]}-"
        self.evidence: dict[tuple[int, int], str] = {}
        self.source = curie(draft.source_iri)
        events = [c for c in draft.of_kind("event") if c.data.get("date")]
        self.event = events[0] if len(events) == 1 else None
        self.as_of = (str(self.event.data["date"]) if self.event else None) or draft.reference_date

    def iri(self, key: str | None) -> str | None:
        """The IRI of a candidate: the graph's own when it exists; None when the draft leaves it out (--only)."""
        cand = self.by_key.get(key) if key else None
        if cand is None:
            return None
        return curie(cand.existing) if cand.existing else self.prefix + cand.key

    def iris(self, keys: Iterable[str]) -> list[str]:
        return [iri for iri in map(self.iri, keys) if iri]

    def ev(self, mention: Mention | tuple[int, int]) -> str:
        start, end = (mention.start, mention.end) if isinstance(mention, Mention) else mention
        return self.evidence.setdefault((start, end), f"{self.prefix}ev-{start}-{end}")

    def block(self, subject: str, types: str, rows: Iterable[Row], comment: str) -> str:
        lines = [f"# {comment}", f"{subject} a {types} ;", f"    {DRAFT}"]
        for prop, value in rows:
            if value is None or value == []:
                continue
            values = value if isinstance(value, list) else [value]
            lines[-1] += " ;"
            lines.append(f"    {prop} " + " ,\n        ".join(values))
        lines[-1] += " ."
        return "\n".join(lines) + "\n"

    def guess_rows(self, cand: Candidate) -> list[Row]:
        if not cand.guesses:
            return []
        best = cand.guesses[0]
        return [("zf:suggestedMechanism", curie(best.mechanism)), ("zf:suggestionScore", f"{best.score:.2f}")]

    def comment(self, cand: Candidate) -> str:
        where = f"[{cand.start}, {cand.end})"
        guess = ""
        if cand.guesses:
            g = cand.guesses[0]
            guess = f"; guess: {g.mechanism_label} ({g.category_label}, {g.score:.2f})"
        inferred = "; inferred from a role word" if all(m.inferred for m in cand.mentions) else ""
        return f"{cand.kind} {cand.label} {where}{guess}{inferred}".replace("\n", " ")

    def write(self, provinces: dict[str, str]) -> str:
        out = [self.header()]
        for kind in self.draft.shown_kinds():
            cands = sorted(self.draft.of_kind(kind), key=lambda c: c.start)
            if not cands:
                continue
            out.append(f"\n#{'#' * 74}\n# {kind}s ({len(cands)})\n#{'#' * 74}\n")
            for cand in cands:
                out.append(self.node(cand, provinces))
        out.append(f"\n#{'#' * 74}\n# evidence ({len(self.evidence)})\n#{'#' * 74}\n")
        for (start, end), iri in sorted(self.evidence.items()):
            block = evidence_turtle(iri, self.source, span_at(self.text, start, end))
            out.append(block.replace(" a zf:Evidence ;\n", f" a zf:Evidence ;\n    {DRAFT} ;\n", 1) + "\n")
        return "\n".join(out)

    def header(self) -> str:
        status = "registered" if self.draft.registered else "NOT registered yet: run `kg add-source` first"
        prefixes = "\n".join(f"@prefix {p}: <{PREFIXES[p]}> ." for p in _USED_PREFIXES)
        counts = ", ".join(f"{n} {k}s" for k, n in self.draft.counts().items() if n)
        return (
            f"# DRAFT written by `kg extract` (zhengfa-kg {__version__}) from {self.draft.source_path}\n"
            f"# source {self.draft.source_iri} ({status})\n"
            f"# sha256 {self.draft.sha256}, {self.draft.characters} characters, reference date "
            f"{self.draft.reference_date or 'unknown'}\n"
            f"# {counts}\n"
            "# Every node is marked zf:reviewStatus zf:Draft: review it (docs/extending.md), give it an English\n"
            "# label, confirm or replace zf:suggestedMechanism (a guess) with zf:implements, rename its IRI,\n"
            "# drop the draft mark, and move it into a facts file. Never load a draft as curated data.\n\n"
            f"{prefixes}\n"
        )

    def node(self, cand: Candidate, provinces: dict[str, str]) -> str:
        if cand.existing:
            return f"# {self.comment(cand)}: already in the graph as {curie(cand.existing)}\n"
        subject = self.prefix + cand.key
        evidence = [self.ev(m) for m in cand.mentions]
        sentence = [self.ev((cand.sentence.start, cand.sentence.end))] if cand.sentence else None
        d = cand.data
        label: list[Row] = [("rdfs:label", zh(cand.label))]
        if cand.kind == "part":
            rows = [
                *label,
                ("rdfs:label", turtle_literal(str(d["label_en"])) + "@en" if d.get("label_en") else None),
                ("dcterms:isPartOf", self.source),
                ("zf:partKind", f"zf:{d['part_kind']}"),
                ("zf:startOffset", str(d["part_start"])),
                ("zf:endOffset", str(d["part_end"])),
                ("zf:headline", zh(str(d["headline"])) if d.get("headline") else None),
                ("zf:subheadline", zh(str(d["subheadline"])) if d.get("subheadline") else None),
                ("zf:speakerName", zh(str(d["speaker_name"])) if d.get("speaker_name") else None),
                ("zf:speakerPostText", zh(str(d["speaker_post_text"])) if d.get("speaker_post_text") else None),
                ("zf:organName", zh(str(d["organ_name"])) if d.get("organ_name") else None),
                ("zf:provinceName", zh(str(d["province_name"])) if d.get("province_name") else None),
            ]
            return self.block(subject, "zf:DocumentPart", rows, self.comment(cand))
        if cand.kind == "speech":
            rows = [
                *label,
                ("zf:headline", zh(str(d["headline"])) if d.get("headline") else None),
                ("zf:subheadline", zh(str(d["subheadline"])) if d.get("subheadline") else None),
                ("zf:speaker", self.iri(str(d["speaker"]))),
                ("zf:speakerPost", self.iris(d.get("posts", []))),
                ("zf:onBehalfOf", self.iri(d["organ"]) if d.get("organ") else None),
                ("zf:inProvince", provinces.get(str(d.get("province")))),
                ("zf:deliveredAt", self.iri(self.event.key) if self.event else None),
                ("zf:textPart", self.iri(str(d["part"]))),
                ("prov:wasDerivedFrom", evidence),
            ]
            return self.block(subject, "zf:Speech", rows, self.comment(cand))
        if cand.kind == "person":
            posts = self.iris(d.get("posts", []))
            rows = [*label, ("foaf:name", zh(cand.label)), ("org:holds", posts), ("prov:wasDerivedFrom", evidence)]
            return self.block(subject, "zf:Person", rows, self.comment(cand))
        if cand.kind == "post":
            rows = [
                *label,
                ("org:postIn", self.iri(str(d["organ"]))),
                ("org:heldBy", self.iri(str(d["holder"]))),
                ("zf:asOf", f'"{self.as_of}"^^xsd:date' if self.as_of else None),
                ("prov:wasDerivedFrom", evidence),
            ]
            return self.block(subject, "org:Post", rows, self.comment(cand))
        if cand.kind == "organ":
            rows = [
                *label,
                ("zf:inProvince", provinces.get(str(d.get("province")))),
                ("zf:administrativeLevel", turtle_literal(str(d["level"])) if d.get("level") else None),
                ("prov:wasDerivedFrom", evidence),
            ]
            return self.block(subject, f"zf:{d['class']}", rows, self.comment(cand))
        if cand.kind == "event":
            rows = [
                *label,
                ("dcterms:date", f'"{d["date"]}"^^xsd:date' if d.get("date") else None),
                ("prov:wasDerivedFrom", evidence),
            ]
            return self.block(subject, "zf:Event", rows, self.comment(cand))
        if cand.kind == "title":
            rows = [
                *label,
                ("dcterms:title", zh(str(d["title"]))),
                ("prov:wasDerivedFrom", evidence),
                ("zf:sentenceEvidence", sentence),
                *self.guess_rows(cand),
            ]
            return self.block(subject, "zf:PolicyDocument", rows, self.comment(cand))
        if cand.kind == "term":
            rows = [*label, ("prov:wasDerivedFrom", evidence), *self.guess_rows(cand)]
            return self.block(subject, "zf:QuotedTerm", rows, self.comment(cand))
        if cand.kind == "indicator":
            rows = [
                ("skos:inScheme", "zfr:indicators"),
                ("skos:prefLabel", zh(cand.label)),
                ("prov:wasDerivedFrom", evidence[:1]),
            ]
            return self.block(subject, "zf:Indicator , skos:Concept", rows, self.comment(cand))
        if cand.kind == "figure":
            return self.figure(cand, subject, evidence, sentence, provinces)
        if cand.kind == "measure":
            docs = d.get("documents", [])
            rows = [
                *label,
                ("zf:adoptedBy", self.iri(d["organ"]) if d.get("organ") else None),
                ("zf:reportedIn", self.iri(d["speech"]) if d.get("speech") else None),
                ("zf:hasFigure", self.iris(d.get("figures", []))),
                ("zf:createsDocument", self.iris(k for k, how in docs if how == "creates")),
                ("zf:reliesOnDocument", self.iris(k for k, how in docs if how == "relies")),
                *self.guess_rows(cand),
                ("prov:wasDerivedFrom", evidence),
                ("zf:sentenceEvidence", sentence),
            ]
            return self.block(subject, "zf:Measure", rows, self.comment(cand))
        raise ValueError(f"unknown candidate kind {cand.kind!r}")

    def figure(
        self, cand: Candidate, subject: str, evidence: list[str], sentence: list[str] | None, provinces: dict[str, str]
    ) -> str:
        f = cand.data["figure"]
        assert isinstance(f, FigureData)
        d = cand.data
        period = f.period
        rows: list[Row] = [
            ("rdfs:label", zh(cand.label)),
            ("zf:indicator", self.iri(d["indicator"]) if d.get("indicator") else None),
            ("zf:value", number_literal(f.value, f.number.text)),
            ("zf:unit", f"zf:{f.unit}"),
            ("zf:counterWord", zh(f.counter) if f.counter and f.unit == "Count" else None),
            ("zf:comparator", [f"zf:{c}" for c in f.comparators]),
            ("zf:periodLabel", [zh(period.label_zh), turtle_literal(period.label_en) + "@en"] if period else None),
            ("zf:periodStart", f'"{period.start}"^^xsd:date' if period and period.start else None),
            ("zf:periodEnd", f'"{period.end}"^^xsd:date' if period and period.end else None),
            ("zf:changeOf", self.iri(f.change_of)),
            ("zf:precededBy", self.iri(f.preceded_by)),
            ("zf:followedBy", self.iri(f.followed_by)),
            ("zf:aboutArea", provinces.get(str(d.get("province")))),
            ("zf:aboutOrgan", self.iri(f.about_organ)),
            ("zf:reportedIn", self.iri(d["speech"]) if d.get("speech") else None),
            *self.guess_rows(cand),
            ("prov:wasDerivedFrom", evidence),
            ("zf:sentenceEvidence", sentence),
        ]
        return self.block(subject, "zf:Figure", rows, self.comment(cand) + f"; rule: {f.rule}")


def to_turtle(draft: Draft, provinces: dict[str, str] | None = None) -> str:
    """The draft as Turtle; ``provinces`` maps short names (湖南) to province IRIs known to the graph."""
    return _Writer(draft).write({k: curie(v) for k, v in (provinces or {}).items()})
