"""Timing shared by the benchmark scripts: medians of wall-clock and CPU seconds.

CPU seconds count this process and its waited-for children; on a busy, shared
machine they are steadier than wall-clock seconds, so scripts print both.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(func: Callable[[], Any], runs: int, label: str | None = None) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``runs`` calls, and the last call's value (each run printed under ``label``)."""
    wall, cpu, value = [], [], None
    for i in range(max(1, runs)):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        value = func()
        wall.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
        if label:
            print(f"  {label} run {i + 1}: wall {wall[-1]:.2f} s, CPU {cpu[-1]:.2f} s", flush=True)
    return statistics.median(wall), statistics.median(cpu), value


def median_seconds(func: Callable[[], Any], runs: int) -> float:
    """Median wall-clock seconds of ``runs`` calls."""
    return measure(func, runs)[0]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
