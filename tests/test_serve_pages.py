"""Entity pages with the issue-14 vocabulary (CONTRACT-14): how a measure's organ was attributed, the role of
each quote (stating sentence first, section headings after), and curator-supplied external references.

Until the curated facts carry these, a small graph of our own beside the seed graph states them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from kg.build import BuildResult, build
from kg.serve.background import serving

CONTRACT_TTL = """\
@prefix zf:   <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:  <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

zf:StatedInText a zf:AttributionBasis ; rdfs:label "原文明示"@zh , "stated in the text"@en .
zf:InferredFromContext a zf:AttributionBasis ; rdfs:label "据上下文推断"@zh , "inferred from context"@en .
zf:StatingSentence a zf:EvidenceRole ; rdfs:label "陈述句"@zh , "stating sentence"@en .
zf:ContextHeading a zf:EvidenceRole ; rdfs:label "所在标题（上下文）"@zh , "section heading (context)"@en .

zfr:test-inferred-measure a zf:Measure ;
    rdfs:label "测试推断举措"@zh , "test inferred measure"@en ;
    zf:adoptedBy zfr:organ-hunan-courts ;
    zf:implements zfr:mech-similar-case-search ;
    zf:attributionBasis zf:InferredFromContext ;
    zf:attributionNote "据小标题审判监督管理机制推断"@zh , "inferred from the sub-heading on trial supervision"@en ;
    prov:wasDerivedFrom zfr:test-ev-heading , zfr:test-ev-sentence .

zfr:test-ev-heading a zf:Evidence ;
    zf:evidenceRole zf:ContextHeading ;
    oa:hasSource zfr:doc-c6000f12c74fa8d8 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "标题甲" ; oa:prefix "" ; oa:suffix "" ] ,
        [ a oa:TextPositionSelector ; oa:start 5 ; oa:end 8 ] .

zfr:test-ev-sentence a zf:Evidence ;
    zf:evidenceRole zf:StatingSentence ;
    oa:hasSource zfr:doc-c6000f12c74fa8d8 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "陈述句乙" ; oa:prefix "" ; oa:suffix "" ] ,
        [ a oa:TextPositionSelector ; oa:start 50 ; oa:end 54 ] .

zfr:mech-similar-case-search zf:externalReference zfr:test-ref .
zfr:test-ref a zf:ExternalReference ;
    dcterms:title "最高人民法院关于完善人民法院司法责任制的若干意见"@zh ;
    dcterms:creator zfr:organ-supreme-peoples-court ;
    dcterms:identifier "法发〔2015〕13号" ;
    dcterms:issued "2015-09-21"^^xsd:date ;
    zf:curatorSupplied true .
"""


@pytest.fixture(scope="module")
def contract_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("contract14")
    (folder / "contract.ttl").write_text(CONTRACT_TTL, encoding="utf-8")
    return build(include=[folder / "contract.ttl"], out_dir=folder / "dist", validate=False)


@pytest.fixture(scope="module")
def client(contract_build: BuildResult) -> Iterator[httpx.Client]:
    with serving(contract_build.outputs["store"]) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http


def html(client: httpx.Client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.text


def test_quotes_list_the_stating_sentence_first_and_name_the_heading_as_context(client: httpx.Client) -> None:
    page = html(client, "/id/test-inferred-measure")
    evidence = page.split('class="evidence"', 1)[1]
    # The heading comes first in the text (offset 5) but is listed after the stating sentence (offset 50).
    assert evidence.index("陈述句乙") < evidence.index("标题甲")
    assert evidence.count('<figure class="quote heading">') == 1
    heading = evidence.split('<figure class="quote heading">', 1)[1].split("</figure>", 1)[0]
    assert "section heading (context) 所在标题（上下文）" in heading
    sentence = evidence.split('<figure class="quote">', 1)[1].split("</figure>", 1)[0]
    assert '<span class="role">陈述句 stating sentence</span>' in sentence


def test_a_problem_clause_is_listed_after_the_stating_sentence_as_context(client: httpx.Client) -> None:
    """湖南 “针对院庭长不愿监督、不敢监督、不会监督问题” is a zf:ContextClause (REVIEW-1), not the stating sentence."""
    page = html(client, "/id/measure-hunan-four-categories-17-situations")
    evidence = page.split('class="evidence"', 1)[1]
    assert evidence.index("细化监管“四类案件”17项情形") < evidence.index("针对院庭长不愿监督")
    clause = evidence.split('<figure class="quote heading">', 1)[1].split("</figure>", 1)[0]
    assert "针对院庭长不愿监督" in clause
    assert "context clause (problem or background) 所在语境（问题或背景）" in clause


def test_an_inferred_attribution_says_so_with_its_note_on_the_organ_page(client: httpx.Client) -> None:
    page = html(client, "/id/organ-hunan-courts")
    reported = page.split('id="reported"', 1)[1].split("</section>\n</section>", 1)[0]
    item = next(li for li in reported.split("<li>") if "测试推断举措" in li)
    assert "据上下文推断 inferred from context" in item
    assert "据小标题审判监督管理机制推断" in item
    # Every 湖南法院 measure of the seed is inferred too — the eight under “一是完善审判监督管理机制” and
    # “细化监管“四类案件”17项情形” (docs/curation.md) — so the page shows 10 badges, one per inferred measure;
    # measures stated in the text carry none.
    items = [li for li in reported.split("<li>")[1:]]
    assert sum('class="badge"' in li for li in items) == 10
    assert all(('class="badge"' in li) == ("据上下文推断" in li) for li in items)


def test_a_curator_supplied_reference_shows_as_such(client: httpx.Client) -> None:
    page = html(client, "/id/mech-similar-case-search")
    section = page.split('id="external"', 1)[1].split("</section>", 1)[0]
    assert "Supplied by the curator, not quoted from a source text" in section
    assert "法发〔2015〕13号" in section and "2015-09-21" in section
    assert "curator-supplied 编者补充" in section
    assert 'href="/id/organ-supreme-peoples-court"' in section
    # Its page names the inverse relation readably.
    ref = html(client, "/id/test-ref")
    assert re.search(
        r"<summary>引用它的机制 <span class=\"alt\">mechanisms referring to it</span> \(1\)</summary>", ref
    )
    assert "dcterms:creator</a>" not in ref.split('class="properties"', 1)[1].split("</table>", 1)[0]


def test_show_in_graph_focuses_on_what_the_graph_draws(client: httpx.Client) -> None:
    from urllib.parse import parse_qs, urlparse

    def graph_links(path: str) -> list[dict[str, list[str]]]:
        page = html(client, path)
        hrefs = re.findall(r'class="graph-link" href="([^"]+)" data-depth', page)
        return [parse_qs(urlparse(h.replace("&amp;", "&")).query) for h in hrefs]

    # An entity the graph draws: itself, at depth 1 and 2.
    assert graph_links("/id/test-inferred-measure") == [
        {"focus": ["https://w3id.org/zhengfa-kg/id/test-inferred-measure"], "depth": [d]} for d in ("1", "2")
    ]
    # A quote is not drawn: its links focus on the measure it is evidence of.
    assert graph_links("/id/test-ev-sentence")[0] == {
        "focus": ["https://w3id.org/zhengfa-kg/id/test-inferred-measure"],
        "depth": ["1"],
    }
    # Several nodes in focus (a compare cell's measures) stay in the form as hidden fields.
    two = {"focus": ["湖南省", "江苏省"], "depth": "1"}
    page = client.get("/graph", params=two, headers={"Accept": "text/html"}).text
    assert page.count('<input type="hidden" name="focus"') == 2 and 'value=""' in page.split('id="focus"')[1][:120]


def test_a_province_or_category_link_to_compare_marks_its_column_or_row(client: httpx.Client) -> None:
    column = client.get("/compare", params={"column": "https://w3id.org/zhengfa-kg/id/province-hunan"}).text
    assert re.search(r'<th scope="col" class="highlight"><a href="/id/province-hunan"', column)
    row = client.get("/compare", params={"row": "https://w3id.org/zhengfa-kg/id/cat-legal-supervision"}).text
    assert re.search(r'<tr class="[^"]*highlight">\s*<th scope="row"[^>]*><a href="/id/cat-legal-supervision"', row)
