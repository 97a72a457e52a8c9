"""One check for every numeric option: finite and in range, else a one-line usage error (exit 2).

``inf``, ``nan`` and ``1e12`` parse as floats; left unchecked they turn into an
OverflowError deep in a library, a loop that never ends, or a limit that is no limit.
"""

from __future__ import annotations

import math
from typing import TypeVar

from kg.errors import UsageError

N = TypeVar("N", int, float)

#: The longest time limit any command accepts: a day (0 means no limit where a command says so).
MAX_SECONDS = 86_400


def _text(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def check_number(
    option: str,
    value: N,
    low: float,
    high: float,
    *,
    above_low: bool = False,
    zero: str | None = None,
    unit: str = "",
) -> N:
    """Return ``value`` when it is finite and within [low, high] (or (low, high] with ``above_low``).

    ``zero`` names what 0 means (``"no limit"``), for the message; ``unit`` follows the range.
    """
    inside = math.isfinite(value) and (low < value if above_low else low <= value) and value <= high
    if not inside:
        start = f"above {_text(low)}" if above_low else f"from {_text(low)}"
        note = f" (0: {zero})" if zero else ""
        raise UsageError(f"{option} {_text(value)}: give a number {start} to {_text(high)}{unit}{note}")
    return value
