"""Rough edges a newcomer hit (issue 13, item 16): pandas, wide lines, unknown provinces, duplicates, headings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.analyze import analyze, render
from kg.cli import app
from kg.compare import load
from kg.errors import UsageError
from kg.query import Session, shipped_queries
from kg.sparql.width import display_width, wrap
from kg.store import open_store
from tests.conftest import ROOT

KNOWN = "known: 四川 (Sichuan), 广西 (Guangxi), 江苏 (Jiangsu), 湖南 (Hunan), 贵州 (Guizhou)"


@pytest.fixture(scope="module")
def memory() -> Session:
    return Session(backend="memory", timeout=None)


@pytest.fixture(scope="module")
def oxigraph(store_path: Path) -> Session:
    return Session(backend="oxigraph", store=store_path)


def test_to_dataframe_without_pandas_names_the_extra(store_path: Path) -> None:
    code = (
        "import sys; sys.modules['pandas'] = None\n"  # as if pandas were not installed
        "from kg.query import connect\n"
        f"result = connect(store={str(store_path)!r}).run('speakers')\n"
        "try:\n    result.to_dataframe()\nexcept ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out == (
        "to_dataframe() needs pandas, an optional extra: pip install 'zhengfa-kg[pandas]' "
        "(or, in a checkout, pip install '.[pandas]')\n"
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`to_dataframe()` needs pandas, which the first command does not install" in readme


# ---- wrapping to the terminal -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kg_queries_fits_an_80_column_terminal_and_loses_no_word(lang: str) -> None:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["queries", "--lang", lang])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(display_width(line) for line in lines) <= 80
    text = " ".join(line.strip() for line in lines)
    for q in shipped_queries():
        question = q.question_zh if lang == "zh" and q.question_zh else q.question
        assert question.replace(" ", "") in text.replace(" ", ""), q.name


def test_wrap_breaks_at_spaces_and_inside_long_runs() -> None:
    assert wrap("Which provinces adopted measures under each mechanism category", 30) == [
        "Which provinces adopted",
        "measures under each mechanism",
        "category",
    ]
    # Chinese has no spaces: 15 wide characters fill 30 columns.
    assert wrap("一个省份：每项措施、采用它的机关、其机制类别", 30) == [
        "一个省份：每项措施、采用它的机",
        "关、其机制类别",
    ]
    assert wrap("x" * 45, 20) == ["x" * 20, "x" * 20, "x" * 5]
    assert wrap("", 10) == [""]


# ---- one rule for provinces ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_an_unknown_province_parameter_is_an_error_naming_the_known_ones(
    backend: str, request: pytest.FixtureRequest
) -> None:
    session: Session = request.getfixturevalue(backend)
    with pytest.raises(UsageError) as info:
        session.run("figures", province="湖北")
    assert str(info.value) == f"no province named '湖北'; {KNOWN}"
    # Every documented way of naming Hunan still answers, and the same.
    answers = {
        name: len(session.run("figures", province=value))
        for name, value in [("short", "湖南"), ("english", "hunan"), ("full", "湖南省")]
    }
    assert set(answers.values()) == {6}, answers


def test_query_viz_and_the_cli_give_the_same_province_error(store_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    query = runner.invoke(app, ["query", "--name", "measures", "--store", str(store_path), "--param", "province=湖北"])
    viz = runner.invoke(app, ["viz", "--store", str(store_path), "--province", "湖北", "-o", str(tmp_path / "g.html")])
    compare = runner.invoke(app, ["compare", "--store", str(store_path), "--explain", "湖北", "办案内部监督管理"])
    for result in (query, viz, compare):
        assert result.exit_code == 2
        assert result.stderr == f"error: no province named '湖北'; {KNOWN}\n"
    assert not (tmp_path / "g.html").exists()


# ---- the figures query lists each figure once ----------------------------------------------------------------


def test_a_figure_about_two_organs_is_one_row_naming_both(oxigraph: Session, memory: Session) -> None:
    for session in (oxigraph, memory):
        rows = session.run("figures", province="湖南").records()
        figures = [r["figure"] for r in rows]
        assert len(figures) == len(set(figures)) == 6
        linkage = next(r for r in rows if r["figure"].endswith("figure-hunan-discipline-law-linkage-measure-count"))
        assert linkage["organLabel"] == "湖南省委政法委; 湖南省纪委"


# ---- analyze says "top 10" only when there are more than ten -------------------------------------------------


def test_analyze_headings_are_honest_about_how_many_are_listed(store_path: Path) -> None:
    result = analyze(load(open_store(store_path)), "organ-mechanism")
    english = render(result, "table", top=10, lang="en")
    assert "Most central organs (top 10)" in english  # 12 organs
    assert "Most central mechanisms (top 10)" in english
    # No measure implements a whole category any more (REVIEW-1): no category section at all.
    assert "Centrality of the categories" not in english
    assert "categories (top 10)" not in english
    assert "机制类别的中心性" not in render(result, "table", top=10, lang="zh")


def test_graph_html_and_dist_are_ignored_by_git() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    result = subprocess.run(
        ["git", "check-ignore", "graph.html", "dist/graph.ttl"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert result.stdout.splitlines() == ["graph.html", "dist/graph.ttl"]
