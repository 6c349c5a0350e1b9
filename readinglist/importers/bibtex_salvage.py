"""Blocks bibtexparser could not read: valid entries it refuses read again ourselves, and
the message for those that are really broken."""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser.model import Entry, ExplicitComment, Field, ParsingFailedBlock

from ..domain import EntryProblem
from .bibtex_macros import closing
from .bibtex_records import entry_name

# "@article{key," at the start of a line; @string/@comment/@preamble alone are not enough.
# (Also how bibtex.looks_like recognises a BibTeX file.)
ENTRY_START = re.compile(
    r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(][ \t]*[^\s,{}()=\"#%'~\\]+[ \t]*,", re.MULTILINE
)
NOT_ENTRIES = {"string", "comment", "preamble"}
# "@COMMENTED{key," is an entry of a custom type, not a comment (a comment has no key).
COMMENT_TYPED_ENTRY = re.compile(
    r"\s*@\s*(comment[A-Za-z][\w-]*)\s*[{(]\s*[^\s,{}()=\"#%'~\\]+\s*,", re.IGNORECASE)
# Reading an entry bibtexparser gave up on (see salvage).
_SALVAGE_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)[ \t]*([{(])\s*([^\s,{}()=\"#%'~\\]+)\s*,")
# "@techreport{ journal = {...}, ...}": no key at all (JabRef writes such entries).
_SALVAGE_KEYLESS = re.compile(
    r"@[ \t]*([A-Za-z][\w-]*)[ \t]*([{(])(?=\s*[^\s=,{}()\"#%']+\s*=)")
_SALVAGE_FIELD = re.compile(r"([^\s=,{}()\"#%']+)\s*=\s*")
_SALVAGE_WORD = re.compile(r"[^\s#{}\",()=]+")
_FAILED_KEY = re.compile(r"@\s*([\w-]*)\s*[{(]\s*([^\s,={}()]*)")


def reparse_entry(block: ExplicitComment) -> Entry | ParsingFailedBlock | ExplicitComment:
    """An "@commentXYZ{key, ...}" block read again as an entry of type commentxyz."""
    text = block.raw or ""
    match = COMMENT_TYPED_ENTRY.match(text)
    assert match is not None
    kind = match.group(1)
    stand_in = "readinglistcustomtype"
    raw = text[:match.start(1)] + stand_in + text[match.end(1):]
    blocks = bibtexparser.parse_string(raw, parse_stack=[]).blocks
    if len(blocks) != 1 or not isinstance(blocks[0], Entry | ParsingFailedBlock):
        return block
    found = blocks[0]
    if isinstance(found, Entry):
        return Entry(kind, found.key, found.fields, start_line=block.start_line, raw=block.raw)
    return ParsingFailedBlock(found.error, start_line=block.start_line, raw=block.raw)


def salvage(text: str, start: int) -> Entry | None:
    """The entry at `start` read as BibTeX reads it (a quoted value ends at a '"' outside
    braces), or None when it is really broken: unclosed, or running into the next entry."""
    head = _SALVAGE_HEAD.match(text, start) or _SALVAGE_KEYLESS.match(text, start)
    if head is None:
        return None
    close = "}" if head.group(2) == "{" else ")"
    pos, fields = head.end(), []
    while True:
        pos = _skip(text, pos, " \t\r\n,")
        if pos >= len(text):
            return None
        if text[pos] == close:
            break
        name = _SALVAGE_FIELD.match(text, pos)
        if name is None:
            return None
        pos = value_start = name.end()
        while True:  # pieces joined by '#'
            pos = _skip(text, pos, " \t\r\n")
            if pos < len(text) and text[pos] in '{"':
                end = closing(text, pos)
                if end < 0:
                    return None
                pos = end + 1
            else:
                word = _SALVAGE_WORD.match(text, pos)
                if word is None:
                    return None
                pos = word.end()
            pos = _skip(text, pos, " \t\r\n")
            if pos < len(text) and text[pos] == "#":
                pos += 1
                continue
            break
        fields.append(Field(name.group(1), text[value_start:pos].strip()))
    raw = text[start:pos + 1]
    if ENTRY_START.search(raw, head.end()):
        return None  # it swallowed the next entry: an unclosed value, not ours to guess
    key = head.group(3) if head.re is _SALVAGE_HEAD else ""  # keyless: one is made up
    return Entry(head.group(1), key, fields, raw=raw)


def _skip(text: str, pos: int, chars: str) -> int:
    while pos < len(text) and text[pos] in chars:
        pos += 1
    return pos


def failed_block_problem(block: ParsingFailedBlock, source: str, line: int | None,
                         at_file_end: bool = True) -> EntryProblem:
    """What the user reads about a block that stays unread: its key and, in words, why.
    `at_file_end`: the text bibtexparser read ends where the file does (else where the
    next entry starts)."""
    match = _FAILED_KEY.match(block.raw or "")
    kind, key = (match.group(1).lower(), match.group(2)) if match else ("", "")
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    if reason.startswith("Unexpected block start") or (
            reason.startswith("Unexpectedly reached end of file") and not at_file_end):
        reason = "not closed before the next entry starts (a missing '}' or '\"'?)"
    elif reason.startswith("Unexpectedly reached end of file"):
        reason = "not closed before the end of the file (a missing '}'?)"
    elif reason.startswith("Expected comma after entry key"):
        reason = "no comma after the entry key"
    what = f"@{kind} definition" if kind in NOT_ENTRIES else entry_name(key)
    return EntryProblem(source, line, f"{what} is malformed: {reason}; skipped")
