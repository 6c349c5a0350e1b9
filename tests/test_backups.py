"""Backups (issue 12): taken with SQLite's backup API on open once a day, before a schema
update and before a repair; rotated (7 daily + 4 weekly); `readinglist backup [FILE]`,
`backups`, `restore FILE` (which keeps the current state first and rebuilds the index).
Nothing is written outside the library folder but the FILE the user names."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from readinglist import Library, ReadinglistError
from readinglist.cli import main
from readinglist.library import safekeeping
from readinglist.store import backups
from readinglist.store.schema import SCHEMA_VERSION

DAY = datetime(2026, 12, 8, 9, 30)


class Clock:
    """A clock the test moves on."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "backups").glob("*.sqlite"))


def papers_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM papers WHERE trashed IS NULL")
                   .fetchone()[0])
    finally:
        conn.close()


def run(folder: Path, *args: str) -> int:
    return main(["--library", str(folder), *args])


# -- automatic backups ---------------------------------------------------------------------------


def test_a_backup_is_taken_on_open_once_a_day(folder: Path) -> None:
    clock = Clock(DAY)
    with Library.open(folder, clock=clock):
        pass
    with Library.open(folder, clock=clock):  # the same day: none more
        pass
    assert names(folder) == ["library-2026-12-08T0930.sqlite"]
    clock.now += timedelta(hours=23)
    with Library.open(folder, clock=clock):
        pass
    assert len(names(folder)) == 1
    clock.now += timedelta(hours=1)
    with Library.open(folder, clock=clock) as lib:
        lib.add("Written after the first backup")
    assert names(folder) == ["library-2026-12-08T0930.sqlite",
                             "library-2026-12-09T0930.sqlite"]
    backup = folder / "backups" / "library-2026-12-09T0930.sqlite"
    assert papers_in(backup) in (68, 69)  # taken a little after opening, or at close
    # A backup is one self-contained file (rollback journal), whole and sound.
    assert backups.verify(backup).problem is None
    assert not Path(str(backup) + "-wal").exists()


def test_an_empty_library_is_not_backed_up(tmp_path: Path) -> None:
    with Library.open(tmp_path / "new", clock=Clock(DAY)):
        pass
    assert not (tmp_path / "new" / "backups").exists()


def test_rotation_keeps_7_daily_and_4_weekly(folder: Path) -> None:
    clock = Clock(DAY)
    for _day in range(60):
        with Library.open(folder, clock=clock):
            pass
        clock.now += timedelta(days=1)
    kept = backups.list_backups(folder)
    days = [b.taken.date() for b in kept]
    last = DAY.date() + timedelta(days=59)
    assert days[:7] == [last - timedelta(days=n) for n in range(7)]
    weeks = {b.taken.isocalendar()[:2] for b in kept}
    assert len(weeks) == 4  # the 7 days span 2 weeks; 2 older weeks keep their newest
    assert len(kept) <= 7 + 4
    assert all(d > last - timedelta(days=35) for d in days)


def test_rotation_never_touches_other_files(folder: Path) -> None:
    (folder / "backups").mkdir()
    mine = folder / "backups" / "my-notes.txt"
    mine.write_text("keep me")
    for day in range(20):
        backups.take_backup(folder, folder / "library.sqlite", DAY + timedelta(days=day))
    assert mine.read_text() == "keep me"


def test_no_backup_when_the_disk_has_no_room_for_it(folder: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    class Usage:
        free = 10 * 1024 * 1024  # room for the library's writes, not for a backup
    monkeypatch.setattr(backups.shutil, "disk_usage", lambda _path: Usage())
    with Library.open(folder, clock=Clock(DAY)) as lib:
        assert lib.add("Still works").paper is not None
    assert names(folder) == []
    with pytest.raises(ReadinglistError, match="not enough room"):
        safekeeping.back_up(folder)


# -- backup FILE -----------------------------------------------------------------------------


def test_backup_to_a_file_is_a_whole_database(folder: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "copy.sqlite"
    assert run(folder, "backup", str(target)) == 0
    assert "backed up 68 papers" in capsys.readouterr().out
    assert papers_in(target) == 68
    assert not list(tmp_path.glob(".copy.sqlite.*"))  # no temporary file left


def test_backup_replaces_a_planted_symlink_and_never_writes_through_it(
        folder: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    planted = tmp_path / "shared" / "backup.sqlite"
    planted.parent.mkdir()
    planted.symlink_to(victim)
    with Library.open(folder, daily_backup=False) as lib:
        assert lib.back_up(planted) == planted
    assert victim.read_text() == "precious"
    assert not planted.is_symlink() and papers_in(planted) == 68


def test_backup_refuses_the_library_s_own_database(folder: Path) -> None:
    with Library.open(folder, daily_backup=False) as lib, \
            pytest.raises(ReadinglistError, match="own database"):
        lib.back_up(folder / "library.sqlite")


def test_backup_into_a_folder_names_the_file(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = safekeeping.back_up(folder, out, now=DAY)
    assert path == out / "library-2026-12-08T0930.sqlite"


def test_backups_lists_dates_sizes_and_papers(folder: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    backups.take_backup(folder, folder / "library.sqlite", DAY, "manual")
    assert run(folder, "backups", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(b["taken"], b["why"], b["papers"], b["schema"]) for b in listed] == [
        ("2026-12-08T09:30", "made by hand", 68, SCHEMA_VERSION)]
    assert listed[0]["size"] > 0
    assert run(folder, "backups") == 0
    text = capsys.readouterr().out
    assert "2026-12-08 09:30" in text and "68 papers" in text


# -- restore FILE ------------------------------------------------------------------------------


@pytest.fixture
def changed_after_backup(folder: Path) -> Iterator[tuple[Path, Path]]:
    """The library, a backup of it, then changes: a paper added, one tagged."""
    saved = backups.take_backup(folder, folder / "library.sqlite", DAY, "manual").path
    with Library.open(folder, daily_backup=False) as lib:
        lib.add("Added after the backup")
        lib.add_tags(28, "after")
    yield folder, saved


def test_restore_round_trip(changed_after_backup: tuple[Path, Path],
                            capsys: pytest.CaptureFixture[str]) -> None:
    folder, saved = changed_after_backup
    assert run(folder, "restore", str(saved)) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "68 papers" in out and "search index rebuilt" in out
    with Library.open(folder) as lib:
        assert lib.count() == 68
        assert "after" not in lib.get(28).tags
        assert lib.search("added after the backup").ids == []  # the index was rebuilt
        assert lib.index_state().documents == 68
    # What was there before the restore is kept, changes and all.
    before = [b for b in backups.list_backups(folder) if b.reason == "before-restore"]
    assert len(before) == 1 and papers_in(before[0].path) == 69


def test_restore_brings_back_a_library_emptied_by_a_failed_copy(
        changed_after_backup: tuple[Path, Path]) -> None:
    folder, saved = changed_after_backup
    (folder / "library.sqlite").write_bytes(b"")
    assert run(folder, "restore", str(saved)) == 0
    with Library.open(folder) as lib:
        assert lib.count() == 68 and 28 in lib.search('"model soups"').ids


@pytest.mark.parametrize("content, message", [
    (b"", "cannot be read|not a Readinglist"),
    (b"plain text, not a database" * 50, "cannot be read"),
])
def test_restore_refuses_what_is_not_a_library(folder: Path, tmp_path: Path, content: bytes,
                                               message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    before = (folder / "library.sqlite").read_bytes()
    assert run(folder, "restore", str(bad)) == 1
    err = capsys.readouterr().err
    assert "cannot be restored" in err and "Traceback" not in err
    assert (folder / "library.sqlite").read_bytes() == before


def test_restore_refuses_a_newer_schema(folder: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    shutil.copy(folder / "library.sqlite", newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(ReadinglistError, match="newer Readinglist"):
        safekeeping.restore(folder, newer)


def test_restore_with_ids_still_restores_from_the_trash(folder: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    assert run(folder, "delete", "28") == 0
    assert run(folder, "restore", "28") == 0
    assert "#28 restored" in capsys.readouterr().out


def test_nothing_is_written_outside_the_library_folder(folder: Path, tmp_path: Path) -> None:
    outside = {p for p in tmp_path.rglob("*") if not p.is_relative_to(folder)}
    clock = Clock(DAY)
    for _day in range(10):
        with Library.open(folder, clock=clock) as lib:
            lib.back_up()
            lib.check()
        clock.now += timedelta(days=1)
    assert {p for p in tmp_path.rglob("*") if not p.is_relative_to(folder)} == outside
