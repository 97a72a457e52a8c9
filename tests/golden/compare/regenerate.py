"""Rewrite the golden matrices of ``tests/test_compare.py`` from the current sources.

Run it after changing facts or the taxonomy, then REVIEW the diff against the
source text before committing (``git diff tests/golden/compare``): every
changed cell should be explained by the change you made.

    python tests/golden/compare/regenerate.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

#: File name → the arguments of ``kg.compare.build_matrix`` and the label language.
#: Without "count", the default rule: distinct mechanisms reported (--by category),
#: reported or not (--by mechanism); ``*.measures.csv`` count measures, ``*.statements.csv``
#: distinct stating sentences.
GOLDENS: dict[str, dict[str, str]] = {
    "province-category.csv": {"by": "category", "across": "province", "lang": "zh"},
    "province-category.en.csv": {"by": "category", "across": "province", "lang": "en"},
    "province-mechanism.csv": {"by": "mechanism", "across": "province", "lang": "zh"},
    "organ-type-category.csv": {"by": "category", "across": "organ-type", "lang": "zh"},
    "province-category.measures.csv": {"by": "category", "across": "province", "lang": "zh", "count": "measures"},
    "province-mechanism.measures.csv": {"by": "mechanism", "across": "province", "lang": "zh", "count": "measures"},
    "organ-type-category.measures.csv": {"by": "category", "across": "organ-type", "lang": "zh", "count": "measures"},
    "province-category.statements.csv": {
        "by": "category",
        "across": "province",
        "lang": "zh",
        "count": "statements",
    },
}


def render(name: str, data: object) -> str:
    from kg.compare import build_matrix, matrix_csv

    spec = GOLDENS[name]
    matrix = build_matrix(data, by=spec["by"], across=spec["across"], count=spec.get("count"))  # type: ignore[arg-type]
    return matrix_csv(matrix, spec["lang"])


def main() -> None:
    from kg.compare import load
    from kg.serialize import write_atomic
    from kg.store import open_graph

    data = load(open_graph(backend="memory"))
    for name in GOLDENS:
        path = HERE / name
        text = render(name, data)
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        write_atomic(path, text)
        print(f"{'updated' if changed else 'unchanged'}: {path.name}")


if __name__ == "__main__":
    main()
