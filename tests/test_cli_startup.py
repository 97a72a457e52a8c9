"""A command loads what it needs and nothing else: real processes, their ``sys.modules`` inspected.

Speed itself is measured in benchmarks/ (docs/benchmarks.md); these tests check the
cause of a slow start — a heavy library imported on a path that does not use it.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import kg.cli
from kg.cli import COMMANDS, app

ROOT = Path(__file__).resolve().parent.parent

#: Libraries no query needs (ENGINES.md: 0.1–0.2 s of imports each).
HEAVY = {"networkx", "pyvis", "pyshacl", "matplotlib", "pandas", "oxrdflib"}


def modules_after(*argv: str) -> tuple[subprocess.CompletedProcess[bytes], set[str]]:
    """Run ``kg ARGV`` in a fresh interpreter; its result and every module it had imported at exit."""
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)) + '\\n'))\n"
        f"sys.argv = ['kg', *{list(argv)!r}]\n"
        "from kg.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, cwd=ROOT, timeout=120)
    modules = set(done.stderr.decode().rsplit("MODULES ", 1)[1].split())
    return done, modules


def roots(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_lists_every_command_from_the_table_without_importing_one() -> None:
    done, modules = modules_after("--help")
    assert done.returncode == 0
    out = done.stdout.decode()
    listed = out.split("Commands:", 1)[1]
    for name, (_module, summary) in COMMANDS.items():
        line = next(ln for ln in listed.splitlines() if ln.split()[:1] == [name])
        assert line.split(None, 1)[1] == " ".join(summary.split())[: len(line.split(None, 1)[1])]
    command_modules = {f"kg.cli.{module}" for module, _ in COMMANDS.values()}
    assert not command_modules & modules
    # Written by kg.cli.help: not even typer (or the click it carries) is imported.
    assert not {"typer", "click", "rdflib", "pyoxigraph", "rich", "pygments", "pydantic", *HEAVY} & roots(modules)


@pytest.mark.parametrize("columns", [20, 52, 60, 80, 97, 200])
def test_the_help_written_without_typer_is_typers_help(columns: int) -> None:
    """kg.cli.help copies click's layout: at each terminal width its text is the one typer writes."""
    env = {**os.environ, "COLUMNS": str(columns)}
    typers = "import sys\nsys.argv = ['kg', '--help']\nfrom kg.cli.root import app\napp(prog_name='kg')\n"
    by_typer = subprocess.run([sys.executable, "-c", typers], capture_output=True, cwd=ROOT, env=env, timeout=120)
    ours = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv = ['kg', '--help']; from kg.cli import main; main()"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert by_typer.returncode == ours.returncode == 0
    assert ours.stdout == by_typer.stdout
    assert b"  diff        What changed between two versions" in ours.stdout


def test_help_falls_back_to_typer_where_its_layout_is_not_copied() -> None:
    from kg.cli.help import top_level_help

    assert top_level_help(width=78, prog="kg") is not None
    # A program name so long that click puts the usage's arguments on their own line.
    assert top_level_help(width=50, prog="x" * 40) is None


def test_no_arguments_prints_the_help_as_a_usage_error() -> None:
    done, _ = modules_after()
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().split("\nMODULES ")[0] == modules_after("--help")[0].stdout.decode()


def test_every_command_a_module_registers_is_in_the_table() -> None:
    for info in pkgutil.iter_modules(kg.cli.__path__):
        importlib.import_module(f"kg.cli.{info.name}")
    registered = {}
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.replace("_", "-")
        registered[name] = command.callback.__module__
    assert registered == {name: f"kg.cli.{module}" for name, (module, _) in COMMANDS.items()}


def test_a_command_loads_only_its_own_module() -> None:
    done, modules = modules_after("prefixes", "--format", "sparql")
    assert done.returncode == 0 and done.stdout.startswith(b"PREFIX zf:")
    assert {m for m in modules if m.startswith("kg.cli.")} == {
        "kg.cli.root",
        "kg.cli.lazy",
        "kg.cli.common",
        "kg.cli.query",
    }


def test_a_mistyped_command_is_a_usage_error_with_suggestions() -> None:
    done, _ = modules_after("querys")
    assert done.returncode == 2
    assert "No such command 'querys'. Did you mean 'query', 'queries'?" in done.stderr.decode()


def test_kg_query_on_the_store_loads_no_heavy_library(store_path: Path) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    done, modules = modules_after("query", query, "--store", str(store_path), "--format", "csv")
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().split("\r\n")
    assert lines[0] == "n" and int(lines[1]) > 1000
    # pydantic: typer 0.29 validates every option through it (pyproject keeps typer below 0.29).
    assert not {"pydantic", "rich", *HEAVY} & roots(modules)


def test_kg_query_checks_a_query_without_rdflibs_sparql_parser(store_path: Path) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    done, modules = modules_after("query", query, "--store", str(store_path), "--format", "csv")
    assert done.returncode == 0, done.stderr.decode()
    assert "rdflib.plugins.sparql.parser" not in modules


def test_a_shipped_query_on_the_store_loads_no_rdflib(store_path: Path) -> None:
    done, modules = modules_after("query", "--name", "provinces", "--store", str(store_path), "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    assert b'"vars": [' in done.stdout
    assert not {"rdflib", "pydantic", "rich", *HEAVY} & roots(modules)


def test_a_csv_matrix_loads_no_other_formats_renderer(store_path: Path) -> None:
    done, modules = modules_after("compare", "--store", str(store_path), "--format", "csv")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("category,湖南,江苏,广西,贵州,四川\n")
    other_formats = {f"kg.compare.render.{name}" for name in ("html", "heatmap", "json", "text")}
    assert not other_formats & modules
    assert not {"rdflib", "pydantic", "rich", *HEAVY} & roots(modules)
