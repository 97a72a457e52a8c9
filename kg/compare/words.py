"""Words in two languages, and the titles, notes, caveat and basis lines every output shares.

The data says what a source REPORTS (报告/提及): a zero cell is "not reported in
the source" (未提及), never "not adopted".
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.compare.basis import Basis
from kg.compare.counting import Matrix

WORDS: dict[str, dict[str, str]] = {
    "category": {"zh": "机制类别", "en": "mechanism category"},
    "category-plural": {"zh": "机制类别", "en": "mechanism categories"},
    "mechanism-plural": {"zh": "机制", "en": "mechanisms"},
    "relation": {"zh": "监督关系", "en": "supervision relation"},
    "relation-plural": {"zh": "监督关系", "en": "supervision relations"},
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
    "shared": {"zh": "两个及以上来源提及", "en": "reported for two or more"},
    "unique": {"zh": "仅一个来源提及", "en": "reported for only one"},
    "none": {"zh": "均未提及", "en": "reported for none"},
    "unplaced": {"zh": "未计入的举措", "en": "measures not counted"},
    "quotes": {"zh": "引文", "en": "quotes"},
    "back": {"zh": "返回表格", "en": "back to the table"},
    "no-measures": {"zh": "原文未提及。", "en": "Not reported in the source."},
    "not-reported": {"zh": "未提及", "en": "not reported in the source"},
    "basis": {"zh": "各列依据", "en": "What each column rests on"},
    "heading": {"zh": "所在标题（上下文）", "en": "section heading (context)"},
    "clause": {"zh": "所在语境（问题或背景）", "en": "context clause (problem or background)"},
    "stated": {"zh": "原文明示", "en": "stated in the text"},
    "inferred": {"zh": "据上下文推断", "en": "inferred from context"},
    "attribution": {"zh": "归属依据", "en": "attribution"},
}

#: What a cell counts, per --count: (title, the cell's meaning, how totals add up).
RULES: dict[str, dict[str, tuple[str, str, str]]] = {
    "presence": {
        "zh": ("是否提及", "1 = 原文报告了至少一项举措，0 = 原文未提及", "合计为提及的单元格数"),
        "en": (
            "reported or not",
            "1 = the source reports at least one measure, 0 = not reported in the source",
            "totals count the cells reported",
        ),
    },
    "mechanisms": {
        "zh": ("提及的不同机制数", "单元格为原文报告的不重复机制数", "合计为不重复机制数，不等于各格之和"),
        "en": (
            "distinct mechanisms reported",
            "each cell counts the distinct mechanisms the source reports",
            "totals count distinct mechanisms, not sums",
        ),
    },
    "statements": {
        "zh": ("陈述句数", "单元格为陈述这些举措的不重复原文句子数（共用一句的举措只计一次）", "合计为不重复句子数"),
        "en": (
            "stating sentences",
            "each cell counts the distinct source sentences stating its measures (measures sharing one count once)",
            "totals count distinct sentences, not sums",
        ),
    },
    "measures": {
        "zh": ("举措数", "单元格为不重复举措数（受整理时拆分粒度影响）", "一项举措可归入多行，故合计不等于各行之和"),
        "en": (
            "number of measures",
            "each cell counts distinct measures (this depends on how finely curators split a sentence)",
            "a measure can fall in several rows, so totals are not row sums",
        ),
    },
}

#: One line under every matrix, in both languages on a bilingual page.
CAVEAT: dict[str, str] = {
    "zh": "每列只反映该省一个机关的一篇约千字发言所报告的内容：0 表示原文未提及，不能据此推断该省没有这项做法。",
    "en": "Each column shows only what one organ's speech of about a thousand characters reports: "
    "0 means not reported in the source, which does not show that the province lacks the practice.",
}

#: Across organ types a column gathers the organs that take the measures, from every speech.
CAVEAT_ORGAN_TYPE: dict[str, str] = {
    "zh": "每列为采取举措的机关类型（含据上下文推断的归属），可汇集不同省份、不同机关的发言，"
    "见下方各列依据；各省只有一篇发言、一个发言机关，省份与发言机关类型无法分开比较。0 表示原文未提及。",
    "en": "Each column is the type of the organs taking the measures (attributions inferred from context included); "
    "it may gather speeches of several provinces and organs (see each column's basis). Each province is known "
    "through one speech by one organ, so province and the reporting organ's type cannot be told apart. "
    "0 means not reported in the source.",
}

SEPARATOR = {"zh": "、", "en": ", "}


def word(key: str, lang: str) -> str:
    return WORDS[key]["en" if lang == "en" else "zh"]


def rule_words(rule: str, lang: str) -> tuple[str, str, str]:
    return RULES[rule]["en" if lang == "en" else "zh"]


def title_of(matrix: Matrix, lang: str) -> str:
    rows = word(matrix.by, lang)
    cols = word(matrix.across, lang)
    what = rule_words(matrix.rule, lang)[0]
    if lang == "en":
        return f"{cols.capitalize()} × {rows}: {what}"
    return f"{cols} × {rows}（{what}）"


def note_of(matrix: Matrix, lang: str) -> str:
    _, cell, totals = rule_words(matrix.rule, lang)
    if lang == "en":
        text = f"{cell[0].upper()}{cell[1:]}; {totals}."
        if matrix.by == "mechanism":
            text += " A category's row (and a mechanism's with narrower ones) counts everything reported below it."
        return text
    text = f"{cell}；{totals}。"
    if matrix.by == "mechanism":
        text += "类别行（以及含下位机制的机制行）汇总其下所有机制。"
    return text


def caveat(lang: str, across: str = "province") -> str:
    return (CAVEAT_ORGAN_TYPE if across == "organ-type" else CAVEAT)["en" if lang == "en" else "zh"]


def basis_line(entry: Basis, lang: str) -> str:
    """One source part a column rests on: who reported, in which part, how long, how many measures."""
    part = entry.part
    organ = part.organ.label(lang) if part.organ else "?"
    types = SEPARATOR[lang].join(t.label(lang) for t in part.organ_types) or "?"
    chars = entry.characters
    where = f"{part.start}–{part.end}" if chars is not None else ""
    if lang == "en":
        size = f", characters {where} ({chars:,} characters)" if chars is not None else ""
        return f"{entry.column.en}: the speech for {organ} ({types}){size}, {entry.measures} measures reported"
    size = f"，原文第{where}字（共{chars}字）" if chars is not None else ""
    return f"{entry.column.zh}：{organ}（{types}）的发言{size}，报告举措{entry.measures}项"


def basis_lines(entries: Sequence[Basis], lang: str) -> list[str]:
    return [basis_line(e, lang) for e in entries]


def total_label(matrix: Matrix, lang: str) -> str:
    """The label of the bottom row: the total under the matrix's rule."""
    what = rule_words(matrix.rule, lang)[0]
    return f"{word('total', lang)} ({what})" if lang == "en" else f"{word('total', lang)}（{what}）"


def attribution_text(basis: str | None, note: tuple[str, str], lang: str) -> str:
    """ "stated in the text", or "inferred from context: <note>"; empty where the graph records none."""
    from kg.compare.vocab import INFERRED_FROM_CONTEXT, STATED_IN_TEXT

    if basis == STATED_IN_TEXT:
        return word("stated", lang)
    if basis == INFERRED_FROM_CONTEXT:
        said = note[1] or note[0] if lang == "en" else note[0] or note[1]
        sep = ": " if lang == "en" else "："
        return word("inferred", lang) + (sep + said if said else "")
    return ""


def below_matrix(matrix: Matrix, lang: str) -> list[str]:
    """The note, the caveat and the basis of every column: printed under the matrix in text formats."""
    lines = [note_of(matrix, lang), caveat(lang, matrix.across)]
    basis = matrix.basis()
    if basis:
        lines += ["", word("basis", lang) + (":" if lang == "en" else "：")]
        for column in matrix.columns:
            lines += [f"  {line}" for line in basis_lines(basis.get(column.iri, []), lang)] or [
                f"  {column.label(lang)}: —"
            ]
    return lines
