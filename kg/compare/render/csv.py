"""CSV renderings (the matrix CSV is a contract: first column the row label, then one integer column each)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from kg.compare.counting import Matrix
from kg.compare.explain import Explanation
from kg.compare.similarity import Similarity, Spread
from kg.compare.words import SEPARATOR, attribution_text, word


def matrix_csv(matrix: Matrix, lang: str = "zh") -> str:
    """First column ``category``/``mechanism`` (the label), then one integer column per province or organ type."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([matrix.by, *(c.label(lang) for c in matrix.columns)])
    for row, counts in zip(matrix.rows, matrix.counts(), strict=True):
        writer.writerow([row.label(lang), *counts])
    return out.getvalue()


def explanation_rows(expl: Explanation, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per quote, for CSV and JSON."""
    sep = SEPARATOR[lang]
    rows = []
    for item in expl.measures:
        m = item.measure
        for q in m.quotes or (None,):
            rows.append(
                {
                    "column": expl.column.label(lang),
                    "row": expl.row.label(lang),
                    "measure": m.iri,
                    "measure_label": m.label(lang),
                    "organs": sep.join(o.label(lang) for o in item.organs),
                    "via": sep.join(c.label(lang) for c in item.via),
                    "evidence": q.evidence if q else "",
                    "quote": q.exact if q else "",
                    "start": q.start if q else None,
                    "end": q.end if q else None,
                    "source": q.source if q else "",
                    "source_file": q.source_file if q else "",
                    "attribution": attribution_text(m.attribution, m.attribution_note, lang),
                    "quote_role": (word(q.context_word, lang) if q.is_context else "") if q else "",
                }
            )
    return rows


def explanation_csv(expl: Explanation, lang: str = "zh") -> str:
    rows = explanation_rows(expl, lang)
    fields = [
        "column",
        "row",
        "measure",
        "measure_label",
        "organs",
        "via",
        "evidence",
        "quote",
        "start",
        "end",
        "source",
        "source_file",
        "attribution",
        "quote_role",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def similarity_records(sims: Sequence[Similarity], lang: str = "zh") -> list[dict[str, Any]]:
    from kg.compare.render.text import _decimal, _fraction  # fractions: only similarity needs them

    records = []
    for sim in sims:
        for pair in sim.pairs:
            value = pair.jaccard
            records.append(
                {
                    "level": sim.by,
                    "a": pair.a.label(lang),
                    "b": pair.b.label(lang),
                    "shared": len(pair.shared),
                    "union": pair.union,
                    "jaccard": _fraction(value) if value is not None else "",
                    "jaccard_decimal": _decimal(value),
                }
            )
    return records


def similarity_csv(sims: Sequence[Similarity], lang: str = "zh") -> str:
    """One row per unordered pair: level, a, b, shared, union, jaccard (exact fraction), jaccard_decimal."""
    out = io.StringIO()
    fields = ["level", "a", "b", "shared", "union", "jaccard", "jaccard_decimal"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(similarity_records(sims, lang))
    return out.getvalue()


def overlap_csv(matrix: Matrix, spreads: Sequence[Spread], lang: str = "zh") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([matrix.by, "status", "count", matrix.across, "measures"])
    for s in spreads:
        writer.writerow(
            [
                s.row.label(lang),
                s.status,
                len(s.columns),
                SEPARATOR[lang].join(c.label(lang) for c in s.columns),
                s.measures,
            ]
        )
    return out.getvalue()
