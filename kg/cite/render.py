"""Citations rendered by a CSL engine, and BibTeX / CSL-JSON as data.

Two CSL-JSON items stand behind a citation: the source article the quote comes
from, and the fact itself as an entry of the dataset (its label as the title,
the dataset's name and version, the fact's persistent IRI). Chinese names are
written family name first: whole (周斌) in Chinese styles, romanised as
family/given (Zhou, Bin) in English ones.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

from kg.cite import CSL_STYLES, DATASET_AUTHOR, DATASET_NAME, STYLES, Quote, Record
from kg.errors import UsageError


def _date_parts(day: date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def _names(record: Record, lang: str, latin: bool) -> list[dict[str, str]]:
    """Authors as CSL names: whole Chinese names in Chinese, romanised family/given in English styles."""
    assert record.source is not None
    if lang == "zh" and not latin:
        return [{"literal": name} for name in record.source.authors_zh]
    names = []
    for name in record.source.authors_en:
        family, _, given = name.partition(" ")
        names.append({"family": family, "given": given} if given else {"literal": name})
    return names


def csl_items(record: Record, lang: str, accessed: date, latin: bool = False) -> list[dict[str, Any]]:
    """The CSL-JSON items of a citation: the source article (when the fact is quoted) and the dataset entry."""
    items: list[dict[str, Any]] = []
    source = record.source
    if source is not None:
        article: dict[str, Any] = {
            "id": "source",
            "type": "article-newspaper",
            # English styles give a Chinese work's original title with a translation in brackets.
            "title": source.title_zh
            if lang == "zh" or not source.title_en
            else f"{source.title_zh} [{source.title_en}]",
            "author": _names(record, lang, latin),
            "container-title": source.publisher_zh if lang == "zh" else source.publisher_en or source.publisher_zh,
            "language": "zh-CN",
            "URL": source.iri,
            "accessed": _date_parts(accessed),
        }
        if source.issued:
            article["issued"] = _date_parts(source.issued)
        items.append(article)
    entry: dict[str, Any] = {
        "id": "fact",
        "type": "dataset",
        "title": record.label(lang),
        "author": [{"literal": DATASET_AUTHOR}],
        "container-title": DATASET_NAME[lang],
        "URL": record.iri,
        "accessed": _date_parts(accessed),
    }
    if record.version:
        entry["version"] = record.version
    if record.released:
        entry["issued"] = _date_parts(record.released)
    items.append(entry)
    return items


#: Words a headline-style title keeps in lower case, also as the second part of a compound.
_MINOR_WORDS = frozenset("a an the and but or nor for so yet as at by in of off on per to up via".split())


def _hyphenated_headline(title: str) -> str:
    """Capitalise each part of a hyphenated compound (Political-Legal), as Chicago's headline style asks.

    citeproc-py's title case capitalises only the first part; it capitalises the rest itself.
    """
    words = []
    for word in title.split(" "):
        if "-" in word and "://" not in word:
            head, *tail = word.split("-")
            word = "-".join([head, *(p if p.lower() in _MINOR_WORDS else p[:1].upper() + p[1:] for p in tail)])
            word = word[:1].upper() + word[1:]
        words.append(word)
    return " ".join(words)


def _bibliography(items: list[dict[str, Any]], style_name: str, locale: str) -> list[str]:
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it does not use
        with resources.as_file(resources.files("kg.cite").joinpath("styles", style_name + ".csl")) as path:
            style = CitationStylesStyle(str(path), validate=False, locale=locale)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        return [str(entry) for entry in bibliography.bibliography()]


def quote_lines(record: Record, lang: str) -> list[str]:
    """Each quote and its place, stating sentences first, headings and context clauses marked as context."""
    return [_quote_line(quote, lang) for quote in record.quotes]


def _quote_line(quote: Quote, lang: str) -> str:
    if lang == "zh":
        where = f"原文第{quote.start}–{quote.end}字（Unicode 码位）"
        if quote.part_zh:
            where += f"，{quote.part_zh}"
        if quote.speaker:
            where += f"，{quote.speaker}"
        role = "〔所在语境（问题或背景）〕" if quote.clause else "〔所在标题（上下文）〕"
        return f"“{quote.exact}”（{where}）" + ("" if quote.stating else role)
    where = f"characters {quote.start}–{quote.end} (Unicode code points) of the source"
    if quote.part_en:
        where += f", {quote.part_en}"
    if quote.speaker:
        where += f", speaker {quote.speaker}"
    role = " [context clause (problem or background)]" if quote.clause else " [section heading (context)]"
    heading = "" if quote.stating else role
    return f"“{quote.exact}” ({where}; Chinese original){heading}"


def render(record: Record, style: str, lang: str, accessed: date) -> str:
    if style not in STYLES:
        raise UsageError(f"unknown citation style {style!r}: choose one of {', '.join(STYLES)}")
    if lang not in ("zh", "en"):
        raise UsageError(f"unknown language {lang!r}: choose zh or en")
    # English styles write authors in Latin letters, whatever the language of the titles.
    items = csl_items(record, lang, accessed, latin=style in ("chicago", "apa"))
    if style == "csl-json":
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if style == "bibtex":
        return bibtex(record, items)
    style_name, locale = CSL_STYLES[style]
    if style == "chicago":
        # The article is marked Chinese, which title case leaves alone; the dataset entry is English.
        entry = items[-1]
        for name in ("title", "container-title"):
            entry[name] = _hyphenated_headline(entry[name])
    lines = [record.label(lang)]
    lines.extend(quote_lines(record, lang))
    entries = _bibliography(items, style_name, locale)
    if locale == "en-US":
        # American usage puts a period or comma inside the closing quotation mark (the locale's
        # punctuation-in-quote, which citeproc-py does not apply).
        entries = [e.replace("”.", ".”").replace("”,", ",”") for e in entries]
    lines.extend(entries)
    return "\n".join(lines) + "\n"


def _bib_escape(text: str) -> str:
    out = text
    for char in "\\{}":
        out = out.replace(char, "\\" + char)
    for char in "&%$#_":
        out = out.replace(char, "\\" + char)
    return out.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def _bib_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    # Name lists are written by the caller, braces and all: they are not escaped.
    body = ",\n".join(
        f"  {name} = {{{value if name == 'author' else _bib_escape(value)}}}" for name, value in fields if value
    )
    return f"@{kind}{{{key},\n{body}\n}}\n"


def bibtex(record: Record, items: list[dict[str, Any]]) -> str:
    """BibTeX (biblatex types) for the source article and the dataset entry, with the quote as a note."""
    key = record.iri.rstrip("/").rsplit("/", 1)[-1]
    entries = []
    source_key = ""
    for item in items:
        if item["id"] == "source":
            assert record.source is not None
            source_key = "source-" + record.source.iri.rsplit("/", 1)[-1]
            authors = " and ".join(
                "{" + name["literal"] + "}" if "literal" in name else f"{name['family']}, {name['given']}"
                for name in item["author"]
            )
            issued = record.source.issued.isoformat() if record.source.issued else ""
            entries.append(
                _bib_entry(
                    "article",
                    source_key,
                    [
                        ("author", authors),
                        ("title", item["title"]),
                        ("journaltitle", item["container-title"]),
                        ("date", issued),
                        ("url", item["URL"]),
                        ("langid", "chinese"),
                    ],
                )
            )
        else:
            quote = record.quotes[0] if record.quotes else None
            note = f"“{quote.exact}” [{quote.start}–{quote.end}]" if quote else ""
            entries.append(
                _bib_entry(
                    "dataset",
                    key,
                    [
                        ("title", item["title"]),
                        ("organization", DATASET_AUTHOR),
                        ("booktitle", item["container-title"]),
                        ("version", item.get("version", "")),
                        ("date", record.released.isoformat() if record.released else ""),
                        ("url", item["URL"]),
                        ("urldate", "{}-{:02d}-{:02d}".format(*item["accessed"]["date-parts"][0])),
                        ("note", note),
                        ("related", source_key),
                    ],
                )
            )
    return "\n".join(entries)
