"""Cut a process off the network: a new, empty Linux network namespace.

Oxigraph runs ``SERVICE`` with its own Rust HTTP client, which no Python audit
hook or socket patch sees. So the process that runs a query is moved into a
network namespace of its own, where the only interface is a loopback that is
down: every connect fails at once ("Network is unreachable"), whichever
library tries. Sockets opened before the move (a server's listening socket)
keep working in the namespace they were made in.

As root ``unshare(CLONE_NEWNET)`` is enough; otherwise a user namespace is
created with it, which the kernel allows only in a single-threaded process
(a freshly forked child is one). Where neither works (not Linux, a sandbox that
forbids namespaces), :func:`isolate_network` returns False and the query check
alone keeps SERVICE out; ``kg serve`` says so when it starts.
"""

from __future__ import annotations

import os
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

_isolated = False


def isolate_network() -> bool:
    """Move this process (this thread, and every thread it starts later) into an empty network namespace.

    Returns True when done (or done before), False when the system does not allow it.
    """
    global _isolated
    if _isolated:
        return True
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError):
        return False
    flags = [CLONE_NEWNET] if os.geteuid() == 0 else []
    flags.append(CLONE_NEWUSER | CLONE_NEWNET)
    for flag in flags:
        if unshare(flag) == 0:
            _isolated = True
            return True
    return False


def network_isolation_available() -> bool:
    """Whether a child process can be cut off the network here (tried in a throw-away child)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(0 if isolate_network() else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
