"""The choices ``kg compare`` accepts, and the one check every entry point makes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from kg.errors import UsageError

By = Literal["category", "mechanism", "relation"]
Across = Literal["province", "organ-type"]
Lang = Literal["zh", "en"]
Count = Literal["presence", "mechanisms", "statements", "measures"]

BYS: tuple[str, ...] = ("category", "mechanism", "relation")
ACROSS: tuple[str, ...] = ("province", "organ-type")
LANGS: tuple[str, ...] = ("zh", "en")
ROWS: tuple[str, ...] = ("all", "nonzero")
SORTS: tuple[str, ...] = ("taxonomy", "total")
COUNTS: tuple[str, ...] = ("presence", "mechanisms", "statements", "measures")
MATRIX_FORMATS: tuple[str, ...] = ("table", "csv", "md", "html", "json", "png", "svg")
REPORT_FORMATS: tuple[str, ...] = ("table", "csv", "md", "json")

#: What a cell counts unless --count says otherwise: whether a mechanism is reported at all; how many
#: distinct mechanisms of a category are reported; how many distinct sentences state a measure of a
#: supervision relation (its mechanisms would count one measure several times over).
DEFAULT_COUNT: dict[str, str] = {"mechanism": "presence", "category": "mechanisms", "relation": "statements"}


def check_choice(option: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise UsageError(f"unknown {option} {value!r}: choose one of {', '.join(choices)}")
