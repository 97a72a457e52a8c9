"""A private Virtuoso Open Source instance on loopback, for tests, benchmarks and trying things out.

Virtuoso is a production triple store; this module only starts a throw-away
instance in a folder of its own (its own ``virtuoso.ini``, database and log),
on free loopback ports so that several runs on one machine do not collide, and
stops it again. ``python -m kg.virtuoso up DIR`` and ``… down DIR`` do the same
from a shell (see docs/scaling.md).

A new Virtuoso database always starts with the login dba/dba; ``start`` changes
the password when another one is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kg.ports import free_port

#: Virtuoso's Graph Store HTTP Protocol endpoint that takes HTTP digest auth.
GRAPH_STORE_PATH = "/sparql-graph-crud-auth"
SPARQL_PATH = "/sparql"


class VirtuosoError(RuntimeError):
    """The instance could not be started, configured or stopped."""


def virtuoso_binary() -> str | None:
    """The ``virtuoso-t`` server binary, if installed (Debian: ``virtuoso-opensource``)."""
    return shutil.which("virtuoso-t")


def isql_binary() -> str | None:
    return shutil.which("isql-vt") or shutil.which("isql")


def _sql_string(value: str) -> str:
    """A SQL string literal (quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def _ini(db: Path, sql_port: int, http_port: int, max_rows: int, buffers: int) -> str:
    """A complete virtuoso.ini for a private instance (no system paths, loopback only)."""
    # Buffers of 8 kB each: the Debian default (10,000) is too small to load a
    # million triples quickly; MaxDirtyBuffers is kept at about 3/4 of them.
    return f"""\
[Database]
DatabaseFile       = {db / "virtuoso.db"}
ErrorLogFile       = {db / "virtuoso.log"}
LockFile           = {db / "virtuoso.lck"}
TransactionFile    = {db / "virtuoso.trx"}
xa_persistent_file = {db / "virtuoso.pxa"}
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db / "virtuoso-temp.db"}
TransactionFile    = {db / "virtuoso-temp.trx"}
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {db}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 2G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 4
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {buffers * 3 // 4}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {db}
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 1

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[VDB]
ArrayOptimization           = 0
NumArrayParameters          = 10
VDBDisconnectTimeout        = 1000
KeepConnectionOnFixedThread = 0

[Replication]
ServerName   = db
ServerEnable = 1
QueueMax     = 50000

[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:{http_port}

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 0
DefaultGraph               =
DeferInferenceRulesInit    = 0
"""


@dataclass
class Virtuoso:
    """One private Virtuoso instance living in ``folder``.

    ``max_rows`` lifts Virtuoso's result cap (10,000 rows by default); queries
    have no server-side time limit (Virtuoso would return a partial answer
    when one is reached), so clients must set theirs;
    ``buffers`` are 8 kB pages of cache (170,000 ≈ 1.3 GB, enough for a few
    million triples).
    """

    folder: Path
    password: str = "dba"
    http_port: int = 0
    sql_port: int = 0
    max_rows: int = 1_000_000
    buffers: int = 170_000
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder).resolve()
        self.http_port = self.http_port or free_port()
        self.sql_port = self.sql_port or free_port()

    # -- addresses -----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return self.base_url + SPARQL_PATH

    @property
    def graph_store_url(self) -> str:
        return self.base_url + GRAPH_STORE_PATH

    @property
    def db(self) -> Path:
        return self.folder / "db"

    @property
    def log(self) -> Path:
        return self.db / "virtuoso.log"

    # -- life cycle ----------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> Virtuoso:
        binary = virtuoso_binary()
        if binary is None:
            raise VirtuosoError("virtuoso-t is not installed (Debian/Ubuntu: apt-get install virtuoso-opensource)")
        self.db.mkdir(parents=True, exist_ok=True)
        fresh = not (self.db / "virtuoso.db").exists()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            _ini(self.db, self.sql_port, self.http_port, self.max_rows, self.buffers),
            encoding="utf-8",
        )
        # In the foreground the server stays our child: we know its pid and it
        # cannot outlive a crashed test run as an orphaned daemon.
        self.process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=self.db,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_ready(timeout)
        if fresh and self.password != "dba":
            new = _sql_string(self.password)
            self.sql(
                f"USER_CHANGE_PASSWORD ('dba', 'dba', {new}); "
                f"UPDATE SYS_USERS SET U_PASSWORD = {new} WHERE U_NAME = 'dav'; checkpoint;",
                password="dba",
            )
            self.sql("SELECT 1;")  # the new password works, or this raises
        (self.folder / "instance.json").write_text(json.dumps(self.describe(), indent=1), encoding="utf-8")
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = self.sparql_url
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise VirtuosoError(f"virtuoso-t exited with {self.process.returncode}; see {self.log}")
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise VirtuosoError(f"Virtuoso did not answer on {url} within {timeout:.0f} s; see {self.log}")

    def sql(self, statements: str, password: str | None = None, timeout: float = 120.0) -> str:
        """Run SQL statements through isql (administration only)."""
        isql = isql_binary()
        if isql is None:
            raise VirtuosoError("isql-vt is not installed (it comes with virtuoso-opensource)")
        done = subprocess.run(
            [isql, f"127.0.0.1:{self.sql_port}", "dba", password or self.password, f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise VirtuosoError(f"isql failed: {(done.stdout + done.stderr).strip()[:500]}")
        return done.stdout

    def stop(self, timeout: float = 30.0) -> None:
        """Shut down with a checkpoint; fall back to SIGTERM, then SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        try:
            self.sql("shutdown;", timeout=timeout)
        except (VirtuosoError, subprocess.TimeoutExpired):
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def describe(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "pid": self.process.pid if self.process else None,
            "http_port": self.http_port,
            "sql_port": self.sql_port,
            "sparql": self.sparql_url,
            "graph_store": self.graph_store_url,
        }

    def __enter__(self) -> Virtuoso:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


# -- command line: python -m kg.virtuoso up|down DIR ----------------------------------


def _up(folder: Path, password: str, http_port: int, sql_port: int) -> None:
    """Start an instance detached from this shell and print where it listens."""
    instance = Virtuoso(folder, password=password, http_port=http_port, sql_port=sql_port).start()
    info = instance.describe()
    instance.process = None  # leave it running: ``down`` stops it by pid
    print(json.dumps(info, indent=1))


def _down(folder: Path, password: str) -> None:
    info_file = Path(folder).resolve() / "instance.json"
    if not info_file.is_file():
        raise VirtuosoError(f"no instance described in {info_file}")
    info = json.loads(info_file.read_text(encoding="utf-8"))
    pid = int(info["pid"])
    instance = Virtuoso(folder, password=password, http_port=info["http_port"], sql_port=info["sql_port"])
    try:
        instance.sql("shutdown;")
    except (VirtuosoError, subprocess.TimeoutExpired):
        os.kill(pid, signal.SIGTERM)
    for _ in range(300):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    print(f"virtuoso stopped (pid {pid})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.virtuoso", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start a private instance in DIR (created if missing)")
    up.add_argument("folder", type=Path)
    up.add_argument("--http-port", type=int, default=8890)
    up.add_argument("--sql-port", type=int, default=1111)
    down = sub.add_parser("down", help="stop the instance started in DIR")
    down.add_argument("folder", type=Path)
    for command in (up, down):
        command.add_argument(
            "--password-env",
            default="KG_PASSWORD",
            help="environment variable holding the dba password (default KG_PASSWORD; dba when unset)",
        )
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env) or "dba"
    try:
        if args.command == "up":
            _up(args.folder, password, args.http_port, args.sql_port)
        else:
            _down(args.folder, password)
    except VirtuosoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
