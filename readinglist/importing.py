"""Writing parsed records into the library: one transaction for the whole import.

Each record is added, merged into the paper it duplicates (empty fields filled, tags
added, nothing the user wrote overwritten), or reported as failed; files to attach are
copied into the library folder. A cancel or an error rolls the transaction back and
removes the copies, so the library is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .domain import EntryProblem, ImportReport, PaperRecord, ReadinglistError, Status
from .importers.base import ParseResult
from .merging import plan_fill
from .store.paper_store import PaperStore, clean_tag
from .store.snapshots import BadSnapshot, restore
from .textutil import extract_links, normalize_arxiv_id, normalize_doi

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
FILES_DIR = "files"  # attachment copies, inside the library folder


class ImportCancelled(ReadinglistError):
    def __init__(self) -> None:
        super().__init__("import cancelled: nothing was imported")


def check_year(year: object) -> int | None:
    """A year as an int (or None); anything else is refused before it reaches the index."""
    if year is None or year == "":
        return None
    try:
        value = int(str(year).strip())
    except ValueError:
        raise ReadinglistError(f"a year is a number like 2024, not {year!r}") from None
    if not 0 < value < 10000:
        raise ReadinglistError(f"a year is a number like 2024, not {year!r}")
    return value


def normalize(record: PaperRecord) -> None:
    """Tidy a record in place (whitespace, identifiers); ReadinglistError if a field is
    unusable (a year that is not a year, an unknown status)."""
    record.title = " ".join(record.title.split())
    record.year = check_year(record.year)
    record.doi = normalize_doi(record.doi)
    record.arxiv_id = normalize_arxiv_id(record.arxiv_id)
    record.authors = [" ".join(a.split()) for a in record.authors if a.strip()]
    record.tags = [clean_tag(t) for t in record.tags if clean_tag(t)]
    if not record.links and record.abstract:
        record.links = extract_links(record.abstract)


class ImportRun:
    """One import into one library. Not reusable."""

    def __init__(self, store: PaperStore, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> None:
        self.store = store
        self.progress = progress
        self.cancelled = cancelled
        self.report = ImportReport()
        self._copies: list[Path] = []  # files copied so far, removed if the import fails

    def run(self, parsed: ParseResult) -> ImportReport:
        """Import everything parsed; on cancel the report says so and nothing changed."""
        self.report.failed += parsed.problems
        self.report.warnings += parsed.warnings
        total = len(parsed.records) + len(parsed.snapshots)
        done = 0
        try:
            with self.store.transaction():
                for record in parsed.records:
                    self._check_cancel()
                    self._import_record(record)
                    done += 1
                    self._tick(done, total)
                for source, position, snap in parsed.snapshots:
                    self._check_cancel()
                    self._import_snapshot(source, position, snap)
                    done += 1
                    self._tick(done, total)
                self._check_cancel()
        except BaseException as exc:
            self._remove_copies()
            if isinstance(exc, ImportCancelled):
                return ImportReport(cancelled=True)
            raise
        return self.report

    def _tick(self, done: int, total: int) -> None:
        if self.progress and (done % 50 == 0 or done == total):
            self.progress(done, total)

    def _check_cancel(self) -> None:
        if self.cancelled and self.cancelled():
            raise ImportCancelled()

    def _fail(self, record: PaperRecord, reason: str) -> None:
        name = f"entry {record.key}: " if record.key else ""
        self.report.failed.append(EntryProblem(record.source, record.line, name + reason))

    def _import_record(self, record: PaperRecord) -> None:
        try:
            normalize(record)
        except ReadinglistError as exc:
            self._fail(record, str(exc))
            return
        if record.status:
            try:
                record.status = Status.parse(record.status).value
            except ValueError as exc:
                name = f"entry {record.key}: " if record.key else ""
                self.report.warnings.append(EntryProblem(
                    record.source, record.line, f"{name}{exc}; imported as unread"))
                record.status = ""
        if not record.title:
            self._fail(record, "entry has no title")
            return
        existing_id = self.store.find_duplicate(record)
        if existing_id is None:
            paper_id = self.store.insert_paper(record)
            self.attach(paper_id, record)
            self.report.added.append((paper_id, record.title))
            return
        self._merge(existing_id, record)

    def _merge(self, existing_id: int, record: PaperRecord) -> None:
        existing = self.store.get_paper(existing_id)
        has_text = bool(self.store.fulltexts([existing_id]))
        plan = plan_fill(existing, record, has_text)
        if not plan:
            self.report.duplicates.append((existing_id, existing.title))
            return
        if plan.fields:
            self.store.update_fields(existing_id, plan.fields)
        if plan.tags:
            self.store.set_tags(existing_id, [*existing.tags, *plan.tags])
        if plan.fulltext:
            self.store.set_fulltext(existing_id, plan.fulltext)
        if plan.files:
            self.attach(existing_id, record, plan.files)
        self.report.merged.append((existing_id, existing.title, plan.filled()))

    def _import_snapshot(self, source: str, position: int, snap: dict) -> None:
        """A paper of Readinglist's own JSON: restored whole (history, highlights, ids
        when free), or merged like any record when the library already has it."""
        title = str(snap.get("title") or "")[:60]
        where = f"paper {position} ({title!r})" if title else f"paper {position}"
        try:
            record = record_from_snapshot(snap, source)
            normalize(record)
        except (ReadinglistError, TypeError, ValueError) as exc:
            self.report.failed.append(EntryProblem(source, None, f"{where}: {exc}"))
            return
        existing_id = self.store.find_duplicate(record) if record.title else None
        if existing_id is not None:
            self._merge(existing_id, record)
            return
        try:
            with self.store.transaction():  # a savepoint: a bad entry leaves no trace
                paper_id = restore(self.store, snap, keep_id=True)
        except BadSnapshot as exc:
            self.report.failed.append(EntryProblem(source, None, f"{where}: {exc}"))
            return
        self.report.added.append((paper_id, record.title))

    def attach(self, paper_id: int, record: PaperRecord, files: list[str] | None = None) -> None:
        for name in files if files is not None else record.files:
            source = Path(name)
            if not source.is_file():
                self.report.warnings.append(EntryProblem(
                    record.source, record.line, f"attachment not found: {source}"))
                continue
            if record.attach_mode == "link" or self.store.folder is None:
                self.store.add_attachment(paper_id, source.resolve(), "link")
                continue
            target = self._copy(source, paper_id)
            self.store.add_attachment(paper_id, target, "copy")

    def _copy(self, source: Path, paper_id: int) -> Path:
        assert self.store.folder is not None
        folder = self.store.folder / FILES_DIR
        folder.mkdir(exist_ok=True)
        target = folder / f"{paper_id}-{source.name}"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{paper_id}-{n}-{source.name}"
        shutil.copy2(source, target)
        self._copies.append(target)
        return target

    def _remove_copies(self) -> None:
        """Undo the file copies of a failed or cancelled import."""
        for path in self._copies:
            with contextlib.suppress(OSError):
                os.remove(path)


def record_from_snapshot(snap: dict, source: str) -> PaperRecord:
    """The bibliographic part of a snapshot, to find and fill a duplicate with."""
    def text(key: str) -> str:
        value = snap.get(key)
        if value is not None and not isinstance(value, str):
            raise ReadinglistError(f"{key} must be text, not {value!r}")
        return value or ""

    extra = snap.get("extra") or {}
    if not isinstance(extra, dict):
        raise ReadinglistError("extra must be an object")
    return PaperRecord(
        title=text("title"),
        authors=[str(a) for a in snap.get("authors") or []],
        year=snap.get("year"),
        venue=text("venue"),
        arxiv_id=text("arxiv_id"),
        doi=text("doi"),
        url=text("url"),
        abstract=text("abstract"),
        links=[str(u) for u in snap.get("links") or []],
        source=source,
        tags=[str(t) for t in snap.get("tags") or []],
        entry_type=text("entry_type"),
        citation_key=text("citation_key"),
        extra={str(k): str(v) for k, v in extra.items()},
        note=text("note"),
        fulltext=text("fulltext"),
    )
