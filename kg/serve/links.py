"""Where an IRI lives on this server: entities under ``/id/``, vocabulary under ``/def/``, anything else
under ``/resource?iri=``.

The server answers for one IRI base (``--base-iri``, by default the project's
persistent ``https://w3id.org/zhengfa-kg/``): a persistent-IRI redirect that
sends ``…/id/x`` to ``https://host/id/x`` lands on the page of that entity.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pyoxigraph as ox

from kg.serve.settings import ServeSettings

#: Characters kept as they are in a local name put into a URL path.
_PATH_SAFE = "/-_.~:@!$&'()*+,;="


class Linker:
    """Maps IRIs to this server's URLs and back, under the app's root path (behind a proxy: ``--root-path``)."""

    def __init__(self, settings: ServeSettings, root_path: str = "") -> None:
        self.settings = settings
        self.root = root_path.rstrip("/")

    def url(self, path: str) -> str:
        """A URL of this server (``path`` starts with ``/``)."""
        return self.root + path

    def href(self, node: ox.NamedNode | str) -> str:
        value = node.value if isinstance(node, ox.NamedNode) else node
        settings = self.settings
        if value == settings.ontology_iri:
            return self.url("/ontology")
        for prefix, route in ((settings.entity_base, "/id/"), (settings.vocabulary_base, "/def/")):
            if value.startswith(prefix) and len(value) > len(prefix):
                return self.url(route + quote(value[len(prefix) :], safe=_PATH_SAFE))
        return self.url("/resource?iri=" + quote(value, safe=""))

    def source_href(self, source: ox.NamedNode | str, start: int, end: int | None) -> str | None:
        """The place ``start``–``end`` of a source text on its /source page (only this server's sources)."""
        value = source.value if isinstance(source, ox.NamedNode) else source
        base = self.settings.entity_base
        if not value.startswith(base) or len(value) == len(base):
            return None
        local = quote(value[len(base) :], safe="/-_.~")
        query = urlencode({"start": start, "end": end if end is not None else start})
        return self.url(f"/source/{local}?{query}#quote")

    def is_local(self, node: ox.NamedNode) -> bool:
        return node.value.startswith(self.settings.base_iri)

    def iri_for(self, route: str, local: str) -> ox.NamedNode:
        """The IRI a path of this server stands for: ``("id", "province-hunan")`` → ``…/id/province-hunan``."""
        base = self.settings.entity_base if route == "id" else self.settings.vocabulary_base
        return ox.NamedNode(base + local)
