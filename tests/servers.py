"""Real triple-store servers on loopback for the remote tests: the Oxigraph server, on an
ordinary folder or on a tiny filesystem that fills up (a truly full disk).

Virtuoso lives in :mod:`kg.virtuoso` (benchmarks use it too).
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kg.ports import free_port


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server binary that the PyPI ``oxigraph`` package installs."""
    beside_python = Path(sysconfig.get_path("scripts")) / "oxigraph"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("oxigraph")


class ServerUnavailable(RuntimeError):
    """The server cannot run here (binary or rights missing); tests skip with this reason."""


@dataclass
class OxigraphServer:
    """``oxigraph serve`` on a free loopback port, storing its data in ``folder``.

    With ``disk_kib`` set, ``folder`` is first covered by a tmpfs of that size
    inside a private mount namespace (``unshare``): the server sees a small,
    real filesystem that runs out of space, and nothing outside it changes —
    the mount vanishes with the process. ``read_only`` serves an existing
    store without accepting writes.
    """

    folder: Path
    disk_kib: int | None = None
    read_only: bool = False
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    log: Path | None = None

    def __post_init__(self) -> None:
        self.folder = Path(self.folder).resolve()
        self.port = self.port or free_port()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/query"

    @property
    def graph_store_url(self) -> str:
        return self.base_url + "/store"

    def _commands(self, binary: str) -> list[list[str]]:
        mode = "serve-read-only" if self.read_only else "serve"
        serve = [binary, mode, "-l", str(self.folder), "-b", f"127.0.0.1:{self.port}"]
        if self.disk_kib is None:
            return [serve]
        mount = f"mount -t tmpfs -o size={self.disk_kib}k tmpfs {self.folder} && exec " + " ".join(serve)
        # An unprivileged user namespace first; plain root rights second.
        return [
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", mount],
            ["unshare", "--mount", "sh", "-c", mount],
        ]

    def start(self, timeout: float = 20.0) -> OxigraphServer:
        binary = oxigraph_binary()
        if binary is None:
            raise ServerUnavailable("the oxigraph server binary is missing (pip install oxigraph)")
        if self.disk_kib is not None and shutil.which("unshare") is None:
            raise ServerUnavailable("unshare (util-linux) is missing: cannot give the server a tiny filesystem")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = self.folder.parent / f"{self.folder.name}.log"
        failures = []
        for command in self._commands(binary):
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            if self._wait_ready(timeout):
                return self
            failures.append(self.log.read_text(errors="replace").strip()[-300:])
            self.stop()
        raise ServerUnavailable(f"the Oxigraph server did not start: {' | '.join(failures)}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=2.0)
                return True
            except httpx.HTTPError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class SilentServer:
    """A TCP listener that accepts connections and never answers: a server that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/store"

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)  # held open, never read, never answered

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def store_fingerprint(path: Path) -> tuple[int, str]:
    """The triple count of a built store and a SHA-256 over all its files (names and bytes)."""
    from kg.store import open_store

    digest = hashlib.sha256()
    for file in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode())
        digest.update(file.read_bytes())
    store = open_store(Path(path))
    count = len(store)
    del store
    return count, digest.hexdigest()
