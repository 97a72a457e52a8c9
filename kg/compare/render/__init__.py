"""One entry point per view: the matrix, an explanation, similarity, shared/unique, in any format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kg.compare.options import LANGS, MATRIX_FORMATS, REPORT_FORMATS, check_choice
from kg.errors import UsageError

if TYPE_CHECKING:
    from kg.compare.counting import Matrix
    from kg.compare.explain import Explanation
    from kg.compare.model import Adoptions
    from kg.compare.similarity import Similarity

# Each view imports the one module of its format: a CSV matrix loads neither the HTML page nor the heatmap.


def render_matrix(matrix: Matrix, fmt: str = "table", lang: str = "zh", data: Adoptions | None = None) -> str | bytes:
    """The matrix in one of :data:`MATRIX_FORMATS` (HTML needs ``data`` for the quotes)."""
    check_choice("--format", fmt, MATRIX_FORMATS)
    check_choice("--lang", lang, LANGS)
    if fmt == "table":
        from kg.compare.render.text import matrix_table

        return matrix_table(matrix, lang)
    if fmt == "csv":
        from kg.compare.render.csv import matrix_csv

        return matrix_csv(matrix, lang)
    if fmt == "md":
        from kg.compare.render.text import matrix_markdown

        return matrix_markdown(matrix, lang)
    if fmt == "json":
        from kg.compare.render.json import matrix_json

        return matrix_json(matrix, lang)
    if fmt == "html":
        if data is None:
            raise UsageError("the HTML matrix needs the loaded data for its quotes")
        from kg.compare.render.html import matrix_html

        return matrix_html(matrix, data, lang)
    from kg.compare.render import heatmap as heatmaps

    return heatmaps.heatmap(matrix, fmt=fmt, lang=lang).data


def render_explanation(expl: Explanation, fmt: str = "table", lang: str = "zh") -> str:
    check_choice("--format", fmt, REPORT_FORMATS)
    from kg.compare.render.csv import explanation_csv
    from kg.compare.render.json import explanation_json
    from kg.compare.render.text import explanation_markdown, explanation_text

    renderers = {
        "table": explanation_text,
        "md": explanation_markdown,
        "csv": explanation_csv,
        "json": explanation_json,
    }
    return renderers[fmt](expl, lang)


def render_similarity(sims: Sequence[Similarity], fmt: str = "table", lang: str = "zh") -> str:
    check_choice("--format", fmt, REPORT_FORMATS)
    from kg.compare.render.csv import similarity_csv
    from kg.compare.render.json import similarity_json
    from kg.compare.render.text import similarity_markdown, similarity_text

    renderers = {"table": similarity_text, "md": similarity_markdown, "csv": similarity_csv, "json": similarity_json}
    return renderers[fmt](sims, lang)


def render_overlap(matrix: Matrix, fmt: str = "table", lang: str = "zh") -> str:
    check_choice("--format", fmt, REPORT_FORMATS)
    from kg.compare.similarity import overlap

    spreads = overlap(matrix)
    if fmt == "csv":
        from kg.compare.render.csv import overlap_csv

        return overlap_csv(matrix, spreads, lang)
    if fmt == "json":
        from kg.compare.render.json import overlap_json

        return overlap_json(matrix, spreads, lang)
    from kg.compare.render.text import overlap_text

    return overlap_text(matrix, spreads, lang, markdown=fmt == "md")
