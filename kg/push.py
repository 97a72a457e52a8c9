"""``kg push``: upload the built graph to a remote triple store.

The upload uses the SPARQL 1.1 Graph Store HTTP Protocol: ``PUT URL?graph=IRI``
replaces that named graph with the body (N-Triples, sent as ``text/turtle``,
which every Graph Store accepts). Servers that ask for a login get HTTP Digest
or Basic auth, whichever they challenge with. The local store is opened
read-only and never changed.

Every failure becomes an :class:`~kg.errors.EndpointError` that says what went
wrong and what to try: wrong login, no write permission, nothing listening,
no answer in time, or the server failing to store the data (e.g. a full disk).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from kg.errors import EndpointError, InputError, UsageError

#: Called as ``progress(sent_bytes, total_bytes)`` while the body goes out.
Progress = Callable[[int, int], None]

AUTH_SCHEMES = ("auto", "digest", "basic")
DEFAULT_TIMEOUT = 300.0
#: The longest --timeout accepted: one day.
MAX_TIMEOUT = 86_400.0
CONNECT_TIMEOUT = 10.0
CHUNK = 256 * 1024
CONTENT_TYPE = "text/turtle; charset=utf-8"


@dataclass(frozen=True)
class Payload:
    """The graph to send, as N-Triples bytes, and how many triples it holds."""

    data: bytes
    triples: int
    origin: str


@dataclass(frozen=True)
class PushResult:
    endpoint: str
    graph: str
    triples: int
    bytes: int
    status: int
    seconds: float
    auth: str

    @property
    def created(self) -> bool:
        return self.status == 201

    def summary(self) -> str:
        what = "created" if self.created else "replaced"
        size = f"{self.bytes / 1e6:.1f} MB" if self.bytes >= 100_000 else f"{self.bytes} bytes"
        login = "" if self.auth == "none" else f", {self.auth} auth"
        return (
            f"pushed {self.triples} triples ({size}) to <{self.graph}> at {self.endpoint}: "
            f"graph {what} (HTTP {self.status}{login}) in {self.seconds:.2f} s"
        )


# -- what to send --------------------------------------------------------------------


def store_payload(store: Path | None = None) -> Payload:
    """The default graph of the built Oxigraph store, as N-Triples (the store is opened read-only)."""
    import pyoxigraph as ox

    from kg.project import default_store_path
    from kg.store import open_store

    path = Path(store) if store else default_store_path()
    opened = open_store(path)
    data = opened.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    triples = len(opened)
    del opened
    return Payload(data=data, triples=triples, origin=str(path))


def file_payload(path: Path) -> Payload:
    """An RDF file (any format the loader knows), converted to N-Triples."""
    import pyoxigraph as ox

    from kg.sources import parse_file

    triples = parse_file(Path(path))
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Payload(data=data, triples=len(triples), origin=str(path))


# -- authentication ------------------------------------------------------------------


def challenge_scheme(response: httpx.Response) -> str | None:
    """The auth scheme a 401 asks for: 'digest' is preferred over 'basic' when both are offered."""
    schemes = {h.split(None, 1)[0].lower() for h in response.headers.get_list("www-authenticate") if h.strip()}
    for scheme in ("digest", "basic"):
        if scheme in schemes:
            return scheme
    return None


class ChallengeAuth(httpx.Auth):
    """HTTP auth that answers whichever challenge the server sends (Digest or Basic).

    The first 401 picks the scheme; later requests on the same object go out
    already authenticated (for Digest, with the cached challenge), so a large
    body is normally sent only once.
    """

    def __init__(self, user: str, password: str, scheme: str = "auto") -> None:
        if scheme not in AUTH_SCHEMES:
            raise UsageError(f"unknown auth scheme {scheme!r}: choose one of {', '.join(AUTH_SCHEMES)}")
        self.user, self.password, self.scheme = user, password, scheme
        self.chosen: httpx.Auth | None = None
        if scheme == "basic":
            self.chosen = httpx.BasicAuth(user, password)
        self.offered: str | None = None

    @property
    def name(self) -> str:
        if isinstance(self.chosen, httpx.DigestAuth):
            return "digest"
        if isinstance(self.chosen, httpx.BasicAuth):
            return "basic"
        return "none"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.chosen is not None:
            yield from self.chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        self.offered = challenge_scheme(response)
        if self.offered is None or (self.scheme == "digest" and self.offered != "digest"):
            return  # nothing we can answer: the caller reports the 401
        if self.offered == "digest":
            self.chosen = httpx.DigestAuth(self.user, self.password)
        else:
            self.chosen = httpx.BasicAuth(self.user, self.password)
        flow = self.chosen.auth_flow(request)
        outgoing = next(flow)
        if self.offered == "digest":
            # Hand Digest the challenge we already hold instead of asking again.
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return
        while True:
            response = yield outgoing
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return


# -- the upload ----------------------------------------------------------------------


class _Body:
    """The request body in chunks, reporting progress; iterable again if auth needs a resend."""

    def __init__(self, data: bytes, progress: Progress | None) -> None:
        self.data, self.progress = data, progress

    def __iter__(self) -> Iterator[bytes]:
        total = len(self.data)
        view = memoryview(self.data)
        if self.progress:
            self.progress(0, total)
        for start in range(0, total, CHUNK):
            chunk = bytes(view[start : start + CHUNK])
            yield chunk
            if self.progress:
                self.progress(start + len(chunk), total)


def check_graph_iri(graph: str) -> str:
    parts = urlsplit(graph)
    if not parts.scheme or re.search(r"[\s<>\"{}|\\^`]", graph):
        raise UsageError(f"--graph must be an absolute IRI such as https://example.org/graphs/zhengfa, not {graph!r}")
    return graph


def check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--endpoint must be an http(s) URL of a Graph Store endpoint, not {redact(endpoint)!r}")
    return endpoint


def check_timeout(timeout: float) -> float:
    """A finite number of seconds above 0 and at most a day (inf, nan or 1e12 would never end)."""
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise UsageError(f"--timeout must be a positive number of seconds, at most {MAX_TIMEOUT:g}, not {timeout:g}")
    return timeout


def redact(url: str) -> str:
    """``url`` with any password in it replaced by ``***`` (a login never reaches a message)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", url)
    if password is None and "@" not in parts.netloc:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{user}:***@{host}" if password is not None else f"{user}@{host}").geturl()


def _not_a_graph_store(probe: httpx.Response, endpoint: str) -> EndpointError | None:
    """A SPARQL query endpoint (Virtuoso's /sparql) answers the probe with its HTML query form.

    Such a server never reads the PUT body: the upload would wait the whole --timeout.
    """
    kind = probe.headers.get("content-type", "").split(";")[0].strip().lower()
    last = urlsplit(endpoint).path.rstrip("/").rsplit("/", 1)[-1].lower()
    if probe.is_success and kind == "text/html" and last in ("sparql", "query"):
        return EndpointError(
            f"{redact(endpoint)} is a SPARQL query endpoint, not a Graph Store (it answered with an HTML page): "
            "give the Graph Store URL, e.g. …/sparql-graph-crud-auth on Virtuoso or …/store on an Oxigraph server"
        )
    return None


def server_message(response: httpx.Response, limit: int = 400) -> str:
    """The server's own words about a failure, without HTML markup."""
    text = response.text
    if "<" in text and ">" in text:
        # Virtuoso puts the error into <xmp>/<pre>; elsewhere strip the markup.
        inner = re.search(r"<(xmp|pre)[^>]*>(.*?)</\1>", text, re.S | re.I)
        body = re.search(r"<body[^>]*>(.*?)</body>", text, re.S | re.I)
        text = inner.group(2) if inner else body.group(1) if body else text
        text = unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _explain(response: httpx.Response, endpoint: str, graph: str, credentials: ChallengeAuth | None) -> EndpointError:
    endpoint = redact(endpoint)
    status = response.status_code
    said = server_message(response)
    said_part = f": {said}" if said else ""
    asked = challenge_scheme(response)
    if status == 401:
        if credentials is None:
            return EndpointError(
                f"{endpoint} asks for a login ({asked or 'unknown'} auth): pass --user NAME and give the password "
                "in KG_PASSWORD or at the prompt"
            )
        if asked is not None and credentials.scheme != "auto" and asked != credentials.scheme:
            return EndpointError(
                f"{endpoint} asks for {asked} auth, not {credentials.scheme} (HTTP 401): use --auth {asked} or auto"
            )
        if asked is None and credentials.scheme == "auto":
            return EndpointError(f"{endpoint} refused the request (HTTP 401) without a Digest or Basic challenge")
        scheme = credentials.name if credentials.name != "none" else credentials.scheme
        doubt = "" if credentials.scheme == "auto" else f", or the server does not take {scheme} auth (try --auth auto)"
        return EndpointError(
            f"{endpoint} rejected the {scheme} login of user {credentials.user!r} (HTTP 401): "
            f"wrong user name or password{doubt}"
        )
    if status == 403:
        who = f"user {credentials.user!r}" if credentials else "an anonymous client"
        hint = ""
        if credentials is not None and credentials.name == "none":
            hint = (
                "; the server never asked for the login, so the upload was anonymous "
                "(on Virtuoso, the endpoint that logs in is …/sparql-graph-crud-auth)"
            )
        return EndpointError(f"{endpoint} forbids {who} to write graph <{graph}> (HTTP 403){said_part}{hint}")
    if status == 404:
        return EndpointError(
            f"no Graph Store endpoint at {endpoint} (HTTP 404): give the Graph Store URL, e.g. "
            "…/sparql-graph-crud-auth on Virtuoso or …/store on an Oxigraph server"
        )
    if status in (405, 501):
        return EndpointError(
            f"{endpoint} refuses PUT (HTTP {status}): a read-only server or not a Graph Store{said_part}"
        )
    if status == 413:
        return EndpointError(f"{endpoint} refused the upload as too large (HTTP 413){said_part}")
    if status == 507 or re.search(r"no space left|disk full|insufficient storage", said, re.I):
        return EndpointError(
            f"{endpoint} could not store the graph: its disk is full (HTTP {status}){said_part}; "
            "free space on the server, then push again"
        )
    if status >= 500:
        return EndpointError(f"{endpoint} failed to store the graph (HTTP {status}){said_part}")
    if 300 <= status < 400:
        target = redact(response.headers.get("location", "elsewhere"))
        return EndpointError(
            f"{endpoint} redirects to {target} (HTTP {status}): push to that URL instead "
            "(an upload is never re-sent to a redirected address)"
        )
    return EndpointError(f"{endpoint} refused the upload (HTTP {status}){said_part}")


def _transport_error(exc: httpx.HTTPError, endpoint: str, timeout: float) -> EndpointError:
    endpoint = redact(endpoint)
    if isinstance(exc, httpx.ConnectTimeout) and timeout > CONNECT_TIMEOUT:
        return EndpointError(f"cannot connect to {endpoint}: no answer within {CONNECT_TIMEOUT:.0f} s")
    if isinstance(exc, httpx.ConnectError):
        reason = str(exc) or "connection refused"
        return EndpointError(
            f"cannot connect to {endpoint} ({redact(reason)}): is the server running, and is the URL right?"
        )
    if isinstance(exc, httpx.TimeoutException):
        return EndpointError(
            f"{endpoint} did not finish within {timeout:g} s (--timeout, the deadline for the whole upload); the "
            "graph on the server may or may not have been replaced: check it, or push again with a longer timeout"
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return EndpointError(
            f"{endpoint} closed the connection during the upload ({redact(str(exc))}): was the server stopped?"
        )
    return EndpointError(f"upload to {endpoint} failed: {redact(str(exc))}")


def push(
    endpoint: str,
    graph: str,
    payload: Payload,
    *,
    user: str | None = None,
    password: str | None = None,
    auth: str = "auto",
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    verify_tls: bool = True,
) -> PushResult:
    """Replace ``graph`` on the Graph Store at ``endpoint`` with ``payload``.

    A cheap ``HEAD`` goes first: it settles the login (and a wrong password)
    before a large body is sent.
    """
    check_endpoint(endpoint)
    check_graph_iri(graph)
    check_timeout(timeout)
    if user is not None and password is None:
        raise InputError(f"no password for user {user!r}: set KG_PASSWORD or answer the prompt")
    credentials = ChallengeAuth(user, password or "", auth) if user is not None else None
    params = {"graph": graph}
    from kg.deadline import client_with_deadline

    limits = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout))
    started = time.perf_counter()
    # --timeout is one deadline for the whole exchange, even against a server that trickles bytes.
    with client_with_deadline(timeout, timeout=limits, verify=verify_tls, follow_redirects=False) as client:
        try:
            # Connection: close, because some servers (Oxigraph) send a body after a HEAD
            # answer, which would corrupt the next response on a reused connection.
            probe = client.head(
                endpoint,
                params=params,
                headers={"Connection": "close"},
                auth=credentials or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise _transport_error(exc, endpoint, timeout) from None
        if probe.status_code in (401, 403):
            raise _explain(probe, endpoint, graph, credentials)
        wrong = _not_a_graph_store(probe, endpoint)
        if wrong is not None:
            raise wrong
        try:
            response = client.put(
                endpoint,
                params=params,
                content=_Body(payload.data, progress),
                headers={"Content-Type": CONTENT_TYPE, "Content-Length": str(len(payload.data))},
                auth=credentials or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise _transport_error(exc, endpoint, timeout) from None
    if not response.is_success:
        raise _explain(response, endpoint, graph, credentials)
    return PushResult(
        endpoint=redact(endpoint),
        graph=graph,
        triples=payload.triples,
        bytes=len(payload.data),
        status=response.status_code,
        seconds=time.perf_counter() - started,
        auth=credentials.name if credentials else "none",
    )
