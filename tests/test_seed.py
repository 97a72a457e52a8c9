"""The seed corpus is kept byte-for-byte and described by its metadata."""

from __future__ import annotations

import hashlib

from rdflib import Graph, URIRef

from kg.corpus import load_corpus
from kg.namespaces import DCTERMS, ZF, ZFR
from tests.conftest import SEED_SHA256, SEED_TEXT

DOC = ZFR["doc-c6000f12c74fa8d8"]


def test_seed_is_byte_identical() -> None:
    assert hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest() == SEED_SHA256


def test_metadata_records_checksum_and_bibliography(seed_graph: Graph) -> None:
    assert str(seed_graph.value(DOC, ZF.sha256)) == SEED_SHA256
    assert str(seed_graph.value(DOC, ZF.seedFile)) == SEED_TEXT.name
    assert str(seed_graph.value(DOC, DCTERMS.issued)) == "2020-08-28T09:59:36+08:00"
    assert str(seed_graph.value(DOC, ZF.printDate)) == "2020-08-27"
    creators = {
        str(seed_graph.value(c, URIRef("http://xmlns.com/foaf/0.1/name")))
        for c in seed_graph.objects(DOC, DCTERMS.creator)
    }
    assert creators == {"周斌", "董凡超"}


def test_parts_are_offsets_into_the_text(seed_graph: Graph) -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    parts = {}
    for part in seed_graph.objects(DOC, DCTERMS.hasPart):
        start, end = int(seed_graph.value(part, ZF.startOffset)), int(seed_graph.value(part, ZF.endOffset))
        parts[str(part).rsplit("-", 1)[-1]] = text[start:end]
    assert parts["head"].startswith("2024年09月21日")
    assert parts["tail"] == "视频推荐\n\n图片新闻"
    assert parts["note"].startswith("编者按") and parts["note"].endswith("供各地借鉴。")
    for province, speaker in [
        ("hunan", "李殿勋"),
        ("jiangsu", "夏道虎"),
        ("guangxi", "崔智友"),
        ("guizhou", "郭瑞民"),
        ("sichuan", "刘志诚"),
    ]:
        part = ZFR[f"doc-c6000f12c74fa8d8-speech-{province}"]
        start, end = int(seed_graph.value(part, ZF.startOffset)), int(seed_graph.value(part, ZF.endOffset))
        assert speaker in text[start:end]
        assert str(seed_graph.value(part, ZF.speakerName)) == speaker


def test_corpus_loads_the_seed(seed_graph: Graph) -> None:
    corpus = load_corpus(seed_graph)
    assert list(corpus) == [DOC]
    assert len(corpus[DOC].text) == 5537
