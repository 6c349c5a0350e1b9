"""PaperStore: the SQLite source of truth, on a fresh database per test."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist.domain import PaperNotFound, PaperRecord, Priority, Status, StatusChange, TableRow
from readinglist.matching.identity import Verdict, judge
from readinglist.store import paper_store
from readinglist.store.import_lookup import candidates, record_facts
from readinglist.store.paper_store import SORT_KEYS, PaperStore, SchemaTooNew
from readinglist.store.schema import MIGRATION_NAMES, SCHEMA_VERSION

T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[PaperStore]:
    s = PaperStore(None)
    yield s
    s.close()


def add(store: PaperStore, title: str, **fields) -> int:
    return store.insert_paper(PaperRecord(title=title, **fields))


def outbox_ids(store: PaperStore) -> list[int]:
    return [paper_id for _, paper_id in store.outbox()]


# -- papers ---------------------------------------------------------------------------


def test_inserted_paper_reads_back_with_every_field(store):
    paper_id = store.insert_paper(
        PaperRecord(
            title="Model soups",
            authors=["Mitchell Wortsman", "Gabriel Ilharco"],
            year=2022,
            venue="ICML",
            arxiv_id="2203.05482",
            doi="10.48550/arxiv.2203.05482",
            url="https://arxiv.org/abs/2203.05482",
            abstract="Averaging weights of fine-tuned models.",
            links=["https://github.com/mlfoundations/model-soups"],
            source="test",
            tags=["merging"],
        ),
        now=T0,
    )
    paper = store.get_paper(paper_id)
    assert paper.id == paper_id
    assert paper.title == "Model soups"
    assert paper.authors == ("Mitchell Wortsman", "Gabriel Ilharco")
    assert paper.year == 2022
    assert paper.venue == "ICML"
    assert paper.arxiv_id == "2203.05482"
    assert paper.doi == "10.48550/arxiv.2203.05482"
    assert paper.url == "https://arxiv.org/abs/2203.05482"
    assert paper.abstract == "Averaging weights of fine-tuned models."
    assert paper.links == ("https://github.com/mlfoundations/model-soups",)
    assert paper.source == "test"
    assert paper.tags == ("merging",)
    assert paper.status is Status.INBOX
    assert paper.note == ""
    assert paper.added == T0
    assert paper.modified == T0


def test_ids_are_given_in_insertion_order(store):
    assert [add(store, f"Paper {n}") for n in range(3)] == [1, 2, 3]
    assert store.paper_count() == 3


def test_update_changes_only_the_given_fields(store):
    paper_id = add(store, "Old title", authors=["A. Author"], abstract="Text.")
    store.update_fields(
        paper_id, {"title": "New title", "status": "Reading", "note": "my note", "year": 2021}
    )
    paper = store.get_paper(paper_id)
    assert paper.title == "New title"
    assert paper.status is Status.READING
    assert paper.note == "my note"
    assert paper.year == 2021
    assert paper.authors == ("A. Author",)
    assert paper.abstract == "Text."


def test_update_of_title_updates_the_duplicate_key(store):
    paper_id = add(store, "Old title")
    store.update_fields(paper_id, {"title": "Brand New Title"})
    assert candidate_ids(store, PaperRecord(title="brand new title")) == [paper_id]
    assert candidate_ids(store, PaperRecord(title="Old title")) == []


def test_update_refuses_fields_that_are_not_editable(store):
    paper_id = add(store, "A paper")
    with pytest.raises(ValueError, match="title_key"):
        store.update_fields(paper_id, {"title_key": "x"})
    with pytest.raises(ValueError, match="unknown status"):
        store.update_fields(paper_id, {"status": "finished"})
    assert store.get_paper(paper_id).title == "A paper"


def test_missing_paper_raises_paper_not_found(store):
    with pytest.raises(PaperNotFound, match="no paper with id 42"):
        store.get_paper(42)
    with pytest.raises(PaperNotFound):
        store.update_fields(42, {"note": "x"})
    with pytest.raises(PaperNotFound):
        store.delete_paper(42)
    with pytest.raises(PaperNotFound):
        store.set_tags(42, ["x"])


def test_get_papers_skips_unknown_ids(store):
    first = add(store, "First")
    assert list(store.get_papers([first, 99])) == [first]
    assert store.get_papers([]) == {}


def test_delete_removes_the_paper_and_its_tags(store):
    keep = add(store, "Keep", tags=["shared"])
    gone = add(store, "Gone", tags=["shared", "only-here"])
    store.delete_paper(gone)
    assert store.paper_count() == 1
    assert store.list_ids() == [keep]
    assert store.tag_counts() == {"shared": 1}
    with pytest.raises(PaperNotFound):
        store.get_paper(gone)


def test_iter_papers_yields_every_paper_in_batches(store):
    ids = [add(store, f"Paper {n}") for n in range(7)]
    batches = list(store.iter_papers(batch=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [p.id for b in batches for p in b] == ids


# -- tags -----------------------------------------------------------------------------


def test_tags_are_trimmed_deduplicated_and_sorted_without_case(store):
    paper_id = add(store, "A paper")
    store.set_tags(paper_id, ["  deep   learning ", "ml", "ML", "", "   ", "Agents"])
    assert store.get_paper(paper_id).tags == ("Agents", "deep learning", "ml")


def test_a_tag_reuses_the_librarys_existing_spelling(store):
    first = add(store, "First", tags=["LLM"])
    second = add(store, "Second")
    store.set_tags(second, ["llm"])
    assert store.get_paper(second).tags == ("LLM",)
    assert store.tag_counts() == {"LLM": 2}
    assert store.list_ids(tag="llm") == [first, second]
    assert store.list_ids(tag="  Llm ") == [first, second]


def test_set_tags_replaces_the_previous_tags(store):
    paper_id = add(store, "A paper", tags=["old", "keep"])
    store.set_tags(paper_id, ["keep", "new"])
    assert store.get_paper(paper_id).tags == ("keep", "new")
    assert store.tag_counts() == {"keep": 1, "new": 1}


# -- listing and sorting --------------------------------------------------------------


def test_list_ids_filters_by_status_and_tag(store):
    a = add(store, "A", tags=["x"])
    b = add(store, "B", tags=["x"])
    c = add(store, "C")
    store.update_fields(a, {"status": "read"})
    store.update_fields(c, {"status": "read"})
    assert store.list_ids(status="read") == [a, c]
    assert store.list_ids(status=Status.INBOX) == [b]
    assert store.list_ids(status="READ", tag="x") == [a]
    assert store.list_ids(tag="nope") == []
    with pytest.raises(ValueError, match="unknown status"):
        store.list_ids(status="done")


@pytest.fixture
def sortable(store: PaperStore, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Four papers whose order differs for every sort key."""
    clock = iter(T0 + timedelta(hours=h) for h in range(100, 200))
    monkeypatch.setattr(paper_store, "utc_now", lambda: next(clock))
    ids = {
        "b": store.insert_paper(
            PaperRecord("banana", authors=["Zed"], year=2020, tags=["m"]), now=T0 + timedelta(3)
        ),
        "a": store.insert_paper(
            PaperRecord("Apple", authors=["yves"], year=2023, tags=["Z"]), now=T0 + timedelta(1)
        ),
        "d": store.insert_paper(
            PaperRecord("date", authors=["Anna"], year=2021, tags=["a"]), now=T0 + timedelta(2)
        ),
        "c": store.insert_paper(
            PaperRecord("Cherry", authors=["bob"], year=2022, tags=["k"]), now=T0 + timedelta(4)
        ),
    }
    # modified: c, then a, then b, then d (the fake clock ticks on every write)
    for key in ("c", "a", "b", "d"):
        store.update_fields(ids[key], {"note": "touched"})
    return ids


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", "abcd"),
        ("authors", "dcab"),
        ("year", "bdca"),
        ("added", "adbc"),
        ("modified", "cabd"),
        ("tags", "dcba"),
        ("id", "badc"),
    ],
)
def test_every_sort_key_orders_both_ways(store, sortable, sort, expected):
    order = [sortable[k] for k in expected]
    assert store.list_ids(sort=sort) == order
    assert store.list_ids(sort=sort, descending=True) == order[::-1]


def test_status_sort_groups_papers_by_status_with_id_tie_break(store):
    ids = [add(store, f"P{n}") for n in range(6)]
    for paper_id, status in zip(ids, ["read", "inbox", "reading", "read", "inbox", "reading"],
                                strict=True):
        store.update_fields(paper_id, {"status": status})
    ordered = store.list_ids(sort="status")
    statuses = [store.get_paper(i).status for i in ordered]
    # Each status forms one run, and ids ascend within it.
    runs = [s for n, s in enumerate(statuses) if n == 0 or statuses[n - 1] != s]
    assert len(runs) == 3
    for status in Status:
        run = [i for i in ordered if store.get_paper(i).status is status]
        assert run == sorted(run)


def test_sort_keys_cover_what_the_store_offers(store):
    assert set(SORT_KEYS) == {"title", "authors", "year", "status", "added", "modified",
                              "tags", "id", "priority", "rating", "finished", "queue",
                              "trashed"}


def test_sort_ids_reorders_only_the_given_ids(store, sortable):
    subset = [sortable["d"], sortable["a"], sortable["c"]]
    assert store.sort_ids(subset, "title") == [sortable["a"], sortable["c"], sortable["d"]]
    assert store.sort_ids(subset, "year", descending=True) == [
        sortable["a"], sortable["c"], sortable["d"]
    ]
    assert store.sort_ids([], "title") == []


def test_unknown_sort_key_is_refused(store):
    with pytest.raises(ValueError, match="unknown sort key 'size'"):
        store.list_ids(sort="size")
    with pytest.raises(ValueError, match="unknown sort key"):
        store.sort_ids([1], "title; DROP TABLE papers")


# -- duplicates and counts ------------------------------------------------------------


def test_import_candidates_by_title_key_ignore_case_punctuation_and_accents(store):
    paper_id = add(store, "Model Soups: Averaging Weights of Über-Models")
    same = PaperRecord(title="model soups - averaging weights of uber models!")
    [(found, facts)] = candidates(store, same)
    assert found == paper_id
    assert judge(record_facts(same), facts).verdict is Verdict.MATCH
    assert candidate_ids(store, PaperRecord(title="Model soups 2")) == []


def candidate_ids(store, record):
    return [paper_id for paper_id, _ in candidates(store, record)]


def test_import_candidates_by_arxiv_id(store):
    paper_id = add(store, "A title", arxiv_id="2401.12345")
    same = PaperRecord(title="Another title", arxiv_id="2401.12345")
    assert candidate_ids(store, same) == [paper_id]
    assert candidate_ids(store, PaperRecord(title="Another title", arxiv_id="2401.54321")) == []


def test_import_candidates_by_doi(store):
    paper_id = add(store, "A title", doi="10.1000/xyz")
    assert candidate_ids(store, PaperRecord(title="Another title", doi="10.1000/xyz")) == [
        paper_id]
    assert candidate_ids(store, PaperRecord(title="Another title", doi="10.1000/abc")) == []


def test_empty_identifiers_never_match(store):
    add(store, "A title", citation_key="")  # no arXiv id, no DOI
    assert candidate_ids(store, PaperRecord(title="Another title", arxiv_id="", doi="")) == []


def test_status_counts_include_every_status(store):
    none = {"inbox": 0, "queued": 0, "reading": 0, "read": 0, "skimmed": 0, "abandoned": 0}
    assert store.status_counts() == none
    ids = [add(store, f"P{n}") for n in range(4)]
    store.update_fields(ids[0], {"status": "read"})
    store.update_fields(ids[1], {"status": Status.READING})
    assert store.status_counts() == {**none, "inbox": 2, "reading": 1, "read": 1}


# -- domain values from rows ----------------------------------------------------------


def test_table_rows_are_table_row_values_by_id(store):
    a = store.insert_paper(PaperRecord("Soups", authors=["Ann", "Bo"], year=2022,
                                       tags=["b", "A"], priority="high", rating=4), now=T0)
    b = store.insert_paper(PaperRecord("Bare"), now=T0 + timedelta(days=1))
    store.update_fields(b, {"status": "queued"})
    rows = store.table_rows([b, a, 999])
    assert list(rows) == sorted(rows)  # unknown ids are left out
    assert rows[a] == TableRow(a, "Soups", ("Ann", "Bo"), 2022, Status.INBOX, ("A", "b"),
                               "2024-01-01", Priority.HIGH, 4, None)
    assert rows[b] == TableRow(b, "Bare", (), None, Status.QUEUED, (), "2024-01-02",
                               Priority.NORMAL, None, 1)
    assert store.table_rows([]) == {}


def test_status_histories_are_status_change_values(store):
    a = store.insert_paper(PaperRecord("Imported as read", status="read"), now=T0)
    b = store.insert_paper(PaperRecord("Fresh"), now=T0)
    store.update_fields(b, {"status": "reading"})
    assert store.status_history(a) == [StatusChange(Status.INBOX, T0),
                                       StatusChange(Status.READ, T0, imported=True)]
    history = store.status_history(b)
    assert [(c.status, c.imported) for c in history] == [
        (Status.INBOX, False), (Status.READING, False)]
    assert history[1].at.tzinfo is not None
    assert store.all_status_histories() == {a: store.status_history(a), b: history}
    assert store.status_history(999) == []


# -- schema and migrations ------------------------------------------------------------


def test_new_database_has_the_current_schema_version(store):
    assert SCHEMA_VERSION == len(MIGRATION_NAMES) >= 1
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.schema_version == SCHEMA_VERSION


def test_reopening_a_database_applies_no_migration_twice(tmp_path: Path):
    path = tmp_path / "library.sqlite"
    first = PaperStore(path)
    library_id = first.meta("library_id")
    paper_id = add(first, "Survives reopening")
    first.close()

    again = PaperStore(path)
    try:
        names = [r[0] for r in again.db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'readinglist'"
        )]
        assert names == MIGRATION_NAMES
        assert again.meta("library_id") == library_id
        assert again.get_paper(paper_id).title == "Survives reopening"
        assert again.schema_version == SCHEMA_VERSION
    finally:
        again.close()


def test_database_from_a_newer_app_is_refused(tmp_path: Path):
    path = tmp_path / "library.sqlite"
    PaperStore(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('readinglist', 'm999_from_the_future', '2030-01-01')"
        )
    conn.close()
    with pytest.raises(SchemaTooNew, match="m999_from_the_future"):
        PaperStore(path)


def test_meta_values_can_be_set_and_replaced(store):
    assert len(store.meta("library_id") or "") == 32
    assert store.meta("missing", "fallback") == "fallback"
    store.set_meta("k", "one")
    store.set_meta("k", "two")
    assert store.meta("k") == "two"


# -- transactions and the index outbox ------------------------------------------------


def test_failed_multi_step_write_leaves_nothing_behind(store):
    kept = add(store, "Kept", tags=["before"])
    outbox_before = store.outbox()
    with pytest.raises(RuntimeError, match="boom"), store.transaction():
        store.insert_paper(PaperRecord("Never stored", tags=["t"]))
        store.update_fields(kept, {"note": "never written"})
        store.set_tags(kept, ["after"])
        raise RuntimeError("boom")
    assert store.paper_count() == 1
    paper = store.get_paper(kept)
    assert paper.note == ""
    assert paper.tags == ("before",)
    assert store.tag_counts() == {"before": 1}
    assert store.outbox() == outbox_before


def test_a_failing_step_rolls_back_the_steps_before_it(store):
    with pytest.raises(PaperNotFound), store.transaction():
        store.insert_paper(PaperRecord("Never stored"))
        store.update_fields(999, {"note": "no such paper"})
    assert store.paper_count() == 0
    assert store.outbox_size() == 0


def test_every_write_queues_the_paper_for_the_index(store):
    paper_id = add(store, "A paper")
    assert outbox_ids(store) == [paper_id]
    store.update_fields(paper_id, {"note": "n"})
    assert outbox_ids(store) == [paper_id] * 2
    store.set_tags(paper_id, ["t"])
    assert outbox_ids(store) == [paper_id] * 3
    store.delete_paper(paper_id)
    assert outbox_ids(store) == [paper_id] * 4
    assert store.last_seq() == 4


def test_outbox_rows_commit_and_roll_back_with_their_write(store, monkeypatch):
    paper_id = add(store, "A paper")
    store.drop_outbox_upto(store.last_seq())

    def broken_touch(paper_id: int) -> None:  # the outbox row is written, then this fails
        store.enqueue_index([paper_id])
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_touch", broken_touch)
    with pytest.raises(RuntimeError):
        store.set_tags(paper_id, ["t"])
    assert store.outbox_size() == 0
    assert store.get_paper(paper_id).tags == ()


def test_draining_the_outbox_keeps_the_write_position(store):
    ids = [add(store, f"P{n}") for n in range(3)]
    assert [p for _, p in store.outbox(limit=2)] == ids[:2]
    store.drop_outbox_upto(2)
    assert outbox_ids(store) == [ids[2]]
    store.drop_outbox_upto(store.last_seq())
    assert store.outbox_size() == 0
    assert store.last_seq() == 3  # sequence numbers are never reused
    add(store, "Later")
    assert store.outbox()[0][0] == 4


def test_enqueue_all_queues_every_paper(store):
    ids = [add(store, f"P{n}") for n in range(3)]
    store.drop_outbox_upto(store.last_seq())
    store.enqueue_all_for_index()
    assert sorted(outbox_ids(store)) == ids
