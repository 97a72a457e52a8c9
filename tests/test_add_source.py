"""kg add-source: a text copied unchanged (or converted on request), metadata that validates,
no overwriting, and a clear error for bad input. Everything is written under tmp_path."""

from __future__ import annotations

import codecs
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.add_source import _place, add_source
from kg.errors import InputError, UsageError
from kg.extract import Knowledge, extract, read_source
from kg.extract.turtle import to_turtle
from kg.namespaces import DCTERMS, RDF, RDFS, ZF, ZFR
from kg.sources import load_sources, source_files
from kg.validate import validate
from tests.conftest import ROOT, SEED_TEXT

#: A short text in the genre, with an anonymised speaker (张某), for registering and drafting.
SPEECH = """政法工作推进会发言摘登

2021-03-02 10:00:00 来源:法制网作者:王某

编者按

3月1日,全省政法工作推进会召开。

深化执法监督 提升司法公信

浙江省人民检察院检察长张某

今年以来,浙江检察机关办理公益诉讼案件1,200件,同比上升12.5%;出台《关于规范案件听证的办法》,建立“三书一函”机制。
全省法院结收案比达95.2%,高于全国平均水平。
"""


def kg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def parse(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def test_copies_unchanged_and_writes_metadata_like_the_first_seed(tmp_path: Path) -> None:
    source = tmp_path / "speech.txt"
    source.write_text(SPEECH, encoding="utf-8")
    seeds = tmp_path / "seeds"
    result = kg(
        "add-source",
        source,
        "--title",
        "政法工作推进会发言摘登",
        "--publisher",
        "法制网",
        "--date",
        "2021-03-02T10:00:00+08:00",
        "--url",
        "https://example.org/a.html",
        "--title-en",
        "Speeches at a political-legal work meeting",
        "--seeds-dir",
        seeds,
    )
    assert result.returncode == 0, result.stderr
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    text_path, meta_path = seeds / f"000_{sha[:16]}.txt", seeds / f"000_{sha[:16]}.ttl"
    assert text_path.read_bytes() == source.read_bytes()
    assert f"registered {ZFR}doc-{sha[:16]}" in result.stdout
    graph = parse(meta_path)
    doc = URIRef(f"{ZFR}doc-{sha[:16]}")
    assert (doc, RDF.type, ZF.SourceDocument) in graph
    assert str(graph.value(doc, ZF.seedFile)) == text_path.name
    assert str(graph.value(doc, ZF.sha256)) == sha
    assert int(graph.value(doc, ZF.characterCount)) == len(SPEECH)
    assert graph.value(doc, DCTERMS.title) == Literal("政法工作推进会发言摘登", lang="zh")
    assert graph.value(doc, DCTERMS.publisher) == ZFR["publisher-fazhiwang"]  # the existing publisher
    assert str(graph.value(doc, DCTERMS.issued)) == "2021-03-02T10:00:00+08:00"
    assert str(graph.value(doc, DCTERMS.language)) == "zh"
    assert graph.value(doc, DCTERMS.source) == URIRef("https://example.org/a.html")
    assert {(str(v), v.language) for v in graph.objects(doc, RDFS.label)} == {
        ("政法工作推进会发言摘登", "zh"),
        ("Speeches at a political-legal work meeting", "en"),
    }
    # it passes validation with everything else: SHACL and the checksum check of load_corpus
    report = validate([meta_path], seed_dirs=[seeds, ROOT / "seeds"])
    assert [v for v in report.violations if str(meta_path) in v.files] == []


def test_registered_text_is_drafted_with_validating_evidence(tmp_path: Path) -> None:
    source = tmp_path / "speech.txt"
    source.write_text(SPEECH, encoding="utf-8")
    seeds = tmp_path / "seeds"
    reg = add_source(
        source, title="政法工作推进会发言摘登", publisher="法制网", issued="2021-03-02", seeds=seeds, validate=False
    )
    graph = load_sources(source_files([reg.metadata_path])).graph
    knowledge = Knowledge.from_graph(graph)
    draft = extract(read_source(reg.text_path), knowledge)
    assert draft.registered and draft.source_iri == reg.iri and draft.reference_date == "2021-03-02"
    assert {c.label for c in draft.of_kind("person")} == {"张某", "王某"}
    assert {c.label for c in draft.of_kind("post")} == {"浙江省人民检察院检察长"}
    assert {c.label for c in draft.of_kind("event")} == {"全省政法工作推进会"}
    draft_path = tmp_path / "draft.ttl"
    draft_path.write_text(to_turtle(draft, knowledge.provinces), encoding="utf-8")
    report = validate([reg.metadata_path, draft_path], seed_dirs=[seeds, ROOT / "seeds"])
    quote_problems = [v for v in report.violations if v.rule == "evidence-quote"]
    assert quote_problems == []
    assert report.checked_evidence > 20


def test_gb18030_is_refused_unless_converted_on_request(tmp_path: Path) -> None:
    original = tmp_path / "gbk.txt"
    original.write_bytes(SPEECH.encode("gb18030"))
    seeds = tmp_path / "seeds"
    refused = kg(
        "add-source",
        original,
        "--title",
        "t",
        "--publisher",
        "法制网",
        "--date",
        "2021-03-02",
        "--seeds-dir",
        seeds,
        "--no-validate",
    )
    assert refused.returncode == 2 and "--encoding gb18030" in refused.stderr and "Traceback" not in refused.stderr
    assert not seeds.exists() or not any(seeds.iterdir())
    reg = add_source(
        original, title="t", publisher="法制网", issued="2021-03-02", encoding="gb18030", seeds=seeds, validate=False
    )
    stored = reg.text_path.read_bytes()
    assert stored.decode("utf-8") == SPEECH
    graph = parse(reg.metadata_path)
    doc = URIRef(reg.iri)
    assert str(graph.value(doc, ZF.sha256)) == hashlib.sha256(stored).hexdigest()
    assert str(graph.value(doc, ZF.originalSha256)) == hashlib.sha256(original.read_bytes()).hexdigest()
    assert str(graph.value(doc, ZF.originalEncoding)) == "GB18030"
    # the original, drafted with its encoding, is recognised as the registered text
    knowledge = Knowledge.from_graph(load_sources(source_files([reg.metadata_path])).graph)
    assert extract(read_source(original, "gb18030"), knowledge).source_iri == reg.iri


def test_never_registers_twice_nor_overwrites(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    with pytest.raises(InputError, match="already registered"):
        add_source(SEED_TEXT, title="t", publisher="法制网", issued="2020-08-28", seeds=seeds, validate=False)
    source = tmp_path / "speech.txt"
    source.write_text(SPEECH, encoding="utf-8")
    first = add_source(source, title="t", publisher="法制网", issued="2021-03-02", seeds=seeds, validate=False)
    with pytest.raises(InputError, match="already registered"):
        add_source(source, title="t", publisher="法制网", issued="2021-03-02", seeds=seeds, validate=False)
    # a second text gets the next number
    other = tmp_path / "other.txt"
    other.write_text(SPEECH + "补充。\n", encoding="utf-8")
    second = add_source(other, title="t", publisher="法制网", issued="2021-03-02", seeds=seeds, validate=False)
    assert (first.text_path.name[:4], second.text_path.name[:4]) == ("000_", "001_")
    # and a file in the way is left alone
    blocker = seeds / "002_0000000000000000.txt"
    blocker.write_text("someone else's", encoding="utf-8")
    with pytest.raises(InputError, match="never overwritten"):
        _place(blocker, b"new", seeds / "002_0000000000000000.ttl", "")
    assert blocker.read_text(encoding="utf-8") == "someone else's"
    assert not (seeds / "002_0000000000000000.ttl").exists()


def test_new_publisher_and_untranslated_labels(tmp_path: Path) -> None:
    source = tmp_path / "speech.txt"
    source.write_text(SPEECH, encoding="utf-8")
    reg = add_source(
        source,
        title="发言摘登",
        publisher="某某日报",
        issued="2021年3月2日",
        seeds=tmp_path / "s",
        publisher_en="Some Daily",
        validate=True,
    )
    graph = parse(reg.metadata_path)
    publisher = URIRef(reg.publisher)
    assert (publisher, RDF.type, ZF.Publisher) in graph
    assert {str(v) for v in graph.objects(publisher, RDFS.label)} == {"某某日报", "Some Daily"}
    assert str(graph.value(URIRef(reg.iri), DCTERMS.issued)) == "2021-03-02"
    assert any("--title-en" in w for w in reg.warnings)
    assert Literal("[untranslated] 发言摘登", lang="en") in set(graph.objects(URIRef(reg.iri), RDFS.label))


@pytest.mark.parametrize(
    ("content", "args", "words"),
    [
        (b"", [], ["empty"]),
        (bytes(range(256)) * 16, [], ["binary"]),
        (SPEECH.encode(), ["--date", "yesterday"], ["--date"]),
        (SPEECH.encode(), ["--url", "ftp://x y"], ["--url"]),
        (SPEECH.encode(), ["--publisher", "zfr:publisher-none"], ["no such zf:Publisher"]),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path: Path, content: bytes, args: list[str], words: list[str]) -> None:
    source = tmp_path / "input.txt"
    source.write_bytes(content)
    base = {"--title": "t", "--publisher": "法制网", "--date": "2021-03-02"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    flat = [x for pair in base.items() for x in pair]
    result = kg("add-source", source, *flat, "--seeds-dir", tmp_path / "seeds", "--no-validate")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert not (tmp_path / "seeds").exists() or not any((tmp_path / "seeds").iterdir())


def test_python_errors_are_kg_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        add_source(SEED_TEXT, title=" ", publisher="法制网", issued="2020-08-28", seeds=tmp_path, validate=False)
    with pytest.raises(InputError, match="no such file"):
        add_source(tmp_path / "none.txt", title="t", publisher="法制网", issued="2020-08-28", seeds=tmp_path)


@pytest.mark.parametrize(
    ("written", "declared", "expected"),
    [
        ("utf-8", "utf-16", "valid UTF-8 text"),
        ("utf-8", "utf-16-be", "valid UTF-8 text"),
        ("utf-8", "gb18030", "not valid gb18030"),  # strict decoding already refused this one
        ("utf-8", "latin-1", "valid UTF-8 text"),
        ("utf-8-sig", "latin-1", "starts with a UTF-8 byte-order mark"),
        ("utf-16-le-bom", "utf-16-be", "not valid utf-16-be"),  # strict decoding
        ("gb18030", "latin-1", "accented letters or symbols"),
        ("gb18030", "big5", "not valid big5"),
    ],
)
def test_a_wrong_declared_encoding_is_refused(tmp_path: Path, written: str, declared: str, expected: str) -> None:
    """Issue 13 item 11: `--encoding utf-16` on a UTF-8 file stored mojibake and exited 0.

    The seed text's 15,454 UTF-8 bytes decode as UTF-16 without an error (to 7,727 characters, a
    third of them private-use), so strict decoding alone does not catch it.
    """
    seeds = tmp_path / "seeds"
    source = tmp_path / "speech.txt"
    text = SEED_TEXT.read_text(encoding="utf-8")
    if written == "utf-16-le-bom":
        source.write_bytes(codecs.BOM_UTF16_LE + SPEECH.encode("utf-16-le"))
    else:
        source.write_bytes(text.encode(written) if written.startswith("utf-8") else SPEECH.encode(written))
    with pytest.raises(InputError, match=expected):
        add_source(source, title="t", publisher="法制网", issued="2021-03-02", encoding=declared, seeds=seeds)
    assert not seeds.exists() or not list(seeds.iterdir())
    done = subprocess.run(
        [sys.executable, "-m", "kg", "add-source", str(source), "--title", "t", "--publisher", "法制网",
         "--date", "2021-03-02", "--encoding", declared, "--seeds-dir", str(seeds)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and expected in done.stderr, done.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "gb18030", "gbk", "utf-8"])
def test_a_right_declared_encoding_is_accepted(tmp_path: Path, encoding: str) -> None:
    source = tmp_path / "speech.txt"
    source.write_bytes(SPEECH.encode(encoding))
    reg = add_source(
        source, title="t", publisher="法制网", issued="2021-03-02", encoding=encoding, seeds=tmp_path / "seeds",
        validate=False,
    )  # fmt: skip
    assert reg.text_path.read_text(encoding="utf-8") == SPEECH


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_a_european_text_in_a_single_byte_encoding_is_accepted(tmp_path: Path, encoding: str) -> None:
    text = "Le Comité central a publié « l'avis » sur la réforme judiciaire, deuxième édition, 2021.\n" * 3
    source = tmp_path / "avis.txt"
    source.write_bytes(text.encode(encoding))
    reg = add_source(
        source, title="avis", publisher="法制网", issued="2021-03-02", encoding=encoding, seeds=tmp_path / "seeds",
        language="fr", validate=False,
    )  # fmt: skip
    assert reg.text_path.read_text(encoding="utf-8") == text
