"""The self-contained HTML page of the matrix, every non-empty cell linked to its quotes."""

from __future__ import annotations

import html

from kg.compare.counting import Matrix
from kg.compare.model import Adoptions, curie
from kg.compare.words import SEPARATOR, note_of, title_of, word

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1a1a1a;max-width:72rem}
table{border-collapse:collapse;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3rem .55rem}
thead th{position:sticky;top:0;background:#f6f8fa}
td.n{text-align:right;font-variant-numeric:tabular-nums;min-width:2.5rem}
td.n a{color:inherit;font-weight:600;text-decoration:none;display:block}
td.n a:hover{text-decoration:underline}
th.row{text-align:left;font-weight:normal}
tr.category th.row{font-weight:600}
tr.total td,tr.total th{font-weight:600;background:#f6f8fa}
.note{color:#57606a;font-size:.85rem}
section.cell{margin-top:2rem;border-top:1px solid #d0d7de}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.7rem;border-left:3px solid #8c959f}
cite{color:#57606a;font-style:normal;font-size:.85rem}
code{font-size:.85rem;color:#57606a}
""".strip()


def _cell_id(r: int, c: int) -> str:
    return f"cell-{r}-{c}"


def _shade(count: int, peak: int) -> str:
    if not count or not peak:
        return ""
    alpha = 0.15 + 0.65 * count / peak
    return f' style="background:rgba(33,102,172,{alpha:.2f});color:{"#fff" if alpha > 0.5 else "#1a1a1a"}"'


def matrix_html(matrix: Matrix, data: Adoptions, lang: str = "zh") -> str:
    """A self-contained page: the matrix, each non-empty cell linked to its measures and quotes."""
    e = html.escape
    sep = SEPARATOR[lang]
    title = title_of(matrix, lang)
    counts = matrix.counts()
    peak = max((n for row in counts for n in row), default=0)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-Hans"}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="note">{e(note_of(matrix, lang))}</p>',
        "<table><thead><tr>",
        f'<th scope="col">{e(word(matrix.by, lang))}</th>',
        *(f'<th scope="col" title="{e(c.iri)}">{e(c.label(lang))}</th>' for c in matrix.columns),
        f'<th scope="col">{e(word("total", lang))}</th></tr></thead><tbody>',
    ]
    for r, (row, row_counts) in enumerate(zip(matrix.rows, counts, strict=True)):
        cls = ' class="category"' if matrix.by == "mechanism" and row.is_category else ""
        indent = (
            f' style="padding-left:{0.55 + 1.2 * row.depth:.2f}rem"' if matrix.by == "mechanism" and row.depth else ""
        )
        cells = []
        for c, n in enumerate(row_counts):
            inner = f'<a href="#{_cell_id(r, c)}">{n}</a>' if n else "0"
            cells.append(f'<td class="n"{_shade(n, peak)}>{inner}</td>')
        out.append(
            f'<tr{cls}><th scope="row" class="row" title="{e(row.iri)}"{indent}>{e(row.label(lang))}</th>'
            + "".join(cells)
            + f'<td class="n">{matrix.row_total(row.iri)}</td></tr>'
        )
    out.append(
        f'<tr class="total"><th scope="row" class="row">{e(word("distinct", lang))}</th>'
        + "".join(f'<td class="n">{matrix.column_total(c.iri)}</td>' for c in matrix.columns)
        + f'<td class="n">{matrix.grand_total()}</td></tr>'
    )
    out.append("</tbody></table>")
    if matrix.unplaced:
        out.append(f"<h2>{e(word('unplaced', lang))}</h2><ul>")
        out += [f"<li><code>{e(curie(u.measure))}</code>: {e(u.why(lang))}</li>" for u in matrix.unplaced]
        out.append("</ul>")
    out.append(f"<h2>{e(word('quotes', lang))}</h2>")
    for r, row in enumerate(matrix.rows):
        for c, column in enumerate(matrix.columns):
            iris = matrix.measures(row.iri, column.iri)
            if not iris:
                continue
            measures = sorted((data.measures[i] for i in iris), key=lambda m: (m.first_offset, m.iri))
            out.append(f'<section class="cell" id="{_cell_id(r, c)}">')
            out.append(f"<h3>{e(column.label(lang))} × {e(row.label(lang))} ({len(measures)})</h3><ol>")
            for m in measures:
                organs = sep.join(data.label_of(o, lang) for o in m.organs)
                via = sep.join(data.label_of(v, lang) for v in sorted(matrix.via.get((m.iri, row.iri), ())))
                out.append(f"<li><strong>{e(m.label(lang))}</strong> <code>{e(m.curie)}</code><br>")
                out.append(f"{e(word('organ', lang))}: {e(organs)} · {e(word('via', lang))}: {e(via)}")
                for q in m.quotes:
                    out.append(
                        f"<blockquote>{e(q.exact)}</blockquote><cite>{e(q.source_label or q.source)} · {e(q.where)}</cite>"
                    )
                out.append("</li>")
            out.append(f'</ol><p><a href="#top">↑ {e(word("back", lang))}</a></p></section>')
    out += ["</body>", "</html>"]
    page = "\n".join(out) + "\n"
    return page.replace("<body>", '<body id="top">', 1)
