"""The choices ``kg compare`` accepts, and the one check every entry point makes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from kg.errors import UsageError

By = Literal["category", "mechanism"]


Across = Literal["province", "organ-type"]


Lang = Literal["zh", "en"]


BYS: tuple[str, ...] = ("category", "mechanism")


ACROSS: tuple[str, ...] = ("province", "organ-type")


LANGS: tuple[str, ...] = ("zh", "en")


ROWS: tuple[str, ...] = ("all", "nonzero")


SORTS: tuple[str, ...] = ("taxonomy", "total")


MATRIX_FORMATS: tuple[str, ...] = ("table", "csv", "md", "html", "json", "png", "svg")


REPORT_FORMATS: tuple[str, ...] = ("table", "csv", "md", "json")


def check_choice(option: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise UsageError(f"unknown {option} {value!r}: choose one of {', '.join(choices)}")
