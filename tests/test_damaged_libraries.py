"""Damaged libraries, full disks, read-only and newer libraries (issue 12).

Each reproduction from the issue: a database truncated to 0 bytes (was silently a new
empty library, and the next search wiped the index), one invalid UTF-8 byte in a title
(a traceback), an import or an edit that fills the disk (a raw "database or disk is
full"), reads on a full disk ("disk I/O error"), a library on read-only media (could not
be read), a database of a newer schema (silently reset).

The suite runs as root in CI, where chmod stops nothing: read-only is tested through
Library.open(read_only=True) (SQLite's mode=ro: a write is refused by SQLite itself), and
on a real read-only and a real full tmpfs where the machine lets a test mount one
(unshare -m), else those two are skipped.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from readinglist import Library, ReadinglistError
from readinglist.library.service import (
    INDEX_DIR,
    DiskFull,
    LibraryReadOnly,
    LibraryRefused,
    NewerSchema,
)
from readinglist.store import database_file
from readinglist.store.schema import SCHEMA_VERSION
from readinglist.system.locations import sample_page_path

SEED = sample_page_path()
DAMAGED_TITLE = "4d6f64656cff20736f757073"  # "Model\xff soups": one invalid UTF-8 byte


def raw(folder: Path, *statements: str) -> None:
    """Change the database behind the library's back, as damage or another tool would."""
    conn = sqlite3.connect(folder / "library.sqlite")
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- a database emptied or lost ---------------------------------------------------------------


def test_a_zero_byte_database_beside_an_index_is_refused_and_nothing_is_touched(
        folder: Path) -> None:
    (folder / "library.sqlite").write_bytes(b"")
    before = snapshot(folder)
    with pytest.raises(LibraryRefused) as refused:
        Library.open(folder)
    message = str(refused.value)
    assert "is empty (0 bytes" in message and "search index" in message
    assert "readinglist --library" in message and "restore" in message
    # Not started empty, and the index (the only trace left) is as it was.
    assert snapshot(folder) == before
    assert (folder / "library.sqlite").stat().st_size == 0


def test_the_refusal_offers_the_newest_backup(folder: Path) -> None:
    with Library.open(folder, daily_backup=False) as lib:
        backup = lib.back_up()
    (folder / "library.sqlite").write_bytes(b"")
    with pytest.raises(LibraryRefused, match="newest backup") as refused:
        Library.open(folder)
    assert str(backup) in str(refused.value)
    assert "68 papers" in str(refused.value)


def test_a_missing_database_beside_attached_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "paper.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(LibraryRefused, match=r"is missing.*attached files"):
        Library.open(folder)
    assert not (folder / "library.sqlite").exists()


def test_a_new_folder_still_makes_a_new_library(tmp_path: Path) -> None:
    with Library.open(tmp_path / "new") as lib:
        assert lib.count() == 0 and not lib.read_only


def test_a_file_that_is_not_a_database_is_refused_with_the_backup_offer(folder: Path) -> None:
    (folder / "library.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(LibraryRefused, match=r"not an SQLite database.*no backup"):
        Library.open(folder)


# -- a newer schema ---------------------------------------------------------------------------


def test_a_newer_schema_is_refused_and_left_as_it_is(folder: Path) -> None:
    raw(folder, "PRAGMA user_version = 99")
    with pytest.raises(NewerSchema) as refused:
        Library.open(folder)
    assert f"schema 99; this one knows {SCHEMA_VERSION}" in str(refused.value)
    assert "update Readinglist" in str(refused.value)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99  # never downgraded
    conn.close()


# -- damaged text -----------------------------------------------------------------------------


def test_an_invalid_utf8_byte_in_a_title_does_not_stop_the_library(folder: Path) -> None:
    raw(folder, f"UPDATE papers SET title = CAST(x'{DAMAGED_TITLE}' AS TEXT) WHERE id = 3")
    with Library.open(folder) as lib:
        assert lib.get(3).title == "Model\ufffd soups"
        assert len(lib.list()) == 68
        assert lib.table_rows([3])[3]
        assert lib.get(4).title  # the rest reads as before
        assert lib.reindex()  # indexing reads it too
        assert 3 in lib.search("soups", limit=None).ids


# -- full disks -------------------------------------------------------------------------------


def fill_up(lib: Library, spare_pages: int = 20) -> None:
    """Let the library's database grow by only a few pages: SQLite's SQLITE_FULL, as on a
    full disk (PRAGMA max_page_count, on the connection the library writes with)."""
    pages = lib.store.db.execute("PRAGMA page_count").fetchone()[0]
    lib.store.db.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def test_an_edit_on_a_full_disk_says_so_and_changes_nothing(folder: Path) -> None:
    with Library.open(folder) as lib:
        fill_up(lib, 2)
        with pytest.raises(DiskFull) as full:
            lib.add("A long one", abstract="words " * 50_000)
        assert str(full.value) == (f"the disk holding {folder} is full: nothing was "
                                   "changed; free space and try again")
        assert lib.count() == 68


def test_an_import_that_fills_the_disk_says_so_and_adds_nothing(folder: Path,
                                                                 tmp_path: Path) -> None:
    """It was "58 added, 1982 failed: database or disk is full", the 58 kept."""
    bib = tmp_path / "many.bib"
    bib.write_text("".join(
        f"@article{{k{i}, title={{Paper number {i} on a full disk}}, author={{Doe, J.}}, "
        f"year={{2020}}, abstract={{{'text ' * 200}}}}}\n" for i in range(400)), "utf-8")
    with Library.open(folder) as lib:
        fill_up(lib, 40)
        with pytest.raises(DiskFull, match="nothing was changed"):
            lib.import_file(bib)
        assert lib.count() == 68


def test_a_full_disk_opens_read_only_and_reads_work(folder: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    class Usage:
        free = 4096
    monkeypatch.setattr(database_file.shutil, "disk_usage", lambda _path: Usage())
    with Library.open(folder) as lib:
        assert lib.read_only and "is full" in (lib.read_only_reason or "")
        assert len(lib.list()) == 68 and lib.search("soups").ids
        with pytest.raises(LibraryReadOnly, match="is full"):
            lib.set_rating(3, 4)


# -- read-only libraries ----------------------------------------------------------------------


def test_a_read_only_library_reads_and_refuses_every_write(folder: Path) -> None:
    database = folder / "library.sqlite"
    before = digest(database)
    with Library.open(folder, read_only=True) as lib:
        assert lib.read_only and lib.notes and "read-only" in lib.notes[0]
        assert len(lib.list()) == 68
        assert lib.get(28).title.startswith("Model soups")
        assert 28 in lib.search('"model soups"').ids
        assert lib.index_problem is None
        for write in (lambda: lib.add("New"), lambda: lib.set_status(28, "read"),
                      lambda: lib.add_tags(28, "x"), lambda: lib.import_file(SEED),
                      lambda: lib.delete(28), lambda: lib.reindex()):
            with pytest.raises(LibraryReadOnly, match="the library is read-only"):
                write()
        # SQLite itself refuses: the connection is opened read-only (mode=ro).
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            lib.store.db.execute("DELETE FROM papers")
    assert digest(database) == before
    assert not (folder / "backups").exists()


def test_a_read_only_library_that_needs_an_update_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "library-v9.sqlite",
                folder / "library.sqlite")
    with pytest.raises(ReadinglistError,
                       match=rf"schema 9.*needs {SCHEMA_VERSION}.*copy the folder"):
        Library.open(folder, read_only=True)


def test_opening_an_old_schema_backs_it_up_first(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "library-v9.sqlite",
                folder / "library.sqlite")
    with Library.open(folder) as lib:
        assert lib.store.schema_version == SCHEMA_VERSION
    kept = list((folder / "backups").glob(f"library-*-before-schema-{SCHEMA_VERSION}.sqlite"))
    assert len(kept) == 1
    conn = sqlite3.connect(f"file:{kept[0]}?immutable=1", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 9  # as it was
    conn.close()


# -- real read-only media and a real full disk (a tmpfs in a mount namespace) -----------------


def _can_mount() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    try:
        done = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m "
                               "tmpfs /mnt && umount /mnt"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="cannot mount a tmpfs here")


def run_on_tmpfs(folder: Path, tmp_path: Path, setup: str, commands: list[str]
                 ) -> list[subprocess.CompletedProcess[str]]:
    """Copy the library onto a fresh 3 MB tmpfs, run `setup` (shell), then each CLI
    command; each command's result."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = textwrap.dedent(f"""\
        set -e
        mount -t tmpfs -o size=3m tmpfs {mount}
        cp -r {folder} {mount}/lib
        {setup}
        set +e
        """)
    for n, command in enumerate(commands):
        script += (f"{sys.executable} -m readinglist --library {mount}/lib {command} "
                   f"> {tmp_path}/out{n} 2> {tmp_path}/err{n}; echo $? > {tmp_path}/rc{n}\n")
    subprocess.run(["unshare", "-m", "sh", "-c", script], check=True, timeout=300)
    return [subprocess.CompletedProcess(
        command, int((tmp_path / f"rc{n}").read_text()), (tmp_path / f"out{n}").read_text(),
        (tmp_path / f"err{n}").read_text()) for n, command in enumerate(commands)]


@needs_mount
def test_a_library_on_read_only_media_can_be_read(folder: Path, tmp_path: Path) -> None:
    listed, info, searched, tagged = run_on_tmpfs(
        folder, tmp_path, f"mount -o remount,ro {tmp_path}/mnt",
        ["list", "info", "search soups", "tag 28 +x"])
    assert listed.returncode == 0 and "68 paper(s)" in listed.stdout
    assert "read-only media" in listed.stderr and "Traceback" not in listed.stderr
    assert info.returncode == 0 and "Access:  read-only" in info.stdout
    assert searched.returncode == 0 and "Model soups" in searched.stdout
    assert tagged.returncode == 1
    assert "error: the library is read-only" in tagged.stderr


@needs_mount
def test_reads_work_on_a_full_disk(folder: Path, tmp_path: Path) -> None:
    listed, info, tagged = run_on_tmpfs(
        folder, tmp_path, f"dd if=/dev/zero of={tmp_path}/mnt/fill bs=4k 2>/dev/null || true",
        ["list", "info", "tag 28 +x"])
    assert listed.returncode == 0 and "68 paper(s)" in listed.stdout
    assert "disk I/O error" not in listed.stderr and "Traceback" not in listed.stderr
    assert info.returncode == 0 and "Papers:  68" in info.stdout
    assert tagged.returncode == 1 and "is full" in tagged.stderr


@needs_mount
def test_an_import_that_fills_a_real_disk_adds_nothing(folder: Path, tmp_path: Path) -> None:
    """SQLite rolls the whole import back: the entries after were committed one by one,
    then a "no such savepoint" traceback."""
    bib = tmp_path / "many.bib"
    bib.write_text("".join(
        f"@article{{k{i}, title={{Paper number {i} on a full disk}}, author={{Doe, J.}}, "
        f"year={{2020}}, abstract={{{'text ' * 400}}}}}\n" for i in range(600)), "utf-8")
    mount = tmp_path / "mnt"
    leave = f"$(( $(df --output=avail -k {mount} | tail -1) - 300 ))"  # 300 KB left
    imported, info = run_on_tmpfs(
        folder, tmp_path,
        f"dd if=/dev/zero of={tmp_path}/mnt/fill bs=1k count={leave} 2>/dev/null || true",
        [f"import {bib} --no-fetch", "info"])
    assert imported.returncode == 1, imported.stderr
    assert "is full: nothing was changed" in imported.stderr
    assert "Traceback" not in imported.stderr
    assert "Papers:  68 " in info.stdout


def test_opening_writes_nothing_when_the_library_is_up_to_date(folder: Path) -> None:
    """What a full disk refused at open ("disk I/O error" for `list`): with the database,
    the index and a day's backup up to date, opening and reading write no file."""
    with Library.open(folder) as lib:  # the day's backup, the WAL's side files
        lib.list()
    before = snapshot(folder / INDEX_DIR)
    database = digest(folder / "library.sqlite")
    with Library.open(folder, build_index=False) as lib:
        lib.list()
        lib.index_state()
    assert snapshot(folder / INDEX_DIR) == before
    assert digest(folder / "library.sqlite") == database
