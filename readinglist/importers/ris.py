"""RIS files (Zotero, Mendeley, EndNote, publishers' "export citation" buttons).

rispy does the tag parsing. We split the text into records ourselves first, one per
``TY`` line, so that each record knows its line and one broken record cannot stop the
rest (every record becomes a PaperRecord or an EntryProblem naming its line). We also
normalise what rispy does not accept: a BOM (also mid-file where two exports were joined,
or misread as "ï»¿"), CR or CRLF line ends, ``TY - JOUR`` with one space, records
indented as a whole (pasted from a web page), a bare ``ER``, blank lines inside a
record, and a last record without ``ER``.

Where each tag goes is ris_fields.py's job. The helpers ``display_name``,
``find_arxiv_id``, ``year_of``, ``pages_range``, ``plain_note``, ``classify_location`` and
``attach_file``, shared with the CSL-JSON, CSV and WoS importers, live in field_values.py
and are re-exported here, where those importers look for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rispy

from ..domain import EntryProblem
from .base import ParseResult
from .field_values import attach_file as attach_file  # re-exported: see the module doc
from .field_values import classify_location as classify_location
from .field_values import display_name as display_name
from .field_values import find_arxiv_id as find_arxiv_id
from .field_values import pages_range as pages_range
from .field_values import plain_note as plain_note
from .field_values import year_of as year_of
from .limits import MAX_FIELD_CHARS, LimitExceeded, size_text
from .ris_fields import build_record

FORMAT = "ris"
EXTENSIONS = (".ris",)

# Tags rispy does not know but real files carry: BT (book title, EndNote/Mendeley),
# ED (editor, older EndNote), M2 (Zotero's "extra"), CT (title of unpublished work).
# rispy looks up where to file unknown tags under its UNKNOWN_TAG, "UK" by default, so a
# record with a real UK line crashed it (found by fuzzing). _Parser uses a key no tag
# line can have, and a UK line is one more unknown tag.
_UNKNOWN = "unknown"
_MAPPING: dict[str, str] = {
    **{tag: name for tag, name in rispy.TAG_KEY_MAPPING.items() if tag != "UK"},
    _UNKNOWN: "unknown_tag",
    "BT": "book_title",
    "ED": "editors",
    "M2": "misc2",
    "CT": "unpublished_title",
}
_TAG_OF = {name: tag for tag, name in _MAPPING.items()}


class _RunsOn(Exception):
    """A field's continuation lines went past the field limit (its rispy name)."""


class _Parser(rispy.RisParser):
    """rispy's parser, with its unknown tags filed apart from a real UK tag, and with
    continuation lines gathered in linear work: rispy joins each one onto the whole
    value so far (a record of a million continuation lines never finished). A value
    that runs on past the field limit stops the record there (_RunsOn)."""

    UNKNOWN_TAG = _UNKNOWN

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        # (record, field name) -> the record, the pieces of a value continued over
        # several lines, and their length so far
        self._pieces: dict[tuple[int, str], tuple[dict, list[str], list[int]]] = {}

    def _add_single_value(self, record: dict, name: str, value: str | list[str],
                          is_multi: bool = False) -> None:
        if not is_multi or isinstance(value, list):
            super()._add_single_value(record, name, value, is_multi)
            return
        first = record[name]
        _, pieces, length = self._pieces.setdefault((id(record), name),
                                                    (record, [first], [len(first)]))
        pieces.append(value)
        length[0] += len(value) + 1
        if length[0] > MAX_FIELD_CHARS:
            raise _RunsOn(name)

    def parse_lines(self, lines: Any) -> list[dict]:
        records = super().parse_lines(lines)
        for (_, name), (record, pieces, _length) in self._pieces.items():
            record[name] = " ".join(pieces)
        return records

# Tags that may repeat; the rest keep their first value (rispy's enforce_list_tags).
# L1/L2 repeat when a record has several attachments, SN for an ISBN and an ISSN, AN for
# several databases' accession numbers.
_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "ED", "L1", "L2", "L4", "SN", "AN"]

# A tag line as some exporters write it: one to four spaces or tabs before the dash,
# optional space after it. Only known tags are accepted in this loose form, so that a
# continuation line such as "AI - assisted ..." is not mistaken for a tag.
_LOOSE_TAG = re.compile(r"^([A-Z][A-Z0-9])[ \t]{1,4}-[ \t]*(.*?)[ \t]*$")
_TY_LINE = re.compile(r"^TY[ \t]{1,4}-")
# What can come before a tag without being text: a byte-order mark (mid-file where two
# exports were concatenated), the same mark read as Windows-1252 and saved again as
# UTF-8 ("ï»¿"), and zero-width or no-break spaces from web pages.
_INVISIBLE = re.compile("^(?:\ufeff|\u00ef\u00bb\u00bf|[\u200b\u2060\u00a0])+")


@dataclass
class _Chunk:
    """The lines of one record, from its TY line on."""

    line: int
    lines: list[str] = field(default_factory=list)
    closed: bool = False  # an ER line was seen
    indent: str = ""  # the TY line's indentation: same-indented tag lines are tags


def looks_like(text: str) -> bool:
    """True when one of the first non-blank lines is a ``TY  -`` line."""
    lines = [_INVISIBLE.sub("", ln).strip() for ln in text[:8000].splitlines()]
    return any(_TY_LINE.match(ln) for ln in [ln for ln in lines if ln][:40])


def parse(text: str, source: str, *, base_dir: Path | None = None) -> ParseResult:
    """Every record in a RIS file; records that cannot be read are reported by line.
    `base_dir` (the file's folder) resolves relative attachment paths, as Zotero writes
    them when it exports files along with the references."""
    result = ParseResult()
    for chunk in _split(text, source, result):
        try:
            entries = rispy.loads(
                "\n".join([*chunk.lines, "" if chunk.closed else "ER  - "]),
                implementation=_Parser,
                mapping=_MAPPING,
                list_tags=_LIST_TAGS,
            )
        except _RunsOn as exc:
            field_name = str(exc)
            what = f"the {_TAG_OF.get(field_name, field_name)} field ('{field_name}') runs on"
            result.problems.append(LimitExceeded(
                source, chunk.line, f"{what} past the limit", size_text(MAX_FIELD_CHARS),
            ).problem())
            continue
        except Exception as exc:  # rispy promises no error types; one record must not stop all
            result.problems.append(
                EntryProblem(source, chunk.line, f"cannot read this RIS record ({exc})")
            )
            continue
        if not entries:
            result.problems.append(EntryProblem(source, chunk.line, "cannot read this RIS record"))
            continue
        build_record(_tag_values(entries[0]), chunk.line, source, result, base_dir)
    # Problems found while splitting come first otherwise; the user reads them by line.
    result.problems.sort(key=lambda p: p.line or 0)
    result.warnings.sort(key=lambda p: p.line or 0)
    return result


# -- splitting ------------------------------------------------------------------------


def _split(text: str, source: str, result: ParseResult) -> list[_Chunk]:
    """Records by TY line; text outside records becomes a warning (or a problem when it
    holds tags, i.e. a record that lost its TY line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # BOMs go line by line below
    chunks: list[_Chunk] = []
    current: _Chunk | None = None
    stray: list[tuple[int, str, str | None]] = []  # (line, text, tag) outside any record

    def flush_stray() -> None:
        tagged = [(n, t) for n, t, tag in stray if tag and tag != "ER"]
        text_lines = [(n, t) for n, t, tag in stray if tag != "ER"]  # a lone ER is harmless
        if tagged:
            n, t = tagged[0]
            result.problems.append(EntryProblem(
                source, n, f"RIS lines without a TY line before them, skipped: '{_short(t)}'"))
        elif text_lines:
            n, t = text_lines[0]
            result.warnings.append(EntryProblem(
                source, n, f"text outside any RIS record ignored: '{_short(t)}'"))
        stray.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        raw = _INVISIBLE.sub("", raw)
        body = raw.lstrip(" \t")
        indent = raw[: len(raw) - len(body)]
        if indent and (_TY_LINE.match(body) or (current and indent == current.indent)):
            raw = body  # an indented record (pasted from a web page): its tags count
        tag, line = _normalise_line(raw)
        if tag is None and current is not None and line.strip() == "ER":
            tag, line = "ER", "ER  - "  # a bare ER (hand-written files)
        if tag == "TY":
            flush_stray()
            if current is not None:
                result.warnings.append(EntryProblem(
                    source, current.line,
                    f"record has no ER line; it is taken to end where line {number} "
                    "starts the next one",
                ))
            current = _Chunk(number, [line], indent=indent)
            chunks.append(current)
        elif current is not None:
            if not line.strip():
                continue  # rispy would add an empty value to the previous tag
            current.lines.append(line)
            if tag == "ER":
                current.closed = True
                current = None
        elif line.strip():
            stray.append((number, line.strip(), tag))
            if tag == "ER":
                flush_stray()  # one problem for each record that lost its TY line
    flush_stray()
    if current is not None:
        result.warnings.append(EntryProblem(
            source, current.line,
            "the last record has no ER line (is the file cut short?); imported as it is",
        ))
    return chunks


def _normalise_line(raw: str) -> tuple[str | None, str]:
    """(tag, line in rispy's 'XX  - value' form) or (None, line) for other lines."""
    line = raw.rstrip()
    if len(line) >= 5 and line[2:5] == "  -" and line[:2].isupper() and line[:1].isalpha():
        # What rispy reads, but rispy cuts the value at column 6: "TI  -Title" would
        # lose its first letter, so the value is re-spaced.
        return line[:2], f"{line[:2]}  - {line[5:].strip()}"
    match = _LOOSE_TAG.match(line)
    if match and match.group(1) in _MAPPING:
        return match.group(1), f"{match.group(1)}  - {match.group(2)}"
    return None, line


def _tag_values(entry: dict) -> dict[str, list[str]]:
    """rispy's entry as tag -> non-empty values, unknown tags included."""
    values: dict[str, list[str]] = {}
    for name, value in entry.items():
        if name == "unknown_tag":
            for tag, items in value.items():
                if tag:  # continuation lines straight after TY come as tag None
                    values.setdefault(tag, []).extend(s.strip() for s in items if s.strip())
            continue
        tag = _TAG_OF.get(name)
        if tag is None:
            continue
        items = value if isinstance(value, list) else [value]
        values[tag] = [str(s).strip() for s in items if str(s).strip()]
    return {tag: items for tag, items in values.items() if items}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
