"""SPARQL checks that prove a graph conforms to the SHACL shapes, run on an Oxigraph store.

Each shape that has targets becomes one ``ASK`` query: "is there a focus node that might not conform?".
The queries are *sound*, never weaker than SHACL: for every constraint the compiler writes a condition that
implies conformance (``lo``), and, for ``sh:not``, one that conformance implies (``hi``); where it cannot
write an exact one (a pattern with flags, a datatype whose lexical space it does not check, a count it does not
unroll…) it writes the cautious one, so the query answers "maybe". When every query answers no, pySHACL would
report nothing: the graph conforms, and no rdflib graph or pySHACL run is needed. When one answers yes, or the
shapes use a feature the compiler does not handle (:class:`Unsupported`), the caller runs pySHACL, whose report
is then the report: the results are pySHACL's in every case, the fast path only proves their absence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.namespaces import OWL, RDF, RDFS, SH, XSD

_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"

_DATE = r"[1-9][0-9]{3}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
#: Lexical forms that rdflib surely reads as a well-typed value of the datatype (the regex is stricter than
#: the datatype's lexical space: a value it rejects is not a violation, only a "maybe" left to pySHACL).
_SURE_LEXICAL = {
    XSD.integer: r"^-?(0|[1-9][0-9]*)$",
    XSD.decimal: r"^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$",
    XSD.boolean: r"^(true|false)$",
    XSD.date: f"^{_DATE}$",
    XSD.dateTime: f"^{_DATE}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?$",
}

#: Regular expressions written with these characters mean the same to Python's ``re`` (pySHACL) and to
#: Oxigraph's regex engine, except ``$``, which Python also matches before a final newline (more lenient,
#: so an Oxigraph match is a Python match).
_PORTABLE_PATTERN = re.compile(r"^(?:[A-Za-z0-9^$\[\]{}()?*+|,:/_ -]|\\[./-])*$")

#: SHACL terms that only describe (they never change which results exist).
_DESCRIPTIVE = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

TRUE, FALSE = "true", "false"


class Unsupported(Exception):
    """The shapes use a SHACL feature the compiler does not translate: validate them with pySHACL."""


@dataclass(frozen=True)
class ShapeCheck:
    shape: str
    query: str


@dataclass(frozen=True)
class Checks:
    """The compiled shapes: one ASK query per shape with targets, and the predicates whose literal values
    some constraint reads by lexical form or identity ("*": any), where a literal Oxigraph stores in its
    canonical form (``"1.20"`` as ``"1.2"``) would not be the literal pySHACL reads."""

    shapes: list[ShapeCheck]
    lexical: frozenset[str]


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p != TRUE]
    if FALSE in parts:
        return FALSE
    return " && ".join(f"({p})" for p in parts) if parts else TRUE


def _or(parts: list[str]) -> str:
    parts = [p for p in parts if p != FALSE]
    if TRUE in parts:
        return TRUE
    return " || ".join(f"({p})" for p in parts) if parts else FALSE


def _not(expr: str) -> str:
    return FALSE if expr == TRUE else TRUE if expr == FALSE else f"!({expr})"


def _sure(expr: str) -> str:
    """``expr``, false where it raises an error (a lower bound stays a lower bound)."""
    return expr if expr in (TRUE, FALSE) else f"COALESCE({expr}, false)"


def _maybe(expr: str) -> str:
    """``expr``, true where it raises an error (an upper bound stays an upper bound)."""
    return expr if expr in (TRUE, FALSE) else f"COALESCE({expr}, true)"


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        canonical = Literal(str(node), lang=node.language, datatype=node.datatype)
        if str(canonical) != str(node) or _stored_form(node) != str(node):
            raise Unsupported(f"literal {node.n3()} is not in canonical form")
        return node.n3()
    raise Unsupported("a blank node as a constraint value")


def _stored_form(node: Literal) -> str:
    if node.language or node.datatype is None:
        return str(node)
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype))).value


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.used: set[tuple[Node, Node, Node]] = set()
        self.count = 0
        #: Where the node being checked was reached: a predicate, "" (a subject, never a literal), "*" (unknown).
        self.reached: list[str] = []
        #: Predicates whose literal values are read by their lexical form or identity ("*": any).
        self.lexical: set[str] = set()

    def reads_lexical_form(self) -> None:
        where = self.reached[-1] if self.reached else "*"
        if where:
            self.lexical.add(where)

    def var(self) -> str:
        self.count += 1
        return f"?v{self.count}"

    def values(self, shape: Node, pred: URIRef) -> list[Node]:
        found = list(self.g.objects(shape, pred))
        self.used.update((shape, pred, o) for o in found)
        return found

    def one(self, shape: Node, pred: URIRef) -> Node | None:
        found = self.values(shape, pred)
        if len(found) > 1:
            raise Unsupported(f"{len(found)} values of {pred} on one shape")
        return found[0] if found else None

    def items(self, node: Node) -> list[Node]:
        if node == RDF.nil:
            return []
        if not isinstance(node, BNode) or (node, RDF.first, None) not in self.g:
            raise Unsupported("a SHACL list that is not an RDF list")
        return list(Collection(self.g, node))

    def integer(self, shape: Node, pred: URIRef) -> int | None:
        value = self.one(shape, pred)
        if value is None:
            return None
        if not isinstance(value, Literal) or value.datatype != XSD.integer or not isinstance(value.value, int):
            raise Unsupported(f"{pred} is not an integer")
        return value.value

    # --- shapes ---------------------------------------------------------------------------------------

    def bounds(self, shape: Node, x: str) -> tuple[str, str]:
        """(lo, hi): SPARQL conditions on ``x`` with lo ⇒ ``x`` conforms to ``shape`` ⇒ hi; never an error."""
        if self.values(shape, SH.deactivated):
            raise Unsupported("sh:deactivated")
        for pred in _DESCRIPTIVE:
            self.values(shape, pred)
        path = self.one(shape, SH.path)
        if path is None:
            for pred in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThan, SH.qualifiedValueShape):
                if self.values(shape, pred):
                    raise Unsupported(f"{pred} on a node shape")
            lo, hi = self.value_bounds(shape, x)
            value = self.one(shape, SH.hasValue)
            if value is not None:
                self.reads_lexical_form()
                same = f"sameTerm({x}, {_term(value)})"
                lo, hi = _and([lo, same]), _and([hi, same])
            return lo, hi
        if not isinstance(path, URIRef):
            raise Unsupported("a property path other than one predicate")
        self.reached.append(str(path))
        try:
            return self.path_bounds(shape, f"<{path}>", x)
        finally:
            self.reached.pop()

    def path_bounds(self, shape: Node, p: str, x: str) -> tuple[str, str]:
        los: list[str] = []
        his: list[str] = []

        def exact(expr: str) -> None:
            los.append(_sure(expr))
            his.append(_maybe(expr))

        min_count = self.integer(shape, SH.minCount)
        if min_count:
            exact(self.at_least(x, p, min_count) if min_count <= 3 else FALSE)
            if min_count > 3:
                his[-1] = TRUE
        max_count = self.integer(shape, SH.maxCount)
        if max_count is not None:
            if max_count + 1 <= 3:
                exact(_not(self.at_least(x, p, max_count + 1)))
            else:
                los.append(FALSE)
        value = self.one(shape, SH.hasValue)
        if value is not None:
            self.reads_lexical_form()
            exact(f"EXISTS {{ {x} {p} {_term(value)} }}")
        unique = self.one(shape, SH.uniqueLang)
        if unique is not None and unique.toPython() is True:  # type: ignore[attr-defined]
            a, b = self.var(), self.var()
            los.append(
                _sure(
                    f"NOT EXISTS {{ {x} {p} {a} . {x} {p} {b} FILTER(!sameTerm({a}, {b}) && "
                    f'LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
                )
            )
        for other in self.values(shape, SH.lessThan):
            if not isinstance(other, URIRef):
                raise Unsupported("sh:lessThan with a path")
            a, b = self.var(), self.var()
            less = _sure(f"{_number(a)} && {_number(b)} && {a} < {b}")
            los.append(_sure(f"NOT EXISTS {{ {x} {p} {a} . {x} <{other}> {b} FILTER(!{less}) }}"))
        qualified = self.one(shape, SH.qualifiedValueShape)
        if qualified is not None:
            if self.values(shape, SH.qualifiedMaxCount) or self.values(shape, SH.qualifiedValueShapesDisjoint):
                raise Unsupported("sh:qualifiedMaxCount or sh:qualifiedValueShapesDisjoint")
            least = self.integer(shape, SH.qualifiedMinCount)
            if least is None:
                raise Unsupported("sh:qualifiedValueShape without sh:qualifiedMinCount")
            v = self.var()
            q_lo, q_hi = self.bounds(qualified, v)
            if least == 0:
                pass
            elif least == 1:
                los.append(_sure(f"EXISTS {{ {x} {p} {v} FILTER({q_lo}) }}"))
                his.append(_maybe(f"EXISTS {{ {x} {p} {v} FILTER({q_hi}) }}"))
            else:
                los.append(FALSE)
        elif self.values(shape, SH.qualifiedMinCount):
            raise Unsupported("sh:qualifiedMinCount without sh:qualifiedValueShape")
        v = self.var()
        v_lo, v_hi = self.value_bounds(shape, v)
        if v_lo != TRUE:
            los.append(_sure(f"NOT EXISTS {{ {x} {p} {v} FILTER(!({v_lo})) }}"))
        if v_hi != TRUE:
            his.append(_maybe(f"NOT EXISTS {{ {x} {p} {v} FILTER(!({v_hi})) }}"))
        return _and(los), _and(his)

    def at_least(self, x: str, p: str, n: int) -> str:
        names = [self.var() for _ in range(n)]
        patterns = " . ".join(f"{x} {p} {name}" for name in names)
        distinct = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        condition = f"FILTER({' && '.join(distinct)})" if distinct else ""
        return f"EXISTS {{ {patterns} {condition} }}"

    def value_bounds(self, shape: Node, v: str) -> tuple[str, str]:
        """(lo, hi) of the constraints that each value node (or the node itself) must meet."""
        los: list[str] = []
        his: list[str] = []

        def exact(expr: str) -> None:
            los.append(_sure(expr))
            his.append(_maybe(expr))

        for cls in self.values(shape, SH["class"]):
            t = self.var()
            # The direct type first: one index lookup for nearly every value, the subclass path only after.
            exact(
                f"EXISTS {{ {v} {_TYPE} {_term(cls)} }} || EXISTS {{ {v} {_TYPE} {t} . {t} {_SUBCLASS}+ {_term(cls)} }}"
            )
        datatype = self.one(shape, SH.datatype)
        if datatype is not None:
            lo, hi = _datatype_bounds(datatype, v)
            los.append(lo)
            his.append(hi)
        kind = self.one(shape, SH.nodeKind)
        if kind is not None:
            tests: dict[Node, str] = {
                SH.IRI: f"isIRI({v})",
                SH.Literal: f"isLiteral({v})",
                SH.BlankNode: f"isBlank({v})",
                SH.BlankNodeOrIRI: f"!isLiteral({v})",
                SH.BlankNodeOrLiteral: f"!isIRI({v})",
                SH.IRIOrLiteral: f"!isBlank({v})",
            }
            if kind not in tests:
                raise Unsupported(f"sh:nodeKind {kind}")
            exact(tests[kind])
        pattern = self.one(shape, SH.pattern)
        flags = self.one(shape, SH.flags)
        if pattern is not None:
            self.reads_lexical_form()
            text = str(pattern)
            if flags is None and _PORTABLE_PATTERN.match(text):
                escaped = text.replace("\\", "\\\\").replace('"', '\\"')
                los.append(_sure(f'!isBlank({v}) && REGEX(STR({v}), "{escaped}")'))
            else:
                los.append(FALSE)
        elif flags is not None:
            raise Unsupported("sh:flags without sh:pattern")
        members = self.one(shape, SH["in"])
        if members is not None:
            self.reads_lexical_form()
            exact(_or([f"sameTerm({v}, {_term(m)})" for m in self.items(members)]))
        languages = self.one(shape, SH.languageIn)
        if languages is not None:
            tags = [str(t) for t in self.items(languages)]
            if all(isinstance(t, str) and t == t.lower() and t != "*" for t in tags):
                quoted = ", ".join(f'"{t}"' for t in tags)
                los.append(_sure(f"isLiteral({v}) && LCASE(LANG({v})) IN ({quoted})" if tags else FALSE))
            else:
                los.append(FALSE)
        least = self.one(shape, SH.minInclusive)
        if least is not None:
            if isinstance(least, Literal) and least.datatype == XSD.integer and isinstance(least.value, int):
                los.append(_sure(f"{_number(v)} && {v} >= {least.value}"))
            else:
                los.append(FALSE)
        min_length = self.integer(shape, SH.minLength)
        if min_length:
            self.reads_lexical_form()
            los.append(_sure(f"!isBlank({v}) && STRLEN(STR({v})) >= {min_length}"))
        alternatives = self.one(shape, SH["or"])
        if alternatives is not None:
            bounds = [self.bounds(member, v) for member in self.items(alternatives)]
            los.append(_or([lo for lo, _hi in bounds]))
            his.append(_or([hi for _lo, hi in bounds]))
        for negated in self.values(shape, SH["not"]):
            lo, hi = self.bounds(negated, v)
            los.append(_not(hi))
            his.append(_not(lo))
        for nested in [*self.values(shape, SH.node), *self.values(shape, SH.property)]:
            lo, hi = self.bounds(nested, v)
            los.append(lo)
            his.append(hi)
        return _and(los), _and(his)


def _number(v: str) -> str:
    """``v`` is an integer rdflib and Oxigraph both read as the same number."""
    return f'isLiteral({v}) && DATATYPE({v}) = <{XSD.integer}> && REGEX(STR({v}), "{_SURE_LEXICAL[XSD.integer]}")'


def _datatype_bounds(datatype: Node, v: str) -> tuple[str, str]:
    if not isinstance(datatype, URIRef):
        raise Unsupported("sh:datatype that is not an IRI")
    if datatype in (RDFS.Literal, RDFS.Datatype, RDF.langString):
        return FALSE, TRUE
    typed = f"isLiteral({v}) && DATATYPE({v}) = <{datatype}>"
    if datatype == XSD.string:
        return _sure(typed), _maybe(typed)
    sure = _SURE_LEXICAL.get(datatype)
    lo = _sure(f'{typed} && REGEX(STR({v}), "{sure}")') if sure else FALSE
    return lo, _maybe(typed)


def _focus(compiler: _Compiler, shape: Node) -> str:
    patterns = []
    for cls in compiler.values(shape, SH.targetClass):
        patterns.append(f"?focus {_TYPE}/{_SUBCLASS}* {_term(cls)} .")
    for node in compiler.values(shape, SH.targetNode):
        patterns.append(f"VALUES ?focus {{ {_term(node)} }}")
    for pred in compiler.values(shape, SH.targetSubjectsOf):
        patterns.append(f"?focus {_term(pred)} [] .")
    for pred in compiler.values(shape, SH.targetObjectsOf):
        patterns.append(f"[] {_term(pred)} ?focus .")
    return " UNION ".join(f"{{ {p} }}" for p in patterns)


def compile_shapes(shapes: Graph) -> Checks:
    """One ASK query per shape with targets; raises :class:`Unsupported` for a shapes graph it cannot translate."""
    compiler = _Compiler(shapes)
    for kind in (RDFS.Class, OWL.Class):
        for node in shapes.subjects(RDF.type, kind):
            if (node, RDF.type, SH.NodeShape) in shapes or (node, RDF.type, SH.PropertyShape) in shapes:
                raise Unsupported("a shape that is also a class (implicit class target)")
    if (None, SH.target, None) in shapes:
        raise Unsupported("sh:target (SHACL-AF targets)")
    targeted = sorted({s for pred in _TARGETS for s in shapes.subjects(pred, None)}, key=str)
    checks = []
    for shape in targeted:
        focus = _focus(compiler, shape)
        # Focus nodes reached as objects of a predicate may be literals; other targets give subjects.
        objects = [str(o) for o in shapes.objects(shape, SH.targetObjectsOf)]
        if (shape, SH.targetNode, None) in shapes or len(objects) > 1:
            compiler.reached = ["*"]
        else:
            compiler.reached = objects or [""]
        lo, _hi = compiler.bounds(shape, "?focus")
        if lo == TRUE:
            continue
        name = shapes.namespace_manager.normalizeUri(shape) if isinstance(shape, URIRef) else str(shape)
        checks.append(ShapeCheck(name, f"ASK {{ {focus} FILTER(!({lo})) }}"))
    for triple in shapes:
        _s, p, o = triple
        if str(p).startswith(str(SH)) and triple not in compiler.used:
            raise Unsupported(f"{p} is not translated")
        if p == RDF.type and str(o).startswith(str(SH)) and o not in (SH.NodeShape, SH.PropertyShape):
            raise Unsupported(f"a {o}")
    return Checks(checks, frozenset(compiler.lexical))


def shapes_that_may_fail(store: ox.Store, checks: Checks) -> list[str]:
    """The shapes whose check finds a focus node that might not conform (empty: the graph conforms)."""
    return [check.shape for check in checks.shapes if store.query(check.query)]  # type: ignore[arg-type]


#: The end of an N-Triples line whose object is a typed literal (a raw newline never occurs inside a term).
_TYPED_END = re.compile(rb'"\^\^<[^>\n]*> \.\n')


def _typed_literals(ntriples: bytes) -> dict[bytes, set[str]]:
    """Each typed literal of an N-Triples document (as written there), with the predicates it is a value of.

    A line is ``subject <predicate> object .``; neither an IRI nor a blank node label holds a space or a quote,
    so the object starts at the first ``> "`` after the subject.
    """
    found: dict[bytes, set[str]] = {}
    for match in _TYPED_END.finditer(ntriples if ntriples.endswith(b"\n") else ntriples + b"\n"):
        line = ntriples[ntriples.rfind(b"\n", 0, match.start()) + 1 : match.end() - 1]
        start = line.index(b" ")
        end = line.index(b'> "', start)
        found.setdefault(line[end + 2 : -2], set()).add(line[start + 2 : end].decode())
    return found


def literals_read_alike(ntriples: bytes, checks: Checks) -> bool:
    """Whether the literals of an Oxigraph store of ``ntriples`` say to the checks what they say to pySHACL.

    Oxigraph stores a typed literal in canonical form (``"1.20"^^xsd:decimal`` as ``"1.2"``); rdflib keeps
    what was written. That is the same to the checks when no two literals merge into one (counts), every
    changed one is well typed for rdflib with the same value (datatypes, comparisons), and none is the value
    of a predicate whose literals a constraint reads by lexical form or identity (patterns, lengths, lists).
    """
    from kg.sources import to_rdflib

    written = _typed_literals(ntriples)
    if not written:
        return True
    # Each distinct literal once, on a subject of its own, through a store: what the store keeps of it.
    literals = list(written)
    lines = b"".join(b"<urn:x-kg:literal:%d> <urn:x-kg:p> %s .\n" % (i, lit) for i, lit in enumerate(literals))
    probe = ox.Store()
    probe.bulk_load(lines, format=ox.RdfFormat.N_TRIPLES)
    kept: dict[int, ox.Literal] = {}
    for quad in probe:
        kept[int(quad.subject.value.rsplit(":", 1)[1])] = quad.object  # type: ignore[assignment]
    if len(set(kept.values())) != len(literals):
        return False  # two written literals are one stored literal
    for i, text in enumerate(literals):
        stored = kept[i]
        if str(stored).encode() == text:
            continue
        if "*" in checks.lexical or written[text] & checks.lexical:
            return False
        (original,) = [q.object for q in ox.parse(b"<urn:x> <urn:p> " + text + b" .", format=ox.RdfFormat.N_TRIPLES)]
        before, after = to_rdflib(original), to_rdflib(stored)  # type: ignore[arg-type]
        assert isinstance(before, Literal) and isinstance(after, Literal)
        if getattr(before, "ill_typed", False) or before.value is None or after.value != before.value:
            return False
    return True
