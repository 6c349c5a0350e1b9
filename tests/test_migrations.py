"""Libraries written by earlier releases open in this one, with nothing lost."""

from __future__ import annotations

import shutil
from pathlib import Path

from readinglist import Library, Status
from readinglist.store.schema import MIGRATION_NAMES, SCHEMA_VERSION, migrations

FIXTURES = Path(__file__).parent / "fixtures"


def open_copy(tmp_path: Path, name: str) -> Library:
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(FIXTURES / name, folder / "library.sqlite")
    return Library.open(folder)


def test_v1_library_migrates_and_keeps_everything(tmp_path):
    # Written by the first release (schema 1: papers, tags, notes; no annotations).
    with open_copy(tmp_path, "library-v1.sqlite") as lib:
        assert lib.store.schema_version == SCHEMA_VERSION
        assert lib.count() == 68
        soups = lib.get(28)
        assert soups.title.startswith("Model soups")
        assert soups.tags == ("ensembles", "LLM")
        assert soups.status is Status.READ
        assert soups.note == "v1 note about soups"
        assert lib.get(3).status is Status.READING
        assert soups.annotations == ()
        # The index was not shipped with it: rebuilt on open, then searchable.
        assert lib.search('title:"model soups"').ids == [28]
        assert lib.search("tag:llm status:read").ids == [28]
        # What the new schema adds works on the migrated library.
        start = soups.abstract.index("model soups")
        lib.add_annotation(28, start, start + len("model soups"), "green", "the name")
        assert lib.search("annotation:name").ids == [28]


def test_migrated_library_reopens_without_migrating_again(tmp_path):
    lib = open_copy(tmp_path, "library-v1.sqlite")
    applied = [m.name for m in migrations.applied(lib.store.db)]
    lib.close()
    assert applied == MIGRATION_NAMES
    with Library.open(tmp_path / "lib") as again:
        assert [m.name for m in migrations.applied(again.store.db)] == applied
        assert again.count() == 68


def test_v5_library_migrates_and_keeps_everything(tmp_path):
    # Written by the release of schema 5 (reading workflow: queue, rating, priority,
    # highlights); a deleted paper's id (12) stays unused.
    with open_copy(tmp_path, "library-v5.sqlite") as lib:
        assert lib.store.schema_version == SCHEMA_VERSION
        assert lib.count() == 68
        assert lib.queue_ids() == [1, 2]
        assert lib.get(2).priority.value == "high"
        read = lib.get(4)
        assert read.status is Status.READ and read.rating == 5
        assert read.tags == ("fine-tuning", "LLM")
        assert read.note.startswith("v5 note")
        assert [a.comment for a in read.annotations] == ["a v5 highlight"]
        vaswani = lib.get(lib.find_paper("1706.03762"))
        assert vaswani.citation_key == "vaswani2017attention"
        assert vaswani.extra["pages"] == "5998--6008"
        assert lib.store.paper_exists(12) is False
        assert lib.last_import_ids() == []
        # Importing the page again brings back only the deleted paper, under a new id.
        report = lib.import_sample()
        assert [paper_id for paper_id, _ in report.added] == [70]
        assert len(report.duplicates) == 67 and not report.merged and not report.possible
        assert lib.last_import_ids()[:3] == [1, 2, 3] and len(lib.last_import_ids()) == 68


def test_v6_library_migrates_and_keeps_everything(tmp_path):
    # Written by the release of schema 6 (imports: the last import, imported statuses);
    # schema 7 adds the change log, 8 the Trash.
    with open_copy(tmp_path, "library-v6.sqlite") as lib:
        assert lib.store.schema_version == SCHEMA_VERSION
        assert lib.count() == 68  # 67 of the page (12 was deleted) and Vaswani et al.
        assert lib.queue_ids() == [1, 2]
        read = lib.get(4)
        assert read.status is Status.READ and read.rating == 5
        assert read.note.startswith("v6 note")
        assert [a.comment for a in read.annotations] == ["a v6 highlight"]
        vaswani = lib.get(lib.search_ids('title:"attention is all you need"')[0])
        assert vaswani.status is Status.READ and "imported-v6" in vaswani.tags
        assert lib.last_import_ids() == [vaswani.id]
        assert lib.trash_ids() == [] and lib.store.paper_exists(12) is False
        # What the new schema adds works on the migrated library.
        assert lib.delete(4).fields(4) == {"trashed"}
        assert lib.restore(4).fields(4) == {"trashed"}


def test_v9_library_calls_the_inbox_inbox_and_keeps_everything(tmp_path):
    # Written by the release of schema 9 (saved searches), when the inbox was stored as
    # 'unread': papers in every status, a paper sent back to the inbox, a tag, a note, a
    # highlight, a paper in the Trash, an imported status and saved searches that say
    # 'unread'. Schema 10 stores 'inbox'.
    with open_copy(tmp_path, "library-v9.sqlite") as lib:
        assert lib.store.schema_version == SCHEMA_VERSION
        assert lib.status_counts() == {"inbox": 2, "queued": 1, "reading": 1, "read": 2,
                                       "skimmed": 1, "abandoned": 1}
        stored = lib.store._q("SELECT DISTINCT status FROM papers UNION "
                              "SELECT DISTINCT status FROM status_history")
        assert "unread" not in {s for (s,) in stored}
        assert [c.status.value for c in lib.history(2)] == ["inbox", "queued", "inbox"]
        soups = lib.get(1)
        assert [c.status.value for c in lib.history(1)] == ["inbox", "queued", "reading",
                                                              "read"]
        assert soups.status is Status.READ and soups.rating == 5 and soups.finished
        assert soups.tags == ("ensembles", "LLM") and soups.note == "v9 note about soups"
        assert [a.comment for a in soups.annotations] == ["a v9 highlight"]
        vaswani = lib.history(9)
        assert [(c.status.value, c.imported) for c in vaswani] == [("inbox", False),
                                                                   ("read", True)]
        assert lib.trash_ids() == [8] and lib.get(8).status is Status.INBOX
        # The index is rebuilt (its schema changed too): both names find the inbox.
        assert lib.search_ids("status:inbox") == [2, 3]
        assert lib.search_ids("status:unread") == [2, 3]
        assert lib.list_ids(status="unread", sort="id") == [2, 3]
        # Saved searches say 'inbox' now, and find what they found.
        saved = {s.name: s for s in lib.saved_searches()}
        assert saved["Unread"].query == "status:inbox"
        assert saved["Read soups"].query == "soups status:read OR status:inbox"
        assert saved["Unread diffusion"].view.status == "inbox"
        assert lib.saved_search_ids("Unread") == [2, 3]
        assert lib.saved_search_ids("Unread diffusion") == [3]
        # The rewrite did not fill the change log: it starts again, one row long.
        assert lib.store._q("SELECT paper_id, kind FROM change_log") == [(None, "restart")]
        assert "status" in lib.set_status(2, "reading").fields(2)  # and logs what follows
