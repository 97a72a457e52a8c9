"""The likely mechanism of a sentence, matched against the taxonomy's labels in the graph.

A label found verbatim scores 1; otherwise a label scores the share of its
character bigrams that the sentence holds, each bigram weighted by how rare it
is among the labels (so 监督, 机制 and 执法 count for little). The best
mechanism above a threshold is offered as a guess, with its top category.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from kg.extract.model import Guess
from kg.namespaces import RDF, SKOS, ZF

#: A guess below this score is not offered.
THRESHOLD = 0.4
_QUOTES = re.compile(r"[“”\"《》〈〉<>「」『』\s]")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class _Label:
    concept: URIRef
    text: str
    grams: frozenset[str]
    weight: float


class MechanismIndex:
    def __init__(self, graph: Graph) -> None:
        self.labels: list[_Label] = []
        self.pref: dict[URIRef, str] = {}
        self.category: dict[URIRef, URIRef] = {}
        # A measure implements a mechanism, never a whole category (the shapes refuse it): suggest none.
        categories = set(graph.subjects(RDF.type, ZF.MechanismCategory))
        concepts = sorted(
            {c for c in graph.subjects(RDF.type, ZF.Mechanism) if isinstance(c, URIRef) and c not in categories}
        )
        for concept in concepts:
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                names = sorted(
                    str(o) for o in graph.objects(concept, prop) if isinstance(o, Literal) and o.language == "zh"
                )
                for name in names:
                    if prop == SKOS.prefLabel:
                        self.pref[concept] = name
                    cleaned = _QUOTES.sub("", name)
                    if len(cleaned) >= 2:
                        self.labels.append(_Label(concept, cleaned, frozenset(_bigrams(cleaned)), 0.0))
            self.category[concept] = self._top(graph, concept)
        df: dict[str, int] = defaultdict(int)
        for entry in self.labels:
            for gram in sorted(entry.grams):
                df[gram] += 1
        n = max(len(self.labels), 1)
        self.idf = {gram: math.log(1 + n / count) for gram, count in df.items()}
        self.labels = [
            _Label(lb.concept, lb.text, lb.grams, sum(self.idf[g] for g in sorted(lb.grams)) or 1.0)
            for lb in self.labels
        ]
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self.labels):
            for gram in entry.grams:
                self.postings[gram].append(i)

    @staticmethod
    def _top(graph: Graph, concept: URIRef) -> URIRef:
        seen = {concept}
        node = concept
        while True:
            broader = graph.value(node, SKOS.broader)
            if not isinstance(broader, URIRef) or broader in seen:
                return node
            seen.add(broader)
            node = broader

    def __bool__(self) -> bool:
        return bool(self.labels)

    def guesses(self, text: str, limit: int = 3) -> list[Guess]:
        """The best mechanisms for ``text``, best first (one per mechanism)."""
        if not self.labels or not text:
            return []
        plain = _QUOTES.sub("", text)
        grams = _bigrams(plain)
        hits: dict[int, float] = defaultdict(float)
        for gram in sorted(grams):  # a fixed order keeps float sums, and so ties, the same run to run
            weight = self.idf.get(gram)
            if weight is None:
                continue
            for i in self.postings[gram]:
                hits[i] += weight
        best: dict[URIRef, tuple[float, str]] = {}
        for i, total in hits.items():
            label = self.labels[i]
            score = 1.0 if label.text in plain else round(total / label.weight, 6)
            if score >= THRESHOLD and (label.concept not in best or score > best[label.concept][0]):
                best[label.concept] = (score, label.text)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -len(kv[1][1]), str(kv[0])))[:limit]
        out = []
        for concept, (score, matched) in ranked:
            category = self.category.get(concept, concept)
            out.append(
                Guess(
                    mechanism=str(concept),
                    mechanism_label=self.pref.get(concept, matched),
                    category=str(category),
                    category_label=self.pref.get(category, ""),
                    score=round(min(score, 1.0), 2),
                    matched=matched,
                )
            )
        return out
