"""Validation in a forked child, so that it runs on the second core while the build writes its outputs.

``kg build`` validates the rdflib copy of the graph (pySHACL and the quote
check, pure Python) while it orders and writes the exports and the store
(mostly Oxigraph): on two cores the two overlap. The child is a ``fork()`` of
the build, so it reads the parent's graph without copying it up front; it
dies with its parent (``PR_SET_PDEATHSIG``), and gives up its copy of the
output folder's lock at once, so a killed build never leaves a child holding
the folder. On one core, or where ``fork`` is missing, validation runs in
process when its result is asked for.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from pathlib import Path

from kg.errors import KGError
from kg.sources import LoadedSources
from kg.validate import ValidationReport, validate_loaded


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class ValidationRun:
    """``validate_loaded(loaded, seed_dirs)``, started now, its report collected by :meth:`result`."""

    def __init__(self, loaded: LoadedSources, seed_dirs: list[Path] | None, close_in_child: int | None = None) -> None:
        self.loaded: LoadedSources | None = loaded
        self.seed_dirs = seed_dirs
        self.pid: int | None = None
        self.reader: int | None = None
        if (os.cpu_count() or 1) < 2 or not hasattr(os, "fork") or sys.platform != "linux":
            return
        reader, writer = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: validate, send the outcome, leave without running the parent's cleanup
            os.close(reader)
            if close_in_child is not None:
                os.close(close_in_child)
            _die_with_parent()
            try:
                outcome: tuple[str, object] = ("report", validate_loaded(loaded, seed_dirs))
            except KGError as exc:
                outcome = ("error", exc)
            except BaseException as exc:  # reported by the parent as what it is
                outcome = ("crash", f"{type(exc).__name__}: {exc}")
            try:
                payload = pickle.dumps(outcome)
            except Exception as exc:
                payload = pickle.dumps(("crash", f"cannot send the validation result: {exc}"))
            with os.fdopen(writer, "wb") as stream:
                stream.write(payload)
            os._exit(0)
        os.close(writer)
        self.pid, self.reader, self.loaded = pid, reader, None

    def result(self) -> ValidationReport:
        if self.pid is None:
            assert self.loaded is not None
            return validate_loaded(self.loaded, self.seed_dirs)
        assert self.reader is not None
        with os.fdopen(self.reader, "rb") as stream:
            payload = stream.read()
        self.reader = None
        self._reap()
        if not payload:
            raise RuntimeError("validation stopped without a result")
        kind, value = pickle.loads(payload)
        if kind == "report":
            assert isinstance(value, ValidationReport)
            return value
        if kind == "error":
            assert isinstance(value, KGError)
            raise value
        raise RuntimeError(f"validation failed: {value}")

    def close(self) -> None:
        """Stop the child if its result is no longer wanted (the build failed otherwise)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None

    def _reap(self) -> None:
        if self.pid is not None:
            os.waitpid(self.pid, 0)
            self.pid = None
