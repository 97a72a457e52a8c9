"""What the extractor finds: candidates, each with its exact quote and offsets."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kg.extract.text import Segment

#: Candidate kinds, in the order the review checklist lists them.
KINDS = ("part", "speech", "event", "person", "post", "organ", "title", "term", "figure", "indicator", "measure")


@dataclass(frozen=True)
class Mention:
    """One place in the text where a candidate is named: the exact quote and its offsets."""

    start: int
    end: int
    text: str
    inferred: bool = False  # named only indirectly (e.g. 法官 for the courts); worth a closer look


@dataclass(frozen=True)
class Guess:
    """A likely mechanism from the taxonomy, matched on its labels: a guess for a reviewer."""

    mechanism: str  # IRI
    mechanism_label: str
    category: str  # IRI of its top category
    category_label: str
    score: float
    matched: str  # the taxonomy label that matched


@dataclass
class Candidate:
    kind: str
    key: str  # unique within the draft, stable for the same text (kind + offset or label)
    label: str  # the normalised label (zh)
    mentions: list[Mention]
    sentence: Segment | None = None
    guesses: list[Guess] = field(default_factory=list)
    existing: str | None = None  # IRI of a matching entity already in the graph
    data: dict[str, Any] = field(default_factory=dict)  # fields of its kind (see the extractor)

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[0].end

    @property
    def quote(self) -> str:
        return self.mentions[0].text


@dataclass(frozen=True)
class Period:
    label_zh: str
    label_en: str
    start: str | None = None  # ISO date
    end: str | None = None
    mention: Mention | None = None


@dataclass
class FigureData:
    """The parts of a figure candidate beyond its mention (kept in ``Candidate.data['figure']``)."""

    value: Decimal
    unit: str  # local name in zf: Percent, PercentagePoint, Count, RatioToOne, Year
    number: Mention  # the number itself, e.g. "84.73%"
    counter: str | None = None
    comparators: list[str] = field(default_factory=list)  # local names in zf:
    period: Period | None = None
    indicator: str | None = None  # indicator phrase
    indicator_mention: Mention | None = None
    change_of: str | None = None  # key of the figure this one is the change of
    preceded_by: str | None = None
    followed_by: str | None = None
    about_organ: str | None = None  # key of an organ candidate
    rule: str = ""  # which rule found it, for the checklist


@dataclass
class Draft:
    """Everything extracted from one text."""

    source_path: str
    source_iri: str  # full IRI of the source document (registered or to be registered)
    registered: bool
    sha256: str
    characters: int
    reference_date: str | None
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    #: The kinds to write out (``--only``); the others stay in the draft so references to them resolve.
    shown: frozenset[str] | None = None

    def shown_kinds(self) -> list[str]:
        return [k for k in KINDS if self.shown is None or k in self.shown]

    def shown_candidates(self) -> list[Candidate]:
        """The candidates to write, kind by kind, each kind in text order."""
        return [c for kind in self.shown_kinds() for c in sorted(self.of_kind(kind), key=lambda c: c.start)]

    def of_kind(self, kind: str) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == kind]

    def by_key(self) -> dict[str, Candidate]:
        return {c.key: c for c in self.candidates}

    def counts(self) -> dict[str, int]:
        """Candidates per kind written out."""
        return {kind: len(self.of_kind(kind)) for kind in self.shown_kinds()}
