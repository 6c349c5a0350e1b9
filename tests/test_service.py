"""Library: the database and the search index stay consistent through every write."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist import Library, PaperNotFound, ReadinglistError
from readinglist.domain import PaperRecord, Status
from readinglist.library.service import INDEX_DIR
from readinglist.search.index import STATE_FILE
from readinglist.search.schema import INDEX_SCHEMA_VERSION
from readinglist.system.locations import sample_page_path

SEED = sample_page_path()
ABSTRACT = (
    "We study a problem at length in a paragraph that reads like an abstract. " * 5
).strip()


def ids(lib: Library, query: str) -> list[int]:
    return sorted(lib.search(query, limit=None).ids)


def open_problem(folder: Path) -> str | None:
    """Why Library.open would rebuild the index (None: the index is trusted)."""
    with Library.open(folder, build_index=False) as lib:
        return lib.index_problem


def read_state(folder: Path) -> dict:
    return json.loads((folder / INDEX_DIR / STATE_FILE).read_text("utf-8"))


def write_state(folder: Path, **changes: object) -> None:
    state = read_state(folder)
    state.update(changes)
    (folder / INDEX_DIR / STATE_FILE).write_text(json.dumps(state), "utf-8")


def assert_index_matches_database(lib: Library) -> None:
    state = lib.index_state()
    assert state.ready
    assert state.pending == 0
    assert state.documents == state.papers == lib.count()
    assert lib.search("*", limit=None).total == lib.count()
    stamp = read_state(lib.folder)
    assert stamp["seq"] == lib.store.last_seq()
    assert stamp["schema_version"] == INDEX_SCHEMA_VERSION
    assert stamp["library_id"] == lib.store.meta("library_id")


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed library, built once per module; tests work on copies of it."""
    folder = tmp_path_factory.mktemp("template") / "lib"
    with Library.open(folder) as lib:
        assert len(lib.import_file(SEED).added) == 68
    return folder


@pytest.fixture
def seeded_folder(seeded_template: Path, tmp_path: Path) -> Path:
    """A closed library folder holding the 68 seed papers (ids 1..68), this test's own."""
    folder = tmp_path / "lib"
    shutil.copytree(seeded_template, folder)
    return folder


@pytest.fixture
def library(seeded_folder: Path) -> Iterator[Library]:
    """Like conftest's library, but copied instead of imported (faster)."""
    with Library.open(seeded_folder) as lib:
        assert lib.index_problem is None
        assert lib.count() == 68
        yield lib


# -- writes show up in search ---------------------------------------------------------


def test_tag_added_is_found_and_removed_tag_is_not(library):
    library.add_tags(3, "RLHF")
    assert ids(library, "tag:rlhf") == [3]
    assert library.get(3).tags == ("RLHF",)
    library.remove_tags(3, "rlhf")  # removal ignores case
    assert library.get(3).tags == ()
    assert ids(library, "tag:rlhf") == []


def test_set_tags_replaces_tags_in_search(library):
    library.set_tags(10, ["vision", "diffusion models"])
    library.set_tags(10, ["vision"])
    assert ids(library, "tag:vision") == [10]
    assert ids(library, 'tag:"diffusion models"') == []
    assert library.tag_counts() == {"vision": 1}


def test_change_tags_adds_and_removes_in_one_step(library):
    library.add_tags(1, "a", "B")
    paper = library.change_tags(1, add=["c", "b"], remove=["A"]).paper
    assert paper.tags == ("B", "c")


def test_status_change_is_found_by_status_search(library):
    assert library.set_status(12, "reading").paper.status is Status.READING
    assert ids(library, "status:reading") == [12]
    library.set_status(12, Status.READ)
    assert ids(library, "status:reading") == []
    assert ids(library, "status:read") == [12]
    counts = library.status_counts()
    assert (counts["inbox"], counts["reading"], counts["read"]) == (67, 0, 1)
    with pytest.raises(ReadinglistError, match="unknown status"):
        library.set_status(12, "done")


def test_edited_title_is_searched_by_its_new_words(library):
    library.update(21, title="Lion: a symbolic optimizer")
    assert ids(library, "title:lion") == [21]
    assert ids(library, 'title:"symbolic discovery"') == []


def test_deleted_paper_disappears_from_search(library):
    assert ids(library, "garment") == [49]
    library.delete(49)  # to the Trash
    assert ids(library, "garment") == []
    assert library.count() == 67 and library.trash_ids() == [49]
    assert library.get(49).trashed is not None  # still there, in the Trash
    assert_index_matches_database(library)
    library.empty_trash()
    with pytest.raises(PaperNotFound):
        library.get(49)
    with pytest.raises(PaperNotFound):
        library.delete(49)
    assert_index_matches_database(library)


def test_added_paper_is_searchable_and_normalized(empty_library):
    paper = empty_library.add(
        "  A   Hand-Added   Paper ",
        authors=["  Ada  Lovelace ", ""],
        doi="https://doi.org/10.1000/XYZ",
        arxiv_id="https://arxiv.org/abs/2401.00001v3",
        abstract="Code at https://github.com/x/y.",
    ).paper
    assert paper.title == "A Hand-Added Paper"
    assert paper.authors == ("Ada Lovelace",)
    assert paper.doi == "10.1000/xyz"
    assert paper.arxiv_id == "2401.00001"
    assert paper.links == ("https://github.com/x/y",)
    assert ids(empty_library, "lovelace") == [paper.id]


def test_paper_needs_a_title(empty_library):
    with pytest.raises(ReadinglistError, match="needs a title"):
        empty_library.add("   ")
    paper = empty_library.add("Titled").paper
    with pytest.raises(ReadinglistError, match="needs a title"):
        empty_library.update(paper.id, title=" ")
    assert empty_library.count() == 1


def test_new_abstract_brings_new_links(empty_library):
    paper = empty_library.add("P", abstract="See https://old.example.org/a.").paper
    paper = empty_library.update(paper.id, abstract="Now at https://new.example.org/b, see.").paper
    assert paper.links == ("https://new.example.org/b",)


def test_list_and_table_rows(library):
    library.add_tags(5, "x")
    library.add_tags(2, "x")
    assert library.list_ids(tag="x") == [2, 5]
    assert [p.id for p in library.list(tag="X", sort="title", descending=True)] == [5, 2]
    rows = library.table_rows([2, 5])
    assert rows[5].title == "Yi: Open Foundation Models by 01.AI"
    assert rows[5].tags == ("x",)
    assert len(rows[5].added) == 10  # a date: YYYY-MM-DD
    assert [p.id for p in library.get_many([3, 999, 1])] == [3, 1]


# -- importing ------------------------------------------------------------------------


def test_reimporting_the_seed_adds_nothing(library, seed_path):
    report = library.import_file(seed_path)
    assert report.added == []
    assert len(report.duplicates) == 68
    assert [paper_id for paper_id, _ in report.duplicates] == list(range(1, 69))
    assert report.summary() == "0 added, 68 already present, 0 failed"
    assert library.count() == 68
    assert_index_matches_database(library)


def test_seed_import_reports_progress_and_is_searchable(empty_library, seed_path):
    calls: list[tuple[int, int]] = []
    report = empty_library.import_file(seed_path, progress=lambda d, t: calls.append((d, t)))
    assert [pid for pid, _ in report.added] == list(range(1, 69))
    assert report.added[27] == (28, "Model soups: averaging weights of multiple fine-tuned "
                                "models improves accuracy without increasing inference time")
    assert calls[-1] == (68, 68)
    assert report.summary() == "68 added, 0 already present, 0 failed"
    assert_index_matches_database(empty_library)


def test_import_of_the_sample_gives_the_seed(empty_library):
    assert len(empty_library.import_sample().added) == 68


def test_import_reports_entries_it_could_not_read(empty_library, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        f"Paper One\n\n{ABSTRACT}\n\nLonely Title\n\nPaper Three\n\n{ABSTRACT}\n\n"
        f"Paper Four\n\n{ABSTRACT}\n\n{ABSTRACT}\n",
        "utf-8",
    )
    report = empty_library.import_file(page, "dailypapers")
    assert [title for _, title in report.added] == [
        "Paper One", "Lonely Title", "Paper Three", "Paper Four"
    ]
    assert [(w.source, w.line) for w in report.warnings] == [("page.txt", 5)]
    assert [(p.source, p.line) for p in report.failed] == [("page.txt", 15)]
    assert report.summary() == "4 added, 0 already present, 1 failed"
    assert empty_library.get(2).abstract == ""


def test_import_is_one_transaction(empty_library, seed_path, monkeypatch):
    real_insert = empty_library.store.insert_paper
    calls = 0

    def insert_failing_on_the_tenth(record: PaperRecord, now=None) -> int:
        nonlocal calls
        calls += 1
        if calls == 10:
            raise RuntimeError("disk full")
        return real_insert(record, now)

    monkeypatch.setattr(empty_library.store, "insert_paper", insert_failing_on_the_tenth)
    with pytest.raises(RuntimeError, match="disk full"):
        empty_library.import_file(seed_path)
    assert calls == 10
    assert empty_library.count() == 0
    assert empty_library.store.outbox_size() == 0
    assert ids(empty_library, "lora") == []
    monkeypatch.undo()
    assert len(empty_library.import_file(seed_path).added) == 68  # nothing half-done in the way


def test_cancelled_import_changes_nothing(library, tmp_path):
    page = tmp_path / "new.txt"
    page.write_text("".join(f"New Paper {n}\n\n{ABSTRACT}\n\n" for n in range(20)), "utf-8")
    asked = 0

    def cancel_after_five() -> bool:
        nonlocal asked
        asked += 1
        return asked > 5

    report = library.import_file(page, cancelled=cancel_after_five)
    assert report.cancelled
    assert report.added == []
    assert "cancelled" in report.summary()
    assert library.count() == 68
    assert ids(library, "title:new") == []
    assert_index_matches_database(library)


# -- the index's life cycle -----------------------------------------------------------


def test_fresh_library_has_a_ready_empty_index(empty_library):
    state = empty_library.index_state()
    assert (state.ready, state.documents, state.papers, state.pending) == (True, 0, 0, 0)
    assert empty_library.search("anything").ids == []


def test_healthy_index_is_trusted_on_reopen(seeded_folder):
    assert open_problem(seeded_folder) is None


def test_deleted_index_folder_is_rebuilt_on_open(seeded_folder):
    shutil.rmtree(seeded_folder / INDEX_DIR)
    assert open_problem(seeded_folder) == "no search index yet"
    with Library.open(seeded_folder) as lib:
        assert lib.index_problem is None
        assert ids(lib, "garment") == [49]
        assert_index_matches_database(lib)


def test_writes_not_yet_indexed_are_applied_on_reopen(seeded_folder):
    """A crash between the database commit and the index update loses nothing."""
    with Library.open(seeded_folder) as lib:
        lib.store.update_fields(3, {"note": "zebra"})
        new_id = lib.store.insert_paper(PaperRecord("Xylophone acoustics"))
        lib.store.delete_paper(49)
        assert lib.store.outbox_size() == 3
        assert ids(lib, "zebra") == []  # not drained: the index has not seen it
    with Library.open(seeded_folder) as lib:
        assert lib.index_problem is None  # caught up without a rebuild
        assert lib.store.outbox_size() == 0
        assert ids(lib, "zebra") == [3]
        assert ids(lib, "xylophone") == [new_id]
        assert ids(lib, "garment") == []
        assert_index_matches_database(lib)


def test_outbox_rows_already_in_the_index_are_dropped_on_reopen(seeded_folder):
    """A crash after the index commit but before the outbox rows were dropped."""
    with Library.open(seeded_folder) as lib:
        lib.set_note(3, "zebra")
        seq = lib.store.last_seq()
        assert read_state(seeded_folder)["seq"] == seq
        with lib.store.transaction():  # put the applied row back, as a crash would leave it
            lib.store.db.execute(
                "INSERT INTO index_outbox(seq, paper_id) VALUES (?, 3)", [seq]
            )
        assert lib.store.outbox_size() == 1
    with Library.open(seeded_folder) as lib:
        assert lib.store.outbox_size() == 0
        assert lib.search("zebra", limit=None).ids == [3]
        assert_index_matches_database(lib)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"schema_version": INDEX_SCHEMA_VERSION + 1}, "schema"),
        ({"library_id": "0" * 32}, "another library"),
        ({"seq": 10_000}, "newer than the database"),
    ],
    ids=["other-schema", "other-library", "seq-ahead"],
)
def test_index_with_a_foreign_state_is_rebuilt(seeded_folder, change, problem):
    write_state(seeded_folder, **change)
    assert problem in (open_problem(seeded_folder) or "")
    with Library.open(seeded_folder) as lib:
        assert lib.index_problem is None
        assert ids(lib, "garment") == [49]
        assert_index_matches_database(lib)
    assert open_problem(seeded_folder) is None


def test_unreadable_state_file_means_rebuild(seeded_folder):
    (seeded_folder / INDEX_DIR / STATE_FILE).write_text("{not json", "utf-8")
    assert open_problem(seeded_folder) == "no search index yet"
    with Library.open(seeded_folder) as lib:
        assert_index_matches_database(lib)


@pytest.mark.parametrize("which", ["toc", "segments", "all"])
def test_corrupt_index_files_are_rebuilt_without_error(seeded_folder, which):
    index_dir = seeded_folder / INDEX_DIR
    for path in index_dir.iterdir():
        wanted = {
            "toc": path.suffix == ".toc",
            "segments": path.suffix not in (".toc", ".json"),
            "all": path.name != STATE_FILE,
        }[which]
        if wanted:
            path.write_bytes(b"\x00junk\xff" * 64)
    assert open_problem(seeded_folder) is not None
    with Library.open(seeded_folder) as lib:
        assert lib.index_problem is None
        assert ids(lib, "garment") == [49]
        assert_index_matches_database(lib)


def test_search_while_the_index_is_broken_is_a_query_error(seeded_folder):
    for path in (seeded_folder / INDEX_DIR).iterdir():
        if path.suffix not in (".toc", ".json"):  # the segments' files
            path.write_bytes(b"junk")
    with Library.open(seeded_folder, build_index=False) as lib:
        assert lib.index_problem is not None
        assert not lib.index_state().ready
        with pytest.raises(ReadinglistError, match="search is available when it is done"):
            lib.search("garment")
        assert lib.ensure_index()
        assert ids(lib, "garment") == [49]


def test_index_missing_papers_is_rebuilt(seeded_folder):
    with Library.open(seeded_folder) as lib:
        lib.index.apply([], [1, 2, 3], lib.sync._stamp(lib.store.last_seq()))
        assert lib.index_state().documents == 65
    assert open_problem(seeded_folder) == "the search index does not hold every paper"
    with Library.open(seeded_folder) as lib:
        assert_index_matches_database(lib)


def test_reindex_rebuilds_from_the_database(library):
    library.set_note(3, "zebra")
    seen: list[tuple[int, int]] = []
    assert library.reindex(progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (68, 68)
    state = library.index_state()
    assert state.ready
    assert state.documents == state.papers == 68
    assert state.message == "search index up to date"
    assert ids(library, "zebra") == [3]
    assert_index_matches_database(library)


def test_cancelled_reindex_keeps_the_old_index(library):
    assert library.reindex(cancelled=lambda: True) is False
    assert ids(library, "garment") == [49]
    assert library.index_state().ready
    assert not (library.folder / (INDEX_DIR + ".building")).exists()


def test_a_year_that_is_not_a_number_is_refused_before_it_reaches_the_index(empty_library):
    from readinglist import ReadinglistError

    with pytest.raises(ReadinglistError, match="a year is a number"):
        empty_library.add("Undated", year="n.d.")
    paper = empty_library.add("Dated", year="2021").paper
    assert empty_library.get(paper.id).year == 2021
    with pytest.raises(ReadinglistError, match="a year is a number"):
        empty_library.update(paper.id, year="soon")
    assert empty_library.search("year:2021").ids == [paper.id]


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    from readinglist import ReadinglistError

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "library.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ReadinglistError, match="cannot open the library database"):
        Library.open(folder)
