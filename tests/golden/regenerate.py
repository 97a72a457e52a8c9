"""Rewrite the golden answers of the shipped queries from the current facts.

    python -m tests.golden.regenerate            # rewrite every golden file
    python -m tests.golden.regenerate figures    # only the cases of these queries
    git diff tests/golden/queries                # review what changed, against the source text

Each golden file ``tests/golden/queries/<query>[.<case>].tsv`` holds one query's
full answer on the seed graph: ``#`` header lines (the query, its parameters,
whether the order matters), then a tab-separated table whose first line names the
variables and whose cells are RDF terms in Turtle syntax with the project's
prefixes (numbers by value: ``0.761`` for ``0.7610``; an empty cell is unbound).
The tests compare every query's answer on both backends with these files.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "queries"

#: Cases with parameters, besides every shipped query run with none: (query, case id, CLI-style params).
PARAM_CASES: list[tuple[str, str, dict[str, str]]] = [
    ("province-category-matrix", "jiangsu", {"province": "Jiangsu"}),
    ("province-category-matrix", "legal-supervision", {"category": "法律监督"}),
    ("province-measures", "hunan", {"province": "湖南"}),
    ("province-measures", "guangxi-iri", {"province": "zfr:province-guangxi"}),
    ("figures", "sichuan", {"province": '"四川"@zh'}),
    ("who-supervises-whom", "guangxi", {"province": "广西壮族自治区"}),
    ("measures-using-systems", "guizhou", {"province": "guizhou"}),
    ("evidence-of", "similar-case-search", {"entity": "zfr:measure-jiangsu-mandatory-similar-case-search"}),
    ("evidence-of", "by-label", {"entity": "证人出庭难"}),
    ("measures", "jiangsu", {"province": "江苏"}),
    ("measures-by-mechanism", "legal-supervision", {"mechanism": "zfr:cat-legal-supervision"}),
    ("measures-by-mechanism", "by-name", {"mechanism": "类案检索"}),
    ("search", "similar-cases", {"text": "类案"}),
    ("who-checks-whom", "procuratorial", {"relation": "检察"}),
    ("who-checks-whom", "internal", {"relation": "zfr:rel-internal"}),
    ("measures-under-heading", "before", {"heading": "事前"}),
    ("measures-under-heading", "penal-execution", {"heading": "刑罚执行"}),
]


@dataclass
class Golden:
    query: str
    case: str
    params: dict[str, str] = field(default_factory=dict)
    ordered: bool = True
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def path(self) -> Path:
        suffix = f".{self.case}" if self.case else ""
        return GOLDEN_DIR / f"{self.query}{suffix}.tsv"

    def render(self) -> str:
        lines = [f"# query: {self.query}"]
        lines += [f"# param: {k}={v}" for k, v in self.params.items()]
        lines.append(f"# ordered: {'yes' if self.ordered else 'no'}")
        lines.append(f"# rows: {len(self.rows)}")
        lines.append("\t".join("?" + v for v in self.variables))
        lines += ["\t".join(row) for row in self.rows]
        return "\n".join(lines) + "\n"


def parse_golden(path: Path) -> Golden:
    """Read a golden file back (the inverse of Golden.render)."""
    query = path.stem.split(".", 1)[0]
    case = path.stem.split(".", 1)[1] if "." in path.stem else ""
    golden = Golden(query=query, case=case)
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    body = []
    for line in lines:
        if line.startswith("# param: "):
            key, _, value = line[len("# param: ") :].partition("=")
            golden.params[key] = value
        elif line.startswith("# ordered: "):
            golden.ordered = line.endswith("yes")
        elif line.startswith("# query: "):
            golden.query = line[len("# query: ") :]
        elif not line.startswith("#"):
            body.append(line)
    golden.variables = [v[1:] for v in body[0].split("\t")] if body and body[0] else []
    golden.rows = [tuple(line.split("\t")) for line in body[1:]]
    return golden


def canonical_rows(result: object, prefixes: Mapping[str, str]) -> list[tuple[str, ...]]:
    """A query result's rows as golden cells (numbers by value, compact IRIs)."""
    from kg.sparql.terms import turtle_text

    return [tuple(turtle_text(term, prefixes) for term in row) for row in result.rows]  # type: ignore[attr-defined]


def all_cases() -> list[tuple[str, str, dict[str, str]]]:
    """Every shipped query without parameters, then the parameter cases."""
    from kg.query import shipped_queries

    return [(q.name, "", {}) for q in shipped_queries()] + PARAM_CASES


def answer(session: object, query: str, params: Mapping[str, str]) -> Golden:
    """Run one case and return its golden content."""
    from kg.namespaces import PREFIXES
    from kg.query import shipped_query
    from kg.sparql.lexer import has_top_level_order_by
    from kg.sparql.terms import param_term

    bindings = {k: param_term(v, PREFIXES) for k, v in params.items()}
    result = session.run(query, bindings)  # type: ignore[attr-defined]
    return Golden(
        query=query,
        case="",
        params=dict(params),
        ordered=has_top_level_order_by(shipped_query(query).text),
        variables=list(result.variables),
        rows=canonical_rows(result, PREFIXES),
    )


def regenerate(only: Iterable[str] = ()) -> list[Path]:
    """Rewrite the golden files (all, or those of the named queries); return the ones that changed."""
    from kg.query import Session

    wanted = set(only)
    session = Session(backend="memory", timeout=None)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    changed = []
    for query, case, params in all_cases():
        if wanted and query not in wanted:
            continue
        golden = answer(session, query, params)
        golden.case = case
        text = golden.render()
        if not golden.path.exists() or golden.path.read_text(encoding="utf-8") != text:
            golden.path.write_text(text, encoding="utf-8")
            changed.append(golden.path)
    return changed


def main(argv: list[str]) -> int:
    changed = regenerate(argv)
    for path in changed:
        print(f"rewrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    print(f"{len(changed)} golden file(s) changed; review them with `git diff tests/golden/queries` before committing")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
