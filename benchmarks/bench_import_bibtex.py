"""Import time and peak memory for a large BibTeX file (issue 4's figure).

Writes a BibTeX file of N realistic entries (text from benchmarks/generate.py; LaTeX
accents in names, @string macros, # concatenation, a crossref every 50 entries,
keywords, DOIs, arXiv eprints), then imports it into a new library through the same
call the CLI uses, and prints the times and the peak memory.

    python benchmarks/bench_import_bibtex.py --entries 10000
    # issue 9: 30 % of the entries share a title and first author with another entry
    # (another year or volume, no identifier): every entry must still be a paper
    python benchmarks/bench_import_bibtex.py --entries 20000 --shared-titles 0.3

Peak memory is the process's maximum resident set size (ru_maxrss), measured in a
fresh child process per run so one run's memory does not hide the next's.

`--without-change-log` drops the change log's triggers (readinglist/store/change_log.py)
after opening, to measure what they cost on the same code; the app never runs so.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_papers

_ACCENTS = {"é": "{\\'e}", "ü": '{\\"u}', "ö": '{\\"o}', "á": "{\\'a}", "ñ": "{\\~n}",
            "ç": "{\\c{c}}", "ß": "{\\ss}", "ø": "{\\o}", "í": "{\\'i}", "ó": "{\\'o}"}


def latex(text: str) -> str:
    out = text.replace("\\", "").replace("{", "").replace("}", "")
    out = out.replace("&", "\\&").replace("%", "\\%").replace("#", "\\#").replace("_", "\\_")
    out = out.replace("$", "\\$")
    return "".join(_ACCENTS.get(c, c) for c in out)


def write_bib(path: Path, entries: int, seed: int = 1, shared: float = 0.0) -> None:
    """`shared`: the fraction of entries that take the title and first author of an
    earlier entry, in another year or volume, without a DOI or eprint (so only the
    identity rules on title, authors, year and venue tell them apart)."""
    rng = random.Random(seed)
    papers = generate_papers(entries, seed=seed)
    volumes = {n: 1 + n % 40 for n in range(entries)}
    copies: dict[int, int] = {}  # entry -> the earlier entry whose title it shares
    for n in range(1, entries):
        if rng.random() < shared:
            copies[n] = rng.randrange(n) if n not in copies else copies[n]
            source = papers[copies[n]]
            papers[n].title = source.title
            papers[n].authors = [source.authors[0], *papers[n].authors[1:]]
            if rng.random() < 0.5:
                papers[n].year = (source.year or 2024) + rng.choice((-2, -1, 1, 2, 3))
            else:
                papers[n].year = source.year
                volumes[n] = volumes[copies[n]] + 1
    lines = ['@string{neurips = "Advances in Neural Information Processing Systems"}',
             '@string{icml = "International Conference on Machine Learning"}', ""]
    for n, paper in enumerate(papers):
        key = f"paper{n}"
        authors = " and ".join(
            f"{latex(a.split()[-1])}, {latex(' '.join(a.split()[:-1]))}" for a in paper.authors)
        fields = [f"  title = {{{latex(paper.title)}}}", f"  author = {{{authors}}}",
                  f"  year = {paper.year or 2024}"]
        if n % 50 == 1:
            fields.append(f"  crossref = {{proc{n // 50}}}")
        elif n % 3 == 0:
            fields.append("  booktitle = neurips # { 2024}")
        else:
            fields.append("  journal = icml")
        if n in copies:
            fields.append(f"  volume = {{{volumes[n]}}}")
        elif n % 2 == 0:
            fields.append(f"  doi = {{10.5555/bench.{n}}}")
        else:
            fields.append(f"  eprint = {{{2400 + n % 12:04d}.{n:05d}}}")
            fields.append("  archivePrefix = {arXiv}")
        fields.append(f"  abstract = {{{latex(paper.abstract)}}}")
        keywords = ", ".join(rng.sample(["llm", "vision", "rl", "theory", "diffusion"], 2))
        fields.append(f"  keywords = {{{keywords}}}")
        fields.append(f"  pages = {{{n}--{n + 10}}}")
        entry_type = "inproceedings" if n % 3 == 0 else "article"
        lines.append(f"@{entry_type}{{{key},\n" + ",\n".join(fields) + "\n}\n")
        if n % 50 == 1:
            lines.append(f"@proceedings{{proc{n // 50},\n  title = {{Proceedings {n // 50}}},\n"
                         f"  booktitle = {{Proceedings {n // 50}}},\n  year = 2023,\n"
                         f"  publisher = {{PMLR}}\n}}\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def drop_change_log_triggers(library: object) -> int:
    """Drop the change log's triggers (a measuring aid; the app never does this)."""
    db = library.store.db  # type: ignore[attr-defined]
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'log_%'")]
    for name in names:
        db.execute(f"DROP TRIGGER {name}")
    return len(names)


def change_log_rows(library: object) -> int | None:
    """Rows in the change log (None before the log existed, commit 03ad7e1 and older)."""
    db = library.store.db  # type: ignore[attr-defined]
    if "change_log" not in db.table_names():
        return None
    return int(db.execute("SELECT count(*) FROM change_log").fetchone()[0])


def run_once(bib: Path, without_change_log: bool = False) -> dict:
    """Import `bib` into a fresh library (in this process) and measure."""
    from readinglist import Library, importers  # stable across layouts

    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        parsed = importers.parse_path(bib)
        t_parse = time.perf_counter() - t0
        with Library.open(Path(folder) / "lib", build_index=True) as library:
            dropped = drop_change_log_triggers(library) if without_change_log else 0
            # As the app runs: the import returns once the database has the papers, and
            # a worker thread brings the search index up to date after it.
            library.index_in_background()
            t1, c1 = time.perf_counter(), time.process_time()
            report = library.import_files([bib])
            t_import, c_import = time.perf_counter() - t1, time.process_time() - c1
            t2 = time.perf_counter()
            library.wait_for_index(None)
            t_index = time.perf_counter() - t2
            hits = library.search("llm", limit=1).total
            log_rows = change_log_rows(library)
        return {
            "entries_parsed": len(parsed.records),
            "parse_only_s": round(t_parse, 2),
            "import_files_s": round(t_import, 2),  # parse + database (one transaction)
            # The CPU it took (this process, all threads; the index worker waits meanwhile):
            # less noisy than the wall time on a busy machine.
            "import_files_cpu_s": round(c_import, 2),
            "then_index_s": round(t_index, 2),  # the worker indexing the new papers
            "added": len(report.added),
            "possible_duplicates": len(report.possible),
            "merged": len(report.merged),
            "already_present": len(report.duplicates),
            "failed": len(report.failed),
            "search_hits_llm": hits,
            "change_log_rows": log_rows,
            **({"triggers_dropped": dropped} if without_change_log else {}),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--shared-titles", type=float, default=0.0, metavar="FRACTION",
                        help="fraction of entries sharing a title and first author with "
                        "another entry (another year or volume)")
    parser.add_argument("--without-change-log", action="store_true",
                        help="drop the change log's triggers first (measures their cost)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(args.child, args.without_change_log)))
        return
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "big.bib"
        write_bib(bib, args.entries, shared=args.shared_titles)
        size = bib.stat().st_size / 1e6
        print(f"{args.entries} entries, {size:.1f} MB of BibTeX, "
              f"{args.shared_titles:.0%} sharing a title and first author")
        for run in range(args.runs):
            child = [sys.executable, __file__, "--child", str(bib)]
            if args.without_change_log:
                child.append("--without-change-log")
            out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            print(f"run {run + 1}: {out.strip()}")


if __name__ == "__main__":
    main()
