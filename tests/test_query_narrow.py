"""A shipped query's ``# narrow-by ?k: pattern`` header: the values of ``?k`` a bound parameter selects, found first.

``measures-by-mechanism`` tested its mechanism parameter by ``EXISTS`` on every row of the whole join
(90 s at a million triples); on the embedded store the mechanisms it can select are now found first and
put first in the query's group. The mechanisms expected below are read off ``ontology/taxonomy.ttl``
by hand; the answers must be the query's own, row for row and in order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.query import Session, connect, shipped_query, term

ZFR = "https://w3id.org/zhengfa-kg/id/"
QUERY = "measures-by-mechanism"

# cat-legal-supervision and the nine mechanisms whose skos:broader it is (taxonomy.ttl, its section).
LEGAL_SUPERVISION = {
    "cat-legal-supervision",
    "mech-division-cooperation-checks",
    "mech-pre-protest-request",
    "mech-trial-supervision-case-guidance",
    "mech-prison-resident-circuit-procuratorate",
    "mech-procuratorial-guidance-of-investigation",
    "mech-resident-procuratorial-office-investigation",
    "mech-synchronous-filing-review",
    "mech-trial-centred-reform",
    "mech-support-for-procuratorial-supervision",
}


@pytest.fixture(scope="module")
def oxigraph(store_path: Path) -> Session:
    return connect(store=store_path, isolate=False)


def narrowed_to(session: Session, value: object) -> set[str] | None:
    """The mechanisms (local names) the query is asked for first, or None when it is asked as it is."""
    shipped = shipped_query(QUERY)
    assert shipped.narrow_by is not None
    given = {} if value is None else {"mechanism": value}
    text, page_by, rest = session._narrowed(
        shipped.text, shipped.narrow_by, shipped.params, given, None, shipped.page_by
    )
    if text == shipped.text:
        assert page_by == shipped.page_by and rest == given
        return None
    # The values found stand for the mechanism's test: the query is asked with it unbound.
    assert rest == {}
    block = re.search(r"VALUES \(\?mech\) \{([^}]*)\}", text)
    assert block is not None
    found = {iri.removeprefix(ZFR) for iri in re.findall(r"<([^>]*)>", block.group(1))}
    # The buckets of a page (page-by ?cat ?mech) are those of the same mechanisms.
    assert page_by is not None and shipped.page_by is not None
    keys = re.fullmatch(r"\{ (.*) \} VALUES \?mech \{([^}]*)\}", page_by.pattern)
    assert keys is not None and keys.group(1) == shipped.page_by.pattern
    # Their categories (the first key) are still read off the whole walk: a category of no row is an empty bucket.
    assert page_by.firsts == shipped.page_by.pattern
    assert {iri.removeprefix(ZFR) for iri in re.findall(r"<([^>]*)>", keys.group(2))} == found
    return found


def test_the_header_declares_the_key_and_its_pattern() -> None:
    narrow_by = shipped_query(QUERY).narrow_by
    assert narrow_by is not None
    variable, pattern = narrow_by
    assert variable == "mech"
    assert "?mechanism" in pattern and pattern.startswith("{ SELECT ?mech ?hit")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Its zh prefLabel; nothing lies under it.
        ("类案检索", {"mech-similar-case-search"}),
        # An en prefLabel part, case ignored: "Similar-case search" and "Case-based and similar-case adjudication
        # guidance".
        ("SIMILAR-CASE", {"mech-similar-case-search", "mech-case-adjudication-guidance"}),
        # A category by IRI: itself and the mechanisms under it.
        ("zfr:cat-legal-supervision", LEGAL_SUPERVISION),
        # A mechanism with one under it (mech-execution-854-model's skos:broader), by IRI and by its zh name.
        ("zfr:mech-process-node-control", {"mech-process-node-control", "mech-execution-854-model"}),
        ("流程节点监控", {"mech-process-node-control", "mech-execution-854-model"}),
        # Nothing of that name or IRI: no mechanism, so no rows.
        ("没有这个机制", set()),
        ("zfr:nothing", set()),
    ],
)
def test_a_bound_mechanism_is_narrowed_to_the_mechanisms_it_selects(
    oxigraph: Session, value: str, expected: set[str]
) -> None:
    asked = term(value) if value.startswith("zfr:") else value
    assert narrowed_to(oxigraph, asked) == expected


def test_an_unbound_mechanism_leaves_the_query_as_it_is(oxigraph: Session) -> None:
    assert narrowed_to(oxigraph, None) is None


@pytest.mark.parametrize(
    "value", ["类案检索", "similar-case", "zfr:cat-legal-supervision", "zfr:mech-process-node-control", "没有这个机制"]
)
@pytest.mark.parametrize("page", [None, 2])
def test_the_narrowed_answer_is_the_query_s_own(oxigraph: Session, value: str, page: int | None) -> None:
    """Session.run narrows; Session.query runs the same text as it is (the filter tested on every row)."""
    params = {"mechanism": term(value) if value.startswith("zfr:") else value}
    narrowed = oxigraph.run(QUERY, params, limit=page)
    whole = oxigraph.query(shipped_query(QUERY).text, params, limit=page)
    assert narrowed.variables == whole.variables
    assert narrowed.rows == whole.rows
    assert narrowed.more == whole.more
    if value != "没有这个机制":
        assert narrowed.rows
