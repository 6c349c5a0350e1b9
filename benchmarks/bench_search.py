"""Search benchmark: import N synthetic papers, then time opening, searching and editing.

    python benchmarks/bench_search.py --papers 10000
    python benchmarks/bench_search.py --papers 2000 --queries 450 --library /tmp/bench-lib

Prints tables; never asserts timings. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_papers
from whoosh.analysis import STOP_WORDS

from readinglist import Library, Paper, __version__
from readinglist.service import DB_FILE, INDEX_DIR

T = TypeVar("T")
QUERY_SEED = 20240601
EDITS = 50
SEARCH_LIMIT = 20
KINDS = (
    "word",
    "common word",
    "two words",
    "phrase",
    "title:",
    "author:",
    "tag:",
    "year:",
    "prefix*",
)
_WORD = re.compile(r"[a-z]{4,}")


# -- measuring --------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> None:
    """Print rows under headers: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(f"\n{title}")
    print(fmt(headers))
    print("-" * len(fmt(headers)))
    for row in rows:
        print(fmt(row))


def step(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


# -- queries ---------------------------------------------------------------------------------


@dataclass
class Vocabulary:
    """What the library's own papers contain, to build queries from."""

    words: list[str]  # every indexed-looking word, most frequent first
    title_words: list[str]  # words in two or more titles (most method names are in one)
    last_names: list[str]
    tags: list[str]
    years: list[int]
    abstracts: list[str] = field(repr=False)

    @classmethod
    def of(cls, papers: Sequence[Paper]) -> Vocabulary:
        df: Counter[str] = Counter()
        title_df: Counter[str] = Counter()
        names: set[str] = set()
        tags: set[str] = set()
        years: set[int] = set()
        for paper in papers:
            title = set(_WORD.findall(paper.title.lower())) - STOP_WORDS
            title_df.update(title)
            df.update(title | (set(_WORD.findall(paper.abstract.lower())) - STOP_WORDS))
            names.update(author.split()[-1] for author in paper.authors)
            tags.update(paper.tags)
            if paper.year:
                years.add(paper.year)
        return cls(
            words=[w for w, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))],
            title_words=sorted(w for w, n in title_df.items() if n >= 2),
            last_names=sorted(names),
            tags=sorted(tags),
            years=sorted(years),
            abstracts=[p.abstract for p in papers if p.abstract],
        )

    def phrase(self, rng: random.Random) -> str:
        while True:
            tokens = [t.strip(".,;:()\"'") for t in rng.choice(self.abstracts).split()]
            good = [
                i
                for i in range(len(tokens) - 1)
                if all(
                    re.fullmatch(r"[a-z]{3,}", t) and t not in STOP_WORDS for t in tokens[i : i + 2]
                )
            ]
            if good:
                i = rng.choice(good)
                size = (
                    3
                    if (
                        rng.random() < 0.3
                        and i + 2 < len(tokens)
                        and re.fullmatch(r"[a-z]{3,}", tokens[i + 2])
                        and tokens[i + 2] not in STOP_WORDS
                    )
                    else 2
                )
                return '"' + " ".join(tokens[i : i + size]) + '"'


def make_queries(vocab: Vocabulary, total: int, seed: int) -> list[tuple[str, str]]:
    """`total` (kind, query) pairs spread evenly over KINDS, in a shuffled fixed order."""
    rng = random.Random(seed)
    common = vocab.words[:30]
    frequent = vocab.words[:2000]
    long_words = [w for w in vocab.words if len(w) >= 6]

    def tag_query() -> str:
        tag = rng.choice(vocab.tags)
        return f'tag:"{tag}"' if " " in tag else f"tag:{tag}"

    def year_query() -> str:
        if rng.random() < 0.3:
            a, b = sorted(rng.sample(vocab.years, 2))
            return f"year:[{a} TO {b}]"
        return f"year:{rng.choice(vocab.years)}"

    makers: dict[str, Callable[[], str]] = {
        "word": lambda: rng.choice(vocab.words),
        "common word": lambda: rng.choice(common),
        "two words": lambda: " ".join(rng.sample(frequent, 2)),
        "phrase": lambda: vocab.phrase(rng),
        "title:": lambda: f"title:{rng.choice(vocab.title_words)}",
        "author:": lambda: f"author:{rng.choice(vocab.last_names)}",
        "tag:": tag_query,
        "year:": year_query,
        "prefix*": lambda: rng.choice(long_words)[: rng.randint(3, 4)] + "*",
    }
    queries = [
        (kind, makers[kind]())
        for i, kind in enumerate(KINDS)
        for _ in range(total // len(KINDS) + (1 if i < total % len(KINDS) else 0))
    ]
    rng.shuffle(queries)
    return queries


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)

    def row(self, name: str) -> list[str]:
        s = self.seconds
        zero = sum(1 for t in self.totals if t == 0)
        hits = f"{statistics.mean(self.totals):.0f}" if self.totals else "-"
        return [
            name,
            str(len(s)),
            ms(percentile(s, 50)),
            ms(percentile(s, 95)),
            ms(max(s)),
            hits,
            str(zero),
        ]


def run_queries(
    library: Library, queries: Sequence[tuple[str, str]], snippets: bool = True
) -> dict[str, Timing]:
    timings: dict[str, Timing] = {kind: Timing() for kind in KINDS}
    timings["all"] = Timing()
    for kind, query in queries:
        seconds, results = timed(
            lambda q=query: library.search(q, limit=SEARCH_LIMIT, snippets=snippets)
        )
        for key in (kind, "all"):
            timings[key].seconds.append(seconds)
            timings[key].totals.append(results.total)
    return timings


QUERY_HEADERS = ("query kind", "n", "p50 ms", "p95 ms", "max ms", "avg matches", "no match")


# -- edits -----------------------------------------------------------------------------------


def run_edits(library: Library, papers: Sequence[Paper], seed: int) -> dict[str, Timing]:
    """Alternate change_tags and set_status; time each until a search shows the change."""
    rng = random.Random(seed + 1)
    with_arxiv = [p for p in papers if p.arxiv_id]
    timings = {"change_tags": Timing(), "set_status": Timing(), "edit until visible": Timing()}
    invisible = 0
    for i in range(EDITS):
        if i % 2 == 0:
            paper = rng.choice(papers)
            tag = f"bench{i}"
            start = time.perf_counter()
            library.change_tags(paper.id, add=[tag])
            edited = time.perf_counter()
            ids = library.search(f"tag:{tag}", limit=SEARCH_LIMIT).ids
            kind = "change_tags"
        else:
            paper = rng.choice(with_arxiv)
            status = rng.choice(
                [
                    s
                    for s in ("unread", "reading", "read")
                    if s != library.get(paper.id).status.value
                ]
            )
            start = time.perf_counter()
            library.set_status(paper.id, status)
            edited = time.perf_counter()
            ids = library.search(f"arxiv:{paper.arxiv_id} status:{status}", limit=SEARCH_LIMIT).ids
            kind = "set_status"
        visible = time.perf_counter()
        if ids != [paper.id]:
            invisible += 1
        timings[kind].seconds.append(edited - start)
        timings["edit until visible"].seconds.append(visible - start)
    if invisible:
        print(f"WARNING: {invisible} of {EDITS} edits were not visible in search afterwards")
    return timings


# -- main ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000, metavar="N")
    parser.add_argument(
        "--library",
        type=Path,
        metavar="DIR",
        help="create the library here and keep it (must not exist or be empty; "
        "default: a temporary folder, deleted afterwards)",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=270,
        metavar="K",
        help="number of timed searches (default 270, 30 per kind)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated papers")
    args = parser.parse_args(argv)
    if args.papers < 10 or args.queries < len(KINDS):
        parser.error(f"use at least 10 papers and {len(KINDS)} queries")

    temp: Path | None = None
    if args.library:
        folder = args.library.expanduser()
        if folder.exists() and any(folder.iterdir()):
            parser.error(f"{folder} is not empty; the benchmark needs a fresh library")
    else:
        temp = Path(tempfile.mkdtemp(prefix="readinglist-bench-"))
        folder = temp / "lib"
    try:
        return bench(folder, args.papers, args.queries, args.seed)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def bench(folder: Path, n_papers: int, n_queries: int, seed: int) -> int:
    import whoosh

    print(
        f"Readinglist {__version__} search benchmark: {n_papers} papers, {n_queries} queries, "
        f"limit {SEARCH_LIMIT} with snippets"
    )
    print(
        f"Python {platform.python_version()}, Whoosh {whoosh.versionstring()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(f"Library: {folder}")
    phases: list[list[str]] = []

    step(f"generating {n_papers} papers")
    seconds, records = timed(lambda: generate_papers(n_papers, seed))
    phases.append(["generate papers (not the app)", secs(seconds)])

    step("importing (database, then search index)")
    seconds, library = timed(lambda: Library.open(folder))
    phases.append(["create empty library", secs(seconds)])
    seconds, report = timed(lambda: library.import_records(records))
    added = len(report.added)
    phases.append([f"import+index ({added} added)", secs(seconds)])
    library.close()
    if added != n_papers:
        print(f"WARNING: {n_papers - added} generated papers were not added: {report.summary()}")

    step("reopening")
    seconds, library = timed(lambda: Library.open(folder))
    phases.append(["open (existing library)", secs(seconds)])
    seconds, _ = timed(lambda: library.search("model", limit=SEARCH_LIMIT))
    phases.append(["first search after open", f"{ms(seconds)} ms"])

    try:
        papers = library.list(sort="id")
        queries = make_queries(Vocabulary.of(papers), n_queries, QUERY_SEED)

        step(f"running {len(queries)} queries")
        timings = run_queries(library, queries)
        plain = run_queries(library, queries, snippets=False)["all"]

        step(f"timing {EDITS} edits")
        edits = run_edits(library, papers, QUERY_SEED)
        after = run_queries(library, queries)["all"]

        step("rebuilding the index from the database")
        seconds, _ = timed(library.reindex)
        phases.append(["reindex (rebuild index only)", secs(seconds)])
        rebuilt = run_queries(library, queries)["all"]
    finally:
        library.close()

    index_size = folder_size(folder / INDEX_DIR)
    db_size = sum(p.stat().st_size for p in folder.glob(DB_FILE + "*"))

    table(("phase", "time"), phases, "Phases")
    rows = [timings[k].row(k) for k in KINDS]
    rows.append(timings["all"].row("all queries"))
    rows.append(plain.row("all, without snippets"))
    rows.append(after.row(f"all, after {EDITS} edits"))
    rows.append(rebuilt.row("all, after reindex"))
    table(QUERY_HEADERS, rows, f"Searches (Library.search(q, limit={SEARCH_LIMIT}))")
    table(
        ("edit", "n", "p50 ms", "p95 ms", "max ms"),
        [t.row(k)[:5] for k, t in edits.items()],
        f"Edits ({EDITS}; 'until visible' = the edit plus a search that finds it)",
    )
    table(
        ("storage", "size"),
        [
            [f"index folder ({INDEX_DIR}/)", mb(index_size)],
            [f"database ({DB_FILE})", mb(db_size)],
            ["index / database", f"{index_size / db_size:.2f}"],
        ],
        "Storage",
    )
    print(
        "\nExamples of queries: "
        + "; ".join(next(q for k, q in queries if k == kind) for kind in KINDS)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
