"""``kg build``: load the sources, validate them, write the store and the exports as one generation.

The outputs are replaced all at once (see :mod:`kg.generation`), and a build
whose inputs have not changed since the current generation does nothing: the
generation records a fingerprint of everything the outputs are made from (the
source files, the seed texts, the code that builds them).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.dataset import Statistics, statistics, write_description
from kg.errors import UsageError, ValidationFailed
from kg.freshness import input_digests, input_stats
from kg.generation import OUTPUTS, Outputs, cannot_write, kill_point
from kg.namespaces import PREFIXES
from kg.project import PACKAGE_DIR, default_out_dir, seeds_dir
from kg.serialize import EXPORTS, canonical_exports
from kg.sources import Source, parse_sources_quads, read_regular, read_sources, source_files
from kg.store import BACKENDS, SourcesLoad, write_store
from kg.textindex import TextIndexBody, index_body, write_text_index
from kg.validate import SourcesValidation, ValidationReport

#: VoID and DCAT of the exports (kg.dataset), written into every generation beside them.
DESCRIPTION = "void.ttl"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class BuildResult:
    triples: int
    class_counts: dict[str, int]
    report: ValidationReport | None
    seconds: float
    outputs: dict[str, Path] = field(default_factory=dict)
    #: True when the inputs were unchanged and nothing was rebuilt.
    unchanged: bool = False
    fingerprint: str = ""
    checked_evidence: int | None = None

    def summary(self) -> str:
        lines = []
        if self.unchanged:
            lines.append(
                f"nothing to do: the inputs are unchanged since the current build (fingerprint {self.fingerprint[:16]}); "
                "outputs left as they are (--force rebuilds)"
            )
        lines += [f"triples: {self.triples}", "entities per class:"]
        lines += [f"  {name}: {count}" for name, count in self.class_counts.items()]
        if self.report is not None:
            status = "conforms" if self.report.conforms else "FAILED"
            lines.append(f"validation: {status} ({self.report.checked_evidence} evidence quotes checked)")
        elif self.checked_evidence is not None:
            lines.append(f"validation: conforms ({self.checked_evidence} evidence quotes checked when built)")
        else:
            lines.append("validation: skipped")
        verb = "current" if self.unchanged else "wrote"
        lines += [f"{verb} {name}: {path}" for name, path in self.outputs.items()]
        lines.append(f"seconds: {self.seconds:.2f}")
        return "\n".join(lines)


def class_counts(triples: Iterable[ox.Triple] | Graph) -> dict[str, int]:
    """Entities per class for the project's own and the reused classes (by prefixed name).

    Takes Oxigraph triples or an rdflib graph (``kg stats``).
    """
    return _prefixed_counts((cls, 1) for _s, p, o in triples if _iri(p) == RDF_TYPE and (cls := _iri(o)) is not None)


def _prefixed_counts(class_entities: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(class IRI, entities) → entities per prefixed name, for the project's own and the reused classes."""
    counts: Counter[str] = Counter()
    for cls, entities in class_entities:
        for prefix, iri in PREFIXES.items():
            if cls.startswith(iri) and prefix not in {"owl", "rdf", "rdfs", "sh"}:
                counts[f"{prefix}:{cls[len(iri) :]}"] += entities
                break
    return dict(sorted(counts.items()))


def _iri(term: object) -> str | None:
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term) if isinstance(term, URIRef) else None


def fingerprint(inputs: Mapping[str, str], backend: str) -> str:
    """A hash of everything a build's outputs are made from: the inputs (path → SHA-256, from
    :func:`kg.freshness.input_digests`: sources and seed texts), the building code, the libraries."""
    digest = hashlib.sha256(f"backend {backend}\n".encode())
    for name, sha in inputs.items():
        digest.update(f"input {name} {sha}\n".encode())
    code = sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".rq") and "_data" not in p.parts)
    for path in code:
        digest.update(f"code {path.resolve()}\n".encode())
        digest.update(hashlib.sha256(read_regular(path)).digest())
    for module in ("pyoxigraph", "rdflib", "pyshacl"):
        from importlib.metadata import PackageNotFoundError, version

        try:
            digest.update(f"{module} {version(module)}\n".encode())
        except PackageNotFoundError:
            pass
    return digest.hexdigest()


def build(
    include: Iterable[Path] = (),
    out_dir: Path | None = None,
    store: Path | None = None,
    backend: str = "oxigraph",
    validate: bool = True,
    seed_dirs: list[Path] | None = None,
    force: bool = False,
) -> BuildResult:
    """Build the graph; on a validation failure the outputs stay as they were and ValidationFailed is raised."""
    if backend not in BACKENDS:
        raise UsageError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    started = time.perf_counter()
    out = Path(out_dir) if out_dir else default_out_dir()
    own_store = store is None or os.path.abspath(store) == os.path.abspath(out / "store")
    files = source_files(include)
    stats = input_stats(files, seed_dirs or [seeds_dir()])  # before hashing: a file written meanwhile differs
    inputs = input_digests(files, seed_dirs or [seeds_dir()])
    inputs_hash = fingerprint(inputs, backend if own_store else f"{backend} {store}")
    outputs = Outputs(out)
    with outputs.locked():
        manifest = outputs.manifest()
        if (
            not force
            and manifest is not None
            and manifest.get("fingerprint") == inputs_hash
            and (manifest.get("validated") or not validate)
            and outputs.holds(_generation_files(backend, own_store))
        ):
            outputs.link_outputs()
            outputs.clean()
            return _unchanged(manifest, out, store, backend, own_store, started)
        sources = read_sources(files)
        report = None
        generation = outputs.new()
        try:
            # The store loads and the validation runs on threads of their own (pyoxigraph releases the GIL),
            # while the sources are parsed and the exports made; void.ttl is counted on whichever store
            # is in memory.
            with (
                _load_store(generation, sources, backend == "oxigraph" and own_store, count=not validate) as loading,
                _validation(sources, seed_dirs, validate) as checking,
            ):
                parsed = parse_sources_quads(sources)
                data = canonical_exports(t for _path, triples in parsed for t in triples)
                del sources
                # A failing graph leaves the current build as it is: this generation is removed.
                if checking is not None:
                    report = checking.report(parsed, data["graph.nt"])
                    if not report.conforms:
                        raise ValidationFailed(report.to_text())
                del parsed
                counts, index = _write_generation(generation, data, loading, checking)
            if index is not None:  # the store is closed: its files are final, and the index records them
                write_text_index(generation / "store", index)
            triples = data["graph.nt"].count(b"\n")
            if backend == "oxigraph" and not own_store:
                assert store is not None
                write_store(Path(store), data["graph.nt"])
        except OSError as exc:
            shutil.rmtree(generation, ignore_errors=True)
            raise cannot_write(out, exc) from None
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        manifest = {
            "fingerprint": inputs_hash,
            "triples": triples,
            "class_counts": counts,
            "validated": validate,
            "checked_evidence": report.checked_evidence if report else None,
            "backend": backend,
            # Each input's SHA-256: commands reading this build warn when the data folder has changed since.
            "sources": inputs,
            # …and each one's size and modification time: a file that still has them is not hashed again.
            "source_stats": stats,
        }
        outputs.publish(generation, manifest)
    return BuildResult(
        triples=triples,
        class_counts=counts,
        report=report,
        seconds=time.perf_counter() - started,
        outputs=_output_paths(out, store, backend, own_store),
        fingerprint=inputs_hash,
    )


Loaded = tuple[Statistics | None, TextIndexBody | None]


def _load_store(generation: Path, sources: list[Source], with_store: bool, count: bool) -> SourcesLoad[Loaded]:
    """The generation's store (for the default backend), loading from the sources on a thread of its own;
    then counted for void.ttl if ``count`` (without validation: no store in memory to count on), and its
    text index made there (kg.textindex: the engine writes it with the GIL released, beside the exports).
    Without a store and without counting, an empty in-memory store stands in."""
    if not with_store and not count:
        return SourcesLoad(ox.Store(), [], then=lambda _store: (None, None))
    store = ox.Store(str(generation / "store")) if with_store else ox.Store()

    def then(store: ox.Store) -> Loaded:
        return (statistics(store) if count else None, index_body(store) if with_store else None)

    return SourcesLoad(store, sources, then=then)


@contextmanager
def _validation(
    sources: list[Source], seed_dirs: list[Path] | None, validate: bool
) -> Iterator[SourcesValidation[Statistics] | None]:
    """The validation of the sources on its thread (its in-memory store also counted for void.ttl),
    or None without validation."""
    if not validate:
        yield None
        return
    with SourcesValidation(sources, seed_dirs, then=statistics) as checking:
        yield checking


def _write_generation(
    generation: Path,
    data: dict[str, bytes],
    loading: SourcesLoad[Loaded],
    checking: SourcesValidation[Statistics] | None,
) -> tuple[dict[str, int], TextIndexBody | None]:
    """The exports, then the loaded store and the description, each flushed to disk before the switch.

    Returns the entities per class, counted by the store (:func:`class_counts`' figures), and the store's
    text index as its loading thread made it.
    """
    for name in EXPORTS:
        _write_synced(generation / name, data[name])
        kill_point(f"after-{name}")
    counted, index = loading.result()
    kill_point("store-loaded")
    if checking is not None:
        counted = checking.counted()
    assert counted is not None
    _write_synced(generation / "void.ttl", write_description({name: data[name] for name in EXPORTS}, counted))
    kill_point("generation-written")
    return _prefixed_counts(counted.class_entities()), index


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _generation_files(backend: str, own_store: bool) -> list[str]:
    files = [*EXPORTS, DESCRIPTION]
    return [*files, "store"] if backend == "oxigraph" and own_store else files


def _output_paths(out: Path, store: Path | None, backend: str, own_store: bool) -> dict[str, Path]:
    paths = {name: out / name for name in (*EXPORTS, DESCRIPTION)}
    if backend == "oxigraph":
        paths["store"] = out / "store" if own_store else Path(store or out / "store")
    return paths


def _unchanged(
    manifest: dict[str, object], out: Path, store: Path | None, backend: str, own_store: bool, started: float
) -> BuildResult:
    counts = manifest.get("class_counts")
    checked = manifest.get("checked_evidence")
    triples = manifest.get("triples")
    return BuildResult(
        triples=triples if isinstance(triples, int) else 0,
        class_counts=dict(counts) if isinstance(counts, dict) else {},
        report=None,
        seconds=time.perf_counter() - started,
        outputs=_output_paths(out, store, backend, own_store),
        unchanged=True,
        fingerprint=str(manifest.get("fingerprint", "")),
        checked_evidence=checked if isinstance(checked, int) else None,
    )


__all__ = ["OUTPUTS", "BuildResult", "build", "class_counts", "fingerprint"]
