"""JSON renderings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kg.compare.basis import Basis
from kg.compare.counting import Matrix
from kg.compare.explain import Explanation
from kg.compare.model import Entity
from kg.compare.render.text import _fraction
from kg.compare.similarity import Similarity, Spread
from kg.compare.words import caveat, note_of


def _entity_json(entity: Entity) -> dict[str, str]:
    return {"iri": entity.iri, "zh": entity.zh, "en": entity.en}


def basis_json(entries: Sequence[Basis]) -> list[dict[str, Any]]:
    """What a column rests on: each source part, its speaker's organ and organ type, length, measures."""
    return [
        {
            "part": e.part.iri,
            "speech": e.part.speech,
            "province": e.part.province,
            "organ": e.part.organ.zh if e.part.organ else None,
            "organIri": e.part.organ.iri if e.part.organ else None,
            "organType": [t.iri for t in e.part.organ_types],
            "organTypeLabel": [t.zh for t in e.part.organ_types],
            "start": e.part.start,
            "end": e.part.end,
            "characters": e.characters,
            "measures": e.measures,
        }
        for e in entries
    ]


def matrix_json(matrix: Matrix, lang: str = "zh") -> str:
    basis = matrix.basis()
    data = {
        "by": matrix.by,
        "across": matrix.across,
        "count": matrix.rule,
        "note": note_of(matrix, lang),
        "caveat": {"zh": caveat("zh", matrix.across), "en": caveat("en", matrix.across)},
        "columns": [{**_entity_json(c), "basis": basis_json(basis.get(c.iri, []))} for c in matrix.columns],
        "rows": [
            {
                **_entity_json(r),
                "depth": r.depth,
                "categories": list(r.categories),
                "label": r.label(lang),
                "counts": {c.label(lang): matrix.count(r.iri, c.iri) for c in matrix.columns},
                "measures": {c.label(lang): sorted(matrix.measures(r.iri, c.iri)) for c in matrix.columns},
                "total": matrix.row_total(r.iri),
            }
            for r in matrix.rows
        ],
        "column_totals": {c.label(lang): matrix.column_total(c.iri) for c in matrix.columns},
        "total": matrix.grand_total(),
        "unplaced": [{"measure": u.measure, "code": u.code, "reason": u.why(lang)} for u in matrix.unplaced],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def explanation_json(expl: Explanation, lang: str = "zh") -> str:
    data = {
        "by": expl.by,
        "across": expl.across,
        "column": _entity_json(expl.column),
        "row": _entity_json(expl.row),
        "count": len(expl.measures),
        "basis": basis_json(expl.basis),
        "measures": [
            {
                **_entity_json(item.measure),
                "organs": [_entity_json(o) for o in item.organs],
                "via": [_entity_json(c) for c in item.via],
                "attributionBasis": item.measure.attribution,
                "attributionNote": {"zh": item.measure.attribution_note[0], "en": item.measure.attribution_note[1]},
                "quotes": [
                    {
                        "evidence": q.evidence,
                        "role": q.role,
                        "heading": q.is_heading,
                        "exact": q.exact,
                        "prefix": q.prefix,
                        "suffix": q.suffix,
                        "start": q.start,
                        "end": q.end,
                        "source": q.source,
                        "source_file": q.source_file,
                    }
                    for q in item.measure.quotes
                ],
            }
            for item in expl.measures
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def similarity_json(sims: Sequence[Similarity], lang: str = "zh") -> str:
    data = [
        {
            "level": sim.by,
            "across": sim.across,
            "columns": [_entity_json(c) for c in sim.columns],
            "pairs": [
                {
                    "a": _entity_json(p.a),
                    "b": _entity_json(p.b),
                    "shared": list(p.shared),
                    "union": p.union,
                    "jaccard": _fraction(p.jaccard) if p.jaccard is not None else None,
                    "jaccard_decimal": float(p.jaccard) if p.jaccard is not None else None,
                }
                for p in sim.pairs
            ],
        }
        for sim in sims
    ]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def overlap_json(matrix: Matrix, spreads: Sequence[Spread], lang: str = "zh") -> str:
    data = {
        "by": matrix.by,
        "across": matrix.across,
        "rows": [
            {
                **_entity_json(s.row),
                "status": s.status,
                "columns": [_entity_json(c) for c in s.columns],
                "measures": s.measures,
            }
            for s in spreads
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
