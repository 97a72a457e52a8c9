"""Plot a ``benchmarks/run.py`` JSON report: time against size, one line per engine.

python benchmarks/plot.py bench.json -o docs/benchmarks-scaling.png
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

from kg.serialize import write_atomic

ENGINE_STYLE = {
    "memory": ("rdflib memory store", "#d62728", "o"),
    "oxigraph": ("Oxigraph (default store)", "#1f77b4", "s"),
    "virtuoso": ("Virtuoso 7 (HTTP)", "#2ca02c", "^"),
}
COMMAND_STYLE = {
    "kg build": ("#9467bd", "o"),
    "kg validate": ("#8c564b", "s"),
    "shacl (pyshacl, in process)": ("#e377c2", "v"),
    "validation (SPARQL checks + quotes)": ("#7f7f7f", "P"),
    "kg query (cold)": ("#17becf", "^"),
    "kg viz": ("#bcbd22", "D"),
}


def _series(sizes: list[dict[str, Any]], pick: Any) -> tuple[list[int], list[float]]:
    xs, ys = [], []
    for size in sizes:
        value = pick(size)
        if value is not None:
            xs.append(size["triples"])
            ys.append(value)
    return xs, ys


def _seconds(cell: dict[str, Any] | None) -> float | None:
    if cell and "seconds" in cell and cell.get("exit", 0) == 0:
        return float(cell["seconds"])
    return None


def plot(report: dict[str, Any], output: Path, query: str = "province-category-matrix") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = report["sizes"]
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
    panels = [
        (axes[0], "Load", lambda engine: lambda s: _seconds(s["load"].get(engine))),
        (axes[1], f"Query: {query}", lambda engine: lambda s: _seconds(s["queries"].get(query, {}).get(engine))),
    ]
    for axis, title, picker in panels:
        for engine, (name, colour, marker) in ENGINE_STYLE.items():
            xs, ys = _series(sizes, picker(engine))
            if xs:
                axis.plot(xs, ys, marker=marker, color=colour, label=name)
        axis.set_title(title)
    for step, (colour, marker) in COMMAND_STYLE.items():
        xs, ys = _series(sizes, lambda s, step=step: _seconds(s["commands"].get(step)))
        if xs:
            axes[2].plot(xs, ys, marker=marker, color=colour, label=step)
    axes[2].set_title("Commands (fresh process, wall time)")
    for axis in axes:
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("triples")
        axis.set_ylabel("seconds")
        axis.grid(True, which="both", alpha=0.3)
        if axis.get_lines():
            axis.legend(fontsize=8)
    cpu = report.get("machine", {}).get("cpu", "")
    cores = report.get("machine", {}).get("cpus", "")
    figure.suptitle(f"zhengfa-kg scaling — {cpu}, {cores} CPUs", fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    write_atomic(output, buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the JSON written by benchmarks/run.py --json")
    parser.add_argument("--output", "-o", type=Path, required=True, help="the PNG to write")
    args = parser.parse_args(argv)
    plot(json.loads(args.report.read_text(encoding="utf-8")), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
