"""The Whoosh schema for papers and the conversion of a Paper into an index document.

Only the id is stored: snippets are built from the text in SQLite, which keeps the
index small and means the index never holds user text the database does not.
"""

from __future__ import annotations

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    IDAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.support.charset import accent_map

from ..domain import Paper

# Bump when the schema or analyzers change: an index with another version is rebuilt.
INDEX_SCHEMA_VERSION = 2

# Words (with inner dots/apostrophes kept, e.g. "FLUX.1"), split on hyphens so that
# "fine-tuning" indexes as "fine" + "tuning".
_TOKEN_PATTERN = r"\w+(?:[.']\w+)*"


def text_analyzer() -> Analyzer:
    """English prose: case and accent folding, stop words, Porter stemming."""
    return (
        RegexTokenizer(_TOKEN_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=1)
        | StemFilter(cachesize=50000)
    )


def name_analyzer() -> Analyzer:
    """Names: folded but not stemmed ('Schütze' is found by 'schutze')."""
    return RegexTokenizer(_TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    text = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, field_boost=3.0),
        authors=TEXT(analyzer=name_analyzer()),
        abstract=TEXT(analyzer=text),
        note=TEXT(analyzer=text),
        tags=KEYWORD(lowercase=True, commas=True, scorable=True, field_boost=2.0),
        venue=TEXT(analyzer=text),
        # Lower-cased like the stored values, so `status:Read` and `doi:10.1/ABC` match.
        status=ID(analyzer=IDAnalyzer(lowercase=True)),
        year=NUMERIC(int, signed=False),
        arxiv=ID(analyzer=IDAnalyzer(lowercase=True)),
        doi=ID(analyzer=IDAnalyzer(lowercase=True)),
        added=DATETIME,
    )


def paper_document(paper: Paper) -> dict:
    """The fields Whoosh indexes for one paper."""
    doc: dict = {
        "id": str(paper.id),
        "title": paper.title,
        "authors": "\n".join(paper.authors),
        "abstract": paper.abstract,
        "note": paper.note,
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
    return {k: v for k, v in doc.items() if v not in ("", None)}
