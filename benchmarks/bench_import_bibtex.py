"""Import time and peak memory for a large BibTeX file (issue 4's figure).

Writes a BibTeX file of N realistic entries (text from benchmarks/generate.py; LaTeX
accents in names, @string macros, # concatenation, a crossref every 50 entries,
keywords, DOIs, arXiv eprints), then imports it into a new library through the same
call the CLI uses, and prints the times and the peak memory.

    python benchmarks/bench_import_bibtex.py --entries 10000

Peak memory is the process's maximum resident set size (ru_maxrss), measured in a
fresh child process per run so one run's memory does not hide the next's.
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


def write_bib(path: Path, entries: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    papers = generate_papers(entries, seed=seed)
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
        if n % 2 == 0:
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


def run_once(bib: Path) -> dict:
    """Import `bib` into a fresh library (in this process) and measure."""
    from readinglist import importers
    from readinglist.service import Library

    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        parsed = importers.parse_path(bib)
        t_parse = time.perf_counter() - t0
        with Library.open(Path(folder) / "lib", build_index=True) as library:
            # As the app runs: the import returns once the database has the papers, and
            # a worker thread brings the search index up to date after it.
            library.index_in_background()
            t1 = time.perf_counter()
            report = library.import_files([bib])
            t_import = time.perf_counter() - t1
            t2 = time.perf_counter()
            library.wait_for_index(None)
            t_index = time.perf_counter() - t2
            hits = library.search("llm", limit=1).total
        return {
            "entries_parsed": len(parsed.records),
            "parse_only_s": round(t_parse, 2),
            "import_files_s": round(t_import, 2),  # parse + database (one transaction)
            "then_index_s": round(t_index, 2),  # the worker indexing the new papers
            "added": len(report.added),
            "failed": len(report.failed),
            "search_hits_llm": hits,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(args.child)))
        return
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "big.bib"
        write_bib(bib, args.entries)
        size = bib.stat().st_size / 1e6
        print(f"{args.entries} entries, {size:.1f} MB of BibTeX")
        for run in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--child", str(bib)],
                                 check=True, capture_output=True, text=True).stdout
            print(f"run {run + 1}: {out.strip()}")


if __name__ == "__main__":
    main()
