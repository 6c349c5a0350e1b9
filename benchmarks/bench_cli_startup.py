"""CLI start-up: wall time of `readinglist --help` and `readinglist search model --json`.

Issue 13's goals, as whole processes at 100,000 papers: `--help` under 0.25 s and
`search QUERY --json` under 0.35 s. Each command runs N times (default 7) in a fresh
process, the two commands interleaved so that a change in the machine's load hits both
alike; the median is printed. Also printed, because it is less noisy on a loaded machine:
`python -X importtime -m readinglist ...`'s cumulative microseconds of what Readinglist
imports (the top-level `readinglist*` entries: the package's __init__, then the CLI and
what the command imports when it runs), and of all the process's imports (with `site`).

    python benchmarks/bench_cli_startup.py                      # a 2,000-paper library
    python benchmarks/bench_cli_startup.py --library /tmp/lib100k
    python benchmarks/bench_cli_startup.py --papers 10000 --runs 11

Without --library, --papers synthetic papers (benchmarks/generate.py) are imported into a
temporary library first, which is deleted afterwards. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUERY = "model"
# `-X importtime` lines: "import time: self [us] | cumulative | imported package".
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)\s*$")


def command_prefix() -> list[str]:
    """The `readinglist` console script of this interpreter's environment, else -m."""
    script = Path(sys.executable).parent / "readinglist"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("readinglist")
    return [found] if found else [sys.executable, "-m", "readinglist"]


def build_library(folder: Path, papers: int, seed: int) -> None:
    """Import `papers` synthetic papers into a new library at `folder`, index included."""
    from generate import PaperGenerator

    from readinglist import Library

    print(f"generating and importing {papers:,} papers into {folder} ...", flush=True)
    start = time.perf_counter()
    generator = PaperGenerator(seed)
    records = [generator.paper(number) for number in range(1, papers + 1)]
    with Library.open(folder) as library:
        report = library.import_records(records, None, None)
        while True:  # searchable: the index caught up with the import
            state = library.index_state()
            if state.ready and state.pending == 0:
                break
            time.sleep(0.05)
    print(f"  {len(report.added):,} papers added in {time.perf_counter() - start:.1f} s",
          flush=True)


def run_once(argv: Sequence[str], cwd: Path) -> float:
    """Wall seconds of one whole process (its output discarded; a failure is an error)."""
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n"
                         + done.stderr.decode(errors="replace"))
    return seconds


def import_times(args: Sequence[str], cwd: Path) -> tuple[int, int]:
    """Cumulative import microseconds of Readinglist's modules (and what they import), and
    of all imports, for one `python -X importtime -m readinglist ARGS` run."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "readinglist", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd,
    )
    package = total = 0
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match or match.group(3) != " ":  # nested imports are in their parent's sum
            continue
        cumulative = int(match.group(2))
        total += cumulative
        if match.group(4).split(".")[0] == "readinglist":
            package += cumulative
    return package, total


def median_ms(values: Sequence[float]) -> str:
    return f"{statistics.median(values) * 1000:7.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="an existing library (default: build one in a temporary folder)")
    parser.add_argument("--papers", type=int, default=2000,
                        help="papers in the library built without --library (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated papers")
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (default 7)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        library = args.library
        if library is None:
            library = Path(scratch) / "library"
            build_library(library, args.papers, args.seed)
        library = library.expanduser().resolve()
        commands = {
            "readinglist --help": ["--help"],
            f"readinglist search {QUERY} --json": ["--library", str(library), "search",
                                                     QUERY, "--json"],
        }
        prefix = command_prefix()
        # Run from an empty folder: `-m readinglist` looks in the working folder first, and
        # PYTHONPATH=an/older/checkout (to compare) must not lose to a checkout there.
        cwd = Path(scratch)
        for argv in commands.values():  # warm the file cache and .pyc files
            run_once([*prefix, *argv], cwd)
        times: dict[str, list[float]] = {name: [] for name in commands}
        package_us: dict[str, list[int]] = {name: [] for name in commands}
        total_us: dict[str, list[int]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(run_once([*prefix, *argv], cwd))
                package, total = import_times(argv, cwd)
                package_us[name].append(package)
                total_us[name].append(total)

    print(f"\nCLI start-up: {args.runs} runs each, median wall time of the whole process "
          f"({' '.join(prefix)}); library {library}")
    width = max(len(name) for name in commands)
    print(f"{'command':<{width}}  {'wall':>10}  {'min':>10}  "
          f"{'readinglist imports':>20}  {'all imports':>12}")
    for name in commands:
        print(f"{name:<{width}}  {median_ms(times[name])}  "
              f"{min(times[name]) * 1000:7.0f} ms  "
              f"{statistics.median(package_us[name]):17,.0f} us  "
              f"{statistics.median(total_us[name]):9,.0f} us")


if __name__ == "__main__":
    main()
