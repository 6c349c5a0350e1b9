"""Turning what the user typed into a Whoosh query, with clear errors.

Words must all match (AND) across the default fields; `OR`, `NOT`, parentheses,
"phrases", `field:value` and `prefix*` work as users expect from search engines.
"""

from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS
from whoosh.fields import Schema
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    GtLtPlugin,
    MultifieldPlugin,
    QueryParser,
    syntax,
)

from ..domain import QueryError
from ..textutil import fold_accents

# Fields searched when the user names none.
DEFAULT_FIELDS = ("title", "authors", "abstract", "note", "tags")
# What users may type before the colon, mapped to schema field names.
FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "abstract": "abstract",
    "note": "note",
    "notes": "note",
    "tag": "tags",
    "tags": "tags",
    "status": "status",
    "year": "year",
    "venue": "venue",
    "arxiv": "arxiv",
    "doi": "doi",
    "added": "added",
}
USER_FIELDS = ("title", "author", "abstract", "note", "tag", "status", "year", "venue",
               "arxiv", "doi", "added")

# Prefix queries shorter than this would expand to a large part of the vocabulary.
MIN_PREFIX = 2
MAX_PREFIX_TERMS = 200

# `name:value` with nothing between; "Model soups: averaging ..." (a pasted title) and
# "https://..." are text.
_FIELD_RE = re.compile(r"(?:^|(?<=[\s(\-+]))([A-Za-z_]+):(?!//)(?=\S)")


# A quoted phrase (kept as it is) or a minus that starts a word.
_MINUS_RE = re.compile(r'"[^"]*"|(^|[\s(])-(?=[\w"(])')
# A quoted phrase (kept as it is) or question marks that end a word: "Each Other?" is a
# question, not Whoosh's one-character wildcard.
_QUESTION_RE = re.compile(r'"[^"]*"|(?<=\w)\?+(?=[\s)]|$)')


class BoundedPrefix(wq.Prefix):
    """A prefix query whose expansion is capped, so `a*` cannot make a search slow."""

    def _btexts(self, ixreader):  # type: ignore[no-untyped-def]
        for count, btext in enumerate(ixreader.expand_prefix(self.fieldname, self.text)):
            if count >= MAX_PREFIX_TERMS:
                return
            yield btext


class PaperQueryParser(QueryParser):
    """Whoosh's parser, except that prefixes are kept as typed (only lower-cased and
    accent-folded) instead of being stemmed: the stock parser turns `des*` into `de*`."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,  # type: ignore[no-untyped-def]
                   removestops=True):
        if termclass is wq.Prefix:
            text = fold_accents(text).lower()
            if len(text) < MIN_PREFIX:
                raise QueryError(
                    f"'{text}*' is too short: type at least {MIN_PREFIX} letters before *"
                )
            return BoundedPrefix(fieldname, text, boost=boost)
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


class _Phrase(wq.Phrase):
    """A phrase that, in a field without word positions (tags), needs all its words.

    Whoosh's own raises there, so `"efficient, scalable"` (a comma splits tags) failed.
    """

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        field = searcher.schema[self.fieldname]
        if not field.format or not field.format.supports("positions"):
            terms = [wq.Term(self.fieldname, word) for word in self.words]
            return wq.And(terms, boost=self.boost).matcher(searcher, context)
        return super().matcher(searcher, context)


class _MultifieldPlugin(MultifieldPlugin):
    """Unfielded stop words ('as', 'the') are dropped like the text fields drop them.

    Otherwise they would be searched in the fields that keep them (authors, tags) and,
    since all words must match, "language models as optimizers" would find nothing.
    """

    def do_multifield(self, parser, group):  # type: ignore[no-untyped-def]
        # (Whoosh's method recurses into groups through this one.)
        for node in group:
            if (isinstance(node, syntax.WordNode) and node.fieldname is None
                    and node.text.lower() in STOP_WORDS):
                node.set_fieldname("title")  # analysed away: the word leaves the query
        return super().do_multifield(parser, group)


def build_parser(schema: Schema) -> PaperQueryParser:
    parser = PaperQueryParser(None, schema, group=AndGroup, phraseclass=_Phrase)
    parser.add_plugin(_MultifieldPlugin(list(DEFAULT_FIELDS)))
    aliases: dict[str, list[str]] = {}
    for alias, target in FIELD_ALIASES.items():
        if alias != target:
            aliases.setdefault(target, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    parser.add_plugin(GtLtPlugin())
    return parser


def check_syntax(text: str) -> None:
    """Report unbalanced quotes and parentheses and unknown fields, with the column."""
    depth = 0
    in_quote_at: int | None = None
    for column, char in enumerate(text, start=1):
        if char == '"':
            in_quote_at = None if in_quote_at is not None else column
        elif in_quote_at is None and char == "(":
            depth += 1
        elif in_quote_at is None and char == ")":
            depth -= 1
            if depth < 0:
                raise QueryError(f"unmatched ')' at column {column}")
    if in_quote_at is not None:
        raise QueryError(f'the quote opened at column {in_quote_at} is never closed')
    if depth > 0:
        raise QueryError(f"{depth} '(' never closed")
    unquoted = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)
    for match in _FIELD_RE.finditer(unquoted):
        name = match.group(1).lower()
        if name not in FIELD_ALIASES:
            raise QueryError(
                f"unknown field '{match.group(1)}:' at column {match.start(1) + 1}; "
                f"fields are: {', '.join(f + ':' for f in USER_FIELDS)}"
            )


def parse_query(parser: PaperQueryParser, text: str) -> wq.Query:
    """Parse `text`; raise QueryError with a readable message when it cannot be read."""
    check_syntax(text)
    # Field names are case-insensitive for users; Whoosh's are not.
    text = _FIELD_RE.sub(lambda m: m.group(1).lower() + ":", text)
    text = _without_minus(text)
    text = _QUESTION_RE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)
    try:
        parsed = parser.parse(text)
    except QueryError:
        raise
    except Exception as exc:  # Whoosh raises assorted errors on odd input
        raise QueryError(f"cannot read the query: {exc}") from None
    error = _find_error(parsed)
    if error:
        raise QueryError(error)
    return parsed


def _without_minus(text: str) -> str:
    """`-word` means NOT word (outside phrases; 'fine-tuning' keeps its hyphen)."""
    return _MINUS_RE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else
                         m.group(1) + "NOT ", text)


def _find_error(q: wq.Query) -> str | None:
    message = getattr(q, "error", None)
    if message:
        return f"cannot read part of the query: {message}"
    for child in q.children():
        found = _find_error(child)
        if found:
            return found
    return None
