"""``kg add-source``: register a new source text under seeds/ with its metadata.

The text is copied byte-for-byte (or converted to UTF-8 on request, keeping the
original's checksum and encoding), its metadata Turtle is written beside it in
the shape of the first seed's, and the pair is validated before either file
appears. An existing seed is never overwritten, nor a text registered twice.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Graph, Literal, URIRef

from kg.errors import InputError, UsageError, ValidationFailed
from kg.evidence import turtle_literal
from kg.extract.text import decode_bytes
from kg.namespaces import RDF, RDFS, ZF, ZFR
from kg.project import current, seeds_dir
from kg.serialize import write_atomic

#: A seed is a text a person reads and quotes; anything larger is almost surely a mistake.
MAX_BYTES = 50_000_000
SEED_NAME = re.compile(r"^(?P<number>\d{3,})_[0-9a-f]{16}\.(?:txt|ttl)$")
UNTRANSLATED = "[untranslated] "


@dataclass
class Registration:
    iri: str
    text_path: Path
    metadata_path: Path
    sha256: str
    characters: int
    original_sha256: str | None = None
    original_encoding: str | None = None
    publisher: str = ""
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"registered {self.iri}",
            f"  text:     {self.text_path} ({self.characters} characters, sha256 {self.sha256})",
            f"  metadata: {self.metadata_path}",
        ]
        if self.original_sha256:
            lines.append(f"  converted from {self.original_encoding} (original sha256 {self.original_sha256})")
        lines += [f"warning: {w}" for w in self.warnings]
        lines.append(f"next: kg extract {self.text_path} -o draft.ttl   (and --format md for a review checklist)")
        return "\n".join(lines)


#: Share of implausible characters above which a declared encoding is taken to be wrong.
IMPLAUSIBLE_SHARE = 0.02
#: Share of Latin-1 supplement characters above which a text is taken to be multi-byte text read byte by byte.
LATIN_SHARE = 0.3
_CP1252_EXTRA = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
_BOMS = {
    codecs.BOM_UTF8: ("utf-8", "utf_8", "utf_8_sig"),
    codecs.BOM_UTF32_LE: ("utf_32", "utf_32_le"),
    codecs.BOM_UTF32_BE: ("utf_32", "utf_32_be"),
    codecs.BOM_UTF16_LE: ("utf_16", "utf_16_le", "utf_32", "utf_32_le"),
    codecs.BOM_UTF16_BE: ("utf_16", "utf_16_be"),
}


def implausible(ch: str) -> bool:
    """A character a wrongly decoded text is full of and a real one hardly holds.

    Private use, unassigned and surrogate code points, C0/C1 controls other than
    line and tab characters, U+FFFD and the CJK compatibility ideographs
    (decoding UTF-8 as UTF-16 gives about a third private-use characters; as
    Latin-1, a third C1 controls).
    """
    if ch in "\t\n\r\f\ufeff":
        return False
    return unicodedata.category(ch) in ("Co", "Cn", "Cs", "Cc") or ch == "\ufffd" or "\uf900" <= ch <= "\ufaff"


def check_declared_encoding(data: bytes, encoding: str, text: str, name: str) -> None:
    """Refuse a text whose declared ``--encoding`` is evidently wrong (it would store mojibake)."""
    codec = codecs.lookup(encoding).name.replace("-", "_")
    for bom, codecs_with_it in sorted(_BOMS.items(), key=lambda item: -len(item[0])):
        if data.startswith(bom):
            if codec not in codecs_with_it:
                kind = codecs_with_it[0].replace("_", "-").upper()
                raise InputError(f"{name}: starts with a {kind} byte-order mark, but --encoding says {encoding}")
            break
    if codec not in ("utf_8", "utf_8_sig") and not data.isascii() and b"\0" not in data:
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            as_utf8 = None
        if as_utf8 is not None and as_utf8 != text:
            raise InputError(
                f"{name}: this is valid UTF-8 text, which --encoding {encoding} would turn into other characters "
                f"({text[:12]!r} instead of {as_utf8[:12]!r}); leave out --encoding"
            )
    sample = [ch for ch in text[:200_000] if not ch.isspace()]
    bad = sum(1 for ch in sample if implausible(ch))
    if sample and (bad / len(sample) > IMPLAUSIBLE_SHARE or "\0" in text):
        raise InputError(
            f"{name}: read as {encoding}, {bad} of {len(sample)} characters are private-use, unassigned or control "
            f"characters ({text[:12]!r}…): the file is not {encoding}; give its real encoding"
        )
    # A multi-byte text (Chinese in GB18030 or UTF-8) read as Latin-1 or a Windows code page is all
    # accented letters and symbols; a real European text has a few in every hundred characters.
    latin = sum(1 for ch in sample if "\x80" <= ch <= "\xff" or ch in _CP1252_EXTRA)
    if sample and latin / len(sample) > LATIN_SHARE:
        raise InputError(
            f"{name}: read as {encoding}, {latin} of {len(sample)} characters are accented letters or symbols "
            f"({text[:12]!r}…): this looks like a multi-byte text (GB18030? UTF-8?); give its real encoding"
        )


def parse_date(value: str) -> Literal:
    """2020-08-28, 2020-08-28T09:59:36+08:00 or 2020年8月28日 → an xsd:date or xsd:dateTime literal."""
    from rdflib.namespace import XSD

    text = value.strip()
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if m:
        text = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--date {value!r}: give a date (2020-08-28) or a date and time (2020-08-28T09:59:36+08:00)"
        ) from None
    return Literal(moment.isoformat(), datatype=XSD.dateTime)


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r'[\s<>"{}|\\^`]', url):
        raise UsageError(f"--url {url!r}: give an http(s) address without spaces")
    return url


def next_number(folder: Path) -> int:
    numbers = [int(m.group("number")) for p in folder.glob("*") if (m := SEED_NAME.match(p.name))]
    return max(numbers, default=-1) + 1


def _publisher(graph: Graph, name: str) -> URIRef | None:
    """An existing publisher named by label or IRI (zfr:publisher-… or the full IRI)."""
    if name.startswith("zfr:"):
        name = str(ZFR[name[4:]])
    if name.startswith("http"):
        return URIRef(name) if (URIRef(name), RDF.type, ZF.Publisher) in graph else None
    for publisher in graph.subjects(RDF.type, ZF.Publisher):
        labels = {str(label) for label in graph.objects(publisher, RDFS.label)}
        if name in labels and isinstance(publisher, URIRef):
            return publisher
    return None


def _curie(iri: str) -> str:
    base = str(ZFR)
    return f"zfr:{iri[len(base) :]}" if iri.startswith(base) else f"<{iri}>"


def metadata_turtle(
    *,
    iri: str,
    seed_file: str,
    sha256: str,
    characters: int,
    title: str,
    label_zh: str,
    label_en: str,
    language: str,
    issued: Literal,
    publisher: str,
    new_publisher: tuple[str, str] | None,
    url: str | None,
    doc_type: str | None,
    original: tuple[str, str] | None,
) -> str:
    """The metadata of one seed, in the shape of seeds/000_c6000f12c74fa8d8.ttl."""
    lang = language if re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*", language) else "zh"
    rows = [
        f"rdfs:label {turtle_literal(label_zh)}@zh ,\n        {turtle_literal(label_en)}@en",
        f"dcterms:title {turtle_literal(title)}@{lang}",
        f"dcterms:publisher {_curie(publisher)}",
        f'dcterms:issued "{issued}"^^xsd:{"dateTime" if "T" in str(issued) else "date"}',
        f"dcterms:language {turtle_literal(language)}",
    ]
    if doc_type:
        rows.append(f"dcterms:type {turtle_literal(doc_type)}")
    if url:
        rows.append(f"dcterms:source <{url}>")
    rows += [
        'dcterms:format "text/plain; charset=utf-8"',
        f"zf:seedFile {turtle_literal(seed_file)}",
        f"zf:sha256 {turtle_literal(sha256)}",
        f"zf:characterCount {characters}",
    ]
    if original:
        rows += [
            f"zf:originalSha256 {turtle_literal(original[0])}",
            f"zf:originalEncoding {turtle_literal(original[1])}",
        ]
    body = " ;\n    ".join(rows)
    text = (
        "@prefix zf:      <https://w3id.org/zhengfa-kg/def/> .\n"
        "@prefix zfr:     <https://w3id.org/zhengfa-kg/id/> .\n"
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix foaf:    <http://xmlns.com/foaf/0.1/> .\n\n"
        f"# Metadata of seeds/{seed_file}, registered with `kg add-source`. The text file is kept\n"
        "# byte-for-byte as registered; describe its parts here (dcterms:hasPart, zf:DocumentPart with\n"
        "# code-point offsets) instead of editing it. `kg extract --format md` lists candidate parts.\n\n"
        f"{_curie(iri)} a zf:SourceDocument ;\n    {body} .\n"
    )
    if new_publisher:
        name, name_en = new_publisher
        text += (
            f"\n{_curie(publisher)} a zf:Publisher ;\n"
            f"    rdfs:label {turtle_literal(name)}@zh , {turtle_literal(name_en)}@en ;\n"
            f"    foaf:name {turtle_literal(name)}@zh .\n"
        )
    return text


def add_source(
    file: Path,
    *,
    title: str,
    publisher: str,
    issued: str,
    url: str | None = None,
    encoding: str | None = None,
    seeds: Path | None = None,
    title_en: str | None = None,
    publisher_en: str | None = None,
    language: str = "zh",
    doc_type: str | None = None,
    validate: bool = True,
    include: Iterable[Path] = (),
) -> Registration:
    from kg.sources import load_sources, source_files

    file = Path(file)
    if seeds is None:
        current().require_writable("register a source text into its seeds/")
    folder = Path(seeds) if seeds else seeds_dir()
    if not title.strip():
        raise UsageError("--title must not be empty")
    if not publisher.strip():
        raise UsageError("--publisher must not be empty")
    literal_date = parse_date(issued)
    if url:
        check_url(url)
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{file}: {size:,} bytes is too large for a seed text (at most {MAX_BYTES:,})")
    data = file.read_bytes()
    text = decode_bytes(data, encoding, str(file))
    if encoding is not None:
        check_declared_encoding(data, encoding, text, str(file))
    converted = encoding is not None and text.encode("utf-8") != data
    stored = text.encode("utf-8") if converted else data
    sha = hashlib.sha256(stored).hexdigest()
    original_sha = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    if text.startswith("\ufeff"):
        warnings.append("the text starts with a byte-order mark, which counts as character 0 in every offset")

    extra = list(include)
    if folder.resolve() != seeds_dir().resolve() and folder.is_dir():
        extra += sorted(folder.glob("*.ttl"))
    graph = load_sources(source_files(extra)).graph
    for prop in (ZF.sha256, ZF.originalSha256):
        for checksum in (sha, original_sha):
            for doc in graph.subjects(prop, Literal(checksum)):
                raise InputError(f"{file}: this text is already registered as {doc} ({graph.value(doc, ZF.seedFile)})")

    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{next_number(folder):03d}_{sha[:16]}"
    text_path, meta_path = folder / f"{stem}.txt", folder / f"{stem}.ttl"
    iri = str(ZFR[f"doc-{sha[:16]}"])
    existing = _publisher(graph, publisher.strip())
    new_publisher = None
    if existing is None:
        if publisher.startswith(("zfr:", "http")):
            raise UsageError(f"--publisher {publisher}: no such zf:Publisher in the graph")
        publisher_iri = str(ZFR[f"publisher-{hashlib.sha1(publisher.strip().encode()).hexdigest()[:8]}"])
        if publisher_en is None:
            warnings.append(f"new publisher {publisher!r} has no English name: give one with --publisher-en")
        new_publisher = (publisher.strip(), publisher_en or UNTRANSLATED + publisher.strip())
    else:
        publisher_iri = str(existing)
    title = title.strip()
    chinese = language.lower().startswith("zh")
    label_zh = title if chinese else UNTRANSLATED + title
    label_en = (title_en or "").strip() or (title if language.lower().startswith("en") else UNTRANSLATED + title)
    if label_en.startswith(UNTRANSLATED):
        warnings.append("no English title: give one with --title-en (the label is marked [untranslated])")
    turtle = metadata_turtle(
        iri=iri,
        seed_file=text_path.name,
        sha256=sha,
        characters=len(text),
        title=title,
        label_zh=label_zh,
        label_en=label_en,
        language=language,
        issued=literal_date,
        publisher=publisher_iri,
        new_publisher=new_publisher,
        url=url,
        doc_type=doc_type,
        original=(original_sha, (encoding or "").upper()) if converted else None,
    )
    if validate:
        _validate(stored, turtle, text_path.name, folder, extra)
    _place(text_path, stored, meta_path, turtle)
    return Registration(
        iri=iri,
        text_path=text_path,
        metadata_path=meta_path,
        sha256=sha,
        characters=len(text),
        original_sha256=original_sha if converted else None,
        original_encoding=(encoding or "").upper() if converted else None,
        publisher=publisher_iri,
        warnings=warnings,
    )


def _validate(stored: bytes, turtle: str, name: str, folder: Path, extra: list[Path]) -> None:
    """Validate the new metadata with everything else before any file appears in seeds/."""
    from kg.sources import parse_sources, source_files
    from kg.validate import validate_parsed

    with tempfile.TemporaryDirectory(prefix="kg-add-source-") as tmp:
        staged = Path(tmp)
        (staged / name).write_bytes(stored)
        meta = staged / (Path(name).stem + ".ttl")
        meta.write_text(turtle, encoding="utf-8")
        parsed = parse_sources(source_files([*extra, meta]))
        report = validate_parsed(parsed, seed_dirs=[staged, folder, seeds_dir()])
        mine = [v for v in report.violations if str(meta) in v.files and v.severity == "Violation"]
        if mine:
            raise ValidationFailed("the new metadata does not validate:\n" + "\n".join(v.to_text() for v in mine))


def _place(text_path: Path, stored: bytes, meta_path: Path, turtle: str) -> None:
    """Create both files, never replacing one that exists (the names are reserved first)."""
    reserved: list[Path] = []
    try:
        for path in (text_path, meta_path):
            try:
                with path.open("xb"):
                    pass
            except FileExistsError:
                raise InputError(f"{path} exists already; a seed is never overwritten") from None
            reserved.append(path)
        write_atomic(text_path, stored)
        write_atomic(meta_path, turtle)
    except BaseException:
        for path in reserved:
            path.unlink(missing_ok=True)
        raise
