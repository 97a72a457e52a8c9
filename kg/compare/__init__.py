"""Comparing provinces (or kinds of organ) by the mechanisms their measures implement.

One module per idea: :mod:`~kg.compare.model` reads the graph, :mod:`~kg.compare.counting`
holds the counting rules (mirrored by docs/compare.md), :mod:`~kg.compare.explain` the
measures behind one cell, :mod:`~kg.compare.similarity` Jaccard and shared/unique, and
:mod:`~kg.compare.render` one module per output family. The names below are the
library's public face (``from kg import compare``; notebooks and ``kg.analyze`` use them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.compare.basis import Basis, basis
from kg.compare.counting import REASONS, Matrix, Totals, Unplaced, build_matrix
from kg.compare.explain import ExplainedMeasure, Explanation, explain, resolve_column, resolve_row
from kg.compare.model import Adoptions, Concept, Entity, Measure, Organ, Part, Quote, load
from kg.compare.options import (
    ACROSS,
    BYS,
    COUNTS,
    DEFAULT_COUNT,
    LANGS,
    MATRIX_FORMATS,
    REPORT_FORMATS,
    ROWS,
    SORTS,
    Across,
    By,
    Count,
    Lang,
    check_choice,
)
from kg.compare.reading import Source
from kg.compare.similarity import Pair, Similarity, Spread, overlap, similarity
from kg.compare.vocab import ORGAN_TYPE_ORDER, RELATION_SCHEME, SCHEME, curie
from kg.compare.words import SEPARATOR, WORDS, note_of, title_of, word

if TYPE_CHECKING:
    from kg.compare.render import render_explanation, render_matrix, render_overlap, render_similarity
    from kg.compare.render.csv import (
        explanation_csv,
        explanation_rows,
        matrix_csv,
        overlap_csv,
        similarity_csv,
        similarity_records,
    )
    from kg.compare.render.heatmap import CJK_FAMILIES, CJKFontMissing, Image, cjk_font, heatmap, needs_cjk
    from kg.compare.render.html import matrix_html
    from kg.compare.render.json import explanation_json, matrix_json, overlap_json, similarity_json
    from kg.compare.render.text import (
        display_width,
        explanation_markdown,
        explanation_text,
        markdown_table,
        matrix_markdown,
        matrix_table,
        overlap_text,
        similarity_markdown,
        similarity_square,
        similarity_text,
        text_table,
    )

#: The renderers, imported when first asked for: a CSV matrix needs none of the HTML page (hashlib, html),
#: the heatmap, the text tables (fractions) or JSON, whose imports cost more than its counting on the seed.
#: (basis, explain and similarity stay eager: each is also the name of a submodule, which importing the
#: submodule later would bind in this package in place of the function.)
_LAZY = {
    **dict.fromkeys(("render_explanation", "render_matrix", "render_overlap", "render_similarity"), "render"),
    **dict.fromkeys(
        ("explanation_csv", "explanation_rows", "matrix_csv", "overlap_csv", "similarity_csv", "similarity_records"),
        "render.csv",
    ),
    **dict.fromkeys(("CJK_FAMILIES", "CJKFontMissing", "Image", "cjk_font", "heatmap", "needs_cjk"), "render.heatmap"),
    "matrix_html": "render.html",
    **dict.fromkeys(("explanation_json", "matrix_json", "overlap_json", "similarity_json"), "render.json"),
    **dict.fromkeys(
        (
            "display_width",
            "explanation_markdown",
            "explanation_text",
            "markdown_table",
            "matrix_markdown",
            "matrix_table",
            "overlap_text",
            "similarity_markdown",
            "similarity_square",
            "similarity_text",
            "text_table",
        ),
        "render.text",
    ),
}

__all__ = [
    "ACROSS",
    "BYS",
    "CJK_FAMILIES",
    "COUNTS",
    "DEFAULT_COUNT",
    "LANGS",
    "MATRIX_FORMATS",
    "ORGAN_TYPE_ORDER",
    "PREFIXES",
    "REASONS",
    "RELATION_SCHEME",
    "REPORT_FORMATS",
    "ROWS",
    "SCHEME",
    "SEPARATOR",
    "SORTS",
    "WORDS",
    "ZF",
    "ZFR",
    "Across",
    "Adoptions",
    "Basis",
    "By",
    "CJKFontMissing",
    "Concept",
    "Count",
    "Entity",
    "ExplainedMeasure",
    "Explanation",
    "Image",
    "Lang",
    "Matrix",
    "Measure",
    "Organ",
    "Pair",
    "Part",
    "Quote",
    "Similarity",
    "Source",
    "Spread",
    "Totals",
    "Unplaced",
    "basis",
    "build_matrix",
    "check_choice",
    "cjk_font",
    "curie",
    "display_width",
    "explain",
    "explanation_csv",
    "explanation_json",
    "explanation_markdown",
    "explanation_rows",
    "explanation_text",
    "heatmap",
    "load",
    "markdown_table",
    "matrix_csv",
    "matrix_html",
    "matrix_json",
    "matrix_markdown",
    "matrix_table",
    "needs_cjk",
    "note_of",
    "overlap",
    "overlap_csv",
    "overlap_json",
    "overlap_text",
    "render_explanation",
    "render_matrix",
    "render_overlap",
    "render_similarity",
    "resolve_column",
    "resolve_row",
    "similarity",
    "similarity_csv",
    "similarity_json",
    "similarity_markdown",
    "similarity_records",
    "similarity_square",
    "similarity_text",
    "text_table",
    "title_of",
    "word",
]


def __getattr__(name: str) -> object:
    """The renderers (:data:`_LAZY`) on first use; ``compare.ZF``, ``compare.ZFR``, ``compare.PREFIXES``
    (rdflib Namespaces) only when asked for: importing rdflib would double the time of a CSV matrix."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"kg.compare.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    if name in ("PREFIXES", "ZF", "ZFR"):
        import kg.namespaces

        return getattr(kg.namespaces, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
