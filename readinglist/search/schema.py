"""The Whoosh schema for papers and the conversion of a Paper into an index document.

Only the id is stored: snippets are built from the text in SQLite, which keeps the
index small and means the index never holds user text the database does not.
"""

from __future__ import annotations

import re

from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    CharsetFilter,
    Filter,
    IDAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.support.charset import accent_map

from ..domain import Paper

# Bump when the schema, the analyzers or the values stored change: an index with another
# version is rebuilt (8: the inbox's status is 'inbox', no longer 'unread').
INDEX_SCHEMA_VERSION = 8

# Words, with inner dots and apostrophes kept ("FLUX.1"). Names split on hyphens.
_TOKEN_PATTERN = r"\w+(?:[.']\w+)*"
# Prose keeps hyphenated compounds together, for CompoundFilter to split.
_COMPOUND_PATTERN = r"\w+(?:[-.']\w+)*"
_PART = re.compile(r"[^-]+")


class CompoundFilter(Filter):
    """Splits "fine-tuning" into "fine" and "tuning" at consecutive positions, so the
    phrase "fine tuning" finds it, and, when indexing, also adds "finetuning" at the
    position of the first part, so a search for "finetuning" finds it too.

    Runs after the stop filter (whose renumbering would move the added token), so it
    drops stop-word parts itself ("text-to-image" -> text, image + texttoimage).
    """

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS) -> None:
        self.stops = stoplist

    def __call__(self, tokens):
        shift = 0  # positions added by compounds so far
        for t in tokens:
            if "-" not in t.text:
                if shift and t.positions:
                    t.pos += shift
                yield t
                continue
            pieces = [(m.group(0), m.start(), m.end()) for m in _PART.finditer(t.text)]
            kept = [p for p in pieces if p[0] not in self.stops]
            if not kept:
                shift -= 1
                continue
            base = t.pos + shift if t.positions else 0
            if t.mode == "index" and len(pieces) > 1:
                joined = t.copy()
                joined.text = "".join(p[0] for p in pieces)
                if t.positions:
                    joined.pos = base
                yield joined
            for i, (text, start, end) in enumerate(kept):
                part = t.copy()
                part.text = text
                if t.positions:
                    part.pos = base + i
                if t.chars:
                    part.startchar, part.endchar = t.startchar + start, t.startchar + end
                yield part
            shift += len(kept) - 1


def text_analyzer() -> Analyzer:
    """English prose: case and accent folding, stop words, compounds, Porter stemming."""
    return (
        RegexTokenizer(_COMPOUND_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=1)
        | CompoundFilter()
        | StemFilter(cachesize=50000)
    )


def name_analyzer() -> Analyzer:
    """Names: folded but not stemmed ('Schütze' is found by 'schutze')."""
    return RegexTokenizer(_TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    text = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),  # column: docnum -> id, fast
        title=TEXT(analyzer=text, field_boost=3.0),
        authors=TEXT(analyzer=name_analyzer()),
        abstract=TEXT(analyzer=text),
        note=TEXT(analyzer=text),
        annotation=TEXT(analyzer=text),
        # Text of attached PDFs: searched, never stored (SQLite keeps it).
        fulltext=TEXT(analyzer=text, field_boost=0.5),
        tags=KEYWORD(lowercase=True, commas=True, scorable=True, field_boost=2.0),
        venue=TEXT(analyzer=text),
        # Lower-cased like the stored values, so `status:Read` and `doi:10.1/ABC` match.
        status=ID(analyzer=IDAnalyzer(lowercase=True)),
        # signed: Whoosh's unsigned ranges match every year when the start is left open.
        year=NUMERIC(int, signed=True),
        arxiv=ID(analyzer=IDAnalyzer(lowercase=True)),
        doi=ID(analyzer=IDAnalyzer(lowercase=True)),
        added=DATETIME,
        priority=ID(analyzer=IDAnalyzer(lowercase=True)),
        rating=NUMERIC(int, signed=True),
        read=DATETIME,  # when it was finished (read or skimmed)
        started=DATETIME,
    )


def paper_document(paper: Paper, fulltext: str = "") -> dict:
    """The fields Whoosh indexes for one paper (`fulltext`: its attached PDFs' text)."""
    doc: dict = {
        "fulltext": fulltext,
        "id": str(paper.id),
        "title": paper.title,
        "authors": "\n".join(paper.authors),
        "abstract": paper.abstract,
        "note": paper.note,
        "annotation": field_text(paper, "annotation"),
        "tags": ",".join(t.lower() for t in paper.tags),
        "venue": paper.venue,
        "status": paper.status.value,
        "arxiv": paper.arxiv_id,
        "doi": paper.doi,
    }
    if paper.year is not None:
        doc["year"] = paper.year
    if paper.added is not None:
        doc["added"] = paper.added.replace(tzinfo=None)
    doc["priority"] = paper.priority.value
    if paper.rating is not None:
        doc["rating"] = paper.rating
    if paper.finished is not None:
        doc["read"] = paper.finished.replace(tzinfo=None)
    if paper.started is not None:
        doc["started"] = paper.started.replace(tzinfo=None)
    return {k: v for k, v in doc.items() if v not in ("", None)}


def field_text(paper: Paper, fieldname: str) -> str:
    """The text a text field indexes for a paper (snippets are built from the same)."""
    if fieldname == "annotation":
        # Each highlight's passage, then its comment, one per line.
        return "\n".join(
            f"{a.quote}\n{a.comment}" if a.comment else a.quote for a in paper.annotations
        )
    if fieldname == "authors":
        return "\n".join(paper.authors)
    return str(getattr(paper, fieldname))
