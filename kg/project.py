"""Which data folder is in use, and which paths are curated: one answer for every command.

The data folder holds ``ontology/`` (the Turtle) and ``seeds/`` (the source texts).
It is, the first that applies:

1. ``--project DIR`` (the global option of ``kg``, set through :func:`use_project`);
2. the ``KG_HOME`` environment variable;
3. a checkout found from the current directory upwards (a folder with ``ontology/``
   and ``seeds/``), so that edits to it are what ``kg`` reads even after ``pip install .``;
4. the checkout beside the package (an editable install, or running from source);
5. the data shipped inside the installed package (``kg/_data``), read-only: nothing is
   ever written there, since the next upgrade would delete it.

Outputs (``kg build``'s ``dist/``, ``kg viz``'s ``graph.html``) go to the current
directory. :func:`check_output` refuses any output inside curated data — the data
folder's ``ontology/`` and ``seeds/``, the graph store — and inside the package.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_DIR = PACKAGE_DIR / "_data"
ENV_VAR = "KG_HOME"

#: How each origin is named in summaries and errors.
ORIGINS = {
    "option": "--project",
    "env": ENV_VAR,
    "checkout": "checkout",
    "package-checkout": "checkout beside the package",
    "shipped": "shipped read-only data",
}

_override: Path | None = None


@dataclass(frozen=True)
class Project:
    """A data folder and where its choice came from (one of :data:`ORIGINS`)."""

    root: Path
    origin: str

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def writable(self) -> bool:
        """False for the data inside the installed package, which is never written."""
        return self.origin != "shipped"

    def describe(self) -> str:
        """``/path/to/folder (checkout)``: the line every summary shows."""
        return f"{self.root} ({ORIGINS[self.origin]})"

    def require_writable(self, action: str) -> None:
        """Refuse to change the shipped data: ``action`` says what would have been written."""
        if not self.writable:
            raise UsageError(
                f"cannot {action}: the data in use is the copy shipped inside the installed package "
                f"({self.root}), which an upgrade replaces; work in a checkout or a folder of your own "
                f"with --project DIR or {ENV_VAR}=DIR (a folder with ontology/ and seeds/)"
            )


def use_project(folder: Path | None) -> None:
    """Set (or clear, with None) the ``--project`` choice for the rest of the process."""
    global _override
    _override = None if folder is None else Path(folder)


def is_data_folder(folder: Path) -> bool:
    return (folder / "ontology").is_dir() and (folder / "seeds").is_dir()


def _explicit(folder: Path, where: str) -> Path:
    folder = folder.expanduser()
    if not folder.is_dir():
        raise UsageError(f"{where} {folder}: no such folder")
    missing = [name for name in ("ontology", "seeds") if not (folder / name).is_dir()]
    if missing:
        raise UsageError(f"{where} {folder}: not a data folder (no {' or '.join(n + '/' for n in missing)} in it)")
    return folder.resolve()


def _checkout_above(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if is_data_folder(folder) and folder.resolve() != SHIPPED_DIR:
            return folder.resolve()
    return None


def current() -> Project:
    """The data folder in use now (see the module's docstring for the order)."""
    if _override is not None:
        return Project(_explicit(_override, "--project"), "option")
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Project(_explicit(Path(env), ENV_VAR), "env")
    try:
        here = Path.cwd()
    except OSError:  # the working directory was deleted
        here = None
    found = _checkout_above(here) if here else None
    if found is not None:
        return Project(found, "checkout")
    if is_data_folder(PACKAGE_DIR.parent) and not (SHIPPED_DIR / "ontology").is_dir():
        return Project(PACKAGE_DIR.parent, "package-checkout")
    return Project(SHIPPED_DIR, "shipped")


def ontology_dir() -> Path:
    return current().ontology_dir


def seeds_dir() -> Path:
    return current().seeds_dir


def queries_dir() -> Path:
    """The shipped SPARQL queries: code, not data, so always the package's own."""
    return PACKAGE_DIR / "queries"


def default_out_dir() -> Path:
    """Outputs of ``kg build`` go to ``./dist`` in the working directory."""
    return Path("dist")


def default_store_path() -> Path:
    return default_out_dir() / "store"


def curated_paths(stores: Iterable[Path | None] = (), *, store_is_output: bool = False) -> list[tuple[Path, str]]:
    """Folders no output may go into, each with the name an error gives it.

    ``store_is_output``: for ``kg build``, which writes the store and so must not be refused it.
    """
    project = current()
    paths: list[tuple[Path, str]] = [
        (project.ontology_dir, "ontology/ (curated data)"),
        (project.seeds_dir, "seeds/ (curated data)"),
        (PACKAGE_DIR, "the kg package"),
    ]
    if not store_is_output:
        paths += [(Path(s), "the graph store") for s in (default_store_path(), *stores) if s is not None]
    beside = PACKAGE_DIR.parent
    if is_data_folder(beside):  # a --project elsewhere does not make the checkout's own data writable
        paths += [(beside / "ontology", "ontology/ (curated data)"), (beside / "seeds", "seeds/ (curated data)")]
    return paths


def check_output(
    output: Path, option: str = "-o", stores: Iterable[Path | None] = (), *, store_is_output: bool = False
) -> None:
    """Refuse to write ``output`` inside curated data or the package: a one-line usage error (exit 2).

    Symbolic links are followed, so a link into ``ontology/`` is refused too.
    """
    target = Path(output).expanduser().resolve()
    for folder, name in curated_paths(stores, store_is_output=store_is_output):
        root = folder.resolve()
        if target == root or root in target.parents:
            raise UsageError(f"{option} {output}: refusing to write into {name} at {folder}; choose another path")
