"""CSL-JSON: what Zotero ("Export > CSL JSON"), Better BibTeX, citeproc-js, pandoc and
doi.org content negotiation write: a JSON array of items, or an object whose "items"
holds them (citeproc-js).

Readinglist's own JSON export also ends in .json; it is an object with
``"format": "readinglist"`` and is never claimed here.

Where fields go:

- ``type`` -> entry_type (article-journal -> article, paper-conference -> inproceedings,
  chapter -> incollection, thesis -> phdthesis, report -> techreport, webpage -> online,
  article (a preprint) and anything else -> misc).
- ``citation-key`` (Zotero 7, Better BibTeX), else a key-like ``id`` -> citation_key.
- ``author`` -> authors ("given particle family suffix"); ``editor`` -> extra["editor"].
- ``issued`` (date-parts, raw or literal) -> year and extra["month"].
- ``container-title`` -> venue only. It is not copied into extra["journal"] or
  ["booktitle"]: exporters write the venue under the name its entry_type calls for,
  and one copy cannot disagree with itself after an edit.
- ``keyword`` (comma- or semicolon-separated) -> tags; ``note`` -> note, and its
  "arXiv: 2401.12345" / "Citation Key: x" lines (Zotero's Extra field) are read too.
- The rest -> extra by BibTeX name: issue -> number, page -> pages ("1--10"),
  publisher-place -> address, publisher -> publisher (school for a thesis, institution
  for a report), collection-title -> series, title-short -> shorttitle, genre -> type,
  status -> pubstate (a publication status, not a read status), accessed -> urldate,
  ISBN/ISSN/PMID -> isbn/issn/pmid. Fields with no BibTeX name keep their CSL name with
  "-" as "_" (original_date); ``source`` (the catalogue Zotero fetched it from) is
  dropped.

Item numbers in messages count from 1 ("item 7" is the seventh in the file). Lines are
given for items of a top-level array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from ..domain import EntryProblem, ImportFailed, PaperRecord
from ..text.normalize import extract_links, normalize_doi
from .base import ParseResult
from .limits import drop_oversized, json_int, load_json
from .ris import display_name, find_arxiv_id, pages_range, year_of

FORMAT = "csljson"
EXTENSIONS = (".json",)

_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "paper-conference": "inproceedings",
    "book": "book",
    "classic": "book",
    "chapter": "incollection",
    "entry": "incollection",
    "entry-dictionary": "incollection",
    "entry-encyclopedia": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
}
# Every CSL item type, so a single item object can be recognised by its type.
_CSL_TYPES = frozenset({
    *_TYPES, "article", "bill", "broadcast", "collection", "dataset", "document", "event",
    "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript",
    "map", "motion_picture", "musical_score", "pamphlet", "patent", "performance",
    "periodical", "personal_communication", "regulation", "software", "song", "speech",
    "standard", "treaty",
})
_RENAMED = {
    "volume": "volume",
    "issue": "number",
    "number-of-pages": "pagetotal",
    "number-of-volumes": "volumes",
    "publisher-place": "address",
    "ISBN": "isbn",
    "ISSN": "issn",
    "PMID": "pmid",
    "PMCID": "pmcid",
    "language": "language",
    "edition": "edition",
    "collection-title": "series",
    "title-short": "shorttitle",
    "shortTitle": "shorttitle",
    "container-title-short": "shortjournal",
    "journalAbbreviation": "shortjournal",
    "event-title": "eventtitle",
    "event": "eventtitle",
    "genre": "type",
    "status": "pubstate",
    "accessed": "urldate",
    "chapter-number": "chapter",
    "version": "version",
}
# Read into PaperRecord fields, or deliberately not kept.
_HANDLED = frozenset({
    "id", "type", "title", "author", "editor", "issued", "container-title", "abstract",
    "DOI", "URL", "keyword", "note", "citation-key", "citationKey", "page", "publisher",
    "number", "source", "custom",
})
_KEY_SAFE = re.compile(r"^[A-Za-z0-9_:.\-]+$")
_MAX_SNIFF = 5_000_000  # above this, looks_like reads only the head of the file


def looks_like(text: str) -> bool:
    """A JSON array of CSL items, an object with "items", or one CSL item object."""
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith(("[", "{")):
        return False
    if len(text) <= _MAX_SNIFF:
        try:
            data = json.loads(text, parse_int=json_int)
        except RecursionError:
            return True  # JSON nested too deep for anyone: parse() says so, with the line
        except ValueError:
            pass  # a broken CSL file is still ours, so parse() can say where it breaks
        else:
            return _items(data, strict=True) is not None
    head = text[:4000]
    if re.search(r'"format"\s*:\s*"readinglist"', head):
        return False
    has_type = re.search(r'"type"\s*:\s*"', head) is not None
    has_name = re.search(r'"(title|id)"\s*:', head) is not None
    if text.startswith("["):
        return has_type and has_name
    return has_type and has_name and re.search(r'"items"\s*:', head) is not None


def parse(text: str, source: str) -> ParseResult:
    """Every item of a CSL-JSON file. ImportFailed when the file is not valid JSON (naming
    line and column) or holds no item list; items that cannot be read are reported."""
    text = text.lstrip("\ufeff")
    data = load_json(text, source)
    if isinstance(data, dict) and data.get("format") == "readinglist":
        raise ImportFailed(f"{source}: a Readinglist JSON export, not CSL-JSON (format json)")
    items = _items(data, strict=False)
    if items is None:
        raise ImportFailed(
            f"{source}: not CSL-JSON: expected an array of items or an object with "
            "an \"items\" array"
        )
    lines = _item_lines(text) if isinstance(data, list) else None
    result = ParseResult()
    for number, item in enumerate(items, start=1):
        line = lines[number - 1] if lines and number <= len(lines) else None
        if not isinstance(item, dict):
            result.problems.append(EntryProblem(
                source, line, f"item {number} is {_kind(item)}, not an object; skipped"
            ))
            continue
        named = _name(number, item)
        try:
            record = _record(item, source, line)
        except (TypeError, ValueError, AttributeError) as exc:
            # A field of an unexpected shape the code below did not foresee.
            result.problems.append(EntryProblem(source, line, f"{named}: cannot read ({exc})"))
            continue
        result.records.append(record)  # untitled: the import names it from what it has
    drop_oversized(result, source)
    return result


def _items(data: object, strict: bool) -> list | None:
    """The item list of a CSL-JSON document, or None when it has none. `strict` (for
    sniffing) also asks that the items look like CSL items."""
    if isinstance(data, dict):
        if data.get("format") == "readinglist":
            return None
        items = data.get("items")
        if isinstance(items, dict):  # citeproc-js also keys items by id
            items = list(items.values())
        if not isinstance(items, list):
            # (A "type" may be anything in a hostile file: a list is not hashable.)
            single = _str_or_empty(data.get("type")) in _CSL_TYPES and "title" in data
            return [data] if single else None
        data = items
    if not isinstance(data, list):
        return None
    if strict:
        sample = [x for x in data[:10] if isinstance(x, dict)]
        if not any(isinstance(x.get("type"), str) and ("title" in x or "id" in x)
                   for x in sample):
            return None
    return data


_JSON_SPACE = re.compile(r"[ \t\r\n]*")


def _after_space(text: str, index: int) -> int:
    """Where the JSON whitespace starting at `index` ends."""
    match = _JSON_SPACE.match(text, index)
    return match.end() if match else index  # the pattern matches everywhere, if only ""


def _item_lines(text: str) -> list[int] | None:
    """The line each element of a top-level JSON array starts on (the text is valid JSON)."""
    decoder = json.JSONDecoder()
    index = _after_space(text, 0)
    if text[index:index + 1] != "[":
        return None
    index = _after_space(text, index + 1)
    lines: list[int] = []
    line, counted = 1, 0
    try:
        while index < len(text) and text[index] != "]":
            line += text.count("\n", counted, index)
            counted = index
            lines.append(line)
            _, index = decoder.raw_decode(text, index)
            index = _after_space(text, index)
            if text[index:index + 1] == ",":
                index = _after_space(text, index + 1)
    except ValueError:
        return None
    return lines


def _name(number: int, item: dict) -> str:
    ident = item.get("citation-key") or item.get("id")
    return f"item {number} (id '{ident}')" if ident not in (None, "") else f"item {number}"


def _kind(value: object) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number",
            bool: "true/false", type(None): "null"}.get(type(value), "not an object")


def _text(value: object) -> str:
    """A scalar field as stripped text ("" for anything else)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return " ".join(str(value).split())
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return " ".join(" ".join(value).split())  # some tools write a field as a list
    return ""


def _str_or_empty(value: object) -> str:
    """`value` if it is a string, else "" (a number or a list is not taken as text)."""
    return value if isinstance(value, str) else ""


def _record(item: dict, source: str, line: int | None) -> PaperRecord:
    csl_type = _text(item.get("type"))
    ident = _text(item.get("id"))
    key = _text(item.get("citation-key")) or _text(item.get("citationKey"))
    note = _str_or_empty(item.get("note"))
    if not key:
        # Zotero keeps a Better BibTeX key in Extra, which CSL-JSON exports as the note.
        match = re.search(r"^\s*Citation Key:\s*(\S+)\s*$", note, re.MULTILINE | re.IGNORECASE)
        key = match.group(1) if match else ""
    if not key and _KEY_SAFE.match(ident) and not ident.isdigit():
        key = ident  # Zotero's own ids are URLs or numbers: not citation keys
    record = PaperRecord(
        title=_text(item.get("title")),
        line=line,
        source=f"CSL-JSON ({source})",
        key=key or ident,
        citation_key=key,
        entry_type=_TYPES.get(csl_type, "misc"),
    )
    genre = _text(item.get("genre")).lower()
    if record.entry_type == "phdthesis" and "master" in genre:
        record.entry_type = "mastersthesis"
    record.authors = _names(item.get("author"))
    year, month = _date(item.get("issued"))
    record.year = year
    record.venue = _text(item.get("container-title"))
    if not record.venue and csl_type == "paper-conference":
        record.venue = _text(item.get("event-title")) or _text(item.get("event"))
    record.abstract = _str_or_empty(item.get("abstract")).strip()
    record.doi = normalize_doi(_text(item.get("DOI")))
    record.url = _text(item.get("URL"))
    record.links = [u for u in extract_links(record.abstract) if u != record.url]
    record.note = note.strip()
    record.tags = _keywords(item.get("keyword"))
    number = _text(item.get("number"))
    texts = (record.doi, record.url, note, number, record.venue, _text(item.get("publisher")))
    record.arxiv_id = next((a for a in map(find_arxiv_id, texts) if a), "")

    extra: dict[str, str] = {}
    editors = _names(item.get("editor"))
    if editors:
        extra["editor"] = " and ".join(editors)
    if month:
        extra["month"] = str(month)
    pages = pages_range(_text(item.get("page")))
    if pages:
        extra["pages"] = pages
    publisher = _text(item.get("publisher"))
    if publisher:
        extra[{"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
              .get(record.entry_type, "publisher")] = publisher
    for name, value in item.items():
        if name in _HANDLED or name.startswith("_"):
            continue
        field = _RENAMED.get(name) or re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        text = _field_text(value)
        if text and field and field not in extra:
            extra[field] = text
    if number and not find_arxiv_id(number):
        # A report's number (an issue, read above, wins); an arXiv "number" is the arxiv_id.
        extra.setdefault("number", number)
    if extra.get("shorttitle") == record.title:
        del extra["shorttitle"]
    record.extra = extra
    return record


def _names(value: object) -> list[str]:
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        return []
    names = [_csl_name(n) for n in value]
    return [n for n in names if n]


def _csl_name(name: object) -> str:
    """{"given": "Ludwig", "non-dropping-particle": "van", "family": "Beethoven"}
    -> "Ludwig van Beethoven"; a "literal" (an organisation) is kept whole."""
    if isinstance(name, str):
        return display_name(name)
    if not isinstance(name, dict):
        return ""
    literal = _text(name.get("literal"))
    if literal:
        return literal
    parts = (name.get(k) for k in
             ("given", "dropping-particle", "non-dropping-particle", "family", "suffix"))
    return " ".join(t for t in map(_text, parts) if t)


def _date(value: object) -> tuple[int | None, int | None]:
    """(year, month) of a CSL date: {"date-parts": [[2021, 5]]}, {"raw": "2021-05"},
    {"literal": "Spring 2021"}, or (non-standard) a bare string or number."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            numbers = [_int(p) for p in parts[0][:2]]
            if numbers[0] is not None:
                month = numbers[1] if len(numbers) > 1 else None
                return numbers[0], month if month and 1 <= month <= 12 else None
        value = _text(value.get("raw")) or _text(value.get("literal")) or \
            _text(value.get("season"))
    text = _text(value)
    month_match = re.match(r"^\d{4}[-/](\d{1,2})\b", text)
    month = int(month_match.group(1)) if month_match else None
    return year_of(text), month if month and 1 <= month <= 12 else None


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _iso_date(value: dict) -> str:
    """A CSL date as ISO text ("2024-01-15"), or its raw/literal form."""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        numbers = [n for n in (_int(p) for p in parts[0][:3]) if n is not None]
        if numbers:
            return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])
    return _text(value.get("raw")) or _text(value.get("literal"))


def _field_text(value: object) -> str:
    """An extra field's value as text: scalars, dates, and name lists."""
    if isinstance(value, dict):
        return _iso_date(value) if ("date-parts" in value or "raw" in value) else ""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return " and ".join(_names(value))
    return _text(value)


def _keywords(value: object) -> list[str]:
    """Zotero joins tags with ", "; some tools use "; " or a list."""
    if isinstance(value, list):
        items: Iterable[str] = (_text(v) for v in value)
    elif isinstance(value, str):
        items = value.split(";") if ";" in value else value.split(",")
    else:
        return []
    tags: list[str] = []
    for tag in (t.strip() for t in items):
        if tag and tag not in tags:
            tags.append(tag)
    return tags
