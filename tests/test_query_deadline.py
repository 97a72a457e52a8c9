"""One time limit a request: a parameter's narrowing, a page's buckets and the query share it.

A shipped query may be several queries (the province check, the narrowing's scans, the buckets of a page, the
query itself); each used to get the whole limit, so ``--timeout 30`` could take a multiple of 30 s, and a
server page as many times its limit as it had buckets.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import kg.query
from kg.errors import QueryTimeout
from kg.namespaces import PREFIXES
from kg.query import Session, connect, shipped_query
from kg.serve.engine import Limits, QueryEngine
from kg.sparql.terms import param_term
from kg.sparql.worker import Deadline, run_limited

FACT = "zfr:measure-jiangsu-mandatory-similar-case-search"


def test_a_deadline_is_made_once_and_counts_down() -> None:
    assert Deadline.after(None) is None and Deadline.after(0) is None
    deadline = Deadline.after(2.5)
    assert deadline is not None and deadline.seconds == 2.5 and 0 < deadline.left() <= 2.5
    assert Deadline.after(deadline) is deadline


@pytest.mark.parametrize("isolate", [False, True])
def test_a_passed_deadline_stops_before_the_query_starts(isolate: bool) -> None:
    started: list[str] = []
    passed = Deadline(seconds=5, ends=time.monotonic() - 1)
    with pytest.raises(QueryTimeout, match=r"stopped after 5 s"):
        run_limited(started.append, ("started",), passed, isolate=isolate)
    assert started == []


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    real = run_limited

    def recorded(func: Any, args: tuple[Any, ...], timeout: Any, **options: Any) -> Any:
        seen.append(timeout)
        return real(func, args, timeout, **options)

    monkeypatch.setattr(kg.query, "run_limited", recorded)
    return seen


def test_the_queries_of_one_shipped_query_share_one_deadline(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = connect(store=store_path, timeout=30, isolate=False)
    seen = _recording(monkeypatch)
    requests = [
        # evidence-of with an entity: its narrowing, then the query
        lambda: session.run("evidence-of", entity=param_term(FACT, PREFIXES)),
        # measures with a province: the province check, then the query (by buckets)
        lambda: session.run("measures", province="湖南", limit=5),
        # a page of evidence-of: the first keys, then its buckets
        lambda: session.run("evidence-of", limit=5, offset=3),
    ]
    deadlines = []
    for request in requests:
        seen.clear()
        assert len(request()) >= 1
        assert len(seen) >= 2 and isinstance(seen[0], Deadline) and seen[0].seconds == 30
        assert all(d is seen[0] for d in seen)
        deadlines.append(seen[0])
    assert len({id(d) for d in deadlines}) == len(requests)  # each request has its own


def test_a_narrowing_and_its_query_together_stop_at_the_limit(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each part takes at least 0.35 s of a 0.5 s limit: alone each would finish, together they may not.
    real_narrow, real_run = kg.query._narrow_on_oxigraph, kg.query._run_oxigraph

    def slow_narrowing(*args: Any) -> Any:
        time.sleep(0.35)
        return real_narrow(*args)

    def slow_query(store: Any, text: str, *args: Any) -> Any:
        if "SELECT DISTINCT ?fact WHERE" not in text:  # the query itself, not the narrowing's scans
            time.sleep(0.35)
        return real_run(store, text, *args)

    monkeypatch.setattr(kg.query, "_narrow_on_oxigraph", slow_narrowing)
    monkeypatch.setattr(kg.query, "_run_oxigraph", slow_query)
    session: Session = connect(store=store_path, timeout=0.5, isolate=False)
    with pytest.raises(QueryTimeout, match=r"stopped after 0\.5 s"):
        session.run("evidence-of", entity=param_term(FACT, PREFIXES))
    # with room for both, the same request answers
    roomy = connect(store=store_path, timeout=30, isolate=False)
    assert len(roomy.run("evidence-of", entity=param_term(FACT, PREFIXES))) >= 1


def test_the_servers_queries_of_one_page_share_one_deadline(store_path: Path) -> None:
    shipped = shipped_query("evidence-of")
    assert shipped.page_by is not None and shipped.narrowing is not None
    engine = QueryEngine(store_path, Limits(timeout=60))
    seen: list[Any] = []
    run = engine.run

    def recorded(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("deadline"))
        return run(text, *args, **kwargs)

    engine.run = recorded  # type: ignore[method-assign]
    page = engine.run_bucketed(shipped.text, {"entity": "UNDEF"}, shipped.page_by, 5, 3)
    assert page is not None and len(page.result.rows) == 5
    bucketed, seen[:] = list(seen), []
    value = param_term(FACT, PREFIXES)
    narrowed = engine.run_narrowed(shipped.text, shipped.narrowing, value, {"entity": str(value)}, 10, 0)
    assert narrowed is not None and len(narrowed.result.rows) >= 1
    for asked in (bucketed, seen):
        assert len(asked) >= 2 and isinstance(asked[0], Deadline) and asked[0].seconds == 60
        assert all(d is asked[0] for d in asked)
    assert bucketed[0] is not seen[0]
