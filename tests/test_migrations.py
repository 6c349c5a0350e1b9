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
