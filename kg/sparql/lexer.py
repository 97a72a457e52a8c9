"""A lexical scanner for SPARQL 1.1 text: the grammar's terminals, exactly.

It does not parse SPARQL (Oxigraph does that); it splits the text into the
terminals of the SPARQL 1.1 grammar (section 19.8): keywords, prefixed names,
variables, IRIs, strings, numbers, blank nodes, language tags, punctuation;
whitespace and comments are dropped. That is enough to judge a query safely
(:mod:`kg.sparql.check`: its form, any update keyword, any ``SERVICE``) and to
insert a ``VALUES`` clause built from escaped RDF terms: the safe way to bind a
parameter for an engine that has no binding API of its own.

``\\uXXXX`` and ``\\UXXXXXXXX`` escapes are decoded before the text is split,
as the SPARQL grammar says (section 19.2); token offsets still point into the
text as written. Whitespace is what SPARQL calls whitespace (space, tab, CR,
LF): any other character that starts no terminal becomes an ``error`` token.
One regular expression matches every position, so the work is linear in the
length of the text and nothing recurses.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kg.errors import QueryError


class Token(NamedTuple):
    """One terminal. A tuple, not a dataclass: a long query makes a hundred thousand of them."""

    #: "word" (a keyword), "pname" (prefixed name), "var", "iri", "string", "number",
    #: "bnode", "langtag", "punct", or "error" (a character that starts no SPARQL terminal)
    kind: str
    text: str
    start: int
    end: int


# The name characters of the grammar (PN_CHARS_BASE, PN_CHARS_U, PN_CHARS), each as its ASCII part and the
# rest. Compiling the whole classes costs ~50 ms (the re module walks every code point of every range, eleven
# times over), so texts are scanned with the ASCII parts alone first; scan() says why that is exact.
_BASE_ASCII, _BASE_WIDE = (
    "A-Za-z",
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff",
)
_CHARS_ASCII, _CHARS_WIDE = "\\-0-9", "\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_ECHAR = r"\\[tbnrf\\\"']"
_EXPONENT = r"[eE][+-]?[0-9]+"


def _token_pattern(wide: bool) -> re.Pattern[str]:
    """The terminals as one regular expression; ``wide``: with every name character, else their ASCII part.

    One alternative per terminal; the first that matches wins, so longer forms come first
    (long strings before short ones, prefixed names before keywords, numbers before ".").
    """
    base = _BASE_ASCII + (_BASE_WIDE if wide else "")
    chars_u = base + "_"
    chars = chars_u + _CHARS_ASCII + (_CHARS_WIDE if wide else "")
    varname = f"[{chars_u}0-9][{chars_u}0-9{_CHARS_WIDE if wide else ''}]*"
    pn_prefix = f"[{base}](?:[{chars}.]*[{chars}])?"
    pn_local = f"(?:[{chars_u}:0-9]|{_PLX})(?:(?:[{chars}.:]|{_PLX})*(?:[{chars}:]|{_PLX}))?"
    return re.compile(
        rf"""
          (?P<ws>[\x20\t\r\n]+)
        | (?P<comment>\#[^\r\n]*)
        | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''
                     |\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|{_ECHAR}))*\"\"\"
                     |'(?:[^'\\\n\r]|{_ECHAR})*'
                     |\"(?:[^\"\\\n\r]|{_ECHAR})*\")
        | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
        | (?P<var>[?$]{varname})
        | (?P<bnode>_:[{chars_u}0-9](?:[{chars}.]*[{chars}])?)
        | (?P<pname>(?:{pn_prefix})?:(?:{pn_local})?)
        | (?P<word>[A-Za-z][A-Za-z0-9_]*)
        | (?P<number>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)
        | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
        | (?P<punct>\^\^|\|\||&&|!=|<=|>=|[{{}}()\[\];,.<>^|!=*+/?$-])
        | (?P<error>.)
        """,
        re.VERBOSE | re.DOTALL,
    )


_ASCII_TOKEN_RE = _token_pattern(wide=False)


@functools.cache
def _token_re() -> re.Pattern[str]:
    """The terminals with every name character of the grammar, compiled for the first text that needs it."""
    return _token_pattern(wide=True)


_ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class EscapeError(QueryError):
    """A \\u or \\U escape that names no character."""

    def __init__(self, message: str, offset: int) -> None:
        self.offset = offset
        super().__init__(message)


def decode_escapes(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with every \\uXXXX / \\UXXXXXXXX replaced by its character, and the offset map back.

    The map is two sorted lists: at decoded offset ``decoded[i]`` and after, the raw offset
    is the decoded one plus ``shift[i]``.
    """
    if "\\u" not in text and "\\U" not in text:
        return text, [], []
    parts: list[str] = []
    decoded_at: list[int] = []
    shifts: list[int] = []
    pos = shift = 0
    for match in _ESCAPE_RE.finditer(text):
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise EscapeError(f"the escape {match.group()} names no character", match.start())
        parts.append(text[pos : match.start()])
        parts.append(chr(code))
        shift += len(match.group()) - 1
        pos = match.end()
        decoded_at.append(match.end() - shift)
        shifts.append(shift)
    parts.append(text[pos:])
    return "".join(parts), decoded_at, shifts


def _raw_offset(offset: int, decoded_at: list[int], shifts: list[int]) -> int:
    i = bisect.bisect_right(decoded_at, offset) - 1
    return offset if i < 0 else offset + shifts[i]


def scan(text: str, decode: bool = True) -> Iterator[Token]:
    """Every significant token of ``text``, ``error`` tokens included (offsets into ``text`` as written)."""
    if decode:
        try:
            source, decoded_at, shifts = decode_escapes(text)
        except EscapeError:
            source, decoded_at, shifts = text, [], []
    else:
        source, decoded_at, shifts = text, [], []
    for tok in _terminals(source):
        if decoded_at:
            start, end = _raw_offset(tok.start, decoded_at, shifts), _raw_offset(tok.end, decoded_at, shifts)
            tok = Token(tok.kind, tok.text, start, end)
        yield tok


@functools.lru_cache(maxsize=4)
def _terminals(source: str) -> tuple[Token, ...]:
    """The significant tokens of ``source`` (offsets into it). Cached: one command reads the same text
    several times (its form, its WHERE group, its prologue), and each reading used to scan it again.

    The ASCII scanner's classes are subsets of the full ones, alternative by alternative, so where its
    names hold only ASCII it splits the text exactly as the full one would. Where the full scanner puts
    another character in a name, the ASCII one cannot (strings, IRIs and comments start with characters
    no name holds unescaped) and makes it an error token: only then is the full scanner needed.
    """
    found = _split(_ASCII_TOKEN_RE, source)
    if any(kind == "error" and not match.group().isascii() for kind, match in found):
        found = _split(_token_re(), source)
    return tuple(Token(kind, match.group(), match.start(), match.end()) for kind, match in found)


def _split(pattern: re.Pattern[str], source: str) -> list[tuple[str, re.Match[str]]]:
    """The matches of ``pattern`` over ``source`` with their kinds, whitespace and comments left out."""
    found = []
    for match in pattern.finditer(source):
        kind = match.lastgroup or "error"
        if kind not in ("ws", "comment"):
            found.append((kind, match))
    return found


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (no whitespace, no comments), escapes decoded."""
    return scan(text)


def _is_keyword(token: Token, *names: str) -> bool:
    return token.kind == "word" and token.text.upper() in names


def variables(text: str) -> set[str]:
    """The names of the variables ``text`` uses, without their ``?`` or ``$``."""
    return {token.text[1:] for token in tokens(text) if token.kind == "var"}


def keywords(text: str) -> set[str]:
    """Bare words (keywords) of the query, upper-cased: a bare word in SPARQL is always a keyword."""
    return {t.text.upper() for t in tokens(text) if t.kind == "word" and ":" not in t.text}


def declared_prefixes(text: str) -> dict[str, str]:
    """``PREFIX p: <iri>`` declarations of the prologue (relative IRIs left as written); reads no further."""
    found: dict[str, str] = {}
    toks = tokens(text)
    for tok in toks:
        if _is_keyword(tok, "BASE"):
            next(toks, None)
        elif _is_keyword(tok, "PREFIX"):
            name, iri = next(toks, None), next(toks, None)
            if name is None or iri is None or not name.text.endswith(":") or iri.kind != "iri":
                break
            found[name.text[:-1]] = iri.text[1:-1]
        else:
            break
    return found


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first such keyword outside the prologue."""
    for tok in tokens(text):
        if _is_keyword(tok, "SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return tok.text.upper()
    return None


def has_top_level_order_by(text: str) -> bool:
    """True when the outermost query sorts its results (an ORDER BY outside every brace)."""
    depth = 0
    toks = list(tokens(text))
    for i, tok in enumerate(toks):
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif depth == 0 and _is_keyword(tok, "ORDER") and i + 1 < len(toks) and _is_keyword(toks[i + 1], "BY"):
            return True
    return False


def where_group(text: str) -> tuple[int, int] | None:
    """Offsets of the ``{`` and matching ``}`` of the outermost WHERE group, or None if there is none."""
    toks = list(tokens(text))
    form_index = next((i for i, t in enumerate(toks) if _is_keyword(t, "SELECT", "CONSTRUCT", "DESCRIBE", "ASK")), None)
    if form_index is None:
        return None
    form = toks[form_index].text.upper()
    skip_groups = 0
    if form == "CONSTRUCT":
        following = toks[form_index + 1] if form_index + 1 < len(toks) else None
        # CONSTRUCT { template } WHERE { … } — but the short form is CONSTRUCT WHERE { … }
        skip_groups = 0 if following is not None and _is_keyword(following, "WHERE") else 1
    depth = parens = 0
    opening: int | None = None
    for tok in toks[form_index + 1 :]:
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.text == "{" and parens == 0:
            if depth == 0 and opening is None:
                if skip_groups:
                    skip_groups -= 1
                    depth += 1
                    continue
                opening = tok.start
            depth += 1
        elif tok.text == "}" and parens == 0:
            depth -= 1
            if depth == 0 and opening is not None:
                return opening, tok.start
    return None


def _is_short_construct(text: str) -> bool:
    toks = tokens(text)
    for tok in toks:
        if _is_keyword(tok, "CONSTRUCT"):
            following = next(toks, None)
            return following is not None and _is_keyword(following, "WHERE")
    return False


_SIMPLE_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def inject_values(text: str, bindings: Mapping[str, str], then: str = "") -> str:
    """Bind variables by a ``VALUES`` clause placed first in the outermost WHERE group.

    ``bindings`` maps variable names to RDF terms already written in SPARQL
    syntax by an RDF serializer (so quotes and backslashes are escaped); the
    values are joined with the whole group, so FILTERs of that group see them.
    ``then``: further ``VALUES`` blocks, placed after them.
    """
    if not bindings and not then:
        return text
    for name in bindings:
        if not _SIMPLE_VARIABLE.match(name):
            raise QueryError(f"not a variable name: {name!r}")
    blocks = [f"VALUES ?{name} {{ {term} }}" for name, term in bindings.items()]
    return inject_block(text, " ".join([*blocks, then] if then else blocks))


def inject_block(text: str, values: str) -> str:
    """``text`` with ``values`` (``VALUES`` blocks) placed first in its outermost WHERE group, as ``inject_values``."""
    group = where_group(text)
    if group is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    opening, closing = group
    if _is_short_construct(text):
        # CONSTRUCT WHERE { triples } admits no VALUES: spell out its template.
        where = next(t for t in tokens(text) if _is_keyword(t, "WHERE"))
        body = text[opening + 1 : closing]
        return f"{text[: where.start]}{{{body}}} WHERE {{ {values} {body}{text[closing:]}"
    after = next(iter(tokens(text[opening + 1 :])), None)
    if after is not None and _is_keyword(after, "SELECT"):
        # The whole group is a sub-select, which may not share its braces with VALUES.
        return f"{text[: opening + 1]} {values} {{{text[opening + 1 : closing]}}} {text[closing:]}"
    return f"{text[: opening + 1]} {values} {text[opening + 1 :]}"
