"""Words in two languages, and the titles and notes every output shares."""

from __future__ import annotations

from kg.compare.counting import Matrix

WORDS: dict[str, dict[str, str]] = {
    "category": {"zh": "机制类别", "en": "mechanism category"},
    "category-plural": {"zh": "机制类别", "en": "mechanism categories"},
    "mechanism-plural": {"zh": "机制", "en": "mechanisms"},
    "province-plural": {"zh": "省份", "en": "provinces"},
    "organ-type-plural": {"zh": "机关类型", "en": "organ types"},
    "mechanism": {"zh": "机制", "en": "mechanism"},
    "province": {"zh": "省份", "en": "province"},
    "organ-type": {"zh": "机关类型", "en": "organ type"},
    "total": {"zh": "合计", "en": "Total"},
    "distinct": {"zh": "合计（不重复举措）", "en": "Total (distinct measures)"},
    "measures": {"zh": "举措", "en": "measures"},
    "count": {"zh": "举措数", "en": "number of measures"},
    "organ": {"zh": "机关", "en": "organ"},
    "via": {"zh": "所涉机制", "en": "via"},
    "shared": {"zh": "两个及以上共有", "en": "shared by two or more"},
    "unique": {"zh": "仅一方采用", "en": "unique to one"},
    "none": {"zh": "均未采用", "en": "adopted by none"},
    "unplaced": {"zh": "未计入的举措", "en": "measures not counted"},
    "quotes": {"zh": "引文", "en": "quotes"},
    "back": {"zh": "返回表格", "en": "back to the table"},
    "no-measures": {"zh": "没有举措。", "en": "No measures."},
}


SEPARATOR = {"zh": "、", "en": ", "}


def word(key: str, lang: str) -> str:
    return WORDS[key]["en" if lang == "en" else "zh"]


def title_of(matrix: Matrix, lang: str) -> str:
    rows = word(matrix.by, lang)
    cols = word(matrix.across, lang)
    if lang == "en":
        return f"{cols.capitalize()} × {rows}: number of measures"
    return f"{cols} × {rows}（举措数）"


def note_of(matrix: Matrix, lang: str) -> str:
    if lang == "en":
        text = "Each cell counts distinct measures; a measure can fall in several rows, so totals are not row sums."
        if matrix.by == "mechanism":
            text += " A category's own row counts measures filed directly under the category."
        return text
    text = "单元格为不重复举措数；一项举措可归入多行，故合计不等于各行之和。"
    if matrix.by == "mechanism":
        text += "类别所在行只计直接归入该类别的举措。"
    return text
