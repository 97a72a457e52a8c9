"""Every numeric option is finite and in range, or one line and exit 2 (issue 13, item 9)."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import UsageError
from kg.numbers import check_number
from kg.query import Session
from tests.conftest import SEED_TEXT

BAD = [
    ("query --name speakers --backend memory", "--timeout", "inf", "from 0 to 86,400 seconds (0: no limit)"),
    ("query --name speakers --backend memory", "--timeout", "1e12", "from 0 to 86,400 seconds (0: no limit)"),
    ("query --name speakers --backend memory", "--timeout", "nan", "from 0 to 86,400 seconds (0: no limit)"),
    ("query --name speakers --backend memory", "--timeout", "-1", "from 0 to 86,400 seconds (0: no limit)"),
    ("query --name speakers --backend memory", "--max-width", "-5", "from 0 to 100,000 (0: no limit)"),
    ("viz --backend memory --focus 夏道虎", "--depth", "100000000000", "from 0 to 100"),
    ("viz --backend memory", "--depth", "-1", "from 0 to 100"),
    ("viz --backend memory", "--max-nodes", "-3", "from 0 to 10,000,000 (0: no limit)"),
    ("compare --backend memory", "--dpi", "5", "from 10 to 1,200"),
    ("analyze --backend memory", "--top", "0", "from 1 to 1,000,000"),
    ("analyze --backend memory", "--seed", "-1", "from 0 to 4,294,967,295"),
    ("analyze --backend memory", "--samples", "-1", "from 0 to 1,000,000 (0: exact)"),
    ("analyze --backend memory", "--resolution", "nan", "above 0 to 1,000"),
    ("analyze --backend memory", "--resolution", "inf", "above 0 to 1,000"),
    ("analyze --backend memory", "--resolution", "0", "above 0 to 1,000"),
    ("quote 湖南", "--occurrence", "0", "from 1 to 1,000,000"),
    (f"extract {SEED_TEXT}", "--max-chars", "-1", "from 0 to 1,000,000,000 (0: no limit)"),
]


@pytest.mark.parametrize(("command", "option", "value", "expected"), BAD)
def test_a_bad_number_is_one_line_and_exit_2(command: str, option: str, value: str, expected: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), option, value])
    assert result.exit_code == 2, result.output
    shown = {"1e12": "1e+12", "100000000000": "100,000,000,000", "-3": "-3"}.get(value, value)
    assert result.stderr == f"error: {option} {shown}: give a number {expected}\n"
    assert result.stdout == ""


def test_the_library_refuses_an_endless_time_limit_too() -> None:
    for bad in (math.inf, math.nan, 1e12, -1.0):
        with pytest.raises(UsageError, match=r"^timeout "):
            Session(backend="memory", timeout=bad)
    assert Session(backend="memory", timeout=0).timeout == 0


def test_the_check_keeps_good_values_and_their_type() -> None:
    assert check_number("--depth", 3, 0, 100) == 3
    assert check_number("--x", 0.5, 0, 1, above_low=True) == 0.5
    assert check_number("--x", 100, 0, 100) == 100  # the bounds are inclusive
    with pytest.raises(UsageError, match=r"^--x 0: give a number above 0 to 1$"):
        check_number("--x", 0, 0, 1, above_low=True)
