"""What ``kg serve`` is told: the store, the IRI base it answers for, and its limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.namespaces import BASE

#: Defaults, documented in docs/serve.md.
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BODY = 256 * 1024
DEFAULT_MEMORY_MB = 1024
DEFAULT_CONCURRENT = 4
DEFAULT_WAITING = 16
DEFAULT_HEADER_TIMEOUT = 10.0
#: The longest --timeout (seconds) a server accepts: one day.
MAX_TIMEOUT = 86_400.0


@dataclass(frozen=True)
class ServeSettings:
    """Everything the app needs; ``store`` None means ``dist/store`` in the working directory."""

    store: Path | None = None
    base_iri: str = BASE
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_body: int = DEFAULT_MAX_BODY
    memory_mb: int = DEFAULT_MEMORY_MB
    concurrent_queries: int = DEFAULT_CONCURRENT
    waiting_queries: int = DEFAULT_WAITING
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    seed_dirs: list[Path] = field(default_factory=list)
    cors_origins: tuple[str, ...] = ("*",)

    @property
    def entity_base(self) -> str:
        return self.base_iri + "id/"

    @property
    def vocabulary_base(self) -> str:
        return self.base_iri + "def/"

    @property
    def ontology_iri(self) -> str:
        return self.base_iri + "def"
