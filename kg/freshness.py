"""Whether the built store still holds what the data folder says now.

A command that reads ``dist/store`` answers from the facts of the last ``kg build``. After an
edit of ``ontology/`` or ``seeds/`` without a new build those answers are old — a comparison
would silently show measures that were merged or removed. Each build records the SHA-256 of
every input file in its manifest, and its size and modification time as the build saw them; this
module compares them with the files as they are now. A file whose size and modification time are
those recorded is taken as unchanged; any other is hashed again (so a touched file with the same
bytes is no change, and a file put back with an older time is one). The check of an unchanged
folder costs a few ``stat`` calls and hashes nothing. A build that recorded no sizes and times
(before they were) is checked as then: files modified after the build are hashed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from kg.generation import Outputs
from kg.inputs import default_source_files, read_regular
from kg.project import ontology_dir, seeds_dir

_warned: set[str] = set()


def digest_of(path: Path) -> str:
    import hashlib  # here: the check of an unchanged folder hashes nothing, and loading OpenSSL costs ~5 ms

    return hashlib.sha256(read_regular(path)).hexdigest()


def seed_texts(folders: Iterable[Path]) -> list[Path]:
    """The seed texts (``*.txt``) of the given seed folders, sorted."""
    return [
        p
        for folder in folders
        if folder.is_dir()
        for p in sorted(folder.iterdir())
        if p.suffix == ".txt" and p.is_file()
    ]


def input_digests(files: Iterable[Path], seed_folders: Iterable[Path]) -> dict[str, str]:
    """Every input file of a build (absolute path) with the SHA-256 of its bytes."""
    return {str(path.resolve()): digest_of(path) for path in [*files, *seed_texts(seed_folders)]}


def input_stats(files: Iterable[Path], seed_folders: Iterable[Path]) -> dict[str, list[int]]:
    """Every input file of a build (absolute path) with its size and modification time (ns).

    Taken before the files are hashed: a file written meanwhile then differs from its record.
    """
    return {str(path.resolve()): _stat_of(path) for path in [*files, *seed_texts(seed_folders)]}


def _stat_of(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def changed_inputs(out_dir: Path) -> list[str]:
    """The data folder's input files that differ from those the current build of ``out_dir`` was made from:
    changed, added or removed (paths as recorded). Empty when there is no build or it recorded no inputs."""
    outputs = Outputs(out_dir)
    manifest = outputs.manifest()
    current = outputs.current()
    recorded = manifest.get("sources") if manifest else None
    if current is None or not isinstance(recorded, dict):
        return []
    stats = manifest.get("source_stats") if manifest else None
    built = (current / "manifest.json").stat().st_mtime
    try:
        now = [*default_source_files(), *seed_texts([seeds_dir()])]
    except Exception:  # an unreadable data folder is the next command's error to report, not this check's
        return []
    changed: list[str] = []
    present = set()
    for path in now:
        key = str(path.resolve())
        present.add(key)
        if key not in recorded:
            changed.append(key)
            continue
        if isinstance(stats, dict):
            suspect = stats.get(key) != _stat_of(path)
        else:
            suspect = path.stat().st_mtime >= built
        if suspect and digest_of(path) != recorded[key]:
            changed.append(key)
    # Gone: recorded under the data folder's ontology/ or seeds/ (an --include file elsewhere is the user's own).
    folders = [str(p.resolve()) + "/" for p in (ontology_dir(), seeds_dir())]
    removed = [k for k in recorded if k not in present and k.startswith(tuple(folders))]
    return changed + sorted(removed)


def warn_if_stale(store: Path) -> None:
    """Print one warning on standard error (once per process and store) when ``store`` is the store of a
    build whose data folder has changed since."""
    out_dir = store.parent
    key = str(store.resolve())
    if key in _warned or store.name != "store":
        return
    _warned.add(key)
    changed = changed_inputs(out_dir)
    if changed:
        names = ", ".join(Path(p).name for p in changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
        sys.stderr.write(
            f"warning: {store} is older than the data: {names} changed since `kg build`; "
            "answers come from the old build until you run `kg build` again\n"
        )
