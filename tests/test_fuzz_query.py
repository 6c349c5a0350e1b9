"""Property tests of the query language (issue 12): whatever is typed, a search returns
hits or says what is wrong with the query (QueryError); it never raises anything else
and never takes longer than the deadline (``transformers~9`` once took 30 s and 1 GB).

Short in the suite; see hypothesis_profiles.py for the long campaign.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import hypothesis_profiles  # noqa: F401  (registers and loads the profile)
import pytest
from fuzz_inputs import queries
from hypothesis import example, given

from readinglist import Library
from readinglist.domain import QueryError
from readinglist.search.query import build_parser, parse_query
from readinglist.search.schema import build_schema
from readinglist.system.locations import sample_page_path

_PARSER = build_parser(build_schema())


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The 68 papers of the sample page, searched by every example."""
    library = Library.open(tmp_path_factory.mktemp("fuzzq") / "lib")
    library.import_file(sample_page_path())
    yield library
    library.close()


@given(queries)
def test_parser_reads_or_says_why(text: str) -> None:
    try:
        parse_query(_PARSER, text)
    except QueryError as exc:
        assert str(exc).strip()
        assert len(str(exc)) < 1000  # a message, not the query echoed whole


@given(queries)
@example("title:title:~/20")  # the long campaign's find: a fuzzy prefix past the word
def test_search_answers_or_says_why(library: Library, text: str) -> None:
    try:
        found = library.search_view(text)
    except QueryError as exc:
        assert str(exc).strip()
        return
    assert found is not None


def test_nasty_queries_of_the_corpus(library: Library) -> None:
    """Every query of tests/fixtures/nasty/queries.txt: an answer or a QueryError."""
    lines = (Path(__file__).parent / "fixtures" / "nasty" / "queries.txt").read_text(
        encoding="utf-8").splitlines()
    assert len(lines) > 20
    for text in lines:
        try:
            library.search_view(text)
        except QueryError as exc:
            assert len(str(exc)) < 1000, text[:40]
