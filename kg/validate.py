"""Validation: SHACL shapes and the provenance check.

The shapes are checked by SPARQL queries on an Oxigraph store (:mod:`kg.conformance`), which prove that a
conforming graph conforms; when they cannot (a possible violation, a shapes feature they do not translate),
pySHACL validates an rdflib copy of the graph and its report is the report, so the results are always
pySHACL's (:func:`shacl_violations`, also the reference the tests compare with).

The provenance check makes sure every evidence quote equals the seed text at
its offsets, with its prefix and suffix, which SHACL alone cannot see.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.conformance import (
    Checks,
    ShapeCheck,
    Unsupported,
    compile_shapes,
    literals_read_alike,
    shapes_that_may_fail,
)
from kg.corpus import load_corpus, load_corpus_from_store
from kg.evidence import EvidenceProblem, check_evidence, check_evidence_on_store
from kg.namespaces import OWL, PREFIXES, RDF, RDFS, SH, curie
from kg.project import ontology_dir
from kg.sources import LoadedSources, as_triples, load_sources, loaded_from, parse_sources, source_files

if TYPE_CHECKING:
    from kg.sources import Source

T = TypeVar("T")


@dataclass(frozen=True)
class Violation:
    """One thing to fix: which entity, which rule, what is wrong, and where it was stated."""

    focus: str
    rule: str
    message: str
    path: str | None = None
    value: str | None = None
    files: tuple[str, ...] = ()
    severity: str = "Violation"

    def to_text(self) -> str:
        where = f" [{', '.join(self.files)}]" if self.files else ""
        prop = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {self.focus}{prop}: {self.message}{value} — rule {self.rule}{where}"


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    checked_evidence: int = 0

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def to_text(self) -> str:
        if self.conforms and not self.violations:
            return f"conforms: SHACL shapes hold and all {self.checked_evidence} evidence quotes match their sources"
        lines = [v.to_text() for v in self.violations]
        lines.append(f"{len(self.violations)} problem(s)")
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {
            "conforms": self.conforms,
            "checked_evidence": self.checked_evidence,
            "violations": [asdict(v) for v in self.violations],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)


def shapes_graph(path: Path | None = None) -> Graph:
    return load_sources([path or ontology_dir() / "shapes.ttl"]).graph


def _short(node: Node | None) -> str | None:
    if node is None:
        return None
    return (curie(node) if isinstance(node, URIRef) else None) or str(node)


#: The core target predicates (SHACL 2.1.3). A node shape targeting nodes only through these can hand its
#: targets to its property shapes.
_CORE_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def batched_shapes(shapes: Graph) -> Graph:
    """The same constraints, with each property shape of a targeting node shape targeting those nodes itself.

    ``S sh:targetClass C ; sh:property P`` checks P against every instance of C, and so does
    ``P sh:targetClass C``, with the same results (SHACL 4.8.2: the results of ``sh:property`` are those of
    validating each focus node against P; P is their ``sh:sourceShape`` either way). What differs is
    pySHACL's cost: it validates a nested P once per focus node (some 40 µs of set-up each, 110,000 times at
    100k triples), a targeting P once for all its focus nodes: 5.8 s → 1.9 s at 100k.

    A node shape is only split when nothing else refers to it (``sh:node``, ``sh:not``, a list of ``sh:or``…),
    it is not deactivated, not itself a class (implicit class target) and targets through the core
    predicates only; a property shape only when it belongs to that one node shape and has no targets of its
    own. ``shapes`` is left as it is: `shacl_violations` names a result's node shape from it.
    """
    batched = Graph()
    for prefix, namespace in shapes.namespaces():  # pySHACL's messages write paths with these prefixes
        batched.bind(prefix, namespace, override=True, replace=True)
    for triple in shapes:
        batched.add(triple)
    for node_shape in set(shapes.subjects(SH.property, None)):
        targets = [(p, o) for p in _CORE_TARGETS for o in shapes.objects(node_shape, p)]
        if (
            not targets
            or (node_shape, SH.target, None) in shapes
            or (node_shape, SH.deactivated, None) in shapes
            or (node_shape, RDF.type, RDFS.Class) in shapes
            or (node_shape, RDF.type, OWL.Class) in shapes
            or (None, None, node_shape) in shapes
        ):
            continue
        for prop_shape in list(shapes.objects(node_shape, SH.property)):
            if len(set(shapes.subject_predicates(prop_shape))) != 1 or any(
                (prop_shape, p, None) in shapes for p in (*_CORE_TARGETS, SH.target)
            ):
                continue
            batched.remove((node_shape, SH.property, prop_shape))
            for p, o in targets:
                batched.add((prop_shape, p, o))
    return batched


def _named(loaded: LoadedSources, focus: Node | None) -> tuple[str, tuple[str, ...]]:
    """How a report names a focus node (a blank node by the entity that holds it), and the files that state it."""
    shown, owner = _short(focus) or "?", focus
    if isinstance(focus, BNode):
        holder = next(iter(loaded.graph.subject_predicates(focus)), None)
        if holder is not None:
            shown, owner = f"{_short(holder[0])} › {_short(holder[1])}", holder[0]
    return shown, tuple(loaded.files_of(owner)) if owner is not None else ()


def uncomparable_values(loaded: LoadedSources, shapes: Graph) -> list[Violation]:
    """Values that an ``sh:lessThan`` pair would compare but that are not literals.

    pySHACL stops with an exception on them ("Cannot use sh:lessThan to compare a
    BlankNode") instead of reporting a result, so they are found first and reported.
    """
    graph, found = loaded.graph, []
    for component, pair in (
        ("LessThanConstraintComponent", SH.lessThan),
        ("LessThanOrEqualsConstraintComponent", SH.lessThanOrEquals),
    ):
        for prop_shape, other in shapes.subject_objects(pair):
            path = shapes.value(prop_shape, SH.path)
            node_shape = next(shapes.subjects(SH.property, prop_shape), prop_shape)
            classes = list(shapes.objects(node_shape, SH.targetClass))
            for predicate in (path, other):
                if not isinstance(predicate, URIRef):
                    continue
                for focus, value in graph.subject_objects(predicate):
                    if isinstance(value, Literal) or (
                        classes and not any((focus, RDF.type, c) in graph for c in classes)
                    ):
                        continue
                    shown, files = _named(loaded, focus)
                    found.append(
                        Violation(
                            focus=shown,
                            rule=f"{_short(node_shape)} / {component}",
                            message=f"must be a literal to compare {_short(path)} with {_short(other)}; "
                            "SHACL validation stops here until it is",
                            path=_short(predicate),
                            value="a blank node" if isinstance(value, BNode) else _short(value),
                            files=files,
                        )
                    )
    return sorted(set(found), key=lambda v: (v.focus, v.rule, v.path or "", v.value or ""))


def shacl_violations(loaded: LoadedSources, shapes: Graph) -> list[Violation]:
    from pyshacl import validate as pyshacl_validate  # heavy: imported only when validating

    uncomparable = uncomparable_values(loaded, shapes)
    if uncomparable:
        return uncomparable
    _conforms, results, _text = pyshacl_validate(
        loaded.graph,
        shacl_graph=batched_shapes(shapes),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # no inference runs, so nothing is added: skip copying the data graph
    )
    assert isinstance(results, Graph)
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shown, files = _named(loaded, results.value(result, SH.focusNode))
        source_shape = results.value(result, SH.sourceShape)
        node_shape = next(shapes.subjects(SH.property, source_shape), source_shape)
        component = results.value(result, SH.sourceConstraintComponent)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        rule = f"{_short(node_shape)} / {str(component).rsplit('#', 1)[-1]}"
        violations.append(
            Violation(
                focus=shown,
                rule=rule,
                message=str(message) if message else "constraint not met",
                path=_short(results.value(result, SH.resultPath)),
                value=_short(results.value(result, SH.value)),
                files=files,
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    return sorted(violations, key=lambda v: (v.focus, v.rule, v.path or "", v.value or ""))


def validate_loaded(loaded: LoadedSources, seed_dirs: list[Path] | None = None) -> ValidationReport:
    corpus = load_corpus(loaded.graph, seed_dirs)
    report = ValidationReport()
    report.violations.extend(shacl_violations(loaded, shapes_graph()))
    problems = check_evidence(loaded.graph, corpus)
    report.checked_evidence = len(set(loaded.graph.subjects(RDF.type, URIRef(PREFIXES["zf"] + "Evidence"))))
    report.violations += [_quote_violation(p, loaded.files_of(p.evidence)) for p in problems]
    return report


def _quote_violation(problem: EvidenceProblem, files: Iterable[str]) -> Violation:
    return Violation(
        focus=_short(problem.evidence) or "?", rule=problem.rule, message=problem.message, files=tuple(files)
    )


Parsed = list[tuple[Path, list[ox.Triple]]]
#: Parsed files whose statements may also be default-graph Quads (``kg.sources.parse_sources_quads``).
AnyParsed = Sequence[tuple[Path, Sequence[ox.Triple | ox.Quad]]]


def validate_parsed(
    parsed: Parsed, ntriples: bytes | None = None, seed_dirs: list[Path] | None = None
) -> ValidationReport:
    """Validate parsed files (``kg.sources.parse_sources``); ``ntriples``: their triples as N-Triples, if at hand.

    The SPARQL checks and the quote check run on an in-memory Oxigraph store of the triples; only when the
    checks cannot prove conformance is an rdflib graph built for pySHACL (:func:`validate_loaded`), so the
    report is the same either way.
    """
    if ntriples is None:
        ntriples = b"".join(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"" for _path, triples in parsed)
    report = _validate_on_store(parsed, ntriples, seed_dirs)
    return report if report is not None else validate_loaded(loaded_from(parsed), seed_dirs)


def _validate_on_store(parsed: Parsed, ntriples: bytes, seed_dirs: list[Path] | None) -> ValidationReport | None:
    """The report, or None where the SPARQL checks cannot prove that the shapes hold."""
    checks = _compiled_checks()
    if checks is None or not literals_read_alike(ntriples, checks):
        return None
    store = ox.Store()  # in memory: the checks run several times faster than on an on-disk store
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return _report(parsed, _check_store(store, checks, seed_dirs))


def _compiled_checks() -> Checks | None:
    try:
        return compile_shapes(shapes_graph())
    except Unsupported:
        return None


def _check_store(
    store: ox.Store, checks: Checks, seed_dirs: list[Path] | None
) -> tuple[list[EvidenceProblem], int] | None:
    """The quote problems and the number of evidence nodes checked, or None where the SPARQL checks cannot
    prove that the shapes hold."""
    if shapes_that_may_fail(store, checks):
        return None
    return check_evidence_on_store(store, load_corpus_from_store(store, seed_dirs))


def _report(parsed: AnyParsed, checked: tuple[list[EvidenceProblem], int] | None) -> ValidationReport | None:
    if checked is None:
        return None
    problems, count = checked
    files = files_stating(parsed, {ox.NamedNode(str(p.evidence)) for p in problems})
    report = ValidationReport(checked_evidence=count)
    report.violations += [_quote_violation(p, files.get(ox.NamedNode(str(p.evidence)), ())) for p in problems]
    return report


class SourcesValidation(Generic[T]):
    """:func:`validate_parsed` of source files, its store part on threads of its own (kg build parses the
    files and makes the exports meanwhile).

    One thread loads the files into an in-memory store (as :func:`kg.store.load_sources_into` does: the same
    graph as the parsed files, its blank nodes named otherwise); then two threads share the SPARQL checks
    (the longest first), the quote check, and ``then(store)``, whose result :meth:`counted` returns.
    pyoxigraph releases the GIL while it loads and queries, so this fills the cores the caller's Python
    leaves idle. :meth:`report` takes the parsed files and their N-Triples (for the literal check and for
    pySHACL, where the checks cannot prove conformance) and gives the report :func:`validate_parsed` would.
    Use it as a context manager: leaving the block skips the queries not yet started and waits for the rest.
    """

    def __init__(self, sources: Iterable[Source], seed_dirs: list[Path] | None, then: Callable[[ox.Store], T]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from kg.store import load_sources_into

        self._seed_dirs = seed_dirs
        self._checks = _compiled_checks()
        self._stop = threading.Event()  # the caller has left: skip what has not started
        self._failing = threading.Event()  # a check found a possible violation: the rest need not run
        self._store = ox.Store()
        shapes = sorted(self._checks.shapes if self._checks else [], key=lambda check: -len(check.query))
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="kg-validate")
        # Tasks start in this order; each waits for the load.
        self._loaded = self._pool.submit(load_sources_into, self._store, list(sources))
        self._quotes = self._pool.submit(self._check_quotes)
        self._shapes = [self._pool.submit(self._may_fail, check) for check in shapes]
        self._counted = self._pool.submit(self._count, then)

    def _may_fail(self, check: ShapeCheck) -> bool:
        self._loaded.result()
        if self._stop.is_set() or self._failing.is_set():
            return False
        if self._store.query(check.query):
            self._failing.set()
            return True
        return False

    def _check_quotes(self) -> tuple[list[EvidenceProblem], int] | None:
        self._loaded.result()
        if self._stop.is_set() or self._failing.is_set() or self._checks is None:
            return None
        return check_evidence_on_store(self._store, load_corpus_from_store(self._store, self._seed_dirs))

    def _count(self, then: Callable[[ox.Store], T]) -> T | None:
        self._loaded.result()
        return None if self._stop.is_set() else then(self._store)

    def report(self, parsed: AnyParsed, ntriples: bytes) -> ValidationReport:
        """The report of the parsed files (Triples or default-graph Quads) whose N-Triples are ``ntriples``."""
        alike = self._checks is not None and literals_read_alike(ntriples, self._checks)  # while the checks run
        for shape in self._shapes:
            shape.result()
        report = None
        if alike and not self._failing.is_set():
            report = _report(parsed, self._quotes.result())
        return report if report is not None else validate_loaded(loaded_from(as_triples(parsed)), self._seed_dirs)

    def counted(self) -> T:
        """What ``then`` gave (waits for it)."""
        counted = self._counted.result()
        assert counted is not None
        return counted

    def __enter__(self) -> SourcesValidation[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)
        del self._store  # frees it before the caller goes on


def files_stating(parsed: AnyParsed, subjects: set[ox.NamedNode]) -> dict[ox.NamedNode, list[str]]:
    """The files in which each of ``subjects`` is the subject of a triple, in the order of the files."""
    files: dict[ox.NamedNode, list[str]] = {}
    if not subjects:
        return files
    for path, triples in parsed:
        for subject in {t.subject for t in triples} & subjects:  # type: ignore[operator]
            files.setdefault(subject, []).append(str(path))  # type: ignore[arg-type]
    return files


def validate(include: Iterable[Path] = (), seed_dirs: list[Path] | None = None) -> ValidationReport:
    """Validate the shipped sources plus any included files."""
    return validate_parsed(parse_sources(source_files(include)), seed_dirs=seed_dirs)
