"""Run a query with a time limit.

Neither pyoxigraph nor rdflib can interrupt a running query. Two ways to stop one:

- isolated (the Python API's default): the query runs in a child process that
  is killed when the time is up. On Linux the child is forked: it starts at
  once and shares the parent's loaded graph.
- in a thread (``kg query``, and where fork is not available): the caller gets
  QueryTimeout on time while the thread runs on; a command then exits, which
  ends the thread with it, and costs no process start on every query.
"""

from __future__ import annotations

import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kg.errors import KGError, QueryError, QueryTimeout

T = TypeVar("T")


def can_fork() -> bool:
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


@dataclass(frozen=True)
class Deadline:
    """One time limit shared by the queries that answer one request: a parameter's narrowing, a page's
    buckets and the query itself together stop after ``seconds``, not each of them."""

    seconds: float
    ends: float

    @classmethod
    def after(cls, seconds: float | Deadline | None) -> Deadline | None:
        """A deadline ``seconds`` from now (None or 0: no limit); a deadline stays itself."""
        if isinstance(seconds, Deadline):
            return seconds
        if not seconds or seconds <= 0:
            return None
        return cls(seconds, time.monotonic() + seconds)

    def left(self) -> float:
        """The seconds left; QueryTimeout when none are."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise _stopped(self.seconds)
        return left


def run_limited(
    func: Callable[..., T],
    args: tuple[Any, ...],
    timeout: float | Deadline | None,
    block_network: bool = False,
    isolate: bool = True,
) -> T:
    """``func(*args)`` stopped after ``timeout`` seconds, or at the deadline (None or 0: no limit, run here)."""
    deadline = Deadline.after(timeout)
    if deadline is None:
        return with_large_stack(func, args)
    if isolate and can_fork():
        return _in_child(func, args, deadline, block_network)
    return _in_thread(func, args, deadline)


def _stopped(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"the query was stopped after {timeout:g} s (raise the limit with --timeout SECONDS, 0 for none)"
    )


#: Stack for the thread that runs a query: Oxigraph's parser and optimiser recurse per UNION
#: branch and nesting level, and overflow (a segfault) a default 8 MB stack near 8,000 branches.
QUERY_STACK_BYTES = 256 * 1024 * 1024


def with_large_stack(func: Callable[..., T], args: tuple[Any, ...]) -> T:
    """``func(*args)`` in a new thread with a :data:`QUERY_STACK_BYTES` stack (address space, not memory)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func(*args)
        except BaseException as exc:
            box["error"] = _without_locals(exc)

    _start_with_large_stack(target).join()
    if "error" in box:
        raise box.pop("error")  # popped: the box must not hold the exception whose traceback holds the box
    return box["value"]  # type: ignore[no-any-return]


def _without_locals(exc: BaseException) -> BaseException:
    """``exc`` with the local variables of its traceback's frames (and its context's) cleared, on this thread.

    Why: pyoxigraph's query answers may be dropped only on the thread that made them; a frame
    kept by a traceback (an answer that failed while it was read, a SERVICE call refused) would
    drop its answer on the thread that handles the exception ("… is unsendable, but is being
    dropped on another thread"). The traceback keeps its files and lines.
    """
    import traceback

    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        pending.extend(e for e in (current.__context__, current.__cause__) if e is not None)
    return exc


_stack_lock = threading.Lock()


def _start_with_large_stack(target: Callable[[], None]) -> threading.Thread:
    """A daemon thread running ``target``, started with the large stack (the size applies at start)."""
    thread = threading.Thread(target=target, daemon=True)
    with _stack_lock:
        previous = threading.stack_size()
        try:
            threading.stack_size(QUERY_STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform that cannot: the default stack
            thread.start()
            return thread
        try:
            thread.start()
        finally:
            threading.stack_size(previous)
    return thread


def _child_main(conn: Any, func: Callable[..., Any], args: tuple[Any, ...], block_network: bool) -> None:
    if block_network:
        # An empty network namespace: not even Oxigraph's own HTTP client (SERVICE) gets out.
        from kg.sparql.netns import isolate_network

        isolate_network()
        sys.addaudithook(_refuse_network)
    try:
        outcome: tuple[str, Any] = ("ok", with_large_stack(func, args))
    except KGError as exc:
        place = (getattr(exc, "line", None), getattr(exc, "column", None))
        outcome = ("kgerror", (type(exc).__name__, str(exc), exc.exit_code, *place))
    except Exception as exc:
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(outcome)
    except Exception as exc:  # an unpicklable result
        conn.send(("error", f"cannot return the result: {exc}"))
    conn.close()


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    # Defence in depth for rdflib, which would fetch a SERVICE or FROM graph itself.
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError("network access refused: pass --allow-service to allow it")


def _in_child(func: Callable[..., T], args: tuple[Any, ...], deadline: Deadline, block_network: bool) -> T:
    import multiprocessing

    left = deadline.left()  # none left: the process is not started
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, func, args, block_network), daemon=True)
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork in a process with threads (a Jupyter kernel): the
        # child only runs the query and leaves by os._exit, touching no lock of theirs.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        process.start()
    sender.close()
    try:
        if not receiver.poll(left):
            raise _stopped(deadline.seconds)
        try:
            kind, payload = receiver.recv()
        except EOFError:
            process.join(1)
            raise QueryError(f"the query process ended without an answer (exit code {process.exitcode})") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    if kind == "kgerror":
        raise _rebuild(*payload)
    raise QueryError(str(payload))


def _rebuild(name: str, message: str, exit_code: int, line: int | None = None, column: int | None = None) -> KGError:
    """The child's KGError again, as its own class where it can be made from a message."""
    import kg.errors as errors

    if line is not None and column is not None:
        from kg.sparql.check import QuerySyntaxError

        return QuerySyntaxError(message, line, column)
    cls = getattr(errors, name, None)
    if isinstance(cls, type) and issubclass(cls, KGError):
        try:
            exc = cls(message)
        except TypeError:
            exc = QueryError(message)
    else:
        exc = QueryError(message)
    exc.exit_code = exit_code
    return exc


def _in_thread(func: Callable[..., T], args: tuple[Any, ...], deadline: Deadline) -> T:
    left = deadline.left()  # none left: the thread is not started
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func(*args)
        except BaseException as exc:
            box["error"] = _without_locals(exc)

    thread = _start_with_large_stack(target)
    thread.join(left)
    if thread.is_alive():
        raise _stopped(deadline.seconds)
    if "error" in box:
        raise box.pop("error")
    return box["value"]  # type: ignore[no-any-return]
