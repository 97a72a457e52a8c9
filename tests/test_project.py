"""kg.project: which data folder every command uses, and the one guard that keeps outputs off curated data."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import UsageError
from kg.project import PACKAGE_DIR, check_output, current, use_project
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_HOME", raising=False)
    use_project(None)
    yield
    use_project(None)


def _copy_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    return folder


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_checkout_is_found_from_the_current_folder_upwards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _copy_data(tmp_path / "mine")
    (data / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(data / "deep" / "er")
    project = current()
    assert (project.root, project.origin) == (data.resolve(), "checkout")
    assert project.writable


def test_without_a_checkout_above_the_one_beside_the_package_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    project = current()
    assert (project.root, project.origin) == (PACKAGE_DIR.parent, "package-checkout")


def test_kg_home_and_project_option_win_over_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home, other = _copy_data(tmp_path / "home"), _copy_data(tmp_path / "other")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KG_HOME", str(home))
    assert (current().root, current().origin) == (home.resolve(), "env")
    code, out, _ = _invoke("--project", str(other), "--version")
    assert code == 0
    assert out.splitlines() == ["kg 0.1.0", f"data: {other.resolve()} (--project)"]


def test_version_names_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = _invoke("--version")
    assert code == 0
    assert out.splitlines() == ["kg 0.1.0", f"data: {ROOT} (checkout)"]


@pytest.mark.parametrize(
    ("folder", "message"),
    [("missing", "no such folder"), ("empty", "not a data folder (no ontology/ or seeds/ in it)")],
)
def test_a_project_that_is_not_a_data_folder_is_one_line_and_exit_2(tmp_path: Path, folder: str, message: str) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = _invoke("--project", str(tmp_path / folder), "stats")
    assert code == 2
    assert err == f"error: --project {tmp_path / folder}: {message}\n"


def test_stats_says_which_data_folder_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _copy_data(tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    code, out, _ = _invoke("--project", str(data), "stats")
    assert code == 0, out
    assert out.splitlines()[0] == f"data: {data.resolve()} (--project)"


def test_edits_in_the_project_are_what_validate_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken quote in the copy fails validation: validate reads the data folder in use, not the package's."""
    data = _copy_data(tmp_path / "mine")
    facts = data / "ontology" / "facts" / "hunan.ttl"
    text = facts.read_text(encoding="utf-8")
    quote = 'oa:exact "细化监管“四类案件”17项情形,'
    assert text.count(quote) == 1
    facts.write_text(text.replace(quote, 'oa:exact "细化监管“四类案件”18项情形,'), encoding="utf-8")
    monkeypatch.chdir(data)
    code, out, _ = _invoke("validate")
    assert code == 1
    assert out.splitlines()[-1] == f"data: {data.resolve()} (checkout)"


# ---- the one output guard (issue 13, item 7) -------------------------------------------------------------------

GUARDED = [
    ("viz", "-o", "ontology/facts/hunan.ttl"),
    ("compare", "-o", "ontology/facts/hunan.ttl"),
    ("compare", "-o", "seeds/000_c6000f12c74fa8d8.ttl"),
    ("analyze", "-o", "seeds/000_c6000f12c74fa8d8.txt"),
    ("analyze", "--export", "ontology/facts/x.graphml"),
    ("query --name speakers", "-o", "ontology/zhengfa.ttl"),
    ("docs", "-o", "ontology/zhengfa.ttl"),
    ("extract seeds/000_c6000f12c74fa8d8.txt --force", "-o", "ontology/facts/hunan.ttl"),
    ("build", "--out-dir", "seeds"),
]


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(("command", "option", "target"), GUARDED)
def test_no_output_goes_into_curated_data(
    command: str, option: str, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy_data(tmp_path / "mine")
    monkeypatch.chdir(data)
    before = _fingerprint(data)
    code, out, err = _invoke(*command.split(), option, target)
    assert code == 2, out + err
    folder = target.split("/")[0]
    assert err == (
        f"error: {option} {target}: refusing to write into {folder}/ (curated data) at {data.resolve() / folder}; "
        "choose another path\n"
    )
    assert _fingerprint(data) == before


def test_the_store_and_the_package_are_refused_and_links_are_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        UsageError, match=r"^-o dist/store/CURRENT: refusing to write into the graph store at dist/store;"
    ):
        check_output(Path("dist/store/CURRENT"))
    with pytest.raises(UsageError, match="refusing to write into the graph store at elsewhere"):
        check_output(Path("elsewhere/x"), stores=[Path("elsewhere")])
    with pytest.raises(UsageError, match="refusing to write into the kg package"):
        check_output(PACKAGE_DIR / "queries" / "speakers.rq")
    (tmp_path / "link").symlink_to(ROOT / "ontology")
    with pytest.raises(UsageError, match=r"refusing to write into ontology/ \(curated data\)"):
        check_output(tmp_path / "link" / "new.ttl")
    check_output(tmp_path / "graph.html")  # an ordinary output passes
    check_output(Path("dist/store"), "--store", store_is_output=True)  # kg build writes the store


def test_commands_that_read_the_data_folder_name_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _copy_data(tmp_path / "mine")
    monkeypatch.chdir(data)
    line = f"data: {data.resolve()} (checkout)"
    code, out, _ = _invoke("viz", "--backend", "memory", "-o", str(tmp_path / "g.html"))
    assert code == 0 and out.splitlines()[-1] == line
    code, out, err = _invoke("quote", "细化12项执法流程规范", "--id", "zfr:ev-x")
    assert code == 0 and "oa:exact" in out and err.splitlines() == [line]
    code, out, _ = _invoke("validate")
    assert code == 0 and out.splitlines()[-1] == line
