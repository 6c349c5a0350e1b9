"""Where a read waits while a big import writes: the GIL, the CPU, or the search itself.

The same scene as bench_read_wait.py (a library with the Daily Papers sample, a large
BibTeX import, a thread reading one table row, one paper and one search in a loop), with
each read split up:

- *cpu*: time the reading thread ran on a CPU (``time.thread_time``);
- *run queue*: time it was ready to run but the OS gave the CPU to someone else
  (``/proc/thread-self/schedstat``: other processes, or our own import thread on the
  other core);
- *blocked*: the rest, when the thread could not run: waiting for the interpreter's lock
  (GIL), a Python lock, or the disk. The reads here take no lock the import holds and
  their files are in the page cache, so this is mostly the GIL.
  These three split *outer*, the read plus the two reads of schedstat around it (which
  may wait for the GIL themselves); *wall* is the read alone, the figure that matters;
- for a search, the time in each step: parse, Whoosh search, the terms to highlight,
  reading the papers from SQLite, making the snippets.

    python benchmarks/profile_read_wait.py --entries 20000
    # the same with the GIL handed over every 0.5 ms instead of every 5 ms
    python benchmarks/profile_read_wait.py --entries 20000 --switch-interval 0.0005
    # the import in another process on the same library: no GIL shared with the reader
    python benchmarks/profile_read_wait.py --entries 20000 --writer process
    # no import at all: what the reads cost alone on this machine right now
    python benchmarks/profile_read_wait.py --entries 20000 --writer none
    # no import, but a thread busy in plain Python: the GIL's cost alone
    python benchmarks/profile_read_wait.py --entries 20000 --writer spin
    # the search index's files read through memory maps (patched in, for measuring)
    python benchmarks/profile_read_wait.py --entries 20000 --mmap-index
    # where the import thread is when a thread could not run for 30 ms or more
    python benchmarks/profile_read_wait.py --entries 20000 --gil-watch 30

`--gil-watch MS` adds a thread that sleeps a millisecond at a time; when it wakes MS
later than asked, it notes the import thread's innermost frames: after a long hold of
the GIL (a call into C that does not let go of it) that is the line just after the call.
A busy machine also wakes it late (the OS gives it no CPU), so compare with the
run-queue figures and look for the places that come back often.

Nothing is asserted: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import_bibtex import write_bib

SLOW_MS = 50.0  # the goal: no read waits longer
# The writer process: opens the same library, imports, says when it starts and ends.
WRITER = """
import sys
from readinglist import Library
with Library.open(sys.argv[1], build_index=False) as library:
    library.index_in_background()  # as the app: the import does not wait for the index
    print("start", flush=True)
    report = library.import_files([sys.argv[2]], fetch=False)
    print("end", len(report.added), flush=True)
"""


def run_queue_seconds() -> float:
    """Seconds the calling thread has waited in the OS's run queue (0 where unknown).

    Reading the file lets go of the GIL, so under contention the reading itself can wait
    for it: the split of a read is made over an interval that includes these reads."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):  # not Linux, or no schedstats
        return 0.0


def mmap_index_files() -> None:
    """Open the index's files as memory maps (a measuring aid, not what the app does).

    Whoosh reads a non-compound segment with seek and read on a plain file: a search makes
    about 250 such system calls, and each lets go of the GIL, which a busy thread then
    keeps for up to a switch interval. Reading a memory map is a copy in memory: no system
    call, no letting go."""
    import mmap

    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.structfile import StructFile

    plain = FileStorage.open_file

    def open_file(self: FileStorage, name: str, **kwargs: Any) -> StructFile:
        with open(self._fpath(name), "rb") as file:
            try:
                mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file cannot be mapped
                return plain(self, name, **kwargs)
        return StructFile(mapped, name=name, **kwargs)

    FileStorage.open_file = open_file


class Steps:
    """Time spent in named calls, on the reading thread only."""

    def __init__(self, reader: Callable[[], threading.Thread | None]) -> None:
        self.reader = reader
        self.current: dict[str, float] = defaultdict(float)

    def wrap(self, owner: Any, name: str, label: str) -> None:
        inner = getattr(owner, name)

        @functools.wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is not self.reader():
                return inner(*args, **kwargs)
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.current[label] += time.perf_counter() - start

        setattr(owner, name, timed)

    def take(self) -> dict[str, float]:
        out, self.current = dict(self.current), defaultdict(float)
        return out


class GilWatch:
    """A thread that wakes every millisecond and, when it woke much later than asked
    (another thread held the GIL, or the OS gave it no CPU), notes where the import
    thread is at that moment: just after what kept the GIL so long."""

    def __init__(self, watched: int, late_ms: float) -> None:
        self.watched = watched
        self.late = late_ms / 1e3
        self.stop = threading.Event()
        self.gaps: defaultdict[str, float] = defaultdict(float)  # where -> ms late, summed
        self.counts: Counter[str] = Counter()
        self.thread = threading.Thread(target=self._run, name="gil-watch", daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self.stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            gap = now - last - 0.001
            last = now
            if gap < self.late:
                continue
            frame = sys._current_frames().get(self.watched)
            lines: list[str] = []
            while frame is not None and len(lines) < 3:
                code = frame.f_code
                lines.append(f"{code.co_name} ({Path(code.co_filename).name}:{frame.f_lineno})")
                frame = frame.f_back
            where = " <- ".join(lines) or "(not running Python)"
            self.gaps[where] += gap * 1e3
            self.counts[where] += 1
            last = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--writer", choices=("thread", "process", "spin", "none"),
                        default="thread")
    parser.add_argument("--switch-interval", type=float, default=None, metavar="SECONDS",
                        help="sys.setswitchinterval during the run (Python's default 0.005)")
    parser.add_argument("--none-seconds", type=float, default=20.0,
                        help="with --writer none or spin: how long to read")
    parser.add_argument("--mmap-index", action="store_true",
                        help="read the search index's files through memory maps")
    parser.add_argument("--gil-watch", type=float, default=None, metavar="MS",
                        help="note where the import is when a thread wakes MS ms late")
    args = parser.parse_args()
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    if args.mmap_index:
        mmap_index_files()

    from readinglist import Library, QueryError

    # ignore_cleanup_errors: an index build the closing library gave up waiting for may
    # still be writing there (seen once under heavy load).
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        bib = Path(folder) / "big.bib"
        write_bib(bib, args.entries)
        lib_dir = Path(folder) / "lib"
        with Library.open(lib_dir) as library:
            library.import_sample()
            library.index_in_background()
            library.wait_for_index(None)
            reader_thread: threading.Thread | None = None
            steps = Steps(lambda: reader_thread)
            searching = library.searching
            for owner, name, label in (
                (searching.index, "parse", "parse"),
                (searching.index, "search", "whoosh search"),
                (searching.index, "matched_terms", "terms to highlight"),
                (searching.store, "get_papers", "read papers (SQLite)"),
                (searching.index, "snippet", "make snippets"),
            ):
                steps.wrap(owner, name, label)
            records: dict[str, list[dict[str, Any]]] = defaultdict(list)
            done = threading.Event()
            unavailable = 0
            watch = GilWatch(threading.main_thread().ident or 0, args.gil_watch or 0.0)

            def read() -> None:
                nonlocal unavailable
                reads = (("row", lambda: library.table_rows([28])),
                         ("paper", lambda: library.get(28)),
                         ("search", lambda: library.search("model soups", limit=20)))
                while not done.is_set():
                    for kind, call in reads:
                        steps.take()
                        outer, cpu = time.perf_counter(), time.thread_time()
                        queue = run_queue_seconds()
                        start = time.perf_counter()
                        try:
                            call()
                        except QueryError:  # the index is being rebuilt
                            unavailable += 1
                            continue
                        wall = time.perf_counter() - start
                        queue = run_queue_seconds() - queue
                        cpu = time.thread_time() - cpu
                        outer = time.perf_counter() - outer
                        records[kind].append({"wall": wall, "outer": outer, "cpu": cpu,
                                              "run queue": queue,
                                              "blocked": max(0.0, outer - cpu - queue),
                                              "steps": steps.take()})
                    time.sleep(0.005)  # a GUI reads on events, not in a hot loop

            reader_thread = threading.Thread(target=read, name="reader")
            reader_thread.start()
            if args.gil_watch:
                watch.thread.start()
            time.sleep(0.2)
            start = time.perf_counter()
            added: object = "-"
            if args.writer == "thread":
                added = len(library.import_files([bib], fetch=False).added)
            elif args.writer == "process":
                env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
                child = subprocess.Popen([sys.executable, "-c", WRITER, str(lib_dir), str(bib)],
                                         stdout=subprocess.PIPE, text=True, env=env)
                assert child.stdout is not None
                for line in child.stdout:
                    if line.startswith("start"):
                        start = time.perf_counter()
                    elif line.startswith("end"):
                        added = int(line.split()[1])
                        break
            elif args.writer == "spin":  # busy in plain Python: no I/O, no long C calls
                end, n = time.perf_counter() + args.none_seconds, 0
                while time.perf_counter() < end:
                    n += sum(i * i for i in range(200))
            else:
                time.sleep(args.none_seconds)
            took = time.perf_counter() - start
            done.set()  # (a writer process's closing, its index work, is not the import)
            reader_thread.join()
            if args.writer == "process":
                child.wait()
            watch.stop.set()

    print(f"writer: {args.writer}, switch interval {sys.getswitchinterval() * 1e3:g} ms, "
          + ("index files memory-mapped, " if args.mmap_index else "")
          + f"{args.entries} entries, {took:.1f} s, {added} added; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if unavailable:
        print(f"({unavailable} searches while the index was rebuilt: unavailable)")
    ms = 1e3
    for kind, recs in records.items():
        walls = sorted(r["wall"] for r in recs)
        slow = [r for r in recs if r["wall"] * ms > SLOW_MS]
        p99 = walls[int(len(walls) * 0.99) - 1] if walls else 0.0
        print(f"\n{kind}: {len(recs)} reads, median {statistics.median(walls) * ms:.1f} ms, "
              f"p99 {p99 * ms:.1f} ms, longest {walls[-1] * ms:.1f} ms, "
              f"{len(slow)} over {SLOW_MS:g} ms")
        parts = ("outer", "cpu", "run queue", "blocked")
        for label, group in (("all reads", recs), (f"over {SLOW_MS:g} ms", slow)):
            if group:
                wall = statistics.mean(r["wall"] for r in group) * ms
                print(f"  {label} (mean ms): wall {wall:.1f}; split of the measured interval: "
                      + ", ".join(
                          f"{k} {statistics.mean(r[k] for r in group) * ms:.1f}" for k in parts))
        for r in sorted(recs, key=lambda r: -r["wall"])[:5]:
            split = ", ".join(f"{k} {r[k] * ms:.0f}" for k in parts)
            step_text = ", ".join(f"{k} {v * ms:.0f}" for k, v in r["steps"].items() if v)
            print(f"  slow: {r['wall'] * ms:6.1f} ms ({split})"
                  + (f"  | steps: {step_text}" if step_text else ""))
        if kind == "search" and recs:
            totals: dict[str, float] = defaultdict(float)
            for r in recs:
                for k, v in r["steps"].items():
                    totals[k] += v
            print("  search steps (mean ms): " + ", ".join(
                f"{k} {v * ms / len(recs):.1f}" for k, v in totals.items()))


    if args.gil_watch:
        print(f"\nthe watch thread woke {args.gil_watch:g} ms or more late "
              f"{sum(watch.counts.values())} times ({sum(watch.gaps.values()):.0f} ms late in"
              " all); where the import thread was then (innermost frame first):")
        for where, late in sorted(watch.gaps.items(), key=lambda item: -item[1])[:15]:
            print(f"  {watch.counts[where]:4d} times, {late:6.0f} ms late  {where}")


if __name__ == "__main__":
    main()
