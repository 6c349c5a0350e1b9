"""Turning what the user typed into a Whoosh query, with clear errors.

Words must all match (AND) across the default fields; `OR`, `NOT`, parentheses,
"phrases", `field:value` and `prefix*` work as users expect from search engines.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS
from whoosh.codec.base import Automata
from whoosh.fields import DATETIME, Schema
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    FuzzyTermPlugin,
    GtLtPlugin,
    MultifieldPlugin,
    QueryParser,
    syntax,
)
from whoosh.reading import SegmentReader, TermNotFound

from ..domain import STATUS_ALIASES, QueryError
from ..text.normalize import fold_accents, normalize_arxiv_id, normalize_doi

# Fields searched when the user names none.
DEFAULT_FIELDS = ("title", "authors", "abstract", "note", "annotation", "tags", "fulltext")
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
    "annotation": "annotation",
    "annotations": "annotation",
    "highlight": "annotation",
    "priority": "priority",
    "rating": "rating",
    "read": "read",
    "finished": "read",
    "started": "started",
    "fulltext": "fulltext",
    "text": "fulltext",
    "pdf": "fulltext",
}
USER_FIELDS = ("title", "author", "abstract", "note", "annotation", "tag", "status", "year",
               "venue",
               "arxiv", "doi", "added", "fulltext", "priority", "rating", "read", "started")

# Prefix queries shorter than this would expand to a large part of the vocabulary.
MIN_PREFIX = 2
MAX_PREFIX_TERMS = 200
# Fuzzy words (`transfromer~`) match words within this many edits, at most this many.
MAX_FUZZY_TERMS = 50
FUZZY_PREFIX = 1  # the first letter must be right: typos there are rare, and it is fast
# At most this many edits (`word~2`), as Lucene: the automaton for more grows with the
# vocabulary so fast that `transformers~9` took 30 s and 1 GB on 68 papers.
MAX_FUZZY_EDITS = 2
# A query longer than this is refused: the spelling suggestion's automaton grows with a
# word's length (a 10,000-character word took 9 s), and no real query is this long.
MAX_QUERY_CHARS = 1000
# Fields that hold numbers or dates, and the range users can type instead of a prefix.
_RANGE_EXAMPLES = {"year": "year:2020..2024", "rating": "rating:4..5",
                   "added": "added:2024-01-01..2024-06-30", "read": "read:2024-01..2024-06",
                   "started": "started:2024-01..2024-06"}

# `name:value` with nothing between; "Model soups: averaging ..." (a pasted title) and
# "https://..." are text.
_FIELD_RE = re.compile(r"(?:^|(?<=[\s(\-+]))([A-Za-z_]+):(?!//)(?=\S)")


# A quoted phrase (kept as it is) or a minus that starts a word.
_MINUS_RE = re.compile(r'"[^"]*"|(^|[\s(])-(?=[\w"(])')
# A quoted phrase (kept as it is) or question marks that end a word: "Each Other?" is a
# question, not Whoosh's one-character wildcard.
_QUESTION_RE = re.compile(r'"[^"]*"|(?<=\w)\?+(?=[\s)]|$)')


def _shown(text: str, limit: int = 40) -> str:
    """Part of the query quoted in a message: the start of a long one."""
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _short_words(message: str) -> str:
    """A message with every long word shortened: Whoosh quotes values whole, and a
    5,000-digit year made a 5,000-character message."""
    return re.sub(r"\S{41,}", lambda m: _shown(m.group(0)), message)


class BoundedPrefix(wq.Prefix):
    """A prefix query whose expansion is capped, so `a*` cannot make a search slow, and
    whose matches all score the same (as Lucene's constant-score rewrite of a prefix).

    Whoosh ORs the expanded terms together: a merge tree of up to 200 matchers per field
    that the walk steps through posting by posting (`comp*` took 3.5 s at 100,000
    papers). Here each term's postings are read once into one sorted list of documents.
    """

    def _btexts(self, ixreader):
        for count, btext in enumerate(ixreader.expand_prefix(self.fieldname, self.text)):
            if count >= MAX_PREFIX_TERMS:
                return
            yield btext

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        documents: set[int] = set()
        for btext in self._btexts(reader):
            try:
                postings = reader.postings(self.fieldname, btext)
            except TermNotFound:  # a word of the dictionary with no live posting left
                continue
            documents.update(postings.all_ids())  # deleted documents filtered out
        if not documents:
            return NullMatcher()
        return ListMatcher(sorted(documents), all_weights=self.boost)


class BoundedFuzzy(wq.FuzzyTerm):
    """A fuzzy word whose expansion is capped at the most frequent close words."""

    def _btexts(self, ixreader):
        # Searching, counting and highlighting all ask, once per segment each; the
        # expansion is the slow part, so it is kept per reader (a parsed query is cached
        # by the index, and its segment readers live as long as the searcher).
        expansions = self.__dict__.setdefault("_expansions", {})
        within = expansions.get(ixreader)
        if within is None:
            within = _terms_within(ixreader, self.fieldname, self.text, self.maxdist,
                                   self.prefixlength)
            if len(within) > MAX_FUZZY_TERMS:
                within.sort(key=lambda t: -ixreader.doc_frequency(self.fieldname, t))
                within = within[:MAX_FUZZY_TERMS]
            if len(expansions) >= 64:  # readers of segments merged away since
                expansions.clear()
            expansions[ixreader] = within
        return within


@functools.lru_cache(maxsize=64)
def _levenshtein_dfa(text: str, maxdist: int, prefix: int) -> Any:
    """The automaton of the words within `maxdist` edits of `text`: the same for every
    field and segment, and building it took a third of a fuzzy search (once per field
    and segment in Whoosh's own SegmentReader.terms_within)."""
    return Automata.levenshtein_dfa(text, maxdist, prefix)


def _terms_within(ixreader, fieldname: str, text: str, maxdist: int, prefix: int) -> list:
    """The reader's words of `fieldname` within `maxdist` edits of `text`."""
    # A prefix longer than the word (`word~/20`) is the whole word: Whoosh's automaton
    # indexed past its end (IndexError, found by fuzzing).
    prefix = min(prefix, len(text))
    if not isinstance(ixreader, SegmentReader):  # several segments: Whoosh merges them
        return list(ixreader.terms_within(fieldname, text, maxdist, prefix=prefix))
    cursor = ixreader.cursor(ixreader.schema[fieldname].spelling_fieldname(fieldname))
    return list(Automata.find_matches(_levenshtein_dfa(text, maxdist, prefix), cursor))


def auto_distance(word: str) -> int:
    """Edits a fuzzy word allows when the user gives no number (as search engines do)."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


class _FuzzyPlugin(FuzzyTermPlugin):
    """`word~` allows 1 edit for short words and 2 for long ones (`word~1` to choose)."""

    class FuzzyTermNode(FuzzyTermPlugin.FuzzyTermNode):
        def query(self, parser):
            if self.maxdist is not None and self.maxdist > MAX_FUZZY_EDITS:
                raise QueryError(
                    f"'{_shown(self.text)}~{self.maxdist}': a word can differ by at most "
                    f"{MAX_FUZZY_EDITS} edits; use ~1 or ~2 (or ~ alone: 1 edit for short "
                    "words, 2 for long ones)")
            q = syntax.TextNode.query(self, parser)
            if isinstance(q, wq.FuzzyTerm):
                q.maxdist = auto_distance(self.text) if self.maxdist is None else self.maxdist
                q.prefixlength = max(self.prefixlength, FUZZY_PREFIX)
            return q

    # Whoosh's own reads one digit, so `word~10` was `word~1` AND `0`: read them all,
    # to refuse more than MAX_FUZZY_EDITS.
    expr = re.compile(r"(?<=\S)~(?P<maxdist>[0-9]+)?(/(?P<prefix>[1-9][0-9]*))?")

    def create(self, parser, match):
        for group in ("maxdist", "prefix"):
            digits = match.group(group) or ""
            if len(digits) > 3:  # (and int() refuses 4,300 digits)
                raise QueryError(f"'{_shown(match.group(0))}': a number that large means "
                                 "nothing here; use ~1 or ~2")
        node = super().create(parser, match)
        if not match.group("maxdist"):
            node.maxdist = None
        return node

    def do_fuzzyterms(self, parser, group):
        newgroup = group.empty_copy()
        i = 0
        while i < len(group):
            node = group[i]
            if i < len(group) - 1 and isinstance(node, syntax.WordNode):
                nextnode = group[i + 1]
                if isinstance(nextnode, self.FuzzinessNode):
                    node = self.FuzzyTermNode(node, nextnode.maxdist, nextnode.prefixlength)
                    i += 1
            if isinstance(node, self.FuzzinessNode):
                node = syntax.to_word(node)
            if isinstance(node, syntax.GroupNode):
                node = self.do_fuzzyterms(parser, node)
            newgroup.append(node)
            i += 1
        return newgroup


class PaperQueryParser(QueryParser):
    """Whoosh's parser, with three changes: prefixes are kept as typed (only lower-cased
    and accent-folded; the stock parser stems `des*` into `de*`), prefix and fuzzy
    expansions are bounded, and a hyphenated word ("fine-tuning") finds the phrase
    "fine tuning" and the closed form "finetuning"."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,
                   removestops=True):
        if termclass is wq.Prefix:
            self._refuse_prefix_of_values(fieldname, text)
            text = fold_accents(text).lower()
            if len(text) < MIN_PREFIX:
                raise QueryError(
                    f"'{text}*' is too short: type at least {MIN_PREFIX} letters before *"
                )
            return BoundedPrefix(fieldname, text, boost=boost)
        if termclass is wq.FuzzyTerm:
            termclass = BoundedFuzzy
        elif termclass is wq.Term and "-" in text.strip("-") and self._has_positions(fieldname):
            return self._compound_query(fieldname, text, boost)
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)

    def _refuse_prefix_of_values(self, fieldname: str, text: str) -> None:
        """QueryError for `year:20*` or `added:zz*`: numbers and dates are not words, so
        a prefix of them means nothing to the index (and Whoosh fails on it)."""
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if field is None or not field.self_parsing():
            return
        kind = "dates" if isinstance(field, DATETIME) else "numbers"
        example = _RANGE_EXAMPLES.get(fieldname, f"{fieldname}:LOW..HIGH")
        raise QueryError(
            f"'{fieldname}:{_shown(text)}*': * finds words that start alike, and {fieldname} holds "
            f"{kind}; give one, or a range like {example}")

    def _has_positions(self, fieldname: str) -> bool:
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        return bool(field and field.format and field.format.supports("positions"))

    def _compound_query(self, fieldname: str, text: str, boost: float) -> wq.Query | None:
        field = self.schema[fieldname]
        words = list(field.process_text(text, mode="query"))
        closed = list(field.process_text(text.replace("-", ""), mode="query"))
        if len(words) < 2:
            return super().term_query(fieldname, text, wq.Term, boost)
        options: list[wq.Query] = [wq.Phrase(fieldname, words, boost=boost)]
        if len(closed) == 1:
            options.append(wq.Term(fieldname, closed[0], boost=boost))
        return wq.Or(options)


class _Phrase(wq.Phrase):
    """A phrase that, in a field without word positions (tags), needs all its words.

    Whoosh's own raises there, so `"efficient, scalable"` (a comma splits tags) failed.
    """

    def matcher(self, searcher, context=None):
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

    def do_multifield(self, parser, group):
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
    parser.add_plugin(_FuzzyPlugin())
    return parser


def check_syntax(text: str) -> None:
    """Report unbalanced quotes and parentheses and unknown fields, with the column."""
    open_at: list[int] = []  # columns of the '(' not closed yet
    in_quote_at: int | None = None
    for column, char in enumerate(text, start=1):
        if char == '"':
            in_quote_at = None if in_quote_at is not None else column
        elif in_quote_at is None and char == "(":
            open_at.append(column)
        elif in_quote_at is None and char == ")":
            if not open_at:
                raise QueryError(f"unmatched ')' at column {column}")
            open_at.pop()
    if in_quote_at is not None:
        raise QueryError(f'the quote opened at column {in_quote_at} is never closed')
    if open_at:
        raise QueryError(f"the '(' at column {open_at[0]} is never closed")
    unquoted = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)
    for match in _FIELD_RE.finditer(unquoted):
        name = match.group(1).lower()
        if name not in FIELD_ALIASES:
            raise QueryError(
                f"unknown field '{_shown(match.group(1))}:' at column {match.start(1) + 1}; "
                f"fields are: {', '.join(f + ':' for f in USER_FIELDS)}"
            )


def preprocess(text: str) -> str:
    """Check the query and rewrite our syntax into Whoosh's (QueryError if unreadable)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS:,}")
    check_syntax(text)
    # Field names are case-insensitive for users; Whoosh's are not.
    text = _FIELD_RE.sub(lambda m: m.group(1).lower() + ":", text)
    text = _IDENTIFIER_RE.sub(_normalize_identifier, text)
    text = _without_minus(text)
    text = _RANGE_RE.sub(_range_to_whoosh, text)
    return _QUESTION_RE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)


def parse_query(parser: PaperQueryParser, text: str) -> wq.Query:
    """Parse `text`; raise QueryError with a readable message when it cannot be read."""
    text = preprocess(text)
    try:
        parsed = parser.parse(text)
    except QueryError:
        raise
    except Exception as exc:  # Whoosh raises assorted errors on odd input
        raise QueryError(_short_words(f"cannot read the query: {exc}")) from None
    error = _find_error(parsed)
    if error:
        raise QueryError(_short_words(error))
    # `status:unread` (the inbox's name before schema 10, kept in saved searches and
    # habits) finds what `status:inbox` finds; the parser has lower-cased the value.
    for alias, status in STATUS_ALIASES.items():
        parsed = parsed.replace("status", alias, status)
    return parsed


# `year:2020..2024`, `added:2026-01-01..` (open ends allowed), outside phrases.
_RANGE_RE = re.compile(r'"[^"]*"|(?<=:)([^\s()"\[\]]*)\.\.([^\s()"\[\]]*)')


def _range_to_whoosh(match: re.Match[str]) -> str:
    if match.group(0).startswith('"'):
        return match.group(0)
    low, high = match.group(1), match.group(2)
    if low and high:
        return f"[{low} TO {high}]"
    if low:
        return f">={low}"
    if high:
        return f"<={high}"
    raise QueryError("a range needs a start or an end, like year:2020..2024")


# `doi:` and `arxiv:` values as users paste them (URLs, versions), outside phrases.
_IDENTIFIER_RE = re.compile(r'"[^"]*"|(?:^|(?<=[\s(]))(doi|arxiv):(\S+?)(?=[\s)]|$)')


def _normalize_identifier(match: re.Match[str]) -> str:
    if match.group(0).startswith('"'):
        return match.group(0)
    field, value = match.group(1), match.group(2)
    clean = normalize_doi(value) if field == "doi" else normalize_arxiv_id(value) or value
    return f"{field}:{clean}"


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
