"""A client for remote SPARQL 1.1 endpoints (Oxigraph server, Virtuoso, Fuseki, …).

The SPARQL 1.1 Protocol allows three ways to send a query; this client uses
GET, or a form POST when the query is too long for a URL. It never sends a
direct ``application/sparql-query`` POST: Virtuoso 7 hangs on it. Results are
asked for as SPARQL JSON (solutions) or N-Triples/Turtle (triples), and every
request has a time limit, also for servers that trickle bytes slowly.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from kg.errors import EndpointError, QueryTimeout
from kg.sparql.results import GRAPH_FORMS, QueryResult
from kg.sparql.terms import XSD_STRING, Term

DEFAULT_TIMEOUT = 30.0
#: Longer queries go as a form POST: some servers and proxies refuse URLs past a few kB.
MAX_GET_QUERY_LENGTH = 2000
SOLUTIONS_ACCEPT = "application/sparql-results+json, application/json;q=0.9"
TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5, text/plain;q=0.1"
USER_AGENT = "zhengfa-kg (kg query)"


class SparqlEndpoint:
    """One remote endpoint; ``query()`` returns the same QueryResult as the local backends."""

    def __init__(
        self,
        url: str,
        timeout: float | None = DEFAULT_TIMEOUT,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"not an HTTP(S) endpoint URL: {url!r}")
        self.url = url
        # A client time limit is always set: a server may never answer at all.
        self.timeout = timeout if timeout and timeout > 0 else DEFAULT_TIMEOUT
        self.default_graphs = list(default_graphs)
        self.named_graphs = list(named_graphs)
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}

    def query(self, text: str, form: str = "SELECT") -> QueryResult:
        """Run ``text`` (a SELECT, ASK, CONSTRUCT or DESCRIBE, as ``form`` says) and parse the answer."""
        started = time.perf_counter()
        wants_triples = form in GRAPH_FORMS
        body, content_type = self._request(text, TRIPLES_ACCEPT if wants_triples else SOLUTIONS_ACCEPT)
        if wants_triples:
            result = QueryResult(form=form, triples=parse_triples(body, content_type, self.url))
        else:
            result = parse_json_results(body, self.url)
        result.seconds = time.perf_counter() - started
        return result

    def _params(self, text: str) -> list[tuple[str, str | int | float | bool | None]]:
        params: list[tuple[str, str | int | float | bool | None]] = [("query", text)]
        params += [("default-graph-uri", g) for g in self.default_graphs]
        params += [("named-graph-uri", g) for g in self.named_graphs]
        return params

    def _request(self, text: str, accept: str) -> tuple[bytes, str]:
        import httpx

        headers = {**self.headers, "Accept": accept}
        params = self._params(text)
        deadline = time.monotonic() + self.timeout
        limits = httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0))
        try:
            from kg.deadline import client_with_deadline

            # One deadline for the whole exchange: a server trickling bytes cannot stretch it.
            with client_with_deadline(self.timeout, timeout=limits, follow_redirects=True, trust_env=False) as client:
                if len(str(httpx.QueryParams(params))) <= MAX_GET_QUERY_LENGTH:
                    request = client.build_request("GET", self.url, params=params, headers=headers)
                else:
                    request = client.build_request("POST", self.url, data=dict(_group(params)), headers=headers)
                response = client.send(request, stream=True)
                try:
                    chunks = []
                    for chunk in response.iter_bytes():
                        chunks.append(chunk)
                        if time.monotonic() > deadline:
                            raise QueryTimeout(self._late())
                    body = b"".join(chunks)
                finally:
                    response.close()
        except httpx.TimeoutException:
            raise QueryTimeout(self._late()) from None
        except httpx.HTTPError as exc:
            from kg.push import redact

            raise EndpointError(f"cannot reach the SPARQL endpoint {redact(self.url)}: {redact(str(exc))}") from None
        if response.status_code >= 400:
            detail = body.decode("utf-8", "replace").strip()[:800]
            raise EndpointError(f"the SPARQL endpoint {self.url} answered HTTP {response.status_code}: {detail}")
        return body, response.headers.get("content-type", "")

    def _late(self) -> str:
        return f"the SPARQL endpoint {self.url} did not answer within {self.timeout:g} s (--timeout)"


def _group(params: list[tuple[str, str | int | float | bool | None]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        grouped.setdefault(key, []).append(str(value))
    return grouped


# ---------------------------------------------------------------------------
# Parsing answers
# ---------------------------------------------------------------------------


def parse_json_results(body: bytes, source: str = "the endpoint") -> QueryResult:
    """SPARQL 1.1 JSON results (also Virtuoso's older ``typed-literal``) as a QueryResult."""
    try:
        document = json.loads(body)
    except ValueError:
        snippet = body[:200].decode("utf-8", "replace")
        raise EndpointError(f"{source} did not answer with SPARQL JSON results: {snippet!r}") from None
    if not isinstance(document, dict):
        raise EndpointError(f"{source} answered with JSON that is not a SPARQL result")
    if "boolean" in document:
        return QueryResult(form="ASK", boolean=bool(document["boolean"]))
    variables = list(document.get("head", {}).get("vars", []))
    rows = []
    for binding in document.get("results", {}).get("bindings", []):
        rows.append(tuple(_json_term(binding[v]) if v in binding else None for v in variables))
    return QueryResult(form="SELECT", variables=variables, rows=rows)


def _json_term(data: Mapping[str, Any]) -> Term:
    kind = data.get("type")
    value = data.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value) if value else ox.BlankNode()
    if kind in ("literal", "typed-literal"):
        if data.get("xml:lang"):
            return ox.Literal(value, language=data["xml:lang"])
        datatype = data.get("datatype")
        if datatype and datatype != XSD_STRING:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    if kind == "triple":
        parts = value
        return ox.Triple(_json_term(parts["subject"]), _json_term(parts["predicate"]), _json_term(parts["object"]))  # type: ignore[arg-type]
    raise EndpointError(f"unknown term type in SPARQL JSON results: {kind!r}")


def parse_triples(body: bytes, content_type: str, source: str = "the endpoint") -> list[ox.Triple]:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "text/plain":  # older servers label N-Triples so
        media_type = "application/n-triples"
    fmt = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise EndpointError(f"{source} answered with {content_type or 'no content type'}, not an RDF format kg reads")
    try:
        return [quad.triple for quad in ox.parse(body, format=fmt)]
    except SyntaxError as exc:
        raise EndpointError(f"{source} answered with {media_type} that does not parse: {exc}") from None
