"""The served graph's links into this site (kg.viz.page.ServedLinks): a node to its page, a quote to its
place in /source, a measure to the /compare cells that count it, and /cite, all under the request's root path
and decided by the same code as the site's own pages (kg.serve.links, kg.serve.reported)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.cite import STYLE_NAMES
from kg.serve.views import Presenter


class GraphLinks:
    def __init__(self, presenter: Presenter) -> None:
        self.presenter = presenter
        self.linker = presenter.linker
        self.cite = self.linker.url("/cite")
        self.styles = STYLE_NAMES

    def entity(self, iri: str) -> str:
        return self.linker.href(iri)

    def quote(self, source: str, start: int, end: int) -> str | None:
        return self.linker.source_href(source, start, end)

    def compare(self, iri: str) -> list[tuple[str, str, str]]:
        from kg.serve.reported import compare_cells

        cells = compare_cells(self.presenter, ox.NamedNode(iri))
        return [(c.category.iri or "", c.province.iri or "", c.href) for c in cells]
