"""How long reads wait while a big import writes (issue 10's figure).

Opens a library holding the Daily Papers sample, starts the background index worker as
the app does, then imports a large BibTeX file on one thread while another thread reads
in a loop, as the GUI does while an import runs: one table row, one paper, one search
(top 20 with snippets). Prints how many reads ran during the import and the longest
and 99th-percentile wait of each kind.

    python benchmarks/bench_read_wait.py --entries 20000

Nothing is asserted: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import_bibtex import write_bib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()

    from readinglist import Library, QueryError  # the scripting API: stable across layouts

    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "big.bib"
        write_bib(bib, args.entries)
        with Library.open(Path(folder) / "lib") as library:
            library.import_sample()
            library.index_in_background()
            library.wait_for_index(None)
            waits: dict[str, list[float]] = {"row": [], "paper": [], "search": []}
            done = threading.Event()
            unavailable: dict[str, int] = {}

            def read() -> None:
                reads = (("row", lambda: library.table_rows([28])),
                         ("paper", lambda: library.get(28)),
                         ("search", lambda: library.search("model soups", limit=20)))
                while not done.is_set():
                    for kind, call in reads:
                        start = time.perf_counter()
                        try:
                            call()
                        except QueryError:  # the index is being rebuilt: search says so
                            unavailable[kind] = unavailable.get(kind, 0) + 1
                            continue
                        waits[kind].append(time.perf_counter() - start)
                    time.sleep(0.005)  # a GUI reads on events, not in a hot loop

            reader = threading.Thread(target=read)
            reader.start()
            time.sleep(0.2)
            start = time.perf_counter()
            report = library.import_files([bib], fetch=False)
            took = time.perf_counter() - start
            done.set()
            reader.join()
        print(f"import of {args.entries} entries: {took:.1f} s, {len(report.added)} added")
        for kind, times in waits.items():
            ordered = sorted(times)
            p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0.0
            print(f"{kind:>6}: {len(times)} reads, median {statistics.median(times) * 1e3:.1f} ms,"
                  f" p99 {p99 * 1e3:.1f} ms, longest {max(times) * 1e3:.1f} ms"
                  + (f" ({unavailable[kind]} while the index was rebuilt: unavailable)"
                     if kind in unavailable else ""))


if __name__ == "__main__":
    main()
