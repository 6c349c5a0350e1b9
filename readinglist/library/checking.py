"""`readinglist check [--repair]`: is the library sound, and what can be mended.

Checked: the database file (SQLite's integrity and foreign key checks), rows of papers
that are gone (tags, history, highlights, attachments), stored text that is not valid
UTF-8, the search index against the database (its stamp and readability, through the
index's own check in indexing.py; its count; a sample of papers found by id), and the
attachments on disk (files missing, files in ``files/`` no paper refers to).

A repair first takes a backup, then deletes the orphan rows, stores damaged text with
U+FFFD for its bad bytes (listing each), rebuilds the database's own indexes when the
integrity check calls for it, and rebuilds the search index when it disagrees; then
everything is checked again, so the report says what is still wrong. Files are never
deleted: a file no paper refers to is the user's to keep or throw away.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..domain import ReadinglistError
from ..search.index import SearchIndex
from ..store import backups, integrity
from ..store.paper_store import PaperStore
from ..store.writer import Writer
from .indexing import IndexSync
from .opening import DB_FILE, FILES_DIR

SAMPLE = 200  # papers looked up by id in the search index
SHOWN = 20  # rows listed per problem in the text report


class Checked(Protocol):
    """What a check needs of the Library (it has all of it)."""

    index_problem: str | None

    @property
    def folder(self) -> Path: ...

    @property
    def store(self) -> PaperStore: ...

    @property
    def index(self) -> SearchIndex: ...

    @property
    def sync(self) -> IndexSync: ...

    @property
    def writer(self) -> Writer: ...

    @property
    def read_only_reason(self) -> str | None: ...

    def reindex(self) -> bool: ...


@dataclass
class Finding:
    """One kind of problem, with the rows or files it concerns."""

    kind: str  # database, foreign_keys, orphans, text, index, missing_files, stray_files
    summary: str
    items: list[str] = field(default_factory=list)
    repairable: bool = True


@dataclass
class CheckReport:
    library: str
    findings: list[Finding] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # what a repair did, in words
    backup: str | None = None  # the backup taken before repairing
    checked: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    @property
    def exit_code(self) -> int:
        """0 when nothing is wrong (any more), 1 when something is."""
        return 0 if self.clean else 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["clean"] = self.clean
        return data

    def text(self) -> str:
        """The report as plain text, for the terminal and the window's dialog."""
        lines = [f"Library: {self.library}", "Checked: " + ", ".join(self.checked)]
        if self.backup:
            lines.append(f"Backup before the repair: {self.backup}")
        for action in self.repaired:
            lines.append(f"Repaired: {action}")
        if self.clean:
            lines.append("No problems found." if not self.repaired else
                         "No problems left.")
        for finding in self.findings:
            lines.append(f"Problem: {finding.summary}")
            lines += [f"  {item}" for item in finding.items[:SHOWN]]
            if len(finding.items) > SHOWN:
                lines.append(f"  … and {len(finding.items) - SHOWN} more")
        fixable = [f for f in self.findings if f.repairable]
        if fixable and not self.repaired:
            lines.append("Run `readinglist check --repair` to repair what can be "
                         "(a backup is taken first).")
        return "\n".join(lines)


def check(library: Checked) -> CheckReport:
    report = CheckReport(str(library.folder))
    database = library.folder / DB_FILE
    with integrity.reading(database) as conn:
        report.checked.append("database file")
        problems = integrity.integrity_problems(conn)
        if problems:
            report.findings.append(Finding(
                "database", "SQLite's integrity check failed (the file is damaged)",
                problems))
        report.checked.append("references")
        broken = integrity.foreign_key_problems(conn)
        orphans = integrity.orphan_rows(conn)
        if orphans:
            count = sum(len(rows) for rows in orphans.values())
            report.findings.append(Finding(
                "orphans", f"{count} row(s) belong to papers that no longer exist",
                [f"{table}: {len(rows)} row(s)" for table, rows in orphans.items()]))
        others = [b for b in broken if b[0] not in orphans]
        if others:
            report.findings.append(Finding(
                "foreign_keys", f"{len(others)} row(s) refer to rows that do not exist",
                [f"{table} row {rowid} -> {parent}" for table, rowid, parent in others],
                repairable=False))
        report.checked.append("text")
        bad = integrity.undecodable_text(conn)
        if bad:
            report.findings.append(Finding(
                "text", f"{len(bad)} stored text(s) are not valid UTF-8 (shown with �)",
                [b.describe() for b in bad]))
        attachments = integrity.attachment_rows(conn)
    report.checked.append("search index")
    _check_index(library, report)
    report.checked.append("attached files")
    _check_files(library.folder, attachments, report)
    return report


def _check_index(library: Checked, report: CheckReport) -> None:
    if library.read_only_reason is not None:
        problem = library.index_problem  # nothing can be caught up or rebuilt
    else:
        problem = library.sync.check()  # the stamp, the files, the count (indexing.py)
        library.index_problem = problem
    if problem is not None:
        report.findings.append(Finding("index", f"search index: {problem}"))
        return
    state = library.sync.state()
    if not state.pending and state.documents != state.papers:
        report.findings.append(Finding(
            "index", f"the search index holds {state.documents} papers, the library "
            f"{state.papers}"))
        return
    try:
        wrong = _sample(library.store, library.index)
    except Exception as exc:  # damaged files raise many kinds of errors
        report.findings.append(Finding(
            "index", f"the search index cannot be read ({type(exc).__name__}: {exc})"))
        return
    if wrong and not state.pending:
        report.findings.append(Finding(
            "index", f"{len(wrong)} of the papers sampled are wrong in the search index",
            wrong))


def _sample(store: PaperStore, index: SearchIndex) -> list[str]:
    """Papers spread over the library (and the Trash) looked up by id in the index: each
    found once (those in the Trash: not at all), or why not."""
    ids = store.list_ids(sort="id")
    step = max(1, len(ids) // SAMPLE)
    wrong = []
    for paper_id in ids[::step][:SAMPLE]:
        found = len(index.ids_with_term("id", str(paper_id), 2))
        if found != 1:
            wrong.append(f"paper #{paper_id}: {'missing' if not found else 'twice'}")
    for paper_id in store.list_ids(sort="id", trash=True)[:SAMPLE]:
        if index.ids_with_term("id", str(paper_id), 1):
            wrong.append(f"paper #{paper_id} (in the Trash) is still found by search")
    return wrong


def _check_files(folder: Path, attachments: list[tuple[int, str, str]],
                 report: CheckReport) -> None:
    missing = []
    referenced: set[Path] = set()
    for paper_id, stored, kind in attachments:
        path = Path(stored)
        if not path.is_absolute():
            path = folder / path
        if kind == "copy":
            referenced.add(Path(os.path.normpath(path)))
        if not path.is_file():
            missing.append(f"paper #{paper_id}: {stored} ({kind})")
    if missing:
        report.findings.append(Finding(
            "missing_files", f"{len(missing)} attached file(s) are missing", missing,
            repairable=False))
    stray = []
    files = folder / FILES_DIR
    if files.is_dir() and not files.is_symlink():
        for root, _dirs, names in os.walk(files):
            for name in names:
                path = Path(os.path.normpath(Path(root) / name))
                if path not in referenced:
                    stray.append(str(path.relative_to(folder)))
    if stray:
        report.findings.append(Finding(
            "stray_files", f"{len(stray)} file(s) in {FILES_DIR}/ belong to no paper "
            "(left as they are: yours to keep or delete)", sorted(stray),
            repairable=False))


# -- repairing -------------------------------------------------------------------------------


def repair(library: Checked, now: datetime,
           progress: Callable[[str], None] | None = None) -> CheckReport:
    """Check, back up, mend what can be mended, and check again (module doc)."""
    if library.read_only_reason is not None:
        raise ReadinglistError(f"the library is read-only ({library.read_only_reason}): "
                               "it can be checked but not repaired")
    before = check(library)
    if before.clean:
        return before
    tell = progress or (lambda _message: None)
    tell("backing up the library")
    try:
        backup = backups.take_backup(library.folder, library.folder / DB_FILE, now,
                                     "before-repair")
    except backups.BackupFailed as exc:
        raise ReadinglistError(f"no repair without a backup first, and {exc}") from None
    done: list[str] = []
    kinds = {finding.kind for finding in before.findings}
    if kinds & {"orphans", "text", "database"}:
        tell("repairing the database")
        done += _repair_database(library, kinds)
    if "index" in kinds:  # repaired text is indexed like any edit (the outbox)
        tell("rebuilding the search index")
        try:
            library.reindex()
            done.append("rebuilt the search index")
        except Exception as exc:  # the check below says what is still wrong
            done.append(f"could not rebuild the search index: {exc}")
    after = check(library)
    after.backup = str(backup.path)
    after.repaired = done
    return after


def _repair_database(library: Checked, kinds: set[str]) -> list[str]:
    done: list[str] = []
    database = library.folder / DB_FILE
    with integrity.reading(database) as conn:
        orphans = integrity.orphan_rows(conn) if "orphans" in kinds else {}
        bad = integrity.undecodable_text(conn) if "text" in kinds else []
    store = library.store
    with library.writer.write():
        conn = store.db.conn
        if "database" in kinds:
            integrity.reindex_database(conn)
            done.append("rebuilt the database's own indexes (SQLite REINDEX)")
        for table, rowids in orphans.items():
            integrity.delete_rows(conn, table, rowids)
            done.append(f"deleted {len(rowids)} orphan row(s) of {table}")
        papers: set[int] = set()
        for text in bad:
            if integrity.rewrite_text(conn, text):
                done.append(f"re-encoded {text.describe()}")
                if text.paper_id is not None:
                    papers.add(text.paper_id)
            else:
                done.append(f"could not re-encode {text.describe()}: it would duplicate "
                            "another row")
        if papers:
            store.enqueue_index(sorted(papers))
    return done


__all__ = ["CheckReport", "Finding", "check", "repair"]
