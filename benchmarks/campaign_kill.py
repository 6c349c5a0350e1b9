"""Kill campaign for issue 12: SIGKILL imports, reindexes and bursts of edits at random
points, with other processes writing at the same time, and check after every kill.

    python benchmarks/campaign_kill.py --kills 40            # 30-40 minutes on 2 cores
    python benchmarks/campaign_kill.py --kills 6 --papers 600  # a quick look

Each round starts, on one library, a victim (in turn: a reindex, an import of a BibTeX
file of new papers, a burst of edits), and beside it one or two writers that tag papers
through the Python API, printing each write once it returned. The library starts afresh
every six rounds, so that every import adds papers and builds the index. Builds use the
parallel writer from the first paper (as a library of 5,000+ papers does), so that a kill
may land while its worker processes run. The victim is killed with SIGKILL after a
random delay, spread over how long it runs when nobody kills it (measured first); the
writers finish. Then the round checks:

- orphans: processes the victim had started that are still alive 10 s after the kill;
- the library opens, with no leftover ``index.building`` and nothing pending;
- the index agrees with the database: as many documents as papers, ``*`` finds them all;
- lost writes: every write a process reported done is in the database and the index
  (each tag is found by ``tag:NAME``);
- tracebacks: in the output of every process that was not killed.

The figures are printed at the end (and as JSON with --json). Nothing here is collected
by pytest: tests/test_index_crash.py and tests/test_index_concurrency.py run a short form.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

VICTIMS = ("reindex", "import", "edits", "export")

DRIVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from readinglist import Library
    from readinglist.search import index
    try:
        from readinglist.search import building
    except ImportError:  # the code before issue 12 chose the writer in index.py
        building = index
    # Workers in every build, as from 5,000 papers.
    building.PARALLEL_BUILD_FROM = index.PARALLEL_BUILD_FROM = 1
    folder, what = sys.argv[1], sys.argv[2]
    with Library.open(folder, build_index=False) as lib:
        if what == "reindex":
            lib.reindex()
        elif what == "export":  # as `readinglist export -o FILE` writes it
            from readinglist.system.files import write_atomically
            write_atomically(Path(sys.argv[3]), lib.export("bibtex"))
            print("exported", flush=True)
        elif what == "import":
            report = lib.import_files([Path(sys.argv[3])], fetch=False)
            print("imported", len(report.added), flush=True)
        else:  # edits: tag papers, each write acknowledged once it returned
            name, count = sys.argv[3], int(sys.argv[4])
            papers = lib.list_ids()
            for i in range(count):
                lib.add_tags(papers[i * 7 % len(papers)], f"{name}-{i}")
                print("done", f"{name}-{i}", flush=True)
""")


def children(pid: int) -> list[int]:
    """Live processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start(folder: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "READINGLIST_LIBRARY"}
    return subprocess.Popen([sys.executable, "-c", DRIVER, str(folder), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def make_library(folder: Path, papers: int, seed: int) -> None:
    from generate import generate_papers

    from readinglist import Library

    with Library.open(folder) as lib:
        lib.import_records(generate_papers(papers, seed))


OLD_EXPORT = "% the export before this round\n"


def export_target(folder: Path) -> Path:
    return folder.parent / "exports" / "library.bib"


def check(folder: Path, acknowledged: list[str]) -> list[str]:
    """What is wrong with the library after a round (empty: nothing). Opens it as a
    user would next, with the CLI (`info`, then `check`), then looks at it through the
    API, and at the export's folder."""
    from readinglist import Library

    problems = []
    for command in (["info"], ["check", "--json"]):
        done = subprocess.run([sys.executable, "-m", "readinglist", "--library", str(folder),
                               *command], capture_output=True, text=True, timeout=600)
        if done.returncode or "Traceback" in done.stderr:
            problems.append(f"{command[0]} failed: {(done.stderr or done.stdout).strip()[-300:]}")
    with Library.open(folder) as lib:
        state = lib.index_state()
        count = lib.count()
        if lib.index_problem or state.pending or state.documents != count:
            problems.append(f"index disagrees: {state} for {count} papers")
        if lib.search("*", limit=None).total != count:
            problems.append("'*' does not find every paper")
        tags = set(lib.tag_counts())
        for tag in acknowledged:
            if tag not in tags:
                problems.append(f"lost write: {tag} not in the database")
            elif not lib.search(f'tag:"{tag}"', limit=None).ids:
                problems.append(f"lost write: {tag} not in the index")
        exported = export_target(folder)
        # The old export, or a whole new one, never a part of one.
        text = exported.read_text(encoding="utf-8") if exported.exists() else OLD_EXPORT
        if text != OLD_EXPORT and text.count("\n@") + text.startswith("@") != count:
            problems.append("the export is neither the old file nor a whole new one")
    for leftover in ("index.building", "index.old"):
        if os.path.lexists(folder / leftover):
            problems.append(f"{leftover} left after opening")
    return problems


def temp_files_left(folder: Path) -> int:
    """Hidden temporary files a killed export left beside its target (the target itself
    is never half-written; a temporary file is, as any program's killed mid-write)."""
    exports = export_target(folder).parent
    return len(list(exports.glob(".*.tmp"))) if exports.is_dir() else 0


def victim_args(victim: str, bib: Path, n: int, folder: Path) -> list[str]:
    return {"reindex": ["reindex"], "import": ["import", str(bib)],
            "edits": ["edits", f"v{n}", "400"],
            "export": ["export", str(export_target(folder))]}[victim]


RESET_EVERY = 8  # rounds: then the library starts afresh from the template


def calibrate(template: Path, bib: Path, tmp: Path,
              victims: tuple[str, ...] = VICTIMS) -> dict[str, float]:
    """How long each victim runs when nobody kills it (kills are spread over that)."""
    durations = {}
    for victim in victims:
        folder = tmp / f"calibrate-{victim}"
        shutil.copytree(template, folder)
        started = time.monotonic()
        export_target(folder).parent.mkdir(exist_ok=True)
        process = start(folder, *victim_args(victim, bib, -1, folder))
        _, err = process.communicate(timeout=3600)
        if process.returncode or "Traceback" in err:
            raise SystemExit(f"{victim} fails without a kill:\n{err}")
        durations[victim] = time.monotonic() - started
        shutil.rmtree(folder)
        shutil.rmtree(export_target(folder).parent)
    return durations


def round_(folder: Path, bib: Path, victim: str, rng: random.Random, n: int,
           duration: float) -> dict:
    export_target(folder).parent.mkdir(exist_ok=True)
    export_target(folder).write_text(OLD_EXPORT, encoding="utf-8")
    process = start(folder, *victim_args(victim, bib, n, folder))
    writers = [start(folder, "edits", f"w{n}{k}", str(rng.randint(5, 25)))
               for k in range(rng.randint(1, 2))]
    time.sleep(rng.uniform(0.3, duration))
    started = children(process.pid)
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate(timeout=60)
    acknowledged = [line.split()[1] for line in out.splitlines() if line.startswith("done")]
    tracebacks = 0
    for writer in writers:
        w_out, w_err = writer.communicate(timeout=600)
        acknowledged += [line.split()[1] for line in w_out.splitlines()
                         if line.startswith("done")]
        tracebacks += w_err.count("Traceback")
        if writer.returncode:
            tracebacks += 0 if "Traceback" in w_err else 1  # a failure without one
    deadline = time.monotonic() + 10
    while any(map(alive, started)) and time.monotonic() < deadline:
        time.sleep(0.1)
    orphans = [pid for pid in started if alive(pid)]
    for pid in orphans:  # leave no process of ours behind
        os.kill(pid, signal.SIGKILL)
    problems = check(folder, acknowledged)
    return {"victim": victim, "workers_started": len(started), "orphans": len(orphans),
            "acknowledged": len(acknowledged), "tracebacks": tracebacks,
            "temp_files_left": temp_files_left(folder), "problems": problems}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--papers", type=int, default=1500, help="library size")
    parser.add_argument("--import-entries", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--victims", default=",".join(VICTIMS),
                        help="which to kill, in turn (comma-separated; default: all)")
    args = parser.parse_args()
    victims = tuple(v for v in args.victims.split(",") if v)
    if not victims or set(victims) - set(VICTIMS):
        parser.error(f"--victims: choose among {', '.join(VICTIMS)}")
    rng = random.Random(args.seed)
    from bench_import_bibtex import write_bib

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        make_library(template, args.papers, args.seed)
        # A file of new papers for every round of a cycle: each import adds papers.
        bibs = [Path(tmp) / f"import-{k}.bib" for k in range(RESET_EVERY)]
        for k, bib in enumerate(bibs):
            write_bib(bib, args.import_entries, seed=args.seed + 1 + k)
        durations = calibrate(template, bibs[0], Path(tmp), victims)
        print(json.dumps({"seconds_without_kill": durations}), flush=True)
        folder = Path(tmp) / "lib"
        for n in range(args.kills):
            if n % RESET_EVERY == 0:
                shutil.rmtree(folder, ignore_errors=True)
                shutil.copytree(template, folder)
            victim = victims[n % len(victims)]
            bib = bibs[n % RESET_EVERY]
            result = round_(folder, bib, victim, rng, n, durations[victim])
            results.append(result)
            print(json.dumps(result), flush=True)
    totals = {
        "kills": len(results),
        "kills_during_a_parallel_build": sum(r["workers_started"] > 0 for r in results),
        "kills_by_victim": {v: sum(r["victim"] == v for r in results) for v in victims},
        "orphans": sum(r["orphans"] for r in results),
        "acknowledged_writes": sum(r["acknowledged"] for r in results),
        "lost_writes": sum(sum("lost write" in p for p in r["problems"]) for r in results),
        "rounds_with_problems": sum(bool(r["problems"]) for r in results),
        "tracebacks": sum(r["tracebacks"] for r in results),
        "export_temp_files_left": sum(r["temp_files_left"] for r in results),
    }
    print(json.dumps(totals, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "rounds": results}, indent=2))


if __name__ == "__main__":
    main()
