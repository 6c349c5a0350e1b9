"""Sorting and filtering lists of papers: exact orders for every key and direction, the
same whether a set is looked up and sorted or picked from the key's index (migration
m012), and the same as before the indexes (schema 11's queries and a library it wrote)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.domain import PaperRecord
from readinglist.store import listing
from readinglist.store.listing import SORT_KEYS, index_order_sql
from readinglist.store.schema import MIGRATION_NAMES, SCHEMA_VERSION, migrations

FIXTURES = Path(__file__).parent / "fixtures"
DIRECTIONS = (False, True)

# Schema 11's sort expressions (before m012), the reference every order is checked against.
V11_TAGS = ("(SELECT group_concat(tag, ', ') FROM paper_tags WHERE paper_id = papers.id)"
            " COLLATE NOCASE")
V11_KEYS = {**SORT_KEYS, "tags": V11_TAGS}


def v11_order_by(sort: str, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY {V11_KEYS[sort]} {direction}, papers.id {direction}"


def v11_sort_ids(lib: Library, ids: list[int], sort: str, descending: bool) -> list[int]:
    """sort_ids as schema 11 did it."""
    return [r[0] for r in lib.store._q(
        "SELECT papers.id FROM papers WHERE papers.id IN (SELECT value FROM json_each(?))"
        + v11_order_by(sort, descending), [json.dumps(ids)])]


def v11_list_ids(lib: Library, sort: str, descending: bool, *, status: str | None = None,
                 tag: str | None = None, year: int | None = None, last_import: bool = False,
                 trash: bool = False) -> list[int]:
    """list_ids as schema 11 did it: one query, filters and sort in SQL."""
    where = ["papers.trashed IS NOT NULL" if trash else "papers.trashed IS NULL"]
    params: list[object] = []
    if last_import:
        where.append("papers.id IN (SELECT paper_id FROM last_import)")
    if year is not None:
        where.append("papers.year = ?")
        params.append(year)
    if status:
        where.append("papers.status = ?")
        params.append(status)
    if tag:
        where.append("papers.id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)")
        params.append(tag)
    return [r[0] for r in lib.store._q(
        "SELECT papers.id FROM papers WHERE " + " AND ".join(where)
        + v11_order_by(sort, descending), params)]


@pytest.fixture(params=["looked up", "from the index"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of sorting a set: every set looked up, or every set picked from the
    key's whole index."""
    monkeypatch.setattr(listing, "LOOKUP_SHARE", 10**9 if request.param == "looked up" else 0)
    return str(request.param)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """Nine papers: titles equal but for case (2, 3, 4), two without a year (2, 6), tags
    that tie (4, 9) and differ in case, paper 8 in the Trash."""
    lib = Library.open(tmp_path / "lib")
    papers = [  # title, year, tags
        ("Beta", 2020, ["x"]),
        ("alpha", None, ["Y", "b"]),
        ("Alpha", 2020, []),
        ("ALPHA", 2019, ["b", "a"]),
        ("_under", 2021, ["a-b"]),
        ("Zed", None, ["A"]),
        ("Ávila", 2018, []),
        ("trashed one", 2020, ["x"]),
        ("gamma", 2019, ["a", "B"]),
    ]
    for n, (title, year, tags) in enumerate(papers, start=1):
        paper = lib.add(title, year=year, tags=tags, authors=[f"Author {10 - n}"]).paper
        assert paper is not None and paper.id == n
    lib.set_rating(1, 5)
    lib.set_rating(4, 3)
    lib.set_rating(9, 3)
    lib.set_priority(2, "high")
    lib.set_priority(5, "low")
    lib.set_status(4, "queued")
    lib.set_status(6, "queued")
    lib.set_status(9, "read")
    lib.delete(8)
    yield lib
    lib.close()


LIVE = [1, 2, 3, 4, 5, 6, 7, 9]
EXPECTED = {  # ascending; descending is the reverse
    # NOCASE folds ASCII letters only: "_" sorts before letters, "Á" after them.
    "title": [5, 2, 3, 4, 1, 9, 6, 7],
    "year": [2, 6, 7, 4, 9, 1, 3, 5],  # no year first
    # Untagged first; "a" < "a, b" (4 and 9 tie: by id) < "a-b" < "b, Y" < "x".
    "tags": [3, 7, 6, 4, 9, 5, 2, 1],
    "rating": [2, 3, 5, 6, 7, 4, 9, 1],
    "priority": [5, 1, 3, 4, 6, 7, 9, 2],  # low, normal, high
    "authors": [9, 7, 6, 5, 4, 3, 2, 1],
    "id": LIVE,
}


@pytest.mark.parametrize("sort", sorted(EXPECTED))
def test_the_library_sorted_by_each_key_in_both_directions(library, way, sort):
    expected = EXPECTED[sort]
    assert library.list_ids(sort=sort) == expected
    assert library.list_ids(sort=sort, descending=True) == expected[::-1]
    # The library's ids given back in another order, as the table does.
    assert library.sort_ids([9, 3, 1, 7, 5, 2, 6, 4], sort) == expected
    assert library.sort_ids(LIVE[::-1], sort, descending=True) == expected[::-1]


def test_titles_equal_but_for_case_keep_their_order_by_id(library, way):
    assert library.list_ids(sort="title")[1:4] == [2, 3, 4]
    assert library.list_ids(sort="title", descending=True)[4:7] == [4, 3, 2]
    assert library.sort_ids([4, 2, 3], "title") == [2, 3, 4]
    assert library.sort_ids([4, 2, 3], "title", descending=True) == [4, 3, 2]


def test_a_subset_keeps_trashed_ids_given_drops_unknown_ones_and_repeats(library, way):
    subset = [9, 8, 2, 5, 100, 2]
    assert library.sort_ids(subset, "title") == [5, 2, 9, 8]
    assert library.sort_ids(subset, "title", descending=True) == [8, 9, 2, 5]
    assert library.sort_ids(subset, "year") == [2, 9, 8, 5]
    assert library.sort_ids(subset, "year", descending=True) == [5, 8, 9, 2]
    assert library.sort_ids(subset, "tags") == [9, 5, 2, 8]
    assert library.sort_ids([], "title") == []
    assert library.sort_ids([100, 200], "tags") == []


def test_every_key_matches_schema_11s_queries(library, way):
    library.set_status(2, "reading")
    library.set_status(1, "read")
    library.set_status(7, "abandoned")
    library.delete(3)
    subset = [9, 8, 3, 2, 5, 100]
    for sort in SORT_KEYS:
        for descending in DIRECTIONS:
            assert library.list_ids(sort=sort, descending=descending) == \
                v11_list_ids(library, sort, descending), (sort, descending)
            assert library.store.list_ids(sort=sort, descending=descending, trash=True) == \
                v11_list_ids(library, sort, descending, trash=True), (sort, descending)
            assert library.sort_ids(subset, sort, descending) == \
                v11_sort_ids(library, subset, sort, descending), (sort, descending)


def test_the_trash_is_listed_apart(library, way):
    library.delete(2)
    assert library.store.list_ids(sort="title", trash=True) == [2, 8]
    assert library.store.list_ids(sort="title", trash=True, tag="x") == [8]
    assert 2 not in library.list_ids(sort="title") and 8 not in library.list_ids(sort="tags")


def test_filters_alone_and_together_match_schema_11(library, way):
    report = library.import_records([PaperRecord(title="Imported", year=2019, tags=["b"]),
                                     PaperRecord(title="Beta", year=2020,
                                                 authors=["Author 9"])])  # 1 again
    assert report.added and report.duplicates
    cases = [dict(status="queued"), dict(tag="B"), dict(tag="x"), dict(year=2019),
             dict(year=1900), dict(last_import=True), dict(status="queued", tag="b"),
             dict(status="read", tag="a", year=2019), dict(tag="nothing")]
    for case in cases:
        for sort in ("title", "added", "tags", "year"):
            for descending in DIRECTIONS:
                got = library.store.list_ids(sort=sort, descending=descending, **case)
                assert got == v11_list_ids(library, sort, descending, **case), case
    assert library.list_ids(tag="B", sort="title") == [2, 4, 9, 10]
    assert library.list_ids(status="queued", tag="b", sort="title") == [4]
    assert library.list_ids(year=2019, sort="title", descending=True) == [10, 9, 4]
    assert library.list_ids(status="inbox", sort="id") == [1, 2, 3, 5, 7, 10]


def test_an_unknown_sort_key_is_refused(library):
    with pytest.raises(ValueError, match="unknown sort key"):
        library.list_ids(sort="colour")
    with pytest.raises(ValueError, match="unknown sort key"):
        library.sort_ids(list(range(10_000)), "colour")


def test_a_write_sees_its_own_papers_sorted(library, way):
    with library.writer.write():
        new = library.store.insert_paper(PaperRecord(title="Aardvark", tags=["aa"]))
        assert library.store.list_ids(sort="title")[:2] == [5, new]
        assert library.store.sort_ids([new, 1], "tags") == [new, 1]
    assert library.list_ids(sort="tags") == [3, 7, 6, 4, 9, 5, new, 2, 1]


def test_a_list_read_while_another_connection_commits_is_read_again(library):
    # list_ids reads in several queries (no read transaction: the store begins only its
    # writes, with BEGIN IMMEDIATE): a commit between them means reading again.
    calls: list[int] = []

    def read() -> int:
        calls.append(len(calls))
        if len(calls) == 1:
            library.set_rating(3, 4)  # a commit through the writer: another connection
        return len(calls)

    with library.store._reading() as conn:
        assert listing._consistent(conn, read) == 2
        assert listing._consistent(conn, read) == 3  # nothing committed: read once


# -- the indexes --------------------------------------------------------------------------------


def test_every_key_is_read_from_an_index_in_its_order(library):
    for sort in SORT_KEYS:
        plan = " | ".join(r[3] for r in library.store._q(
            "EXPLAIN QUERY PLAN " + index_order_sql(sort)))
        assert "INDEX" in plan and "TEMP B-TREE" not in plan, (sort, plan)


def tag_lists_as_they_should_be(lib: Library) -> list[tuple[int, str | None]]:
    return [tuple(r) for r in lib.store._q(  # type: ignore[misc]
        f"SELECT id, {V11_TAGS.removesuffix(' COLLATE NOCASE')} FROM papers ORDER BY id")]


def tag_lists(lib: Library) -> list[tuple[int, str | None]]:
    return [tuple(r) for r in lib.store._q(  # type: ignore[misc]
        "SELECT paper_id, tags FROM tag_lists ORDER BY paper_id")]


def test_the_tags_sort_key_follows_every_change_of_tags(library):
    assert tag_lists(library) == tag_lists_as_they_should_be(library)
    assert dict(tag_lists(library))[2] == "b, Y"
    library.change_tags(3, add=["zz", "A"])
    library.change_tags(2, remove=["b"])
    library.set_tags(1, [])
    library.rename_tag("x", "Xylophone")
    library.merge_tags(["a-b", "zz"], "a")
    library.delete_tag("Y")
    assert tag_lists(library) == tag_lists_as_they_should_be(library)
    assert dict(tag_lists(library))[3] == "a"
    assert library.list_ids(sort="tags") == [1, 2, 7, 3, 5, 6, 4, 9]
    undo = library.merge_papers(4, [9, 3])  # 9's and 3's tags move to 4
    assert tag_lists(library) == tag_lists_as_they_should_be(library)
    assert 9 not in dict(tag_lists(library))
    library.undo_merge(undo)
    assert tag_lists(library) == tag_lists_as_they_should_be(library)
    assert dict(tag_lists(library))[9] == "a, b"
    library.empty_trash()
    assert 8 not in dict(tag_lists(library))
    report = library.import_records([PaperRecord(title="New", tags=["b", "C"])])
    assert tag_lists(library) == tag_lists_as_they_should_be(library)
    assert dict(tag_lists(library))[report.added[0][0]] == "b, C"


def test_a_script_writing_tags_directly_keeps_the_key(library):
    # Triggers, not the library's code, keep it: any writer (sqlite-utils, the CLI).
    with library.writer.write():
        library.store.db.execute("INSERT INTO paper_tags (paper_id, tag) VALUES (7, 'q')")
        library.store.db.execute("UPDATE paper_tags SET paper_id = 3 WHERE paper_id = 7")
        library.store.db.execute("DELETE FROM papers WHERE id = 5")
    assert tag_lists(library) == tag_lists_as_they_should_be(library)
    assert library.list_ids(sort="tags")[:2] == [7, 6]


# -- a library written by schema 11 --------------------------------------------------------------

# What schema 11's list_ids (library and Trash) and sort_ids([13, 9, 2, 6, 4, 11, 1, 99])
# gave on library-v11.sqlite, recorded before m012 existed (ascending; descending is the
# reverse). Titles equal but for case (2/3, 1/6, 13/14), no year (4, 6), 8 and 9 in the
# Trash, tags "a, b" and "A, b" (10, 11), untagged papers (7, 14).
V11_ORDERS = {
    "title": ([11, 10, 2, 3, 13, 14, 1, 6, 7, 12, 4, 5], [9, 8], [11, 9, 2, 13, 1, 6, 4]),
    "authors": ([5, 2, 3, 11, 13, 14, 1, 6, 4, 10, 12, 7], [9, 8], [9, 2, 11, 13, 1, 6, 4]),
    "year": ([4, 6, 12, 2, 3, 5, 7, 1, 13, 10, 11, 14], [8, 9], [4, 6, 2, 9, 1, 13, 11]),
    "status": ([6, 4, 11, 12, 13, 14, 3, 7, 1, 10, 2, 5], [8, 9], [6, 4, 9, 11, 13, 1, 2]),
    "priority": ([5, 2, 3, 4, 6, 7, 10, 11, 13, 14, 1, 12], [8, 9], [2, 4, 6, 9, 11, 13, 1]),
    "rating": ([2, 3, 4, 6, 7, 11, 13, 14, 12, 5, 10, 1], [8, 9], [2, 4, 6, 9, 11, 13, 1]),
    "finished": ([2, 3, 4, 6, 7, 11, 12, 13, 14, 1, 5, 10], [8, 9], [2, 4, 6, 9, 11, 13, 1]),
    "queue": ([1, 2, 4, 5, 6, 10, 11, 12, 13, 14, 3, 7], [8, 9], [1, 2, 4, 6, 9, 11, 13]),
    "trashed": ([1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14], [8, 9], [1, 2, 4, 6, 11, 13, 9]),
    "tags": ([7, 14, 5, 10, 11, 6, 4, 1, 13, 3, 2, 12], [9, 8], [9, 11, 6, 4, 1, 13, 2]),
    "id": ([1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14], [8, 9], [1, 2, 4, 6, 9, 11, 13]),
}


@pytest.fixture
def v11_library(tmp_path: Path) -> Iterator[Library]:
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(FIXTURES / "library-v11.sqlite", folder / "library.sqlite")
    with Library.open(folder) as lib:
        yield lib


def test_v11_library_migrates_and_keeps_everything(v11_library):
    # Written by the release of schema 11 (tag colours). Schema 12 adds the sort indexes.
    lib = v11_library
    assert lib.store.schema_version == SCHEMA_VERSION
    assert [m.name for m in migrations.applied(lib.store.db)] == MIGRATION_NAMES
    assert "m012_sort_indexes" in MIGRATION_NAMES
    assert lib.count() == 12 and lib.trash_ids() == [9, 8]
    soups = lib.get(1)
    assert soups.tags == ("ensembles", "LLM") and soups.rating == 5
    assert soups.note == "v11 note about soups"
    assert [a.comment for a in soups.annotations] == ["a v11 highlight"]
    assert lib.queue_ids() == [3, 7]
    assert lib.last_import_ids() == [13, 14]
    assert lib.tag_colours() == {"LLM": "#f0883e"}
    assert [s.name for s in lib.saved_searches()] == ["Soups"]
    assert lib.search_ids("soups") == [1, 6]
    assert tag_lists(lib) == tag_lists_as_they_should_be(lib)
    # The migration logged nothing: no paper changed.
    assert lib.store._q("SELECT count(*) FROM change_log WHERE seq > "
                        "(SELECT max(seq) FROM change_log WHERE kind = 'last_import')") \
        == [(0,)]


def test_v11_library_sorts_as_schema_11_did(v11_library, way):
    lib = v11_library
    subset = [13, 9, 2, 6, 4, 11, 1, 99]
    for sort, (listed, trashed, picked) in V11_ORDERS.items():
        assert lib.list_ids(sort=sort) == listed, sort
        assert lib.list_ids(sort=sort, descending=True) == listed[::-1], sort
        assert lib.store.list_ids(sort=sort, trash=True) == trashed, sort
        assert lib.sort_ids(subset, sort) == picked, sort
        assert lib.sort_ids(subset, sort, descending=True) == picked[::-1], sort
    for sort in SORT_KEYS:  # and added/modified, whose times the fixture fixed
        for descending in DIRECTIONS:
            assert lib.list_ids(sort=sort, descending=descending) == \
                v11_list_ids(lib, sort, descending), sort


@pytest.mark.parametrize("fixture", ["library-v1.sqlite", "library-v5.sqlite",
                                     "library-v6.sqlite", "library-v9.sqlite",
                                     "library-v11.sqlite"])
def test_every_older_library_sorts_as_before_once_migrated(tmp_path, fixture, way):
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(FIXTURES / fixture, folder / "library.sqlite")
    with Library.open(folder) as lib:
        assert lib.store.schema_version == SCHEMA_VERSION
        assert tag_lists(lib) == tag_lists_as_they_should_be(lib)
        assert any(tags for _id, tags in tag_lists(lib))
        every = lib.store._q("SELECT id FROM papers")
        for sort in SORT_KEYS:
            for descending in DIRECTIONS:
                listed = v11_list_ids(lib, sort, descending)
                assert lib.list_ids(sort=sort, descending=descending) == listed, sort
                assert lib.sort_ids([i for (i,) in every], sort, descending) == \
                    v11_sort_ids(lib, [i for (i,) in every], sort, descending), sort
