"""Citations of facts, rendered by the CSL engine and compared with strings written by hand from each style's rules.

The facts cited: the Jiangsu measure on compulsory similar-case search, stated in
the seed at code points 2167–2205 (“制定操作规程,规定新类型案件、法律适用规则不明等
六类情形必须进行类案强制检索”), in the article by 周斌 and 董凡超 that 法制网
published on 2020-08-28; dataset version 0.1.0 of 2026-11-28 (the ontology header).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cite import cite, read_record
from kg.cli import app
from kg.query import connect

MEASURE = "https://w3id.org/zhengfa-kg/id/measure-jiangsu-mandatory-similar-case-search"
ACCESSED = date(2026, 12, 3)
QUOTE = "制定操作规程,规定新类型案件、法律适用规则不明等六类情形必须进行类案强制检索"
TITLE_ZH = "政法领域全面深化改革推进视频会发言摘登——加快构建规范高效的执法司法制约监督体系"
TITLE_EN = "Excerpts of speeches at the video conference on advancing comprehensive deepening of reform in the political-legal field"
SOURCE = "https://w3id.org/zhengfa-kg/id/doc-c6000f12c74fa8d8"


@pytest.fixture(scope="module")
def session(store_path: Path):
    return connect(store=store_path)


def lines(session, style: str, lang: str) -> list[str]:
    return cite(session, MEASURE, style, lang, ACCESSED).splitlines()


def test_record_reads_quote_offsets_source_and_byline_order(session) -> None:
    record = read_record(session, MEASURE)
    quote = record.quotes[0]
    assert (quote.exact, quote.start, quote.end) == (QUOTE, 2167, 2205)
    assert quote.speaker == "夏道虎"
    assert record.source is not None
    # The byline reads “周斌 董凡超”: dcterms:creator has no order, the text gives it.
    assert record.source.authors_zh == ("周斌", "董凡超")
    assert record.source.issued == date(2020, 8, 28)
    assert (record.version, record.released) == ("0.1.0", date(2026, 11, 28))


def test_gb7714_numeric_in_chinese(session) -> None:
    # GB/T 7714-2015 §8.1.2 / 4.4 (electronic newspaper article, N/OL): 主要责任者. 题名[N/OL]. 报纸名,
    # 出版日期[引用日期]. 获取和访问路径. Chinese names whole, family name first; datasets are [DS/OL].
    got = lines(session, "gb7714", "zh")
    assert got[0] == "制定操作规程，规定六类情形必须进行类案强制检索"
    assert got[1] == f"“{QUOTE}”（原文第2167–2205字（Unicode 码位），发言：江苏省高级人民法院，夏道虎）"
    assert got[2] == f"[1]周斌, 董凡超. {TITLE_ZH}[N/OL]. 法制网, 2020-08-28[2026-12-03]. {SOURCE}."
    assert got[3] == (
        f"[2]ZHENGFA-KG. 制定操作规程，规定六类情形必须进行类案强制检索[DS/OL]. (2026-11-28)[2026-12-03]. {MEASURE}."
    )


def test_gb7714_author_date_in_chinese(session) -> None:
    # GB/T 7714-2015 著者-出版年制: the year follows the authors; no sequence number.
    got = lines(session, "gb7714-author-date", "zh")
    assert got[2] == f"周斌, 董凡超, 2020. {TITLE_ZH}[N/OL]. 法制网, 2020-08-28[2026-12-03]. {SOURCE}."


def test_apa_in_english(session) -> None:
    # APA 7: Family, I., & Family, I. (Year, Month Day). Original title [English translation]. Publication. URL
    # Datasets: Author. (Year). Title [Dataset]. In Container (Version x). URL
    got = lines(session, "apa", "en")
    assert got[0] == "Issuing operating rules that make a search for similar cases compulsory in six kinds of situation"
    assert got[2] == f"Zhou, B., & Dong, F. (2020, August 28). {TITLE_ZH} [{TITLE_EN}]. Legal Daily Online. {SOURCE}"
    assert got[3] == (
        "zhengfa-kg. (2026). Issuing operating rules that make a search for similar cases compulsory in six kinds "
        "of situation [Dataset]. In A knowledge graph of China's law-enforcement and judicial supervision system "
        f"(Version 0.1.0). {MEASURE}"
    )


def test_chicago_in_english(session) -> None:
    # Chicago author-date: Family, Given, and Given Family. Year. “Title.” Paper, Month Day. URL.
    # Headline style for English titles, hyphenated compounds capitalised in both parts; the period goes
    # inside the closing quotation mark; a Chinese title is not title-cased.
    got = lines(session, "chicago", "en")
    assert got[2] == (
        f"Zhou, Bin, and Fanchao Dong. 2020. “{TITLE_ZH} [{TITLE_EN}].” Legal Daily Online, August 28. {SOURCE}."
    )
    assert got[3] == (
        "zhengfa-kg. 2026. “Issuing Operating Rules That Make a Search for Similar Cases Compulsory in Six Kinds "
        "of Situation.” A Knowledge Graph of China's Law-Enforcement and Judicial Supervision System. "
        f"{MEASURE}."
    )


def test_english_quote_line_says_the_quote_is_the_chinese_original(session) -> None:
    got = lines(session, "apa", "en")
    assert got[1] == (
        f"“{QUOTE}” (characters 2167–2205 (Unicode code points) of the source, speech: Jiangsu Higher "
        "People's Court, speaker 夏道虎; Chinese original)"
    )


def test_csl_json_and_bibtex_are_data(session) -> None:
    items = json.loads(cite(session, MEASURE, "csl-json", "zh", ACCESSED))
    assert [item["type"] for item in items] == ["article-newspaper", "dataset"]
    assert items[0]["author"] == [{"literal": "周斌"}, {"literal": "董凡超"}]
    assert items[1]["URL"] == MEASURE and items[1]["version"] == "0.1.0"
    bib = cite(session, MEASURE, "bibtex", "zh", ACCESSED)
    assert "@article{source-doc-c6000f12c74fa8d8," in bib
    assert "  author = {{周斌} and {董凡超}}," in bib
    assert "@dataset{measure-jiangsu-mandatory-similar-case-search," in bib
    assert f"  note = {{“{QUOTE}” [2167–2205]}}," in bib


def test_bibtex_escapes_special_characters() -> None:
    from kg.cite.render import _bib_escape

    assert _bib_escape("50% & {x}_#") == r"50\% \& \{x\}\_\#"


def test_entity_without_quote_cites_the_dataset_entry_only(session) -> None:
    got = cite(session, "https://w3id.org/zhengfa-kg/id/province-hunan", "gb7714", "zh", ACCESSED).splitlines()
    assert got == [
        "湖南省",
        "[1]ZHENGFA-KG. 湖南省[DS/OL]. (2026-11-28)[2026-12-03]. https://w3id.org/zhengfa-kg/id/province-hunan.",
    ]


def test_cli_cite_and_its_errors(store_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["cite", "zfr:measure-jiangsu-mandatory-similar-case-search", "--store", str(store_path)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[2].startswith("[1]周斌, 董凡超. ")
    # The author-date form of GB/T 7714 is Chinese by default too, as on /cite (kg.cite.default_language).
    args = ["zfr:measure-jiangsu-mandatory-similar-case-search", "--style", "gb7714-author-date"]
    dated = runner.invoke(app, ["cite", *args, "--store", str(store_path)])
    assert dated.exit_code == 0 and dated.output.splitlines()[2].startswith("周斌, 董凡超, 2020. "), dated.output
    unknown = runner.invoke(app, ["cite", "zfr:no-such-thing", "--store", str(store_path)])
    assert unknown.exit_code == 2
    style = runner.invoke(app, ["cite", "zfr:province-hunan", "--style", "mla", "--store", str(store_path)])
    assert style.exit_code == 2
    assert "unknown citation style 'mla'" in style.output


def test_quote_cite_cites_an_arbitrary_passage(store_path: Path) -> None:
    # “三核三审” stands in 四川's speech (刘志诚) at code points 4783–4787 of the seed.
    runner = CliRunner()
    result = runner.invoke(app, ["quote", "三核三审", "--cite", "gb7714", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    got = result.output.splitlines()
    assert got[1] == "“三核三审”（原文第4783–4787字（Unicode 码位），发言：四川省司法厅，刘志诚）"
    assert got[2].startswith("[1]周斌, 董凡超. 政法领域全面深化改革推进视频会发言摘登")
    assert got[3].endswith(f"{SOURCE}#char=4783,4787.")


def test_every_style_has_a_name_for_the_cite_controls() -> None:
    from kg.cite import STYLE_NAMES, STYLES

    assert tuple(STYLE_NAMES) == STYLES


def test_a_problem_clause_is_cited_after_the_stating_sentence_as_context(session) -> None:
    """湖南 “针对院庭长不愿监督、不敢监督、不会监督问题” (1364–1385) is a zf:ContextClause (REVIEW-1): the citation lists
    the stating “细化监管“四类案件”17项情形,厘清依法监管与不当干预的界限” (1400–1430) first, the clause after, marked."""
    record = read_record(session, "https://w3id.org/zhengfa-kg/id/measure-hunan-four-categories-17-situations")
    assert [(q.start, q.stating, q.clause) for q in record.quotes] == [(1400, True, False), (1364, False, True)]
    text = cite(session, record.iri, "gb7714", "zh", ACCESSED)
    assert "“针对院庭长不愿监督、不敢监督、不会监督问题”" in text and "〔所在语境（问题或背景）〕" in text
    english = cite(session, record.iri, "chicago", "en", ACCESSED)
    assert "[context clause (problem or background)]" in english
