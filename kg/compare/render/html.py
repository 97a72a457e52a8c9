"""The self-contained HTML page of the matrix: click a cell and its measures open beside the matrix.

Offline (no request leaves the file), every label and quote escaped. Works
without script (a cell link targets its panel, shown by ``:target``); a few
lines of inline script keep the page from jumping when a cell opens.
Each cell has a stable address: ``#cell__<row>__<column>`` with the local names
of the row and column IRIs (e.g. ``#cell__cat-internal-case-supervision__province-hunan``).
"""

from __future__ import annotations

import hashlib
import html
import re

from kg.compare.counting import Matrix
from kg.compare.model import Adoptions, Quote, curie
from kg.compare.words import (
    SEPARATOR,
    attribution_text,
    basis_line,
    caveat,
    note_of,
    title_of,
    total_label,
    word,
)

#: Cell shades, lightest to darkest (ColorBrewer Blues); index 0 is an empty cell. #3182bd is left
#: out: neither dark nor white text reaches 4.5:1 on it (WCAG AA), as the tests check for every shade.
SHADES: tuple[str, ...] = ("#ffffff", "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c")
DARK_TEXT = "#1a1a1a"
LIGHT_TEXT = "#ffffff"

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:1.5rem;color:#1a1a1a}
.layout{display:flex;gap:1.5rem;align-items:flex-start}
.matrix{flex:0 1 auto}
aside#panel{flex:1 1 26rem;position:sticky;top:0;max-height:100vh;overflow:auto;border-left:1px solid #d0d7de;padding-left:1rem;min-width:18rem}
table{border-collapse:collapse;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3rem .55rem}
thead th{position:sticky;top:0;background:#f6f8fa;z-index:1}
td.n{text-align:right;font-variant-numeric:tabular-nums;min-width:2.5rem}
td.n a{color:inherit;font-weight:600;text-decoration:none;display:block}
td.n a:hover,td.n a:focus{text-decoration:underline}
td.n.open{outline:3px solid #bf3989;outline-offset:-3px}
td.zero{color:#57606a}
th.row{text-align:left;font-weight:normal}
tr.category th.row{font-weight:600}
tr.total td,tr.total th{font-weight:600;background:#f6f8fa}
.note{color:#57606a;font-size:.85rem;max-width:60rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
aside section.cell{display:none}
aside section.cell:target,aside section.cell.shown{display:block}
aside .hint{color:#57606a}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.7rem;border-left:3px solid #8c959f}
blockquote.heading{border-left-style:dashed}
.ctx{color:#57606a}
mark{background:#fff8c5;color:#1a1a1a}
.role{font-size:.8rem;color:#57606a}
cite{color:#57606a;font-style:normal;font-size:.85rem}
code{font-size:.85rem;color:#57606a}
table.basis{font-size:.85rem;margin-top:.5rem}
""".strip()

_SCRIPT = """
document.addEventListener('click', function (event) {
  var link = event.target.closest && event.target.closest('td.n a');
  if (!link) return;
  event.preventDefault();
  var id = link.getAttribute('href').slice(1);
  document.querySelectorAll('aside section.cell.shown').forEach(function (s) { s.classList.remove('shown'); });
  document.querySelectorAll('td.n.open').forEach(function (c) { c.classList.remove('open'); });
  var section = document.getElementById(id);
  if (!section) return;
  section.classList.add('shown');
  link.parentNode.classList.add('open');
  document.querySelector('aside .hint').hidden = true;
  document.getElementById('panel').scrollTop = 0;
  history.replaceState(null, '', '#' + id);
});
""".strip()


def _local(iri: str) -> str:
    name = curie(iri).split(":", 1)[-1] if ":" in curie(iri) and curie(iri) != iri else ""
    if name and re.fullmatch(r"[A-Za-z0-9._-]+", name):
        return name
    return "h" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]


def cell_id(row: str, column: str) -> str:
    """The stable id (and URL fragment) of a cell: ``cell__<row local name>__<column local name>``."""
    return f"cell__{_local(row)}__{_local(column)}"


def shade_index(count: int, peak: int) -> int:
    if not count or not peak:
        return 0
    steps = len(SHADES) - 1
    return max(1, min(steps, -(-count * steps // peak)))


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(shade: str) -> str:
    """Dark or light text, whichever contrasts more with the shade."""
    return DARK_TEXT if contrast(DARK_TEXT, shade) >= contrast(LIGHT_TEXT, shade) else LIGHT_TEXT


def _quote_html(q: Quote, lang: str) -> str:
    e = html.escape
    role = f'<span class="role">{e(word(q.context_word, lang))}</span> ' if q.is_context else ""
    prefix = f'<span class="ctx">…{e(q.prefix)}</span>' if q.prefix else ""
    suffix = f'<span class="ctx">{e(q.suffix)}…</span>' if q.suffix else ""
    cls = ' class="heading"' if q.is_context else ""
    return (
        f'<blockquote{cls} lang="zh">{role}{prefix}<mark>{e(q.exact)}</mark>{suffix}</blockquote>'
        f"<cite>{e(q.source_name(lang) or q.source)} · {e(q.where)}</cite>"
    )


def matrix_html(matrix: Matrix, data: Adoptions, lang: str = "zh") -> str:
    """A self-contained page: the matrix, its basis, and each non-empty cell's measures and quotes."""
    e = html.escape
    sep = SEPARATOR[lang]
    title = title_of(matrix, lang)
    counts = matrix.counts()
    peak = max((n for row in counts for n in row), default=0)
    not_reported = word("not-reported", lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-Hans"}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head>",
        '<body id="top">',
        f"<h1>{e(title)}</h1>",
        f'<p class="note">{e(note_of(matrix, lang))} – = {e(not_reported)}.</p>',
        f'<p class="note caveat"><span lang="zh">{e(caveat("zh", matrix.across))}</span><br>'
        f'<span lang="en">{e(caveat("en", matrix.across))}</span></p>',
        '<div class="layout"><div class="matrix"><table><thead><tr>',
        f'<th scope="col">{e(word(matrix.by, lang))}</th>',
        *(f'<th scope="col" title="{e(c.iri)}">{e(c.label(lang))}</th>' for c in matrix.columns),
        f'<th scope="col">{e(word("total", lang))}</th></tr></thead><tbody>',
    ]
    for row, row_counts in zip(matrix.rows, counts, strict=True):
        cls = ' class="category"' if matrix.by == "mechanism" and row.is_category else ""
        indent = (
            f' style="padding-left:{0.55 + 1.2 * row.depth:.2f}rem"' if matrix.by == "mechanism" and row.depth else ""
        )
        cells = []
        for column, n in zip(matrix.columns, row_counts, strict=True):
            if n:
                shade = SHADES[shade_index(n, peak)]
                style = f' style="background:{shade};color:{text_colour(shade)}"'
                cells.append(f'<td class="n"{style}><a href="#{cell_id(row.iri, column.iri)}">{n}</a></td>')
            else:
                cells.append(
                    f'<td class="n zero" title="{e(not_reported)}"><span aria-hidden="true">–</span>'
                    f'<span class="sr">{e(not_reported)}</span></td>'
                )
        out.append(
            f'<tr{cls}><th scope="row" class="row" title="{e(row.iri)}"{indent}>{e(row.label(lang))}</th>'
            + "".join(cells)
            + f'<td class="n">{matrix.row_total(row.iri)}</td></tr>'
        )
    out.append(
        f'<tr class="total"><th scope="row" class="row">{e(total_label(matrix, lang))}</th>'
        + "".join(f'<td class="n">{matrix.column_total(c.iri)}</td>' for c in matrix.columns)
        + f'<td class="n">{matrix.grand_total()}</td></tr>'
    )
    out.append("</tbody></table>")
    basis = matrix.basis()
    if basis:
        out.append(f'<h2>{e(word("basis", lang))}</h2><ul class="basis">')
        for column in matrix.columns:
            for entry in basis.get(column.iri, []):
                out.append(f"<li>{e(basis_line(entry, lang))}</li>")
        out.append("</ul>")
    if matrix.unplaced:
        out.append(f"<h2>{e(word('unplaced', lang))}</h2><ul>")
        out += [f"<li><code>{e(curie(u.measure))}</code>: {e(u.why(lang))}</li>" for u in matrix.unplaced]
        out.append("</ul>")
    hint = "Click a number to see its measures and quotes here." if lang == "en" else "点击数字，在此查看举措与引文。"
    out.append(f'</div><aside id="panel" aria-live="polite"><h2>{e(word("quotes", lang))}</h2>')
    out.append(f'<p class="hint">{e(hint)}</p>')
    for row in matrix.rows:
        for column in matrix.columns:
            iris = matrix.measures(row.iri, column.iri)
            if not iris or not matrix.count(row.iri, column.iri):
                continue
            measures = sorted((data.measures[i] for i in iris), key=lambda m: (m.first_offset, m.iri))
            out.append(f'<section class="cell" id="{cell_id(row.iri, column.iri)}">')
            out.append(f"<h3>{e(column.label(lang))} × {e(row.label(lang))} ({len(measures)})</h3><ol>")
            for m in measures:
                organs = sep.join(data.label_of(o, lang) for o in m.organs)
                via = sep.join(data.label_of(v, lang) for v in sorted(matrix.via.get((m.iri, row.iri), ())))
                out.append(f"<li><strong>{e(m.label(lang))}</strong> <code>{e(m.curie)}</code><br>")
                out.append(f"{e(word('organ', lang))}: {e(organs)} · {e(word('via', lang))}: {e(via)}")
                attribution = attribution_text(m.attribution, m.attribution_note, lang)
                if attribution:
                    out.append(f'<br><span class="attribution">{e(word("attribution", lang))}: {e(attribution)}</span>')
                out += [_quote_html(q, lang) for q in m.quotes]
                out.append("</li>")
            out.append(f'</ol><p><a href="#top">↑ {e(word("back", lang))}</a></p></section>')
    out += ["</aside></div>", f"<script>{_SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
