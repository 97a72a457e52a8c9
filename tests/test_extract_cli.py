"""kg extract on the command line: formats, protected paths, and bad input (a clear error, never a trace)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEED_TEXT


def kg(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT, timeout=300
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    for word in words:
        assert word in result.stderr


def test_markdown_checklist_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "review.md"
    result = kg("extract", SEED_TEXT, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "drafted" in result.stderr and "[md]" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Review checklist") and "- [ ] **江苏法院**" in text


def test_json_to_stdout_with_only_some_kinds() -> None:
    result = kg("extract", SEED_TEXT, "--format", "json", "--only", "figure,title")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {c["kind"] for c in data["candidates"]} == {"figure", "title"}
    assert data["counts"]["title"] == 4


def test_only_some_kinds_as_turtle_still_parses(tmp_path: Path) -> None:
    from kg.sources import parse_file

    out = tmp_path / "figures.ttl"
    result = kg("extract", SEED_TEXT, "--only", "figure", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "figure)" in result.stderr
    triples = parse_file(out)
    types = {re.split("[/#]", t.object.value)[-1] for t in triples if t.predicate.value.endswith("#type")}
    assert types == {"Figure", "Evidence", "TextQuoteSelector", "TextPositionSelector"}


def test_evaluate_prints_recall_and_precision() -> None:
    result = kg("extract", SEED_TEXT, "--only", "figure", "--evaluate", "--no-link", "-f", "json")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stderr.splitlines() if line.split()}
    assert rows["figure"][3] == "100.0%"


def test_never_writes_into_curated_folders_or_over_a_file(tmp_path: Path) -> None:
    assert_clean_error(
        kg("extract", SEED_TEXT, "-o", ROOT / "ontology" / "facts" / "draft.ttl"), "refusing to write into"
    )
    assert_clean_error(kg("extract", SEED_TEXT, "-o", ROOT / "seeds" / "draft.ttl"), "refusing to write into")
    assert not (ROOT / "ontology" / "facts" / "draft.ttl").exists()
    existing = tmp_path / "draft.ttl"
    existing.write_text("keep me", encoding="utf-8")
    assert_clean_error(kg("extract", SEED_TEXT, "-o", existing), "--force")
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert kg("extract", SEED_TEXT, "-o", existing, "--force").returncode == 0
    assert existing.read_text(encoding="utf-8").startswith("# DRAFT")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert_clean_error(kg("extract", empty), "empty")
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\u3000\n", encoding="utf-8")
    assert_clean_error(kg("extract", blank), "white space")


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(bytes(range(256)) * 64)
    assert_clean_error(kg("extract", binary), "binary")


def test_ten_megabyte_text_is_refused_before_it_is_read(tmp_path: Path) -> None:
    seed = SEED_TEXT.read_bytes()
    big = tmp_path / "big.txt"
    big.write_bytes(seed * (10_000_000 // len(seed) + 1))
    assert big.stat().st_size >= 10_000_000
    assert_clean_error(kg("extract", big), "--max-chars")


def test_non_utf8_needs_its_encoding(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SEED_TEXT.read_text(encoding="utf-8").encode("gb18030"))
    assert_clean_error(kg("extract", gbk), "--encoding gb18030")
    result = kg("extract", gbk, "--encoding", "gb18030", "-f", "json", "--only", "person")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # converted, the text is the seed: same checksum, so the draft points at the registered document
    assert data["source"]["registered"] is True
    assert {c["label"] for c in data["candidates"]} >= {"李殿勋", "刘志诚"}
    assert_clean_error(kg("extract", gbk, "--encoding", "no-such-codec"), "unknown encoding")


def test_usage_errors(tmp_path: Path) -> None:
    assert_clean_error(kg("extract", tmp_path / "missing.txt"), "no such file")
    assert_clean_error(kg("extract", tmp_path), "not a regular file")
    assert_clean_error(kg("extract", SEED_TEXT, "--format", "xml"), "unknown format")
    assert_clean_error(kg("extract", SEED_TEXT, "--only", "figures"), "unknown kind")
    assert_clean_error(kg("extract", SEED_TEXT, "--date", "28.8.2020"), "YYYY-MM-DD")
