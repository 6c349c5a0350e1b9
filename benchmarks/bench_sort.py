"""Sorting and filtering benchmark: list_ids and sort_ids on a library of N papers.

    .venv/bin/python benchmarks/bench_sort.py                       # 100,000 papers
    .venv/bin/python benchmarks/bench_sort.py --papers 100000 --library /tmp/lib100k
    .venv/bin/python benchmarks/bench_sort.py --papers 5000 --runs 3 --json out.json

Times, as the median of --runs calls (after one untimed warm-up call):

- list_ids(sort=K) for every sort key, ascending and descending: the unfiltered library,
  as the window shows it;
- sort_ids(ids, K) for every key and direction, with the ids of every paper in the
  library (the table sorted by a click on a column header), half of them (a search with
  many matches) and 1,000 of them;
- list_ids filtered by status, tag and year (sorted by date added and by title).

The papers come from generate.py; the harness then gives them varied reading state in
SQL (statuses, ratings, priorities, queue places, dates finished, a few without a year
and a few in the Trash), so that every sort key has something to sort. The search index
is never built (sorting does not use it): the library is opened with build_index=False
and the import bypasses the index update, leaving the index outbox full.

Prints a table; never asserts timings. On a shared machine the figures are noisy: the
load average at the start and end is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_papers

from readinglist import Library
from readinglist.importers.base import ParseResult
from readinglist.library.importing import ImportRun
from readinglist.store.listing import SORT_KEYS

SUBSET_SEED = 20240601
SMALL_SUBSET = 1000


def step(message: str) -> None:
    print(f"... [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


# -- the library ------------------------------------------------------------------------------

# Reading state given to the generated papers, from a hash of the id (deterministic).
_SPREAD = """
UPDATE papers SET
  status = CASE WHEN h < 55 THEN 'inbox' WHEN h < 60 THEN 'queued' WHEN h < 65 THEN 'reading'
                WHEN h < 85 THEN 'read' WHEN h < 93 THEN 'skimmed' ELSE 'abandoned' END,
  rating = CASE WHEN h BETWEEN 65 AND 92 AND h % 3 != 0 THEN 1 + h % 5 END,
  priority = CASE h % 7 WHEN 0 THEN 'high' WHEN 1 THEN 'low' ELSE 'normal' END,
  queue_position = CASE WHEN h BETWEEN 55 AND 59 THEN id END,
  finished = CASE WHEN h BETWEEN 65 AND 92
             THEN strftime('%Y-%m-%dT%H:%M:%S', '2020-01-01', '+' || (id * 7919 % 2000)
                           || ' days') END,
  year = CASE WHEN h2 = 0 THEN NULL ELSE year END,
  trashed = CASE WHEN h2 = 1 THEN '2025-06-01T12:00:00' END
FROM (SELECT id AS hid, (id * 2654435761) % 100 AS h, (id * 40503) % 97 AS h2 FROM papers)
WHERE hid = papers.id
"""


def make_library(folder: Path, papers: int, seed: int) -> float:
    """Generate and import `papers` papers into a new library at `folder`, without
    building the search index: the seconds the import took (inserts and commit)."""
    step(f"generating {papers} papers (seed {seed})")
    records = generate_papers(papers, seed)
    step("importing them (the index is not updated)")
    with Library.open(folder, build_index=False) as library:
        # What Library.import_records does, without bringing the index up to date.
        run = ImportRun(library.store)
        start = time.perf_counter()
        with library.writer.write(notify=False):
            report = run.run(ParseResult(records=records))
        seconds = time.perf_counter() - start
        if len(report.added) != papers:
            print(f"WARNING: {papers - len(report.added)} papers were not added")
        del records
        step("giving the papers varied reading state (SQL)")
        with library.writer.write(notify=False):
            library.store.db.execute(_SPREAD)
    return seconds


def open_library(folder: Path, papers: int, seed: int
                 ) -> tuple[Library, bool, float | None, float]:
    """The library at `folder` (made first unless it holds one): (library, reused,
    seconds the import took or None, seconds Library.open took)."""
    database = folder / "library.sqlite"
    reused = database.exists()
    import_s = None
    if not reused:
        folder.mkdir(parents=True, exist_ok=True)
        import_s = make_library(folder, papers, seed)
    start = time.perf_counter()
    library = Library.open(folder, build_index=False)
    open_s = time.perf_counter() - start
    total = library.count() + library.store.trash_count()
    if reused and total != papers:
        library.close()
        raise SystemExit(f"{folder} holds {total} papers, not {papers}: use another "
                         "--library or the same --papers")
    return library, reused, import_s, open_s


# -- measuring --------------------------------------------------------------------------------


def median_ms(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of `runs` calls after one warm-up call (ms), and the last result."""
    result = call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def run(library: Library, runs: int, keys: Sequence[str]) -> dict[str, Any]:
    live = library.list_ids(sort="id")
    rng = random.Random(SUBSET_SEED)
    half = rng.sample(live, len(live) // 2)
    small = rng.sample(live, min(SMALL_SUBSET, len(live)))
    shuffled = rng.sample(live, len(live))
    figures: dict[str, Any] = {"papers": len(live), "list": {}, "sort_all": {},
                               "sort_half": {}, "sort_1000": {}, "filters": {},
                               "mismatches": []}
    for key in keys:
        for descending in (False, True):
            name = f"{key} {'desc' if descending else 'asc'}"
            step(f"timing {name}")
            ms, listed = median_ms(
                partial(library.list_ids, sort=key, descending=descending), runs)
            figures["list"][name] = ms
            ms, sorted_all = median_ms(
                partial(library.sort_ids, shuffled, key, descending), runs)
            figures["sort_all"][name] = ms
            if sorted_all != listed:
                figures["mismatches"].append(f"sort_ids(all, {name}) != list_ids({name})")
            for label, ids in (("sort_half", half), ("sort_1000", small)):
                ms, got = median_ms(partial(library.sort_ids, ids, key, descending), runs)
                figures[label][name] = ms
                wanted = set(ids)
                if got != [i for i in listed if i in wanted]:
                    figures["mismatches"].append(f"{label}({name}) is not list_ids' order")
    statuses = library.status_counts()
    status = max(statuses, key=lambda s: statuses[s])
    tags = library.tag_counts()
    tag = max(tags, key=lambda t: tags[t]) if tags else None
    years = library.year_counts()
    year = int(max(years, key=lambda y: years[y])) if years else None
    filters: list[tuple[str, dict[str, Any]]] = [(f"status={status}", {"status": status})]
    if tag:
        filters.append((f"tag={tag}", {"tag": tag}))
    if year:
        filters.append((f"year={year}", {"year": year}))
    filters.append((f"status={status} tag={tag}", {"status": status, "tag": tag}))
    for label, options in filters:
        for sort in ("added", "title"):
            name = f"{label}, sort {sort}"
            step(f"timing list_ids({name})")
            ms, ids = median_ms(lambda options=options, sort=sort: library.list_ids(
                sort=sort, **options), runs)
            figures["filters"][name] = (ms, len(ids))
    return figures


def report(figures: dict[str, Any], runs: int, keys: Sequence[str]) -> None:
    n = figures["papers"]
    print(f"\nSorting {n} papers (library), median of {runs} runs, ms")
    headers = ("key", "dir", "list_ids", f"sort_ids all ({n})",
               f"sort_ids half ({n // 2})", f"sort_ids {min(SMALL_SUBSET, n)}")
    rows = [[key, d, *(f"{figures[part][f'{key} {d}']:.1f}"
                       for part in ("list", "sort_all", "sort_half", "sort_1000"))]
            for key in keys for d in ("asc", "desc")]
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        print("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    print(f"\nFiltered list_ids, median of {runs} runs, ms (matches)")
    for name, (ms, count) in figures["filters"].items():
        print(f"  {name:<40} {ms:8.1f}  ({count})")
    for problem in figures["mismatches"]:
        print(f"MISMATCH: {problem}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="keep the library in DIR (reused when it holds one)")
    parser.add_argument("--runs", type=int, default=7, help="timed calls per figure")
    parser.add_argument("--keys", nargs="*", choices=list(SORT_KEYS), default=list(SORT_KEYS))
    parser.add_argument("--json", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-sort-") as scratch:
        folder = args.library or Path(scratch) / "lib"
        start_load = load()
        library, reused, import_s, open_s = open_library(folder, args.papers, args.seed)
        try:
            figures = run(library, args.runs, args.keys)
        finally:
            library.close()
    figures.update(reused_library=reused, runs=args.runs, load_at_start=start_load,
                   load_at_end=load(), cpus=os.cpu_count(), import_s=import_s, open_s=open_s)
    report(figures, args.runs, args.keys)
    if import_s is not None:
        print(f"\nImport of {args.papers} papers (inserts and commit, once): {import_s:.1f} s")
    print(f"Library.open (build_index=False; migrates an older library): {open_s:.2f} s")
    print(f"\nLoad average at start {start_load}, at end {figures['load_at_end']} "
          f"({figures['cpus']} CPUs){'; library reused' if reused else ''}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    return 1 if figures["mismatches"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
