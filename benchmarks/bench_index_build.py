"""Time to build the search index and to catch up with a backlog, on an existing library.

Used to choose how the index is built (issue 12): Whoosh's parallel writer as before (two
worker processes, which outlived a killed parent), the same with workers that die with
their parent (PR_SET_PDEATHSIG and a watchdog: what the app does), or one process; and
when a backlog of pending changes is cheaper to rebuild than to apply.

    # a library of 20,000 generated papers (about 6 minutes on two busy cores)
    python -c "import sys; sys.path.insert(0, 'benchmarks'); from bench_import_bibtex \\
        import write_bib; from pathlib import Path; write_bib(Path('/tmp/p20000.bib'), 20000)"
    readinglist --library /tmp/lib20k import /tmp/p20000.bib --no-fetch
    # then, on a copy (the library is not changed, its index is rebuilt in a copy)
    python benchmarks/bench_index_build.py /tmp/lib20k --rounds 2
    python benchmarks/bench_index_build.py /tmp/lib20k --backlog 5000

Each build runs in a fresh child process (so one mode's memory does not weigh on the
next), the modes interleaved round by round, in a rotated order, so that a change in the
machine's load hits them alike. Prints seconds and peak memory (parent and workers) per
run, then medians.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = ("parallel-whoosh", "parallel-dies-with-parent", "one-process")


def build_once(library: Path, mode: str) -> dict:
    """In this process: rebuild the index of `library` in `mode`; time and memory."""
    from whoosh.multiproc import MpWriter

    from readinglist import Library
    from readinglist.search import building

    if mode == "one-process":
        building.BUILD_PROCS = 1
    elif mode == "parallel-whoosh":  # the writer as it was before issue 12
        building.ParallelWriter = MpWriter  # type: ignore[misc]
    with Library.open(library, build_index=False) as lib:
        papers = lib.count()
        start = time.perf_counter()
        assert lib.reindex()
        seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return {"mode": mode, "papers": papers, "seconds": round(seconds, 2),
            "peak_mb": own, "worker_peak_mb": workers}


def backlog_once(library: Path, pending: int, how: str) -> dict:
    """In this process: `pending` papers in the outbox, caught up by draining or rebuilding."""
    from readinglist import Library
    from readinglist.library import indexing

    with sqlite3.connect(library / "library.sqlite") as conn:
        conn.execute("INSERT INTO index_outbox(paper_id) SELECT id FROM papers ORDER BY id "
                     "LIMIT ?", [pending])
    with Library.open(library, build_index=False) as lib:
        papers = lib.count()
        start = time.perf_counter()
        if how == "drain":
            indexing.REBUILD_THRESHOLD = 10**9
            lib.sync.drain()
        else:
            assert lib.reindex()
        seconds = time.perf_counter() - start
        assert lib.index_state().pending == 0
    return {"mode": how, "papers": papers, "pending": pending, "seconds": round(seconds, 2)}


def in_child(library: Path, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, str(library), "--child", *args],
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="a library folder (copied, not changed)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=MODES)
    parser.add_argument("--backlog", type=int, metavar="N",
                        help="time catching up with N pending changes: drain vs rebuild")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = (build_once(args.library, rest[0]) if kind == "build"
                  else backlog_once(args.library, int(rest[0]), rest[1]))
        print(json.dumps(result))
        return
    runs: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            kinds = (["drain", "rebuild"] if args.backlog else list(args.modes))
            kinds = kinds[round_ % len(kinds):] + kinds[:round_ % len(kinds)]  # rotated
            for mode in kinds:
                copy = Path(tmp) / f"lib-{round_}-{mode}"
                shutil.copytree(args.library, copy)
                if args.backlog:
                    result = in_child(copy, "backlog", str(args.backlog), mode)
                else:
                    result = in_child(copy, "build", mode)
                shutil.rmtree(copy)
                print(json.dumps(result), flush=True)
                runs.setdefault(mode, []).append(result["seconds"])
    for mode, seconds in runs.items():
        print(f"{mode}: median {statistics.median(seconds):.1f} s over {len(seconds)} runs")


if __name__ == "__main__":
    main()
