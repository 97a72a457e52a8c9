"""Heatmap (matplotlib, imported only inside :func:`heatmap`)."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.compare.counting import Matrix
from kg.compare.options import check_choice
from kg.compare.render.text import display_width
from kg.compare.words import caveat, rule_words, title_of, word

#: CJK font families, most wanted first (Debian's fonts-noto-cjk provides the first).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)


class CJKFontMissing(UserWarning):
    """No font with Chinese glyphs is installed: Chinese labels would render as empty boxes."""


def cjk_font() -> str | None:
    """The first installed CJK font family matplotlib knows, or None."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def needs_cjk(texts: Iterable[str]) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for text in texts for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` terminal columns: broken at spaces, or between Chinese characters."""
    lines: list[str] = []
    line = ""
    # A run of narrow characters is a word; a wide character is one of its own (Chinese breaks anywhere).
    for piece in re.findall(r"[^\s\u2e80-\U0002ffff]+|\s|.", text):
        if piece.isspace() and not line:
            continue
        if line and display_width(line + piece) > columns:
            lines.append(line.rstrip())
            line = "" if piece.isspace() else piece
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class Image:
    data: bytes
    format: str
    width: int  # pixels for PNG, points for SVG
    height: int
    font: str | None


def heatmap(matrix: Matrix, fmt: str = "png", lang: str = "zh", title: str | None = None, dpi: int = 150) -> Image:
    """Draw the matrix as a heatmap; PNG or SVG (text kept as text, so labels stay searchable)."""
    check_choice("--format", fmt, ("png", "svg"))
    import matplotlib
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    title = title if title is not None else title_of(matrix, lang)
    marks = {1: "· ", 2: "·· "}
    row_labels = [
        (marks.get(r.depth, "··· ") if matrix.by == "mechanism" and r.depth else "") + r.label(lang)
        for r in matrix.rows
    ]
    col_labels = [c.label(lang) for c in matrix.columns]
    font = cjk_font()
    if font is None and needs_cjk([title, *row_labels, *col_labels]):
        warnings.warn(
            "no CJK font found (install fonts-noto-cjk): Chinese labels will show as boxes; or use --lang en",
            CJKFontMissing,
            stacklevel=2,
        )
    counts = matrix.counts()
    n_rows, n_cols = max(len(row_labels), 1), max(len(col_labels), 1)
    unit = 0.07  # inches per half-width character at 9 pt
    cell_width = 0.85
    longest_column = max((display_width(t) for t in col_labels), default=4) * unit
    rotate = longest_column > cell_width - 0.1  # long column names are set at an angle
    width = round(max((display_width(t) for t in row_labels), default=4) * unit + 0.4 + cell_width * n_cols + 1.3, 1)
    # The caveat under the plot: a white (0) cell is "not reported in the source", never "not adopted".
    caveat_lines = wrap(caveat(lang, matrix.across), max(int((width - 0.4) / 0.06), 20))
    height = round(1.2 + 0.3 * n_rows + (longest_column * 0.65 if rotate else 0.2) + 0.16 * len(caveat_lines), 1)
    rc: Any = {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "font.size": 9,
        "svg.fonttype": "none",
        "svg.hashsalt": "zhengfa-kg",
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc):
        # A bare Figure, not pyplot: no global backend switch, so notebooks keep theirs.
        fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        ax = fig.add_subplot()
        peak = max((n for row in counts for n in row), default=0)
        base = matplotlib.colormaps["Blues"]
        colours: list[Any] = ["#ffffff", *(base(0.2 + 0.75 * i / max(peak - 1, 1)) for i in range(max(peak, 1)))]
        image = ax.imshow(
            counts or [[0]],
            cmap=ListedColormap(colours),
            vmin=-0.5,
            vmax=max(peak, 1) + 0.5,
            aspect="auto",
            interpolation="nearest",
        )
        ax.xaxis.tick_top()
        ax.set_xticks(range(len(col_labels)), col_labels)
        if rotate:
            for label in ax.get_xticklabels():
                label.set(rotation=35, ha="left", rotation_mode="anchor")
        ax.set_yticks(range(len(row_labels)), row_labels)
        ax.tick_params(length=0)
        for i, row_counts in enumerate(counts):
            for j, n in enumerate(row_counts):
                if n:
                    shade = 0.2 + 0.75 * (n - 1) / max(peak - 1, 1)
                    ax.text(j, i, str(n), ha="center", va="center", color="white" if shade > 0.55 else "#1a1a1a")
        if matrix.by == "mechanism":
            for i, row in enumerate(matrix.rows):
                if row.is_category:
                    ax.get_yticklabels()[i].set_fontweight("bold")
                    if i:
                        ax.axhline(i - 0.5, color="#8c959f", linewidth=0.6)
        ax.set_xticks([x - 0.5 for x in range(1, n_cols)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, n_rows)], minor=True)
        ax.grid(which="minor", color="#e1e4e8", linewidth=0.5)
        ax.tick_params(which="minor", length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ticks = range(0, max(peak, 1) + 1, max(1, (peak + 9) // 10))
        bar = fig.colorbar(image, ax=ax, shrink=min(1.0, 6 / n_rows + 0.2), pad=0.02, ticks=list(ticks))
        bar.set_label(rule_words(matrix.rule, lang)[0])
        bar.ax.set_yticklabels([f"0 = {word('not-reported', lang)}" if t == 0 else str(t) for t in ticks])
        fig.supxlabel("\n".join(caveat_lines), fontsize=7.5, color="#57606a")
        ax.set_title(title, pad=10, fontsize=11)
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        with warnings.catch_warnings():
            # Without a CJK font, one clear warning (above) beats one per missing glyph.
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
            fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
        pixels = fig.canvas.get_width_height()
    if fmt == "png":
        size = pixels
    else:
        size = (round(width * 72), round(height * 72))
    return Image(buffer.getvalue(), fmt, size[0], size[1], font)
