"""Plain-text and Markdown renderings: the matrix, one cell's explanation, similarity, shared/unique."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from fractions import Fraction

from kg.compare.counting import Matrix
from kg.compare.explain import Explanation
from kg.compare.model import Concept, curie
from kg.compare.similarity import Similarity, Spread
from kg.compare.words import SEPARATOR, attribution_text, basis_lines, below_matrix, title_of, total_label, word


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    """An aligned plain-text table (CJK-aware); columns from ``numeric_from`` are right-aligned."""
    widths = [max(display_width(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(str(c), w, i >= numeric_from) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)]).rstrip() + "\n"


def _row_label(row: Concept, matrix: Matrix, lang: str, indent: str) -> str:
    label = row.label(lang)
    return indent * row.depth + label if matrix.by == "mechanism" else label


def _unplaced_lines(matrix: Matrix, lang: str) -> list[str]:
    if not matrix.unplaced:
        return []
    lines = [f"{word('unplaced', lang)} ({len({u.measure for u in matrix.unplaced})}):"]
    for item in matrix.unplaced:
        lines.append(f"  {curie(item.measure)}: {item.why(lang)}")
    return lines


def matrix_table(matrix: Matrix, lang: str = "zh") -> str:
    header = [word(matrix.by, lang), *(c.label(lang) for c in matrix.columns), word("total", lang)]
    body = [
        [_row_label(r, matrix, lang, "  "), *(str(n) for n in counts), str(matrix.row_total(r.iri))]
        for r, counts in zip(matrix.rows, matrix.counts(), strict=True)
    ]
    body.append(
        [
            total_label(matrix, lang),
            *(str(matrix.column_total(c.iri)) for c in matrix.columns),
            str(matrix.grand_total()),
        ]
    )
    lines = [title_of(matrix, lang), "", text_table(header, body), *below_matrix(matrix, lang)]
    lines += _unplaced_lines(matrix, lang)
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(_md(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"


def matrix_markdown(matrix: Matrix, lang: str = "zh") -> str:
    header = [word(matrix.by, lang), *(c.label(lang) for c in matrix.columns), word("total", lang)]
    body = []
    for row, counts in zip(matrix.rows, matrix.counts(), strict=True):
        label = _md(row.label(lang))
        if matrix.by == "mechanism":
            label = f"**{label}**" if row.is_category else "　" * (row.depth - 1) + "↳ " + label
        body.append([label, *(str(n) for n in counts), str(matrix.row_total(row.iri))])
    body.append(
        [
            f"*{_md(total_label(matrix, lang))}*",
            *(str(matrix.column_total(c.iri)) for c in matrix.columns),
            str(matrix.grand_total()),
        ]
    )
    below = below_matrix(matrix, lang)
    notes = [_md(line) if not line.startswith("  ") else f"- {_md(line.strip())}" for line in below]
    parts = [f"## {_md(title_of(matrix, lang))}", "", markdown_table(header, body), *notes]
    unplaced = _unplaced_lines(matrix, lang)
    if unplaced:
        parts += ["", unplaced[0], *(f"- {line.strip()}" for line in unplaced[1:])]
    return "\n".join(parts).rstrip() + "\n"


def _explain_title(expl: Explanation, lang: str) -> str:
    n = len(expl.measures)
    kind = word(expl.by, lang)
    # A category cell counts mechanisms by default: say both numbers, so 4 measures beside a cell of 3 reads right.
    if lang == "en":
        title = f"{expl.column.en} × {expl.row.en} ({kind}): {n} measure{'s' if n != 1 else ''}"
        if expl.by == "category":
            title += f", {expl.mechanisms} mechanism{'s' if expl.mechanisms != 1 else ''} (a narrower one counted as its broader)"
        return title
    title = f"{expl.column.zh} × {expl.row.zh}（{kind}）：{n} 项举措"
    return title + (f"，{expl.mechanisms} 个机制（下位机制计入其上位机制）" if expl.by == "category" else "")


def explanation_text(expl: Explanation, lang: str = "zh") -> str:
    lines = [_explain_title(expl, lang), ""]
    if not expl.measures:
        lines.append(word("no-measures", lang))
    sep = SEPARATOR[lang]
    for i, item in enumerate(expl.measures, 1):
        m = item.measure
        lines.append(f"{i}. {m.label(lang)}  [{m.curie}]")
        lines.append(f"   {word('organ', lang)}: {sep.join(o.label(lang) for o in item.organs)}")
        lines.append(f"   {word('via', lang)}: {sep.join(c.label(lang) for c in item.via)}")
        attribution = attribution_text(m.attribution, m.attribution_note, lang)
        if attribution:
            lines.append(f"   {word('attribution', lang)}: {attribution}")
        for q in m.quotes:
            heading = f"[{word(q.context_word, lang)}] " if q.is_context else ""
            lines.append(f"   {heading}“{q.exact}”")
            lines.append(f"      — {q.where}  ({curie(q.evidence)})")
        lines.append("")
    if expl.basis:
        lines += [word("basis", lang) + (":" if lang == "en" else "："), *basis_lines(expl.basis, lang)]
    return "\n".join(lines).rstrip() + "\n"


def explanation_markdown(expl: Explanation, lang: str = "zh") -> str:
    lines = [f"## {_md(_explain_title(expl, lang))}", ""]
    if not expl.measures:
        lines.append(word("no-measures", lang))
    sep = SEPARATOR[lang]
    for i, item in enumerate(expl.measures, 1):
        m = item.measure
        lines.append(f"{i}. **{_md(m.label(lang))}** (`{m.curie}`)")
        lines.append(f"   - {word('organ', lang)}: {_md(sep.join(o.label(lang) for o in item.organs))}")
        lines.append(f"   - {word('via', lang)}: {_md(sep.join(c.label(lang) for c in item.via))}")
        attribution = attribution_text(m.attribution, m.attribution_note, lang)
        if attribution:
            lines.append(f"   - {word('attribution', lang)}: {_md(attribution)}")
        for q in m.quotes:
            heading = f"*{word(q.context_word, lang)}* " if q.is_context else ""
            lines.append(f"   - > {heading}{_md(q.exact)}")
            lines.append(f"     > — {_md(q.where)} (`{curie(q.evidence)}`)")
    if expl.basis:
        lines += ["", f"**{word('basis', lang)}**", *(f"- {_md(line)}" for line in basis_lines(expl.basis, lang))]
    return "\n".join(lines).rstrip() + "\n"


def _fraction(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def _decimal(value: Fraction | None) -> str:
    return "" if value is None else f"{float(value):.3f}"


def similarity_square(sim: Similarity, lang: str) -> tuple[list[str], list[list[str]]]:
    header = ["", *(c.label(lang) for c in sim.columns)]
    rows = []
    for a in sim.columns:
        cells = []
        for b in sim.columns:
            value = sim.jaccard(a.iri, b.iri)
            cells.append(f"{_fraction(value)} ({_decimal(value)})" if value is not None else "—")
        rows.append([a.label(lang), *cells])
    return header, rows


def _similarity_title(sim: Similarity, lang: str) -> str:
    if lang == "en":
        return f"Jaccard similarity of {word(sim.across + '-plural', lang)} over {word(sim.by + '-plural', lang)}"
    return f"{word(sim.across, lang)}间相似度（Jaccard，基于{word(sim.by, lang)}）"


def similarity_text(sims: Sequence[Similarity], lang: str = "zh") -> str:
    parts = []
    for sim in sims:
        header, rows = similarity_square(sim, lang)
        parts += [_similarity_title(sim, lang), "", text_table(header, rows)]
    return "\n".join(parts).rstrip() + "\n"


def similarity_markdown(sims: Sequence[Similarity], lang: str = "zh") -> str:
    parts = []
    for sim in sims:
        header, rows = similarity_square(sim, lang)
        parts += [
            f"## {_md(_similarity_title(sim, lang))}",
            "",
            markdown_table(header, [[_md(c) for c in r] for r in rows]),
        ]
    return "\n".join(parts).rstrip() + "\n"


def _overlap_title(matrix: Matrix, lang: str) -> str:
    if lang == "en":
        plural = word(matrix.by + "-plural", lang)
        columns = word(matrix.across + "-plural", lang)
        return f"{plural[0].upper()}{plural[1:]} reported for two or more {columns}, and for only one"
    return f"两个及以上{word(matrix.across, lang)}提及与仅一个{word(matrix.across, lang)}提及的{word(matrix.by, lang)}"


def overlap_text(matrix: Matrix, spreads: Sequence[Spread], lang: str = "zh", markdown: bool = False) -> str:
    sep = SEPARATOR[lang]
    title = _overlap_title(matrix, lang)
    lines = [f"## {_md(title)}" if markdown else title]
    for status in ("shared", "unique", "none"):
        group = [s for s in spreads if s.status == status]
        if not group:
            continue
        if lang == "en":
            heading, colon = f"{word(status, lang)} ({len(group)})", ":"
        else:
            heading, colon = f"{word(status, lang)}（{len(group)}）", "："
        lines += ["", f"### {_md(heading)}", ""] if markdown else ["", heading + colon]
        for s in group:
            where = sep.join(c.label(lang) for c in s.columns)
            n, m = len(s.columns), s.measures
            if lang == "en":
                kind = word(matrix.across + ("-plural" if n != 1 else ""), lang)
                counts = f" ({n} {kind}, {m} measure{'s' if m != 1 else ''})"
            else:
                counts = f"（{n} 个{word(matrix.across, lang)}，{m} 项举措）"
            item = s.row.label(lang) + (f" — {where}{counts}" if s.columns else "")
            lines.append(f"- {_md(item)}" if markdown else f"  {item}")
    return "\n".join(lines).rstrip() + "\n"
