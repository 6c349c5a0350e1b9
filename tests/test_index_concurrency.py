"""Two processes on one library (the app open while a script or the CLI writes, two
terminals): every write is saved and reaches the search index, and nobody sees a
traceback (issue 12).

Two Library objects on one folder take the index lock through their own file
descriptors, so inside one test process they contend as two processes do; the tests that
need real processes run the CLI or a small script.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from other_processes import cli, env, ids, ok

from readinglist import Library, ReadinglistError
from readinglist.store.connections import LibraryBusy
from readinglist.system.locations import sample_page_path

SEED = sample_page_path()


def assert_index_agrees(folder: Path) -> None:
    """Opened afresh: nothing pending, the index holds every paper, each tag found."""
    with Library.open(folder) as lib:
        assert lib.index_problem is None
        state = lib.index_state()
        assert (state.pending, state.documents) == (0, lib.count()), state
        for tag, count in lib.tag_counts().items():
            assert len(ids(lib, f'tag:"{tag}"')) == count, tag


HOLDER = textwrap.dedent("""
    # Holds the library's search index as a writer in the middle of a commit does: the
    # index lock, then Whoosh's own write lock. Prints "held", then sleeps.
    import sys, time
    from pathlib import Path
    from whoosh import index
    folder = Path(sys.argv[1])
    try:
        from readinglist.search.index_lock import IndexLock
    except ImportError:  # the code before issue 12 had Whoosh's lock alone
        pass
    else:
        lock = IndexLock(folder / "index.lock")
        assert lock.acquire(sys.argv[3])
    writer = index.open_dir(str(folder / "index")).writer()
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
""")


class Holder:
    """Another process holding the index (see HOLDER) for `seconds`."""

    def __init__(self, folder: Path, seconds: float, purpose: str = "update") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(folder), str(seconds), purpose],
            stdout=subprocess.PIPE, text=True, env=env())
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "held"

    def end(self) -> None:
        self.process.kill()
        self.process.wait(10)


def test_cli_writes_while_another_process_holds_the_index(folder, tmp_path):
    """Issue 12: `tag` and `import` died with whoosh.index.LockError (import exited 1
    although its papers were committed). The writes are saved, the index catches up."""
    holder = Holder(folder, 60, purpose="rebuild")
    try:
        ok(cli(folder, "tag", "5", "+heldtag"))
        bib = tmp_path / "one.bib"
        bib.write_text("@article{k, title={Quokka locomotion on sand}, year={2020}}\n")
        assert "1 added" in ok(cli(folder, "import", str(bib), "--no-fetch"))
        info = ok(cli(folder, "info"))
        assert re.search(r"\d+ changes to index \(process \d+ is rebuilding", info), info
        # Searches keep working on the last committed index meanwhile.
        assert "1 match" in ok(cli(folder, "search", "garment"))
    finally:
        holder.end()
    # The holder was killed without applying them: the next process that opens does.
    assert "search index up to date" in ok(cli(folder, "info"))
    assert "Quokka" in ok(cli(folder, "search", "quokka"))
    hits = json.loads(ok(cli(folder, "search", "tag:heldtag", "--json")))["hits"]
    assert [hit["id"] for hit in hits] == [5]
    assert_index_agrees(folder)


def test_a_process_that_finds_the_index_busy_leaves_its_change_to_the_holder(folder):
    """The holder drains, lets go, and looks again: an edit committed by a process
    that found the lock held is applied by the holder, not left behind."""
    with Library.open(folder) as holder, Library.open(folder) as other:
        assert holder.index.lock.acquire("update")
        try:
            other.add_tags(7, "leftwithholder")  # finds the lock held: saved, pending
            assert other.index_state().pending == 1
        finally:
            holder.index.lock.release()
        holder.sync.drain()  # what the holder does before it lets go
        assert other.index_state().pending == 0
        other.index.refresh()
        assert ids(other, "tag:leftwithholder") == [7]
    assert_index_agrees(folder)


def test_an_edit_made_during_a_rebuild_is_indexed_after_it(folder):
    """Issue 12: an edit by another process while `reindex` ran was lost for good
    (applied to the old index, its outbox row dropped, then the new index swapped in)
    while `info` said "up to date"."""
    with Library.open(folder) as rebuilder, Library.open(folder) as editor:
        edited = threading.Event()

        def progress(done: int, total: int) -> None:
            if not edited.is_set():
                edited.set()
                editor.add_tags(3, "duringrebuild")  # another process, mid-build

        assert rebuilder.reindex(progress)
        assert edited.is_set()
        assert ids(rebuilder, "tag:duringrebuild") == [3]
        assert rebuilder.index_state().pending == 0
    with Library.open(folder) as lib:
        assert ids(lib, "tag:duringrebuild") == [3]
    assert_index_agrees(folder)


def test_a_seeded_global_random_does_not_break_the_index(folder):
    """Issue 12: Whoosh named segments with the global `random`; after random.seed(0)
    two runs wrote the same segment name and one overwrote the other."""
    for i in range(3):
        random.seed(0)
        with Library.open(folder) as lib:
            lib.add_tags(10 + i, f"seeded{i}")
    with Library.open(folder) as lib:
        assert lib.index_problem is None
        for i in range(3):
            assert ids(lib, f"tag:seeded{i}") == [10 + i]
    assert_index_agrees(folder)


# -- the database: waits, and a clear error beyond the bound ---------------------------


def hold_database(folder: Path, seconds: float,
                  release: threading.Event | None = None) -> threading.Thread:
    """Another connection holds the database's write lock for `seconds` (or until
    `release` is set), then commits, as another process's import does."""
    started = threading.Event()
    release = release or threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(folder / "library.sqlite", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE meta SET value = value")
        started.set()
        release.wait(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert started.wait(10)
    return thread


def test_a_write_waits_for_another_process_then_succeeds(folder):
    with Library.open(folder) as lib:
        told: list[str] = []
        from readinglist.store import connections

        connections.set_wait_notice(told.append)
        try:
            holder = hold_database(folder, 1.5)
            lib.add_tags(4, "afterwait")
            holder.join()
        finally:
            connections.set_wait_notice(None)
        assert lib.get(4).tags.count("afterwait") == 1
        assert any("waiting" in message for message in told)


def test_a_wait_beyond_the_bound_is_a_clear_error_and_changes_nothing(folder):
    with Library.open(folder) as lib:
        lib.store.busy_timeout = 1.2
        holder = hold_database(folder, 3)
        try:
            with pytest.raises(LibraryBusy, match="the library is busy"):
                lib.add_tags(4, "never")
        finally:
            holder.join()
        assert "never" not in lib.get(4).tags
        assert isinstance(LibraryBusy("x"), ReadinglistError)


def test_cli_says_waiting_and_writes_when_the_other_write_ends(folder):
    release = threading.Event()
    holder = hold_database(folder, 60, release)
    process = subprocess.Popen(
        [sys.executable, "-m", "readinglist", "--library", str(folder), "tag", "6", "+patient"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env())
    try:
        assert process.stderr is not None
        told = process.stderr.readline()  # the CLI waits, and says so
    finally:
        release.set()
        holder.join()
    out, err = process.communicate(timeout=60)
    assert "the library is busy" in told and told.rstrip().endswith("waiting…")
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "patient" in out
    assert "patient" in ok(cli(folder, "show", "6"))


WRITE_SQL = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|"
                       r"PRAGMA\s+user_version\s*=)", re.IGNORECASE)


def test_every_write_runs_in_a_transaction_that_holds_the_write_lock(tmp_path, monkeypatch):
    """A deferred BEGIN that reads and then writes fails at once ("database is locked")
    when another process commits meanwhile: every write, migrations included, must
    run after BEGIN IMMEDIATE."""
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "library-v1.sqlite",
                folder / "library.sqlite")
    statements: list[str] = []
    original = sqlite3.connect

    def traced(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = original(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    from readinglist.store import store_base, writer

    monkeypatch.setattr(writer, "PRUNE_EVERY", 2)  # the change log's pruning too
    store_base.sqlite3.connect = traced  # type: ignore[assignment]
    try:
        with Library.open(folder) as lib:  # ten migrations
            first = lib.list_ids()[:4]
            lib.add_tags(first[0], "x")
            lib.set_status(first[1], "queued")
            lib.set_note(first[2], "a note")
            lib.import_file(SEED)
            lib.rename_tag("x", "y")
            lib.delete(first[3])
            lib.restore(first[3])
            lib.save_search("s", "lora*")
            lib.undo_merge(lib.merge_papers(first[0], [first[1]]))  # snapshots
            lib.reindex()
            lib.repair()  # `readinglist check --repair`
    finally:
        store_base.sqlite3.connect = original  # type: ignore[assignment]
    outside, state = [], None
    for sql in statements:
        upper = sql.strip().upper()
        if upper.startswith("BEGIN"):
            state = "immediate" if upper.startswith("BEGIN IMMEDIATE") else "deferred"
            if state == "deferred":
                outside.append(sql)
        elif upper.startswith(("COMMIT", "END")) or upper == "ROLLBACK":
            state = None
        elif WRITE_SQL.match(sql) and state != "immediate" and "busy_timeout" not in sql:
            outside.append(sql)
    assert outside == []


# -- several processes at once -------------------------------------------------------------

WRITER = textwrap.dedent("""
    # One of several processes writing to one library: tags papers, prints each write
    # once it returned (acknowledged), never a traceback.
    import sys
    from readinglist import Library
    folder, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Library.open(folder, build_index=False) as lib:
        for i in range(count):
            lib.add_tags(1 + i % 60, f"{name}{i}")
            print(f"done {name}{i}", flush=True)
""")


def test_concurrent_writers_lose_nothing(folder):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), name, "12"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env()) for name in ("wa", "wb", "wc")]
    acknowledged = []
    for process in writers:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
        acknowledged += [line.split()[1] for line in out.splitlines()]
    assert len(acknowledged) == 36
    with Library.open(folder) as lib:
        tags = set(lib.tag_counts())
        assert set(acknowledged) <= tags
        assert lib.index_state().pending == 0
        for tag in acknowledged:
            assert len(ids(lib, f"tag:{tag}")) == 1, tag
    assert_index_agrees(folder)


def test_two_apps_on_one_library_see_each_others_edits(folder):
    """A second window on the same library works: each keeps the index through its
    background worker, and finds what the other wrote."""
    with Library.open(folder, build_index=False) as first, \
            Library.open(folder, build_index=False) as second:
        first.index_in_background()
        second.index_in_background()
        for i in range(5):
            first.add_tags(20 + i, f"fromfirst{i}")
            second.add_tags(30 + i, f"fromsecond{i}")
        assert first.wait_for_index(30) and second.wait_for_index(30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (first.index_state().pending
                                               or second.index_state().pending):
            first.poll_elsewhere()
            second.poll_elsewhere()
            time.sleep(0.05)
        first.poll_elsewhere()
        second.poll_elsewhere()
        for i in range(5):
            assert ids(first, f"tag:fromsecond{i}") == [30 + i]
            assert ids(second, f"tag:fromfirst{i}") == [20 + i]
    assert_index_agrees(folder)



def test_a_second_window_on_the_same_library_works(qtbot, folder):
    """Two windows on one library (two processes in real life: here two Library
    objects, whose index locks contend as processes do): an edit in either is found
    by the other's search, without a rebuild and without an error."""
    from readinglist.gui.app import make_app
    from readinglist.gui.window.main_window import MainWindow

    make_app()
    libraries = [Library.open(folder, build_index=False) for _ in range(2)]
    windows = []
    try:
        for library in libraries:
            assert library.index_problem is None
            library.index_in_background()
            window = MainWindow(library)
            qtbot.addWidget(window)
            window.show()
            windows.append(window)
        first, second = libraries
        first.add_tags(28, "fromwindowone")
        second.add_tags(29, "fromwindowtwo")
        qtbot.waitUntil(lambda: ids(second, "tag:fromwindowone") == [28], timeout=20000)
        qtbot.waitUntil(lambda: ids(first, "tag:fromwindowtwo") == [29], timeout=20000)
        for window in windows:
            qtbot.waitUntil(lambda w=window: w.index_status.label.text()
                            == "search index up to date", timeout=20000)
    finally:
        for window in windows:
            window.close()
            window.runner.wait()
        for library in libraries:
            library.close()
    assert_index_agrees(folder)
