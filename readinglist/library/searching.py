"""Searching a library: ranked hits with snippets, facets, similar papers, respellings
and where a query matches inside a paper. A service the Library holds and forwards to.

Hits come from the Whoosh index; the snippets' text from the database (the source of
truth), so the index never has to store what it shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..domain import Paper, QueryError, ReadinglistError, SearchHit, SearchResults, Segment
from ..search.index import SearchIndex
from ..search.schema import field_text
from ..store.paper_store import PaperStore
from .indexing import IndexSync

# Snippets come from the first of these fields that the query matched.
# An annotation comes first: a match inside a highlight is worth saying so.
SNIPPET_FIELDS = ("annotation", "abstract", "note", "title")


class Searching:
    """Searches over the index of `store`'s papers, kept by `sync`."""

    def __init__(self, store: PaperStore, index: SearchIndex, sync: IndexSync) -> None:
        self.store = store
        self.index = index
        self.sync = sync

    def search(self, query: str, limit: int | None = 50, snippets: bool = True,
               facets: bool = False, snippet_limit: int | None = None) -> SearchResults:
        """Ranked hits for a query in the search language (see README).

        `limit` hits (None: all) come with snippets unless `snippets` is False; `facets`
        adds counts by status, tag and year over every match. A query that finds nothing
        carries a `suggestion` when a respelling would find something. QueryError if the
        query cannot be read or the index is still being built.
        """
        query = query.strip()
        if limit is not None and limit < 1:
            raise ReadinglistError(f"the search limit must be at least 1, not {limit}")
        if not query:
            return SearchResults(query, (), 0)
        if not self.index.is_open or self.sync.rebuilding:
            raise QueryError(self.sync.state().message + "; search is available when it is done")
        parsed = self.index.parse(query)
        raw, total, matched = self.index.search(parsed, limit, all_ids=facets)
        hits = [SearchHit(h.paper_id, h.score) for h in raw]
        if snippets and hits:
            # Only the first `snippet_limit` hits (all by default): a table fetches the
            # rest a page at a time, as it draws them (see snippets()).
            found = self.snippets(query, [h.paper_id for h in hits[:snippet_limit]], parsed)
            hits = [found.get(h.paper_id, h) for h in hits]
            hits = [SearchHit(r.paper_id, r.score, h.snippet_field, h.snippet)
                    for r, h in zip(raw, hits, strict=True)]
        facet_counts: dict[str, dict[str, int]] = {}
        if facets:
            facet_counts = self.store.facet_counts(matched or [])
        suggestion = None
        if total == 0:
            suggestion = self._suggest(query, parsed)
        return SearchResults(query, tuple(hits), total, facet_counts, suggestion)

    def snippets(self, query: str, ids: Sequence[int],
                 parsed: Any = None) -> dict[int, SearchHit]:
        """Snippets of where `query` matches each of these papers (for showing a page of
        results at a time; the score is left at 0)."""
        parsed = parsed if parsed is not None else self.index.parse(query)
        terms = self.index.matched_terms(parsed, (*SNIPPET_FIELDS, "fulltext"))
        papers = self.store.get_papers(ids)
        result = {}
        for paper_id in ids:
            paper = papers.get(paper_id)
            if paper is not None:
                field, snippet = self._snippet(paper, terms)
                result[paper_id] = SearchHit(paper_id, 0.0, field, snippet)
        return result

    def facets(self, query: str = "") -> dict[str, dict[str, int]]:
        """Counts by status, tag and year over the papers a query matches (all if empty)."""
        if not query.strip():
            return self.store.facet_counts(None)
        return self.store.facet_counts(self.index.matching_ids(self.index.parse(query)))

    def more_like_this(self, paper_id: int, limit: int = 8) -> list[SearchHit]:
        """The papers most similar to this one, by the key terms of its title and abstract."""
        paper = self.store.get_paper(paper_id)
        if not self.index.is_open or self.sync.rebuilding:
            return []
        raw = self.index.more_like(paper_id, f"{paper.title}\n{paper.abstract}", limit)
        return [SearchHit(h.paper_id, h.score) for h in raw]

    def _suggest(self, query: str, parsed: Any) -> str | None:
        def surface(field: str, term: str) -> str | None:
            # A word as written in a paper that holds this index term (a stem).
            ids = self.index.ids_with_term(field, term, 5)
            for paper in self.store.get_papers(ids).values():  # deleted ones are skipped
                text = field_text(paper, field)
                for start, end in self.index.spans(field, text, {term}):
                    word = text[start:end]
                    return word.lower() if not word.isupper() else word
            return None

        respell = self.index.suggest(parsed, self.index.rewrite(query), surface)
        if not respell:
            return None
        # Mend the words in what the user typed, so the suggestion keeps their syntax.
        suggestion = query
        for typed, word in respell.items():
            pattern = rf"(?<!\w){re.escape(typed)}(?!\w)"
            suggestion = re.sub(pattern, word, suggestion, flags=re.IGNORECASE)
        if suggestion == query:
            return None
        try:
            parsed_suggestion = self.index.parse(suggestion)
        except QueryError:
            return None
        return suggestion if self.index.search(parsed_suggestion, 1)[1] > 0 else None

    def match_spans(self, query: str, paper_id: int) -> dict[str, list[tuple[int, int]]]:
        """Where the query matches in this paper's title, abstract and note, as
        (start, end) character ranges per field: for highlighting the full text."""
        if not query.strip() or not self.index.is_open:
            return {}
        terms = self.index.matched_terms(self.index.parse(query), SNIPPET_FIELDS)
        paper = self.store.get_paper(paper_id)
        return {
            field: spans
            for field in SNIPPET_FIELDS
            if (spans := self.index.spans(field, field_text(paper, field), terms.get(field, set())))
        }

    def _snippet(self, paper: Paper, terms: dict[str, set[str]]) -> tuple[str, tuple[Segment, ...]]:
        for field in SNIPPET_FIELDS:
            if terms.get(field):
                snippet = self.index.snippet(field, field_text(paper, field), terms[field])
                if snippet:
                    return field, snippet
        if terms.get("fulltext"):
            # Only when nothing else matched: the text of a PDF is read from the database.
            text = self.store.fulltexts([paper.id]).get(paper.id, "")
            snippet = self.index.snippet("fulltext", text, terms["fulltext"]) if text else ()
            if snippet:
                return "fulltext", snippet
        return "", ()

