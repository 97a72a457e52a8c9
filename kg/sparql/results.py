"""The answer to a query, whatever ran it: solutions, a boolean, or triples."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.sparql.terms import Term, compact_iri, python_value

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


@dataclass
class QueryResult:
    """Solutions of a SELECT (``variables`` and ``rows``), the answer of an ASK, or the triples of a CONSTRUCT/DESCRIBE.

    Terms are pyoxigraph terms (``None`` where a variable is unbound); ``records()``
    and ``to_dataframe()`` give plain Python values instead.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    #: For one page of solutions (``limit``/``offset``): the first row's place in the whole answer,
    #: and whether rows follow this page.
    offset: int = 0
    more: bool = False

    @property
    def is_graph(self) -> bool:
        return self.form in GRAPH_FORMS

    def __len__(self) -> int:
        if self.is_graph:
            return len(self.triples)
        if self.form == "ASK":
            return 1
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.form == "ASK" else len(self) > 0

    def __iter__(self) -> Iterator[dict[str, Term | None]]:
        """Each solution as a dict of variable name → term."""
        for row in self.rows:
            yield dict(zip(self.variables, row, strict=True))

    def column(self, name: str) -> list[Term | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def records(self, compact: bool = False) -> list[dict[str, Any]]:
        """Solutions as dicts of Python values: int, Decimal, float, bool, date, str (IRIs full, or compact)."""
        out: list[dict[str, Any]] = []
        for row in self.rows:
            record: dict[str, Any] = {}
            for name, term in zip(self.variables, row, strict=True):
                if compact and isinstance(term, ox.NamedNode):
                    record[name] = compact_iri(term.value, self.prefixes).strip("<>")
                else:
                    record[name] = python_value(term)
            out.append(record)
        return out

    def to_dataframe(self, compact: bool = False) -> Any:
        """A pandas DataFrame of the solutions (decimals become floats); needs pandas installed."""
        try:
            import pandas as pd
        except ImportError as exc:  # pandas is the optional extra "pandas"
            raise ImportError(
                "to_dataframe() needs pandas, an optional extra: pip install 'zhengfa-kg[pandas]' "
                "(or, in a checkout, pip install '.[pandas]')"
            ) from exc
        if self.is_graph:
            rows = [(python_value(t.subject), t.predicate.value, python_value(t.object)) for t in self.triples]
            return pd.DataFrame(rows, columns=["subject", "predicate", "object"])
        records = [{k: float(v) if isinstance(v, Decimal) else v for k, v in r.items()} for r in self.records(compact)]
        return pd.DataFrame.from_records(records, columns=self.variables)

    def to_rdflib(self) -> Any:
        """The triples of a CONSTRUCT/DESCRIBE as an rdflib Graph."""
        from kg.sources import new_graph
        from kg.sparql.terms import to_rdflib

        graph = new_graph()
        for triple in self.triples:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def serialize(self, fmt: str = "table", max_width: int | None = None) -> str:
        """The result as text: table, csv, tsv, json, md; turtle, nt or jsonld for triples."""
        from kg.sparql.formats import render

        return render(self, fmt, max_width=max_width)

    def _repr_html_(self) -> str:  # Jupyter shows this
        from kg.sparql.formats import to_html

        return to_html(self)

    def __repr__(self) -> str:
        if self.form == "ASK":
            return f"<QueryResult ASK {self.boolean}>"
        if self.is_graph:
            return f"<QueryResult {self.form}: {len(self.triples)} triples>"
        return f"<QueryResult SELECT {' '.join('?' + v for v in self.variables)}: {len(self.rows)} rows>"


def with_prefixes(result: QueryResult, prefixes: Mapping[str, str]) -> QueryResult:
    result.prefixes = dict(prefixes)
    return result
