"""Crashes and damage around the search index (issue 12): a killed build leaves no worker
processes behind, a stale lock is taken over, leftovers and damaged files are noticed at
open, and a backlog of pending changes is caught up in one go, telling the user.

The long form of the kill tests (many kills, figures) is benchmarks/campaign_kill.py.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from other_processes import cli, env, ids, ok

from readinglist import Library
from readinglist.domain import PaperRecord
from readinglist.library.service import INDEX_DIR
from readinglist.search.index import STATE_FILE
from readinglist.search.index_lock import IndexLock

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the process table from /proc")


def assert_sound(folder: Path) -> None:
    """Opens with a trusted index that holds every paper, and nothing left over."""
    with Library.open(folder) as lib:
        assert lib.index_problem is None
        state = lib.index_state()
        assert (state.ready, state.pending, state.documents) == (True, 0, lib.count()), state
        assert lib.search("*", limit=None).total == lib.count()
    for leftover in (".building", ".old"):
        assert not os.path.lexists(folder / (INDEX_DIR + leftover))


# -- a killed build ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 papers: enough for the parallel writer to start its workers in a first batch."""
    folder = tmp_path_factory.mktemp("big") / "lib"
    words = ["sparse", "attention", "diffusion", "retrieval", "agents", "tokens", "alignment",
             "kernels"]
    with Library.open(folder) as lib:
        lib.import_records([PaperRecord(f"Study {i} of {words[i % 8]} and {words[i * 3 % 8]}",
                                        abstract=f"We measure {words[i % 8]} {i} times.")
                            for i in range(600)])
    return folder


KILLED_BUILD = textwrap.dedent("""
    # Rebuilds the index with the parallel writer (forced from one paper), and once its
    # workers run prints their pids and waits to be killed.
    import os, sys, time
    from readinglist import Library
    from readinglist.search import index
    try:
        from readinglist.search import building
    except ImportError:  # before issue 12 the writer was chosen in index.py
        building = index
    building.PARALLEL_BUILD_FROM = index.PARALLEL_BUILD_FROM = 1
    me = os.getpid()

    def workers():
        found = []
        for entry in os.listdir("/proc"):
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if entry.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == me:
                found.append(entry)
        return found

    def progress(done, total):
        deadline = time.monotonic() + 30
        while len(workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        print("workers", *workers(), flush=True)
        time.sleep(float(sys.argv[2]))

    with Library.open(sys.argv[1], build_index=False) as lib:
        lib.reindex(progress)
""")


def alive(pid: int) -> bool:
    """Running (a zombie nobody reaps is dead, as far as memory goes)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_during_build(folder: Path, after: float) -> list[int]:
    """Start a parallel rebuild, SIGKILL it `after` seconds into its first batch; the
    pids of its workers."""
    process = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(folder), "60"],
                               stdout=subprocess.PIPE, text=True, env=env())
    assert process.stdout is not None
    line = process.stdout.readline().split()
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert line[:1] == ["workers"] and len(line) == 3, line
    return [int(pid) for pid in line[1:]]


@linux_only
def test_a_killed_rebuild_leaves_no_worker_processes(big_template, tmp_path):
    """Issue 12: SIGKILL of `reindex` during the build left the parallel writer's two
    workers asleep for ever (37 orphans after 44 kills, ~100 MB each)."""
    folder = tmp_path / "lib"
    shutil.copytree(big_template, folder)
    workers: list[int] = []
    try:
        for after in (0.0, random.uniform(0.05, 0.3)):  # two kills, a few points
            workers = kill_during_build(folder, after)
            deadline = time.monotonic() + 15
            while any(map(alive, workers)) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [pid for pid in workers if alive(pid)], "orphaned index workers"
            assert os.path.lexists(folder / (INDEX_DIR + ".building"))  # killed midway
            assert_sound(folder)  # opening clears it; the old index is intact
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_lock_left_by_a_killed_holder_is_taken_over(folder):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, time
            from pathlib import Path
            from readinglist.search.index_lock import IndexLock
            lock = IndexLock(Path(sys.argv[1]))
            assert lock.acquire("rebuild")
            print("held", flush=True)
            time.sleep(60)
        """), str(folder / "index.lock")], stdout=subprocess.PIPE, text=True, env=env())
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    lock = IndexLock(folder / "index.lock")
    assert not lock.acquire("update")
    assert f"process {holder.pid} is rebuilding the search index" in lock.busy_message()
    holder.kill()
    holder.wait(10)
    # The kernel let go of it with the process; its name is not believed any more.
    assert lock.busy_message() == "another Readinglist is writing the search index"
    assert lock.acquire("update", timeout=5)
    try:
        current = lock.holder()
        assert current is not None and current.pid == os.getpid()
    finally:
        lock.release()
    assert lock.holder() is None


# -- leftovers and damage, noticed at open -------------------------------------------------


def test_index_building_left_as_a_file_does_not_stop_reindex(folder):
    """Issue 12: `reindex` failed with FileExistsError."""
    (folder / (INDEX_DIR + ".building")).write_text("left by a crash")
    assert "search index rebuilt: 68 papers" in ok(cli(folder, "reindex"))
    assert_sound(folder)


def test_a_leftover_build_is_cleared_at_open(folder):
    building = folder / (INDEX_DIR + ".building")
    building.mkdir()
    (building / "MAIN_x.pst").write_bytes(b"half")
    (folder / (INDEX_DIR + ".old")).write_text("junk")
    with Library.open(folder, build_index=False) as lib:
        assert lib.index_problem is None
        assert ids(lib, "garment") == [49]
    assert_sound(folder)


def test_a_build_killed_between_the_swap_renames_is_put_in_place(folder):
    """The old index moved aside, the complete new one not yet renamed: it is used."""
    os.replace(folder / INDEX_DIR, folder / (INDEX_DIR + ".building"))
    (folder / (INDEX_DIR + ".old")).mkdir()
    with Library.open(folder, build_index=False) as lib:
        assert lib.index_problem is None
        assert ids(lib, "garment") == [49]
    assert_sound(folder)


@pytest.mark.parametrize("column", ["id", "_stored", "_title_len"])
def test_a_deleted_column_file_is_noticed_at_open_and_rebuilt(folder, column):
    """Issue 12: with the id column deleted, `info` said "up to date" and every search
    failed."""
    for path in (folder / INDEX_DIR).glob(f"*.{column}.col"):
        path.unlink()
    info = ok(cli(folder, "info"))
    assert f".{column}.col" in info and "the search index is damaged (missing" in info
    assert "Garment" in ok(cli(folder, "search", "garment"))
    assert_sound(folder)


def test_the_state_file_gone_with_the_index_folder_swapped_out_is_rebuilt(folder):
    (folder / INDEX_DIR / STATE_FILE).unlink()
    with Library.open(folder) as lib:
        assert ids(lib, "garment") == [49]
    assert_sound(folder)


# -- a backlog of pending changes -------------------------------------------------------------


def leave_backlog(folder: Path, rows: int) -> None:
    """Pending changes, as an import killed during its index build leaves them."""
    with sqlite3.connect(folder / "library.sqlite") as conn:
        conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                     "WHERE i < ?) INSERT INTO index_outbox(paper_id) "
                     "SELECT 1 + i % 68 FROM n", [rows])


def test_a_backlog_is_caught_up_in_one_go_at_the_next_edit_and_told(folder):
    """Issue 12: the next one-word edit drained thousands of rows batch by batch,
    silently (12.9 s with 5,000 pending, 158.6 s with 40,000)."""
    leave_backlog(folder, 2100)
    assert "2100 changes to index" in ok(cli(folder, "info"))
    result = cli(folder, "tag", "5", "+afterbacklog")
    ok(result)
    assert "2101 changes are waiting for the search index" in result.stderr  # and its own
    assert "rebuilding it, 68 papers" in result.stderr
    assert "search index up to date" in ok(cli(folder, "info"))
    assert_sound(folder)


def test_a_backlog_smaller_than_the_library_is_applied_with_progress(big_template, tmp_path,
                                                                     monkeypatch):
    from readinglist.library import indexing

    monkeypatch.setattr(indexing, "REBUILD_THRESHOLD", 100)
    monkeypatch.setattr(indexing, "DRAIN_BATCH", 50)
    folder = tmp_path / "lib"
    shutil.copytree(big_template, folder)
    with sqlite3.connect(folder / "library.sqlite") as conn:  # 200 of 600: applied
        conn.execute("INSERT INTO index_outbox(paper_id) SELECT id FROM papers WHERE id <= 200")
    with Library.open(folder, build_index=False) as lib:
        assert lib.index_problem == "many changes are waiting for the search index"
        seen: list[tuple[int, int]] = []
        lib.sync.catch_up_progress = lambda done, total: seen.append((done, total))
        lib.add_tags(3, "x")
        assert seen[-1] == (201, 201) and len(seen) == 6
        assert lib.index_state().pending == 0
        assert ids(lib, "tag:x") == [3]
    assert_sound(folder)
