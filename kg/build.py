"""``kg build``: load the sources, validate them, write the store and the exports."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import ValidationFailed
from kg.namespaces import PREFIXES, RDF
from kg.paths import default_out_dir
from kg.serialize import exports, write_atomic
from kg.sources import load_sources, source_files
from kg.store import BACKENDS, write_store
from kg.validate import ValidationReport, validate_loaded


@dataclass
class BuildResult:
    triples: int
    class_counts: dict[str, int]
    report: ValidationReport | None
    seconds: float
    outputs: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"triples: {self.triples}", "entities per class:"]
        lines += [f"  {name}: {count}" for name, count in self.class_counts.items()]
        if self.report is None:
            lines.append("validation: skipped")
        else:
            status = "conforms" if self.report.conforms else "FAILED"
            lines.append(f"validation: {status} ({self.report.checked_evidence} evidence quotes checked)")
        lines += [f"wrote {name}: {path}" for name, path in self.outputs.items()]
        lines.append(f"seconds: {self.seconds:.2f}")
        return "\n".join(lines)


def class_counts(graph: Graph) -> dict[str, int]:
    """Entities per class for the project's own and the reused classes (by prefixed name)."""
    counts: Counter[str] = Counter()
    for _s, cls in graph.subject_objects(RDF.type):
        if not isinstance(cls, URIRef):
            continue
        name = str(cls)
        for prefix, iri in PREFIXES.items():
            if name.startswith(iri) and prefix not in {"owl", "rdf", "rdfs", "sh"}:
                counts[f"{prefix}:{name[len(iri) :]}"] += 1
                break
    return dict(sorted(counts.items()))


def _description(files: dict[str, str], store_path: Path | None) -> bytes:
    """VoID and DCAT of the exports, counted on the store just written (or on an in-memory load)."""
    import pyoxigraph as ox

    from kg.dataset import write_description

    if store_path is not None:
        store = ox.Store.read_only(str(store_path))
    else:
        store = ox.Store()
        store.bulk_load(files["graph.nt"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return write_description(store, {name: data.encode("utf-8") for name, data in files.items()})


def build(
    include: Iterable[Path] = (),
    out_dir: Path | None = None,
    store: Path | None = None,
    backend: str = "oxigraph",
    validate: bool = True,
    seed_dirs: list[Path] | None = None,
) -> BuildResult:
    """Build the graph; on a validation failure nothing is written and ValidationFailed is raised."""
    if backend not in BACKENDS:
        from kg.errors import UsageError

        raise UsageError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    started = time.perf_counter()
    loaded = load_sources(source_files(include))
    report = validate_loaded(loaded, seed_dirs) if validate else None
    if report is not None and not report.conforms:
        raise ValidationFailed(report.to_text())
    graph = loaded.graph
    out = Path(out_dir) if out_dir else default_out_dir()
    files = exports(graph)
    outputs: dict[str, Path] = {}
    for name, data in files.items():
        write_atomic(out / name, data)
        outputs[name] = out / name
    if backend == "oxigraph":
        store_path = Path(store) if store else out / "store"
        write_store(store_path, files["graph.nt"].encode("utf-8"))
        outputs["store"] = store_path
    write_atomic(out / "void.ttl", _description(files, outputs.get("store")))
    outputs["void.ttl"] = out / "void.ttl"
    return BuildResult(
        triples=len(graph),
        class_counts=class_counts(graph),
        report=report,
        seconds=time.perf_counter() - started,
        outputs=outputs,
    )
