"""Running the package's queries on either backend, and picking labels from their answers."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Union

import pyoxigraph as ox

from kg.compare.vocab import QUERY_PREFIXES, curie, iri_list

if TYPE_CHECKING:
    from rdflib import Graph

#: Where the data is read from: the built Oxigraph store, or an rdflib graph.
Source = Union["ox.Store", "Graph"]

Labels = dict[str, dict[str, list[str]]]


class _Text(str):
    """A literal's lexical form and language tag: all the loaders need of a term, cheap to make."""

    language: str | None = None


def _light(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        text = _Text(term.value)
        text.language = term.language
        return text
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def sparql(graph: Source, body: str) -> list[tuple[Any, ...]]:
    """Rows of terms (str for an IRI, a str with ``.language`` for a literal, None where unbound).

    Reads a pyoxigraph Store directly (without rdflib terms, which cost more than the
    query on a large store) or runs the query through an rdflib Graph.
    """
    text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in QUERY_PREFIXES.items()) + body
    if isinstance(graph, ox.Store):
        solutions = graph.query(text)
        assert isinstance(solutions, ox.QuerySolutions)
        names = solutions.variables
        return [tuple(_light(row[v]) for v in names) for row in solutions]
    return [tuple(row) for row in graph.query(text)]  # type: ignore[arg-type]


def ask(graph: Source, pattern: str) -> bool:
    """Whether ``pattern`` has a solution (an ASK query, on either backend)."""
    text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in QUERY_PREFIXES.items()) + f"ASK {{ {pattern} }}"
    if isinstance(graph, ox.Store):
        return bool(graph.query(text))
    return bool(graph.query(text).askAnswer)


def is_store(graph: Source) -> bool:
    return isinstance(graph, ox.Store)


def text(term: Any) -> str:
    return "" if term is None else str(term)


def lang_of(term: Any) -> str:
    return (getattr(term, "language", None) or "").lower().split("-")[0]


def natural_key(value: str) -> tuple[Any, ...]:
    """Sort "2" before "10" in notations."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", value))


def labels(graph: Source, subjects: Iterable[str] | None = None) -> Labels:
    """IRI → language → labels, from rdfs:label and skos:prefLabel (short names separately).

    With ``subjects``, only theirs: the matrix needs the labels of its rows and
    columns, not of every node of a million-triple graph.
    """
    found: Labels = defaultdict(lambda: defaultdict(list))
    if subjects is not None:
        wanted = sorted(set(subjects))
        if not wanted:
            return found
        rows = sparql(
            graph,
            f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {iri_list(wanted)} }} "
            "{ ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label } }",
        )
    else:
        rows = sparql(
            graph,
            "SELECT ?s ?label WHERE { { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label } FILTER(isIRI(?s)) }",
        )
    for subject, label in rows:
        found[str(subject)][lang_of(label)].append(str(label))
    return found


def pick(found: dict[str, list[str]] | None, lang: str, fallback: str) -> str:
    """A label in ``lang``; else the other language; else an untagged one; else the fallback."""
    if found:
        other = "en" if lang == "zh" else "zh"
        for key in (lang, other, ""):
            if found.get(key):
                return min(found[key])
    return fallback


def entity_labels(found: Labels, iri: str) -> tuple[str, str]:
    local = curie(iri).split(":", 1)[-1]
    mine = found.get(iri)
    return pick(mine, "zh", local), pick(mine, "en", local)
