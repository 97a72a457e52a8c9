"""One rule for naming a province, in every command: an unknown name is an error naming the known ones.

A province is named by its IRI (or prefixed name), its short name (湖南, Hunan) or
its full name (湖南省, Hunan Province), in any letter case. ``kg query --param
province=…``, ``kg viz --province`` and ``kg compare`` all answer an unknown name
with :func:`unknown_province`'s message, so a typo never silently gives nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.errors import UsageError

#: The provinces in a graph, with every name they go by (run by kg.query on any backend).
PROVINCES_QUERY = """\
PREFIX zf:   <https://w3id.org/zhengfa-kg/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?province ?name ?short ?lang WHERE {
  ?province a zf:Province .
  OPTIONAL { ?province zf:shortName|rdfs:label ?name }
  OPTIONAL { ?province zf:shortName ?short BIND(LANG(?short) AS ?lang) }
}
"""


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


@dataclass(frozen=True)
class Province:
    iri: str
    zh: str
    en: str
    names: frozenset[str]  # normalised: short and full names in every language

    def matches(self, name: str) -> bool:
        wanted = name.strip()
        if wanted.startswith("<") and wanted.endswith(">"):
            wanted = wanted[1:-1]
        return wanted == self.iri or normalise(wanted) in self.names


def provinces_from_rows(rows: Iterable[tuple[str, str | None, str | None, str | None]]) -> list[Province]:
    """Provinces from (IRI, a name, a short name, the short name's language) rows, as PROVINCES_QUERY gives."""
    names: dict[str, set[str]] = {}
    short: dict[str, dict[str, str]] = {}
    for iri, name, short_name, lang in rows:
        names.setdefault(iri, set())
        if name:
            names[iri].add(normalise(name))
        if short_name:
            short.setdefault(iri, {}).setdefault(lang or "", short_name)
    return [
        Province(iri, short.get(iri, {}).get("zh", iri), short.get(iri, {}).get("en", ""), frozenset(found))
        for iri, found in sorted(names.items())
    ]


def unknown_province(name: str, known: Iterable[Province | tuple[str, str]]) -> UsageError:
    """The one message for a name that matches no province: it lists the known ones (zh and en)."""
    pairs = sorted((p.zh, p.en) if isinstance(p, Province) else p for p in known)
    listing = ", ".join(f"{zh} ({en})" if en else zh for zh, en in pairs) or "none (the graph has no province)"
    return UsageError(f"no province named {name!r}; known: {listing}")


def find_province(name: str, known: Sequence[Province]) -> Province:
    """The province ``name`` names; none is :func:`unknown_province`, several an ambiguity error."""
    hits = [p for p in known if p.matches(name)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise unknown_province(name, known)
    raise UsageError(f"{name!r} names more than one province: {', '.join(p.iri for p in hits)}; give its IRI")
