"""The long fuzz campaign of issue 12: the property tests of every importer and of the
query language (tests/test_fuzz_importers.py, tests/test_fuzz_query.py) run with
Hypothesis's ``long`` profile, and a table of what each target tried.

    python benchmarks/fuzz_campaign.py                       # 100,000 cases per target
    python benchmarks/fuzz_campaign.py --examples 10000 -n 2 -k "bibtex or ris"

Each target stops at its first failure (shrunk to a small example, printed by pytest and
kept in .hypothesis/ to be tried first next time); the table says which failed. The
suite itself runs the same tests with a few dozen cases each (tests/hypothesis_profiles.py).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_fuzz_importers.py", "tests/test_fuzz_query.py"]
_TARGET = re.compile(r"^(tests/\S+::\S+):\s*$")
_PHASE = re.compile(r"during (\w+) phase \(([\d.]+) seconds\)")
_COUNTS = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")


def summary(output: str) -> list[tuple[str, int, int, int, float]]:
    """(target, passing, failing, invalid, seconds) from --hypothesis-show-statistics."""
    rows: dict[str, list[float]] = {}
    target = ""
    seconds = 0.0
    for line in output.splitlines():
        if match := _TARGET.match(line.strip()):
            target = match.group(1)
            rows[target] = [0, 0, 0, 0.0]
        elif (match := _PHASE.search(line)) and target:
            seconds = float(match.group(2))
            rows[target][3] += seconds
        elif (match := _COUNTS.search(line)) and target:
            for i in range(3):
                rows[target][i] += int(match.group(i + 1))
    return [(name, int(p), int(f), int(i), s) for name, (p, f, i, s) in rows.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100_000, help="cases per target")
    parser.add_argument("-n", dest="workers", default="1", help="pytest-xdist workers")
    parser.add_argument("-k", dest="keyword", help="only the targets matching (pytest -k)")
    parser.add_argument("--log", type=Path, help="also write pytest's whole output here")
    args = parser.parse_args(argv)
    env = dict(os.environ, HYPOTHESIS_PROFILE="long", FUZZ_EXAMPLES=str(args.examples),
               QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", args.workers,
               "-q", "--hypothesis-show-statistics", *TESTS]
    if args.keyword:
        command += ["-k", args.keyword]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if args.log:
        args.log.write_text(done.stdout + done.stderr, encoding="utf-8")
    rows = summary(done.stdout)
    print(f"{'target':<58} {'passing':>9} {'failing':>8} {'invalid':>8} {'seconds':>8}")
    for name, passing, failing, invalid, seconds in rows:
        print(f"{name:<58} {passing:>9,} {failing:>8,} {invalid:>8,} {seconds:>8.0f}")
    print(f"{'total':<58} {sum(r[1] for r in rows):>9,} {sum(r[2] for r in rows):>8,}")
    if done.returncode:
        print(done.stdout[-4000:], file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
