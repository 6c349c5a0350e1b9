"""Search benchmark: import N synthetic papers, then time opening, searching and editing,
with SQLite FTS5 on the same data and queries as the reference.

    .venv/bin/python benchmarks/bench_search.py --papers 100000
    .venv/bin/python benchmarks/bench_search.py --papers 5000 --library /tmp/lib5k --json out.json

Prints tables; never asserts timings. See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import PaperGenerator

from readinglist import Library, __version__
from readinglist.domain import ReadinglistError

try:  # where the library keeps its files (stable names, but do not depend on them)
    from readinglist.library.service import DB_FILE, INDEX_DIR
except ImportError:  # pragma: no cover
    DB_FILE, INDEX_DIR = "library.sqlite", "index"

QUERY_SEED = 20240601  # the query mix and the edits depend only on this and the data
SEARCH_LIMIT = 20
EDITS = 100
POLL_SLEEP = 0.001  # between searches while waiting for an edit to show
VISIBLE_TIMEOUT = 5.0  # give up waiting for an edit to show after this
READY_TIMEOUT = 4 * 3600.0  # give up waiting for the index after an import
READ_CHUNK = 5000  # papers read back from the library at a time
FIRST_QUERY = "model"  # the first search after opening
KINDS = (
    "rare word",
    "common word",
    "two words",
    "phrase",
    "phrase~slop",
    "title:",
    "author:",
    "tag:",
    "year:",
    "status:",
    "prefix*",
    "fuzzy~",
)
STATUSES = ("unread", "reading", "read")
# FTS5 reference: bm25 weights per column, mirroring the library's field boosts
# (title 3, tags 2, the rest 1), and snippets of about the library's 260 characters.
FTS5_COLUMNS = ("title", "authors", "abstract", "tags")
FTS5_WEIGHTS = (3.0, 1.0, 1.0, 2.0)
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"
FTS5_SNIPPET_TOKENS = 40
# Whoosh's default English stop words; query words are chosen outside this list.
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if",
        "in", "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to",
        "us", "we", "when", "will", "with", "yet", "you", "your",
    }
)
_WORD = re.compile(r"[a-z]{4,}")
_PLAIN = re.compile(r"[a-z]{3,}")


# -- measuring ------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def now() -> float:
    return time.perf_counter()


def step(message: str) -> None:
    print(f"... [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def folder_size(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


@dataclass
class Stats:
    """Timings of one kind of query (or edit), with match counts and errors."""

    seconds: list[float] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    not_applicable: bool = False

    def add(self, seconds: float, matches: int | None = None) -> None:
        self.seconds.append(seconds)
        if matches is not None:
            self.matches.append(matches)

    def error(self, exc: BaseException) -> None:
        self.errors += 1
        if not self.first_error:
            self.first_error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]

    def merge(self, other: Stats) -> None:
        self.seconds += other.seconds
        self.matches += other.matches
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error

    def figures(self) -> dict[str, Any]:
        s = self.seconds
        out: dict[str, Any] = {"n": len(s), "errors": self.errors}
        if self.not_applicable:
            out["not_applicable"] = True
        if self.first_error:
            out["first_error"] = self.first_error
        if s:
            out.update(
                p50_ms=round(percentile(s, 50) * 1000, 3),
                p95_ms=round(percentile(s, 95) * 1000, 3),
                max_ms=round(max(s) * 1000, 3),
                mean_ms=round(statistics.mean(s) * 1000, 3),
            )
        if self.matches:
            out["avg_matches"] = round(statistics.mean(self.matches), 1)
            out["no_match"] = sum(1 for m in self.matches if m == 0)
        return out

    def cells(self) -> list[str]:
        """p50, p95, max (ms), average matches, errors; 'n/a' when there is no equivalent."""
        if self.not_applicable:
            return ["n/a"] * 5
        f = self.figures()
        if not self.seconds:
            return ["-", "-", "-", "-", str(self.errors)]
        return [
            f"{f['p50_ms']:.1f}",
            f"{f['p95_ms']:.1f}",
            f"{f['max_ms']:.1f}",
            f"{f['avg_matches']:.0f}" if "avg_matches" in f else "-",
            str(self.errors),
        ]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> None:
    """Print rows under headers: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(f"\n{title}")
    print(fmt(headers))
    print("-" * len(fmt(headers)))
    for row in rows:
        print(fmt(row))


# -- the data the queries are made from --------------------------------------------------------


class Corpus:
    """What the library's papers contain, gathered a chunk at a time (to build queries and
    edits from without holding 100,000 papers in memory)."""

    def __init__(self, expected: int) -> None:
        self.df: Counter[str] = Counter()  # in how many papers (title or abstract) a word is
        self.title_df: Counter[str] = Counter()
        self.last_names: set[str] = set()
        self.tags: set[str] = set()
        self.years: set[int] = set()
        self.abstracts: list[str] = []  # a sample, for phrases
        self.papers: list[tuple[int, str, str]] = []  # (id, arXiv id, status)
        self._every = max(1, expected // 3000)

    def add(self, papers: Iterable[Any]) -> None:
        for paper in papers:
            title = set(_WORD.findall(paper.title.lower())) - STOP_WORDS
            self.title_df.update(title)
            self.df.update(title | (set(_WORD.findall(paper.abstract.lower())) - STOP_WORDS))
            self.last_names.update(a.split()[-1] for a in paper.authors if a.split())
            self.tags.update(paper.tags)
            if paper.year:
                self.years.add(paper.year)
            status = getattr(paper.status, "value", str(paper.status))
            self.papers.append((paper.id, paper.arxiv_id, status))
            if paper.abstract and len(self.papers) % self._every == 0:
                self.abstracts.append(paper.abstract)

    def words(self) -> list[str]:
        """Every word, most frequent first (ties alphabetically: deterministic)."""
        return [w for w, _ in sorted(self.df.items(), key=lambda kv: (-kv[1], kv[0]))]

    def runs(self, rng: random.Random, length: int) -> list[str]:
        """`length` consecutive plain words (no stop words, digits or hyphens) of an abstract."""
        while True:
            tokens = [t.strip(".,;:()\"'") for t in rng.choice(self.abstracts).split()]
            good = [
                i
                for i in range(len(tokens) - length + 1)
                if all(
                    _PLAIN.fullmatch(t) and t not in STOP_WORDS for t in tokens[i : i + length]
                )
            ]
            if good:
                i = rng.choice(good)
                return tokens[i : i + length]


# -- queries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    text: str  # in the library's search language
    fts: str | None  # the FTS5 MATCH expression (None: filters only)
    year: tuple[int, int] | None = None  # FTS5: a filter on the side table
    status: str | None = None  # FTS5: a filter on the side table
    fts_equivalent: bool = True  # False: FTS5 has nothing like it (fuzzy)

    def to_dict(self) -> dict[str, Any]:
        fts = self.fts_text()
        return {"kind": self.kind, "query": self.text, "fts5": fts}

    def fts_text(self) -> str | None:
        if not self.fts_equivalent:
            return None
        parts = [f"MATCH {self.fts}"] if self.fts else []
        if self.year:
            parts.append(f"year BETWEEN {self.year[0]} AND {self.year[1]}")
        if self.status:
            parts.append(f"status = '{self.status}'")
        return " AND ".join(parts)


def fts_string(text: str) -> str:
    """An FTS5 string (quoted, so words like AND or NEAR and hyphens are plain text)."""
    return '"' + text.replace('"', '""') + '"'


def typo(word: str, rng: random.Random, known: Counter[str]) -> str | None:
    """`word` with two adjacent inner letters swapped ('transformer' -> 'transfromer')."""
    spots = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]]
    rng.shuffle(spots)
    for i in spots:
        wrong = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if wrong not in known:
            return wrong
    return None


def make_queries(corpus: Corpus, total: int, seed: int) -> list[BenchQuery]:
    """`total` queries spread evenly over KINDS, in a shuffled fixed order."""
    rng = random.Random(seed)
    words = corpus.words()
    # Each paper's made-up method name is in that paper only; the vocabulary of the
    # abstracts the generator learned from shows up in several papers.
    real = [w for w in words if corpus.df[w] >= 3] or words
    common = real[:30]
    frequent = real[:2000]
    long_words = [w for w in frequent if len(w) >= 6]
    # Rare: half the time a long-tail word in one or two papers (mostly method names),
    # half the time one of the rarest fifth of the real vocabulary.
    tail = [w for w in words if corpus.df[w] <= 2] or words[-100:]
    rare_real = real[len(real) * 4 // 5 :] or real
    title_words = sorted(w for w, n in corpus.title_df.items() if n >= 2)
    last_names = sorted(corpus.last_names)
    tags = sorted(corpus.tags)
    years = sorted(corpus.years)

    def word(kind: str, pool: Sequence[str]) -> BenchQuery:
        w = rng.choice(pool)
        return BenchQuery(kind, w, fts_string(w))

    def two_words() -> BenchQuery:
        a, b = rng.sample(frequent, 2)
        return BenchQuery("two words", f"{a} {b}", f"{fts_string(a)} {fts_string(b)}")

    def phrase() -> BenchQuery:
        text = " ".join(corpus.runs(rng, 3 if rng.random() < 0.3 else 2))
        return BenchQuery("phrase", f'"{text}"', fts_string(text))

    def slop() -> BenchQuery:
        # Words two apart, the one between not a stop word, so that both engines count the
        # same positions. Whoosh: within `slop` positions, in order; FTS5 NEAR: at most
        # `slop` tokens between, either order.
        first, _, last = corpus.runs(rng, 3)
        n = rng.choice((2, 3))
        return BenchQuery(
            "phrase~slop",
            f'"{first} {last}"~{n}',
            f"NEAR({fts_string(first)} {fts_string(last)}, {n})",
        )

    def fielded(kind: str, field_name: str, column: str, pool: Sequence[str]) -> BenchQuery:
        value = rng.choice(pool)
        shown = value if re.fullmatch(r"\w+", value) else f'"{value}"'
        return BenchQuery(kind, f"{field_name}:{shown}", f"{column} : {fts_string(value)}")

    def year() -> BenchQuery:
        if rng.random() < 0.3:
            a, b = sorted(rng.sample(years, 2))
            return BenchQuery("year:", f"year:[{a} TO {b}]", None, year=(a, b))
        y = rng.choice(years)
        return BenchQuery("year:", f"year:{y}", None, year=(y, y))

    def status() -> BenchQuery:
        s = rng.choice(STATUSES)
        if rng.random() < 0.5:
            return BenchQuery("status:", f"status:{s}", None, status=s)
        w = rng.choice(frequent[:300])
        return BenchQuery("status:", f"status:{s} {w}", fts_string(w), status=s)

    def prefix() -> BenchQuery:
        stem = rng.choice(long_words)[: rng.randint(4, 6)]
        return BenchQuery("prefix*", f"{stem}*", f"{fts_string(stem)}*")

    def fuzzy() -> BenchQuery:
        while True:
            wrong = typo(rng.choice(long_words), rng, corpus.df)
            if wrong:
                return BenchQuery("fuzzy~", f"{wrong}~", None, fts_equivalent=False)

    makers: dict[str, Callable[[], BenchQuery]] = {
        "rare word": lambda: word("rare word", tail if rng.random() < 0.5 else rare_real),
        "common word": lambda: word("common word", common),
        "two words": two_words,
        "phrase": phrase,
        "phrase~slop": slop,
        "title:": lambda: fielded("title:", "title", "title", title_words),
        "author:": lambda: fielded("author:", "author", "authors", last_names),
        "tag:": lambda: fielded("tag:", "tag", "tags", tags),
        "year:": year,
        "status:": status,
        "prefix*": prefix,
        "fuzzy~": fuzzy,
    }
    queries = [
        makers[kind]()
        for i, kind in enumerate(KINDS)
        for _ in range(total // len(KINDS) + (1 if i < total % len(KINDS) else 0))
    ]
    rng.shuffle(queries)
    return queries


def run_library_queries(
    library: Library, queries: Sequence[BenchQuery], **options: Any
) -> dict[str, Stats]:
    """Every query through Library.search(q, limit=20): per kind, then 'all'."""
    stats = {kind: Stats() for kind in KINDS}
    for q in queries:
        start = now()
        try:
            results = library.search(q.text, limit=SEARCH_LIMIT, **options)
        except Exception as exc:  # an unsupported syntax is a figure, not a crash
            stats[q.kind].error(exc)
            continue
        stats[q.kind].add(now() - start, getattr(results, "total", None))
    return with_overall(stats)


def with_overall(stats: dict[str, Stats]) -> dict[str, Stats]:
    overall = Stats()
    for s in stats.values():
        overall.merge(s)
    stats["all"] = overall
    return stats


# -- the FTS5 reference ------------------------------------------------------------------------


class Fts5Reference:
    """The same papers in an SQLite FTS5 table, ranked with bm25, snippets from snippet().

    Year and status live in an ordinary side table (indexed), joined for filters.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        columns = ", ".join(FTS5_COLUMNS)
        self.db.execute(
            f"CREATE VIRTUAL TABLE fts USING fts5({columns}, tokenize = '{FTS5_TOKENIZER}')"
        )
        self.db.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, year INTEGER, status TEXT)")
        self.db.execute("BEGIN")

    def add(self, papers: Sequence[Any]) -> None:
        self.db.executemany(
            "INSERT INTO fts(rowid, title, authors, abstract, tags) VALUES (?, ?, ?, ?, ?)",
            [(p.id, p.title, "; ".join(p.authors), p.abstract, ", ".join(p.tags)) for p in papers],
        )
        self.db.executemany(
            "INSERT INTO meta(id, year, status) VALUES (?, ?, ?)",
            [(p.id, p.year, getattr(p.status, "value", str(p.status))) for p in papers],
        )

    def commit(self) -> None:
        self.db.execute("CREATE INDEX meta_year ON meta(year)")
        self.db.execute("CREATE INDEX meta_status ON meta(status)")
        weights = ", ".join(str(w) for w in FTS5_WEIGHTS)
        self.db.execute("INSERT INTO fts(fts, rank) VALUES ('rank', ?)", [f"bm25({weights})"])
        self.db.execute("COMMIT")

    def optimize(self) -> None:
        self.db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def sizes(self) -> dict[str, int]:
        out = {"file": sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))}
        try:
            rows = self.db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        except sqlite3.Error:  # dbstat not compiled in
            return out
        by_name = dict(rows)
        out["fts_index"] = sum(by_name.get(n, 0) for n in ("fts_data", "fts_idx", "fts_docsize"))
        out["fts_text_copy"] = by_name.get("fts_content", 0)
        return out

    def search(self, q: BenchQuery) -> int:
        """Top 20 (with snippets when there is a text part) and the number of matches."""
        where: list[str] = []
        params: list[Any] = []
        if q.fts:
            where.append("fts MATCH ?")
            params.append(q.fts)
        if q.year:
            where.append("m.year BETWEEN ? AND ?")
            params += q.year
        if q.status:
            where.append("m.status = ?")
            params.append(q.status)
        condition = " AND ".join(where)
        if q.fts:
            # CROSS JOIN keeps fts the outer loop, so FTS5 delivers rows in rank order and
            # snippet() runs for the 20 rows returned only.
            join = " CROSS JOIN meta m ON m.id = fts.rowid" if (q.year or q.status) else ""
            self.db.execute(
                "SELECT fts.rowid, snippet(fts, -1, '[', ']', '…', "
                f"{FTS5_SNIPPET_TOKENS}) FROM fts{join} WHERE {condition} "
                f"ORDER BY fts.rank LIMIT {SEARCH_LIMIT}",
                params,
            ).fetchall()
            total = self.db.execute(
                f"SELECT count(*) FROM fts{join} WHERE {condition}", params
            ).fetchone()[0]
        else:
            # Filters only: nothing to rank or highlight; fetch the titles to show.
            ids = [
                r[0]
                for r in self.db.execute(
                    f"SELECT m.id FROM meta m WHERE {condition} ORDER BY m.id "
                    f"LIMIT {SEARCH_LIMIT}",
                    params,
                )
            ]
            marks = ",".join("?" * len(ids))
            self.db.execute(f"SELECT rowid, title FROM fts WHERE rowid IN ({marks})", ids)
            total = self.db.execute(
                f"SELECT count(*) FROM meta m WHERE {condition}", params
            ).fetchone()[0]
        return int(total)

    def run(self, queries: Sequence[BenchQuery]) -> dict[str, Stats]:
        stats = {kind: Stats() for kind in KINDS}
        for q in queries:
            if not q.fts_equivalent:
                stats[q.kind].not_applicable = True
                continue
            start = now()
            try:
                total = self.search(q)
            except sqlite3.Error as exc:
                stats[q.kind].error(exc)
                continue
            stats[q.kind].add(now() - start, total)
        return with_overall(stats)

    def close(self) -> None:
        self.db.close()


# -- importing and opening ---------------------------------------------------------------------


class CommitWatcher:
    """Notices when an import's transaction commits, from a second (read-only) connection:
    the newest paper id moves only when the writer commits (WAL). Gives the "SQLite part"
    of an import whether or not the library then indexes inside import_records."""

    def __init__(self, db_path: Path) -> None:
        self.committed: float | None = None
        self._stop = threading.Event()
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                f"file:{db_path}?mode=ro", uri=True, timeout=0.05, check_same_thread=False
            )
            self._base = self._newest()
        except sqlite3.Error:
            self._db = None
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _newest(self) -> int:
        assert self._db is not None
        return int(self._db.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                if self._newest() > self._base:
                    self.committed = now()
                    return
            except sqlite3.Error:
                pass
            time.sleep(0.005)

    def __enter__(self) -> CommitWatcher:
        if self._db is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._db is not None:
            self._thread.join()
            self._db.close()


class ProgressRecorder:
    """import_records' progress callback: notes when it was last called, logs every 10 %."""

    def __init__(self) -> None:
        self.last = 0.0
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        self.last = now()
        if total and done * 10 // total > self.shown:
            self.shown = done * 10 // total
            step(f"  import_records progress: {done} of {total}")


def wait_until_searchable(library: Library, timeout: float) -> float | None:
    """Seconds until index_state() says ready with nothing pending (None on timeout)."""
    start = now()
    while True:
        state = library.index_state()
        if state.ready and state.pending == 0:
            return now() - start
        if now() - start > timeout:
            return None
        time.sleep(0.01)


def background_mode(library: Library, wanted: bool) -> None:
    """With --background-index: let a worker thread index writes, if this version can."""
    if not wanted:
        return
    switch = getattr(library, "index_in_background", None)
    if switch is None:
        print("WARNING: this Library has no index_in_background(); indexing inline")
    else:
        switch()


def import_papers(
    folder: Path, n_papers: int, seed: int, batch: int, background: bool,
    figures: dict[str, Any],
) -> None:
    """Generate the papers and import them into a new library at `folder`."""
    start = now()
    library = Library.open(folder)
    figures["create_empty_library_s"] = now() - start
    background_mode(library, background)
    generator = PaperGenerator(seed)
    batch = batch or n_papers
    generate_s = inserts_s = sqlite_s = calls_s = 0.0
    added = duplicates = failed = 0
    commit_seen = True
    try:
        for first in range(1, n_papers + 1, batch):
            last = min(n_papers, first + batch - 1)
            step(f"generating papers {first}-{last}")
            t = now()
            records = [generator.paper(number) for number in range(first, last + 1)]
            generate_s += now() - t
            step(f"importing papers {first}-{last} (Library.import_records)")
            progress = ProgressRecorder()
            with CommitWatcher(folder / DB_FILE) as watcher:
                t = now()
                report = library.import_records(records, progress, None)
                returned = now()
            calls_s += returned - t
            inserts_s += (progress.last or returned) - t
            if watcher.committed is None:
                commit_seen = False
            sqlite_s += (watcher.committed or returned) - t
            added += len(report.added)
            duplicates += len(report.duplicates)
            failed += len(report.failed)
            del records, report
        step("waiting until the index is up to date (index_state ready, nothing pending)")
        wait = wait_until_searchable(library, READY_TIMEOUT)
        state = library.index_state()
    finally:
        library.close()
    figures.update(
        generate_s=generate_s,
        import_batches=math.ceil(n_papers / batch),
        import_added=added,
        import_duplicates=duplicates,
        import_failed=failed,
        import_inserts_s=inserts_s,
        import_sqlite_s=sqlite_s,
        import_sqlite_commit_seen=commit_seen,
        import_call_s=calls_s,
        import_searchable_s=None if wait is None else calls_s + wait,
        import_wait_after_calls_s=wait,
        import_index_s=None if wait is None else calls_s + wait - sqlite_s,
        index_documents_after_import=state.documents,
    )
    if added != n_papers:
        print(f"WARNING: {n_papers - added} generated papers were not added "
              f"({duplicates} duplicates, {failed} failed)")
    if wait is None:
        print(f"WARNING: the index was not up to date {READY_TIMEOUT:.0f} s after the import")


def open_library(folder: Path, background: bool, figures: dict[str, Any]) -> Library:
    """Library.open on an existing library, then the first search (retried while the
    library says the index is not ready, if it opens it in the background)."""
    start = now()
    library = Library.open(folder)
    opened = now()
    background_mode(library, background)
    tries = 0
    while True:
        tries += 1
        try:
            library.search(FIRST_QUERY, limit=SEARCH_LIMIT)
            break
        except ReadinglistError:
            if now() - opened > 600:
                raise
            time.sleep(0.01)
    searched = now()
    wait = wait_until_searchable(library, READY_TIMEOUT)
    figures.update(
        open_s=opened - start,
        first_search_s=searched - opened,
        first_search_tries=tries,
        open_until_index_ready_s=None if wait is None else searched - start + wait,
    )
    return library


def read_back(library: Library, corpus: Corpus, fts: Fts5Reference | None) -> float:
    """Stream every paper from the library into the corpus and the FTS5 table; returns the
    seconds spent in FTS5 inserts."""
    ids = library.list_ids(sort="id")
    fts_s = 0.0
    for i in range(0, len(ids), READ_CHUNK):
        papers = library.get_many(ids[i : i + READ_CHUNK])
        corpus.add(papers)
        if fts is not None:
            start = now()
            fts.add(papers)
            fts_s += now() - start
    return fts_s


# -- edits -----------------------------------------------------------------------------------


def run_edits(library: Library, corpus: Corpus, figures: dict[str, Any]) -> dict[str, Stats]:
    """EDITS edits, set_status and change_tags alternately, each on its own paper: time the
    call, then search until the paper shows up with the change (1 ms apart, at most 5 s)."""
    rng = random.Random(QUERY_SEED + 1)
    with_arxiv = [p for p in corpus.papers if p[1]]
    n_status = EDITS // 2
    status_papers = rng.sample(with_arxiv, min(n_status, len(with_arxiv)))
    tag_papers = rng.sample(corpus.papers, EDITS - len(status_papers))
    run_tag = f"bench{int(time.time()) % 1_000_000}e"
    stats = {
        name: Stats()
        for name in (
            "set_status call",
            "set_status until visible",
            "change_tags call",
            "change_tags until visible",
        )
    }
    undo: list[Callable[[], object]] = []
    polls: list[int] = []
    invisible = 0
    for i in range(EDITS):
        if i % 2 == 0 and status_papers:
            paper_id, arxiv, old = status_papers.pop()
            new = rng.choice([s for s in STATUSES if s != old and s != "unread"] or ["unread"])
            kind = "set_status"
            query = f"status:{new} arxiv:{arxiv}"

            def edit(pid: int = paper_id, value: str = new) -> object:
                return library.set_status(pid, value).paper

            undo.append(partial(library.set_status, paper_id, old))
        else:
            paper_id = tag_papers.pop()[0]
            tag = f"{run_tag}{i}"
            kind = "change_tags"
            query = f"tag:{tag}"

            def edit(pid: int = paper_id, value: str = tag) -> object:
                return library.change_tags(pid, add=[value]).paper

            undo.append(partial(library.change_tags, paper_id, remove=[tag]))
        start = now()
        try:
            edit()
        except Exception as exc:
            stats[f"{kind} call"].error(exc)
            undo.pop()
            continue
        stats[f"{kind} call"].add(now() - start)
        tries = 0
        while True:
            tries += 1
            try:
                found = paper_id in library.search(query, limit=SEARCH_LIMIT).ids
            except Exception as exc:
                stats[f"{kind} until visible"].error(exc)
                found = False
            if found:
                stats[f"{kind} until visible"].add(now() - start)
                break
            if now() - start > VISIBLE_TIMEOUT:
                invisible += 1
                break
            time.sleep(POLL_SLEEP)
        polls.append(tries)
    figures["edits_not_visible_within_5s"] = invisible
    figures["edit_searches_per_edit_mean"] = statistics.mean(polls) if polls else None
    step(f"undoing the {len(undo)} edits (not timed)")
    for action in reversed(undo):
        action()
    wait_until_searchable(library, READY_TIMEOUT)
    calls, visible = Stats(), Stats()
    for name, s in stats.items():
        (calls if name.endswith("call") else visible).merge(s)
    stats["all edits call"] = calls
    stats["all edits until visible"] = visible
    return stats


# -- main ---------------------------------------------------------------------------------


@contextlib.contextmanager
def benchmark_library(parser: argparse.ArgumentParser,
                      chosen: Path | None) -> Iterator[tuple[Path, bool]]:
    """The library folder to benchmark and whether it holds a library to reuse: --library
    DIR (empty, or a library), or a temporary folder deleted afterwards."""
    if chosen is None:
        temp = Path(tempfile.mkdtemp(prefix="readinglist-bench-"))
        try:
            yield temp / "lib", False
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        return
    folder = chosen.expanduser().resolve()
    reuse = (folder / DB_FILE).exists()
    if not reuse and folder.exists() and any(folder.iterdir()):
        parser.error(f"{folder} is neither empty nor a library")
    yield folder, reuse


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000, metavar="N",
                        help="papers to generate and import (default 100000)")
    parser.add_argument("--queries", type=int, default=360, metavar="K",
                        help=f"timed searches, spread evenly over the {len(KINDS)} kinds "
                        "(default 360)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated papers")
    parser.add_argument(
        "--library",
        type=Path,
        metavar="DIR",
        help="keep the library in DIR; if DIR already holds a library of N papers (from an "
        "earlier run with the same --papers and --seed), reuse it and skip generation and "
        "import (default: a temporary folder, deleted afterwards)",
    )
    parser.add_argument("--batch", type=int, default=0, metavar="B",
                        help="generate and import B papers per import_records call (default: "
                        "all in one call, like one big file; each call is one transaction)")
    parser.add_argument("--skip-fts5", action="store_true", help="skip the FTS5 reference")
    parser.add_argument("--background-index", action="store_true",
                        help="call Library.index_in_background() after opening (if this "
                        "version has it): writes return before the index has them")
    parser.add_argument("--extras", action="store_true",
                        help="also run the mix without snippets, after the edits, and after "
                        "a timed reindex")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every figure here")
    args = parser.parse_args(argv)
    if args.papers < 100:
        parser.error("use at least 100 papers")
    if args.queries < len(KINDS):
        parser.error(f"use at least {len(KINDS)} queries")

    with benchmark_library(parser, args.library) as (folder, reuse):
        return bench(folder, args, reuse)


def bench(folder: Path, args: argparse.Namespace, reuse: bool) -> int:
    try:
        import whoosh

        engine = f"Whoosh {whoosh.versionstring()}"
    except ImportError:  # pragma: no cover
        engine = "no Whoosh"
    command = " ".join([Path(sys.executable).name, *sys.argv])
    env = {
        "readinglist": __version__,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "engine": engine,
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "load_at_start": load(),
    }
    print(f"Readinglist {__version__} search benchmark: {args.papers} papers, "
          f"{args.queries} queries, limit {SEARCH_LIMIT} with snippets, seed {args.seed}")
    print(f"Python {env['python']}, SQLite {env['sqlite']}, {engine}, {env['platform']}, "
          f"{env['cpus']} CPUs, load average {env['load_at_start']}")
    print(f"Library: {folder}{' (reused)' if reuse else ''}"
          + (", indexing in the background" if args.background_index else ""))
    figures: dict[str, Any] = {}
    # Peak RSS so far after each phase (a high-water mark: a phase that raises it is the one
    # that needed the memory).
    memory: dict[str, float] = {}
    figures["peak_rss_mb_after"] = memory

    if not reuse:
        import_papers(folder, args.papers, args.seed, args.batch, args.background_index,
                      figures)
        memory["import"] = peak_rss_mb()

    step("opening the existing library")
    library = open_library(folder, args.background_index, figures)
    memory["open + first search"] = peak_rss_mb()
    fts: Fts5Reference | None = None
    fts_path = folder.with_name(folder.name + "-fts5-reference.sqlite")
    try:
        count = library.count()
        if count != args.papers:
            print(f"ERROR: {folder} holds {count} papers, not {args.papers}; use another "
                  f"--library folder or --papers {count}")
            return 2
        if not args.skip_fts5:
            fts = Fts5Reference(fts_path)
        step("reading the papers back (query vocabulary" + ("" if fts is None else
             ", FTS5 inserts") + ")")
        corpus = Corpus(count)
        start = now()
        fts_insert_s = read_back(library, corpus, fts)
        figures["read_back_s"] = now() - start - fts_insert_s
        if fts is not None:
            start = now()
            fts.commit()
            figures["fts5_insert_s"] = fts_insert_s + now() - start
            step("FTS5 optimize")
            start = now()
            fts.optimize()
            figures["fts5_optimize_s"] = now() - start
            figures["fts5_build_s"] = figures["fts5_insert_s"] + figures["fts5_optimize_s"]
        memory["read back" + ("" if fts is None else " + FTS5 build")] = peak_rss_mb()

        queries = make_queries(corpus, args.queries, QUERY_SEED)
        step(f"running {len(queries)} queries through Library.search")
        searches = run_library_queries(library, queries)
        fts_searches: dict[str, Stats] | None = None
        if fts is not None:
            step(f"running {len(queries)} queries through FTS5")
            fts_searches = fts.run(queries)
        memory["searches"] = peak_rss_mb()

        extras: dict[str, Stats] = {}
        if args.extras:
            step("extras: the mix without snippets")
            extras["all, without snippets"] = run_library_queries(
                library, queries, snippets=False
            )["all"]

        step(f"timing {EDITS} edits")
        edits = run_edits(library, corpus, figures)
        memory["edits"] = peak_rss_mb()

        if args.extras:
            step("extras: the mix after the edits")
            extras["all, after the edits"] = run_library_queries(library, queries)["all"]
            step("extras: reindex")
            start = now()
            library.reindex()
            figures["reindex_s"] = now() - start
            wait_until_searchable(library, READY_TIMEOUT)
            extras["all, after reindex"] = run_library_queries(library, queries)["all"]
        fts_sizes = fts.sizes() if fts is not None else {}
    finally:
        library.close()
        if fts is not None:
            fts.close()
        for path in fts_path.parent.glob(fts_path.name + "*"):
            path.unlink()

    index_size = folder_size(folder / INDEX_DIR)
    db_size = sum(p.stat().st_size for p in folder.glob(DB_FILE + "*"))
    env["load_at_end"] = load()
    figures["peak_rss_mb"] = peak_rss_mb()
    report(args, env, figures, queries, searches, fts_searches, extras, edits,
           index_size, db_size, fts_sizes, reuse, command)
    return 0


# -- output ----------------------------------------------------------------------------------


def report(
    args: argparse.Namespace,
    env: dict[str, Any],
    figures: dict[str, Any],
    queries: Sequence[BenchQuery],
    searches: dict[str, Stats],
    fts_searches: dict[str, Stats] | None,
    extras: dict[str, Stats],
    edits: dict[str, Stats],
    index_size: int,
    db_size: int,
    fts_sizes: dict[str, int],
    reuse: bool,
    command: str,
) -> None:
    def s(key: str) -> str:
        value = figures.get(key)
        return "n/a" if value is None else f"{value:.2f} s"

    def msec(key: str) -> str:
        value = figures.get(key)
        return "n/a" if value is None else f"{value * 1000:.1f} ms"

    print("\n" + "=" * 30 + " SUMMARY " + "=" * 30)
    rows: list[list[str]] = []
    if reuse:
        rows.append(["import (skipped: reused library)", "-"])
    else:
        batches = figures["import_batches"]
        how = "1 call" if batches == 1 else f"{batches} calls of {args.batch}"
        rows += [
            ["generate papers (harness, not the app)", s("generate_s")],
            ["create empty library", s("create_empty_library_s")],
            [f"import: inserts, until last progress callback ({how})", s("import_inserts_s")],
            ["import: SQLite part (inserts + commit)"
             + ("" if figures["import_sqlite_commit_seen"] else " [commit not seen: = call]"),
             s("import_sqlite_s")],
            ["import: import_records call (caller blocked)", s("import_call_s")],
            ["import: until fully searchable", s("import_searchable_s")],
            ["import: index part (searchable - SQLite part)", s("import_index_s")],
        ]
    rows += [
        ["open existing library (Library.open)", s("open_s")],
        [f"first search after open ({FIRST_QUERY!r})", msec("first_search_s")],
        ["open until index ready (open + first search + wait)", s("open_until_index_ready_s")],
        ["read papers back for queries (harness)", s("read_back_s")],
    ]
    if fts_searches is not None:
        rows += [
            ["FTS5 reference: inserts + commit", s("fts5_insert_s")],
            ["FTS5 reference: optimize", s("fts5_optimize_s")],
            ["FTS5 reference: build total", s("fts5_build_s")],
        ]
    if "reindex_s" in figures:
        rows.append(["reindex (extras)", s("reindex_s")])
    table(("phase", "time"), rows, f"Setup ({args.papers} papers)")

    headers = ["query kind", "n", "p50", "p95", "max", "hits", "err"]
    if fts_searches is not None:
        headers += ["|", "FTS5 p50", "p95", "max", "hits", "err"]
    rows = []
    for kind in (*KINDS, "all"):
        ours = searches[kind]
        row = [kind if kind != "all" else "all kinds", str(len(ours.seconds) + ours.errors),
               *ours.cells()]
        if fts_searches is not None:
            row += ["|", *fts_searches[kind].cells()]
        rows.append(row)
    for name, extra in extras.items():
        rows.append([name, str(len(extra.seconds) + extra.errors), *extra.cells()]
                    + (["|", "", "", "", "", ""] if fts_searches is not None else []))
    table(
        headers,
        rows,
        f"Searches, ms: Library.search(q, limit={SEARCH_LIMIT}) with snippets"
        + (" | FTS5 bm25 + snippet() top 20 + count" if fts_searches is not None else "")
        + "\n(hits = average number of matches; err = queries that raised"
        + ("; FTS5 'all' leaves out fuzzy)" if fts_searches is not None else ")"),
    )
    problems = [
        f"  {engine} {kind}: {stats.errors} error(s), first: {stats.first_error}"
        for engine, table_ in (("Readinglist", searches), ("FTS5", fts_searches or {}))
        for kind, stats in table_.items()
        if stats.errors and kind != "all"
    ]
    if problems:
        print("\nQuery errors:\n" + "\n".join(problems))

    rows = [[name, str(len(st.seconds)), *st.cells()[:3], str(st.errors)]
            for name, st in edits.items()]
    table(
        ("edit", "n", "p50 ms", "p95 ms", "max ms", "err"),
        rows,
        f"Edits ({EDITS}, alternating): 'call' = how long the call blocks; 'until visible' = "
        "from the call\nuntil a search (1 ms apart) shows the change",
    )
    print(f"not visible within {VISIBLE_TIMEOUT:.0f} s: "
          f"{figures['edits_not_visible_within_5s']}; searches per edit (mean): "
          f"{figures['edit_searches_per_edit_mean'] or 0:.2f}")

    rows = [
        [f"index folder ({INDEX_DIR}/)", f"{index_size / 1e6:.1f}"],
        [f"database ({DB_FILE}*)", f"{db_size / 1e6:.1f}"],
        ["index / database", f"{index_size / db_size:.2f}" if db_size else "n/a"],
    ]
    if fts_sizes:
        rows.append(["FTS5 reference file", f"{fts_sizes['file'] / 1e6:.1f}"])
        if "fts_index" in fts_sizes:
            rows.append(["  of which the FTS5 index", f"{fts_sizes['fts_index'] / 1e6:.1f}"])
            rows.append(["  of which its copy of the text",
                         f"{fts_sizes['fts_text_copy'] / 1e6:.1f}"])
            rows.append(["FTS5 index / database", f"{fts_sizes['fts_index'] / db_size:.2f}"])
    table(("storage", "MB (or ratio)"), rows, "Storage")

    print("\nOne query of each kind (library syntax => FTS5):")
    for kind in KINDS:
        q = next((q for q in queries if q.kind == kind), None)
        if q:
            print(f"  {kind:<12} {q.text}  =>  {q.fts_text() or 'n/a'}")
    after = ", ".join(f"{k} {v:.0f}" for k, v in figures["peak_rss_mb_after"].items())
    print(f"\nPeak memory (RSS) {figures['peak_rss_mb']:.0f} MB (peak so far after: {after})")
    print(f"Load average at start {env['load_at_start']}, at end {env['load_at_end']} "
          f"({env['cpus']} CPUs)")

    if args.json:
        data = {
            "command": command,
            "config": {
                "papers": args.papers,
                "queries": args.queries,
                "seed": args.seed,
                "query_seed": QUERY_SEED,
                "limit": SEARCH_LIMIT,
                "edits": EDITS,
                "batch": args.batch or None,
                "reused_library": reuse,
                "fts5": fts_searches is not None,
                "background_index": args.background_index,
            },
            "environment": env,
            "phases": figures,
            "searches": {k: v.figures() for k, v in searches.items()},
            "fts5_searches": (
                {k: v.figures() for k, v in fts_searches.items()} if fts_searches else None
            ),
            "extras": {k: v.figures() for k, v in extras.items()},
            "edits": {k: v.figures() for k, v in edits.items()},
            "sizes": {
                "index_bytes": index_size,
                "database_bytes": db_size,
                "index_to_database": index_size / db_size if db_size else None,
                "fts5": fts_sizes,
            },
            "queries": [q.to_dict() for q in queries],
        }
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"Figures written to {args.json}")


if __name__ == "__main__":
    raise SystemExit(main())
