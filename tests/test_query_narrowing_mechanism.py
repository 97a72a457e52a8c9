"""``measures-by-mechanism``'s ``# narrow ?mech exactly by ?mechanism`` header: the mechanisms a bound parameter
selects, found first (kg.sparql.narrowing).

The query tested its mechanism parameter by ``EXISTS`` on every row of the whole join (90 s at a million
triples); on the embedded store the mechanisms it can select are now found first, put first in the query's
group and in its page's buckets, and the parameter is left unbound. The mechanisms expected below are read
off ``ontology/taxonomy.ttl`` by hand; the answers must be the query's own, row for row and in order.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query import Session, _run_oxigraph, connect, shipped_query, term
from kg.sparql.narrowing import narrowed_page_by, narrowed_values, values_block
from kg.sparql.prefixes import PREFIXES

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


def narrowed_to(store_path: Path, value: object) -> set[str]:
    """The mechanisms (local names) the query is asked for first."""
    shipped = shipped_query(QUERY)
    narrowing = shipped.narrowing
    assert narrowing is not None
    store = ox.Store.read_only(str(store_path))
    found = narrowed_values(narrowing, value, shipped.text, lambda q: _run_oxigraph(store, q, PREFIXES, "SELECT"))
    assert found is not None and all(len(row) == 1 and isinstance(row[0], ox.NamedNode) for row in found)
    # The buckets of a page (page-by ?cat ?mech) are those of the same mechanisms; the categories (the first key)
    # are still read off the whole walk: a category of no row is an empty bucket.
    block = values_block(("mech",), found)
    assert block == "VALUES ?mech { " + " ".join(str(iri) for (iri,) in found) + " }"
    page_by = narrowed_page_by(shipped.page_by, ("mech",), block)
    assert page_by is not None and shipped.page_by is not None
    assert page_by.pattern == f"{{ {shipped.page_by.pattern} }} {block}"
    assert page_by.firsts == shipped.page_by.pattern
    return {iri.value.removeprefix(ZFR) for (iri,) in found}  # type: ignore[union-attr]


def test_the_header_declares_the_key_the_parameter_and_its_pattern() -> None:
    narrowing = shipped_query(QUERY).narrowing
    assert narrowing is not None
    assert (narrowing.targets, narrowing.param, narrowing.exact) == (("mech",), "mechanism", True)
    (pattern,) = narrowing.patterns
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
    store_path: Path, value: str, expected: set[str]
) -> None:
    asked = term(value) if value.startswith("zfr:") else ox.Literal(value)
    assert narrowed_to(store_path, asked) == expected


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
