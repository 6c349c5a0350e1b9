"""BibTeX export, for LaTeX (bibtex, biber), JabRef and Zotero.

Entries are built with bibtexparser's model and written by its writer. Text is written as
UTF-8, not as LaTeX accent macros: biber and bibtex8/modern bibtex read UTF-8, and so do
JabRef and Zotero. Only LaTeX's special characters are escaped (``&`` -> ``\\&``, ...), so
any LaTeX decoder (pylatexenc, the BibTeX importer) gives back the original text.

Choices:

* Entry type: ``paper.entry_type``, else ``misc``.
* Venue: ``journal`` for articles, ``booktitle`` for papers in proceedings, collections and
  books, ``school`` for theses, ``institution`` for reports and ``howpublished`` for
  everything else (misc, online, unpublished ...) (see readinglist/bibliography.py). When
  the imported file already filled that field with something else, ``howpublished``, then
  ``readinglist-venue``, so neither value is lost.
* arXiv: ``eprint`` + ``archiveprefix = {arXiv}`` (read by biblatex, natbib and JabRef).
* Title: words with internal capitals or acronyms ("BERT", "LoRA", "GPT-4") are braced so
  bibliography styles do not lower-case them; other words are left to the style.
* Readinglist's own state goes in fields other tools keep: ``readstatus``, ``ranking`` and
  ``priority`` (JabRef's special fields), ``readinglist-status`` / ``-priority`` /
  ``-rating`` / ``-added`` (exact values, for re-import), ``annote`` (the note; Zotero
  imports it as a note) and ``file`` (attachments in JabRef's format).

Known limits of decoding it back with pylatexenc: ``^`` is written as the correct
``\\textasciicircum{}``, which pylatexenc reads as "ˆ" (U+02C6); an unmatched brace is written as
``\\textbraceleft{}``/``\\textbraceright{}``, which pylatexenc drops.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePath

import bibtexparser
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Entry, Field, ImplicitComment

from ..domain import Paper
from ..text.bibliography import balanced, is_raw, venue_field
from . import ExportContext, export_keys, paper_value, split_author

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\&%$#_~^{}]")
# "@" opening a line inside a value makes bibtexparser start a new entry there.
_LINE_START_AT = re.compile(r"^([ \t]*)@", re.MULTILINE)
# A word for title protection: starts and ends with a letter or digit.
_WORD = re.compile(r"[^\W_](?:[\w&+'’./-]*[^\W_])?")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
# "jan" ... "dec", "sept" and the full English names, each to its BibTeX macro.
_MONTHS = {n[:3]: n[:3] for n in _MONTH_NAMES} | {n: n[:3] for n in _MONTH_NAMES} | {
    "sept": "sep"
}
# Values copied verbatim (identifiers, paths): LaTeX escaping would corrupt them.
_VERBATIM = frozenset((
    "url", "doi", "eprint", "file", "pdf", "crossref", "xdata", "ids", "related", "isbn",
    "issn", "urldate", "date", "eprinttype", "archiveprefix", "primaryclass", "eprintclass",
))
_ENTRY_TYPE = re.compile(r"^[a-z][a-z0-9_-]*$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_:.+-]*$")
# Conventional order; fields not named here follow alphabetically, then Readinglist's own.
_ORDER = (
    "title", "author", "editor", "journal", "booktitle", "series", "volume", "number",
    "issue", "pages", "chapter", "edition", "publisher", "address", "organization",
    "institution", "school", "howpublished", "month", "year", "isbn", "issn", "doi", "url",
    "eprint", "archiveprefix", "primaryclass", "abstract", "keywords", "note",
)
# Readinglist's state, after the bibliographic fields.
_OWN_ORDER = (
    "readstatus", "ranking", "priority", "readinglist-status", "readinglist-priority",
    "readinglist-rating", "readinglist-added", "annote", "file",
)
_JABREF_PRIORITY = {"high": "prio1", "normal": "prio2", "low": "prio3"}
_SUFFIX_END = re.compile(r",\s*(?:Jr\.?|Sr\.?|II|III|IV|V)$")


def export(papers: Iterable[Paper], context: ExportContext | None = None) -> str:
    """The papers as a BibTeX file (UTF-8 text)."""
    papers = list(papers)
    library = bibtexparser.Library()
    # JabRef reads the encoding from this header line; other readers skip it as a comment.
    library.add(ImplicitComment("% Encoding: UTF-8"))
    for paper, key in zip(papers, export_keys(papers), strict=True):
        library.add(entry(paper, key))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    return bibtexparser.write_string(library, bibtex_format=fmt)


def entry(paper: Paper, key: str) -> Entry:
    """One paper as a bibtexparser Entry (values already LaTeX-escaped, not yet enclosed)."""
    entry_type = paper.entry_type.strip().lower()
    if not _ENTRY_TYPE.match(entry_type):
        entry_type = "misc"
    ours: dict[str, str] = {}
    ours["title"] = protect_title(paper.title)
    ours["author"] = " and ".join(bibtex_name(a) for a in paper.authors if a.strip())
    if paper.venue:
        # The type's venue field, unless the imported file filled it with something else
        # (a book's publisher, say): then a field that is free, never dropping either.
        taken = {str(k).lower() for k, v in paper.extra.items() if str(v).strip()}
        for name in (venue_field(entry_type), "howpublished", "readinglist-venue"):
            if name not in taken:
                ours[name] = escape(paper.venue)
                break
    if paper.year is not None:
        # A year written with a sorting trick ("{\\noopsort{1973b}}1973") or as a range
        # ("1968--90") was kept as written: it goes back out so.
        written = str(paper.extra.get("year") or "")
        keep = str(paper.year) in written and balanced(written)
        ours["year"] = written if keep else str(paper.year)
    ours["doi"] = verbatim(paper.doi)
    ours["url"] = verbatim(paper.url)
    if paper.arxiv_id:
        ours["eprint"] = verbatim(paper.arxiv_id)
        ours["archiveprefix"] = "arXiv"
    ours["abstract"] = escape(paper.abstract)
    ours["keywords"] = escape(", ".join(paper.tags))
    ours.update(_state_fields(paper))
    ours["annote"] = escape(paper.note)
    ours["file"] = jabref_files(paper)

    # Fields Readinglist keeps itself never come from `extra`, even when empty here:
    # a stale copy from the imported file would contradict the library.
    managed = set(ours) | {"readstatus"}
    if hasattr(paper, "priority"):
        managed.add("priority")
    if hasattr(paper, "rating"):
        managed.add("ranking")
    fields = [Field(name, value) for name, value in ours.items() if value]
    for name, value in paper.extra.items():
        name = str(name).strip().lower()
        if (
            name in managed
            or name.startswith("readinglist-")
            or not _FIELD_NAME.match(name)
            or value is None
            or str(value).strip() == ""
        ):
            continue
        managed.add(name)
        fields.append(_extra_field(name, str(value)))
    fields.sort(key=_field_rank)
    return Entry(entry_type, key, fields)


def _state_fields(paper: Paper) -> dict[str, str]:
    """Read status, priority, rating and date added, in JabRef's and Readinglist's fields."""
    status = paper.status.value
    priority = paper_value(paper, "priority")
    rating = paper_value(paper, "rating")
    fields = {
        "readstatus": status if status in ("read", "skimmed") else "",
        "readinglist-status": status,
    }
    # "normal" is every paper's default: JabRef shows no priority for it either.
    if priority and priority != "normal":
        fields["priority"] = _JABREF_PRIORITY.get(priority, "")
        fields["readinglist-priority"] = escape(priority)
    if rating in ("1", "2", "3", "4", "5"):
        fields["ranking"] = f"rank{rating}"
        fields["readinglist-rating"] = str(rating)
    if paper.added:
        fields["readinglist-added"] = paper.added.isoformat(timespec="seconds")
    return fields


def _extra_field(name: str, value: str) -> Field:
    if name == "month":
        month = _MONTHS.get(value.strip().rstrip(".").lower())
        if month:
            # BibTeX's month macros (jan ... dec) are written unquoted so styles can
            # localise them; biber turns them into numbers.
            return Field(name, month, enclosing="no-enclosing")
    if name in _VERBATIM:
        return Field(name, verbatim(value))
    # Kept as written on import ("{\\noopsort{1973b}}1973", "10--119"): written back so.
    return Field(name, value if is_raw(name) and balanced(value) else escape(value))




def _field_rank(field: Field) -> tuple[int, str]:
    if field.key in _ORDER:
        return (_ORDER.index(field.key), "")
    if field.key in _OWN_ORDER:
        return (len(_ORDER) + 1 + _OWN_ORDER.index(field.key), "")
    return (len(_ORDER), field.key)  # other fields alphabetically, between the two


def escape(text: str) -> str:
    """Plain Unicode text -> LaTeX: special characters escaped, Unicode kept.

    Balanced braces become ``\\{`` ``\\}``; an unmatched one becomes ``\\textbraceleft{}``
    (or ``...right``) because BibTeX counts escaped braces too and would read past the end
    of the field.
    """
    if not text:
        return ""
    unmatched = _unmatched_braces(text)

    def sub(match: re.Match[str]) -> str:
        char = match.group(0)
        if char in "{}":
            if match.start() in unmatched:
                return r"\textbraceleft{}" if char == "{" else r"\textbraceright{}"
            return "\\" + char
        return _SPECIALS[char]

    return _LINE_START_AT.sub(r"\1{@}", _SPECIAL_RE.sub(sub, text))


def _unmatched_braces(text: str) -> set[int]:
    opened: list[int] = []
    unmatched: set[int] = set()
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                unmatched.add(i)
    return unmatched | set(opened)


def protect_title(title: str) -> str:
    """Escape a title and brace the words a style must not lower-case ({BERT}, {LoRA})."""
    title = " ".join(title.split())
    pieces: list[str] = []
    last = 0
    for match in _WORD.finditer(title):
        word = match.group(0)
        # Internal capitals (acronyms, "iPhone", "3D") or a lone capital mid-title ("Plan B",
        # "Q&A" is one word here).
        protect = any(c.isupper() for c in word[1:]) or (
            len(word) == 1 and word.isupper() and match.start() > 0
        )
        if protect:
            pieces.append(escape(title[last : match.start()]))
            pieces.append("{" + escape(word) + "}")
            last = match.end()
    pieces.append(escape(title[last:]))
    return "".join(pieces)


def bibtex_name(author: str) -> str:
    """A display name in BibTeX's "von Last, Jr, First" form; organisations braced whole.

    "Ludwig van Beethoven" -> "van Beethoven, Ludwig", "{Google DeepMind}" stays as is.
    """
    name = split_author(author)
    if name.literal:
        return "{" + escape(name.literal) + "}"
    if " and " in author or "," in _SUFFIX_END.sub("", author):
        # "Adobe Systems, Inc.", "Committee on Nomenclature and Symbols": written braced
        # in the file they came from; unbraced, BibTeX would split or turn them.
        return "{" + escape(" ".join(author.split())) + "}"
    parts = NameParts(
        first=[escape(name.given)] if name.given else [],
        von=[escape(name.particle)] if name.particle else [],
        last=[escape(name.family)],
        jr=[escape(name.suffix)] if name.suffix else [],
    )
    return parts.merge_last_name_first


def verbatim(value: str) -> str:
    """An identifier or URL as is, except for the characters that would end the field early
    (braces, and a backslash that escapes the closing one), which are percent-encoded."""
    value = " ".join(value.split())
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def jabref_files(paper: Paper) -> str:
    """Attachments in JabRef's ``file`` format: ``description:path:type`` joined by ``;``,
    with ``\\``, ``:`` and ``;`` in the path backslash-escaped."""
    items = []
    for attachment in paper.attachments:
        path = attachment.path
        if not path or _unmatched_braces(path):
            continue  # an unbalanced brace would end the field early; such paths are rare
        escaped = path.replace("\\", "\\\\").replace(":", "\\:").replace(";", "\\;")
        suffix = PurePath(path).suffix.lower().lstrip(".")
        kind = "PDF" if suffix == "pdf" else suffix.upper()
        items.append(f":{escaped}:{kind}")
    return ";".join(items)
