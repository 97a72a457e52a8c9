"""The state the routes share: settings, the store reader, the query engine, the templates."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kg.serve.engine import Limits, QueryEngine
from kg.serve.links import Linker
from kg.serve.reader import GraphReader
from kg.serve.settings import ServeSettings
from kg.serve.views import Presenter

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"

log = logging.getLogger("kg.serve")
T = TypeVar("T")
#: Pages and views kept ready (per filter, per root path).
MEMO_SIZE = 64


class Site:
    """One running server: opened once, read-only, shared by every request."""

    def __init__(self, settings: ServeSettings) -> None:
        from kg.project import default_store_path
        from kg.store import open_store

        self.settings = settings
        self.store_path = Path(settings.store) if settings.store else default_store_path()
        self.reader = GraphReader(open_store(Path(settings.store) if settings.store else None))  # None: warns if stale
        self.engine = QueryEngine(
            self.store_path,
            Limits(
                timeout=settings.timeout,
                max_rows=settings.max_rows,
                memory_mb=settings.memory_mb,
                concurrent=settings.concurrent_queries,
                waiting=settings.waiting_queries,
            ),
        )
        # Autoescape every template: labels and quotes come from data anyone can extend.
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        from kg.cite import STYLE_NAMES

        self.templates.globals["cite_styles"] = STYLE_NAMES
        self._texts: dict[ox.NamedNode, str] | None = None
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()
        self._memo_lock = threading.Lock()
        self._adoptions: Any = None

    def warm_up(self) -> None:
        """Do the slow first-time work before the first visitor: parser, search index, label cache."""
        self.engine.warm_up()
        self.reader.search("x")

    # --- per request ----------------------------------------------------------------------

    def linker(self, request: Request) -> Linker:
        return Linker(self.settings, request.scope.get("root_path", ""))

    def presenter(self, request: Request, prefer: str = "zh") -> Presenter:
        return Presenter(self.reader, self.linker(request), prefer)

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        linker = self.linker(request)
        page = self.templates.get_template(template).render(
            url=linker.url, href=linker.href, path=request.url.path, **context
        )
        return HTMLResponse(page, status_code=status_code)

    # --- lazily built, then kept: the store does not change while the server runs ------------

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once per key (the least recently used of MEMO_SIZE entries are dropped)."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]  # type: ignore[no-any-return]
        value = build()  # outside the lock: two first requests may both build, and one result is kept
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    @cached_property
    def triple_count(self) -> int:
        return self.reader.triple_count()

    def source_texts(self) -> dict[ox.NamedNode, str]:
        """The seed texts the graph describes (checked against their SHA-256); empty when they cannot be found."""
        if self._texts is None:
            self._texts = self._load_texts()
        return self._texts

    def _load_texts(self) -> dict[ox.NamedNode, str]:
        from rdflib import Graph, Literal, URIRef
        from rdflib.namespace import RDF as RDF_NS

        from kg.corpus import load_corpus
        from kg.errors import InputError
        from kg.namespaces import ZF

        metadata = Graph()
        for doc in self.reader.instances(ox.NamedNode(str(ZF.SourceDocument))):
            if not isinstance(doc, ox.NamedNode):
                continue
            subject = URIRef(doc.value)
            metadata.add((subject, RDF_NS.type, ZF.SourceDocument))
            for prop in (ZF.seedFile, ZF.sha256):
                value = self.reader.value(doc, ox.NamedNode(str(prop)))
                if isinstance(value, ox.Literal):
                    metadata.add((subject, prop, Literal(value.value)))
        try:
            corpus = load_corpus(metadata, list(self.settings.seed_dirs) or None)
        except InputError as exc:
            log.warning("source texts not available, /source pages will be missing: %s", exc)
            return {}
        return {ox.NamedNode(str(iri)): text.text for iri, text in corpus.items()}

    def document_parts(self, document: ox.NamedNode) -> list[tuple[ox.NamedNode, int, int]]:
        """The parts of a source document with their offsets, in text order."""
        from kg.namespaces import DCTERMS, ZF

        reader = self.reader
        parts = []
        for part in reader.objects(document, ox.NamedNode(str(DCTERMS.hasPart))):
            if not isinstance(part, ox.NamedNode):
                continue
            start = reader.value(part, ox.NamedNode(str(ZF.startOffset)))
            end = reader.value(part, ox.NamedNode(str(ZF.endOffset)))
            if isinstance(start, ox.Literal) and isinstance(end, ox.Literal):
                try:
                    parts.append((part, int(start.value), int(end.value)))
                except ValueError:
                    continue
        return sorted(parts, key=lambda p: (p[1], p[2]))

    def adoptions(self) -> Any:
        """kg compare's reading of the graph (measures, organs, taxonomy), built once."""
        if self._adoptions is None:
            from kg.compare import load

            self._adoptions = load(self.reader.store)
        return self._adoptions

    @cached_property
    def graph_catalog(self) -> Any:
        from kg.viz import build_catalog

        return build_catalog(self.reader.store)
