"""``kg serve`` in a child process, for a notebook, a script, a test or a benchmark::

    from kg.serve.background import serving
    with serving(store="dist/store") as url:
        SPARQLWrapper(url + "/sparql") …

The server is a real ``kg serve`` on a free loopback port; it is stopped (by
its process id) when the block ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from kg.errors import KGError
from kg.ports import free_port


class ServerFailed(KGError):
    """The background server did not come up; the message carries the end of its log."""


@contextmanager
def serving(
    store: Path | str | None = None,
    options: Sequence[str] = (),
    host: str = "127.0.0.1",
    port: int | None = None,
    startup_timeout: float = 60.0,
    log_path: Path | None = None,
) -> Iterator[str]:
    """Start ``kg serve`` with ``options``, wait until it answers, yield its base URL, stop it."""
    port = port or free_port(host)
    command = [sys.executable, "-m", "kg", "serve", "--host", host, "--port", str(port), "--log-level", "warning"]
    if store is not None:
        command += ["--store", str(store)]
    command += list(options)
    log_file = open(log_path, "wb") if log_path else tempfile.TemporaryFile()  # closed below
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    url = f"http://{host}:{port}"
    try:
        _wait_until_up(process, url, startup_timeout, log_file)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


def _wait_until_up(process: subprocess.Popen[bytes], url: str, timeout: float, log_file: object) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"kg serve exited with code {process.returncode}: {_tail(log_file)}")
        try:
            if httpx.get(url + "/status", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise ServerFailed(f"kg serve did not answer within {timeout:g} s: {_tail(log_file)}")


def _tail(log_file: object, size: int = 2000) -> str:
    try:
        log_file.flush()  # type: ignore[attr-defined]
        log_file.seek(0)  # type: ignore[attr-defined]
        return log_file.read().decode("utf-8", "replace")[-size:]  # type: ignore[attr-defined, no-any-return]
    except (OSError, ValueError, AttributeError):
        return "(no log)"
