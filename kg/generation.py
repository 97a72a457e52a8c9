"""The outputs of ``kg build`` as generations, switched all at once by one rename.

``dist/`` holds each build's store and exports together in a folder of their
own, ``dist/.gen-<id>/{store, graph.ttl, graph.nt, graph.jsonld, manifest.json}``.
``dist/current`` is a symlink to the generation in use, and the paths every
other command reads, ``dist/store`` and ``dist/graph.{ttl,nt,jsonld}``, are
fixed symlinks through it (``store -> current/store``). Publishing a new
generation is one ``rename()`` of a fresh ``current`` link over the old one, so
a reader, or a build killed at any point, sees either the old four outputs or
the new four, never a mix. What a killed build leaves behind (an unpublished
generation, a half-made link, the temporary files of older layouts) is removed
by the next build, which holds a lock on the folder while it writes.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import InputError

CURRENT = "current"
#: The user-visible outputs, each a symlink to the same name inside the current generation.
OUTPUTS = ("store", "graph.ttl", "graph.nt", "graph.jsonld", "void.ttl")
MANIFEST = "manifest.json"
GENERATION_PREFIX = ".gen-"
#: Temporary names of this and of earlier layouts that only a killed build leaves behind.
DEBRIS_PREFIXES = (GENERATION_PREFIX, ".current.", ".store.new-", ".store.old-", ".link.")


def cannot_write(where: Path, exc: OSError) -> InputError:
    """One line for an output that cannot be written: a full disk, a read-only or unwritable folder."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in str(exc):  # RocksDB's own text
        reason = "no space left on the device"
    return InputError(
        f"cannot write the build outputs to {where}: {reason}; the previous outputs are left as they were"
    )


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def kill_point(name: str) -> None:
    """Tests kill a real build at a named step (``KG_TEST_KILL_AT=name``) to prove every step is safe."""
    if os.environ.get("KG_TEST_KILL_AT") == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class Outputs:
    """The generations under one output folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder for one build: a second build on the same folder is refused, not interleaved."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(
                    f"another kg build is writing to {self.folder}; try again when it has finished"
                ) from None
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def current(self) -> Path | None:
        """The generation in use, if there is one and it is complete."""
        link = self.folder / CURRENT
        if not link.is_symlink():
            return None
        target = self.folder / os.readlink(link)
        return target if (target / MANIFEST).is_file() else None

    def holds(self, names: list[str]) -> bool:
        """Whether the current generation has every one of ``names`` (nobody deleted a part of it)."""
        current = self.current()
        return current is not None and all((current / name).exists() for name in names)

    def manifest(self) -> dict[str, object] | None:
        current = self.current()
        if current is None:
            return None
        try:
            data = json.loads((current / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def new(self) -> Path:
        """An empty folder for the next generation (published only by :meth:`publish`)."""
        try:
            path = Path(tempfile.mkdtemp(prefix=GENERATION_PREFIX, dir=self.folder))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(path, 0o777 & ~umask)  # mkdtemp makes 0700; the outputs are for every reader
            return path
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None

    def publish(self, generation: Path, manifest: dict[str, object]) -> None:
        """Make ``generation`` current in one rename, then make sure the fixed links exist and tidy up.

        The manifest is written last inside the generation: a generation without one
        is incomplete and never published.
        """
        try:
            _write_synced(generation / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
            fsync_dir(generation)
            kill_point("before-switch")
            _replace_with_link(self.folder / CURRENT, generation.name)
            fsync_dir(self.folder)
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None
        kill_point("after-switch")
        self.link_outputs()
        self.clean()

    def link_outputs(self) -> None:
        """``store -> current/store`` and so on; replaces the plain files and folder of the older layout."""
        for name in OUTPUTS:
            path, target = self.folder / name, f"{CURRENT}/{name}"
            if path.is_symlink() and os.readlink(path) == target:
                continue
            try:
                if path.is_dir() and not path.is_symlink():  # an older build's store folder
                    old = self.folder / f".store.old-{os.getpid()}"
                    os.replace(path, old)
                _replace_with_link(path, target)
            except OSError as exc:
                raise cannot_write(self.folder, exc) from None
        fsync_dir(self.folder)

    def clean(self) -> list[Path]:
        """Remove every generation but the current one and whatever a killed build left; returns what went.

        A generation whose store a running process still reads (:func:`hold`: ``kg serve``, a notebook's
        session) stays until a later build finds it free.
        """
        removed = []
        for entry in self.debris():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
        return removed

    def debris(self) -> list[Path]:
        """What :meth:`clean` would remove (for tests and reports)."""
        current = self.current()
        return sorted(
            entry
            for entry in self.folder.iterdir()
            if entry != current
            and entry.name.startswith(DEBRIS_PREFIXES)
            # `kg build --store` elsewhere by a running process (kg.store.write_store)
            and not (entry.name.startswith(".store.new-") and _pid_alive(entry.name.rsplit("-", 1)[-1]))
            and not (entry.name.startswith(GENERATION_PREFIX) and _held(entry))
        )


#: Generations this process reads, each with the descriptor holding its shared lock (kept until exit).
_holding: dict[str, int] = {}


def hold(store: Path) -> None:
    """Mark the generation a store belongs to as read by this process, so that a build does not delete it
    under a running ``kg serve`` (a shared ``flock`` on the generation's folder, released when the process
    ends). A store outside any generation (``--store`` elsewhere) is left alone."""
    folder = Path(store).resolve().parent
    key = str(folder)
    if key in _holding or not folder.name.startswith(GENERATION_PREFIX):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return
    _holding[key] = fd


def _held(generation: Path) -> bool:
    """Whether another open description holds a shared lock on the generation (a reader is using it)."""
    if str(generation.resolve()) in _holding:
        return True
    try:
        fd = os.open(generation, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # releases the probe's lock
    return False


def _replace_with_link(path: Path, target: str) -> None:
    """Point ``path`` at ``target`` in one rename (a fresh link beside it replaces it)."""
    fresh = path.with_name(f".link.{path.name}.{os.getpid()}")
    fresh.unlink(missing_ok=True)
    os.symlink(target, fresh)
    os.replace(fresh, path)


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _pid_alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
