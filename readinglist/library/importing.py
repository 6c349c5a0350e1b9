"""Writing parsed records into the library: one transaction for the whole import.

Each record is added, merged into the paper it duplicates (empty fields filled, tags
added, nothing the user wrote overwritten), or reported as failed; files to attach are
copied into the library folder. A cancel or an error rolls the transaction back and
removes the copies, so the library is left exactly as it was.

Everything that enters the library here is text: control characters (a title that
retitles the terminal, clears it or writes the clipboard) are removed from every field
of every record and restored paper first (text.normalize.strip_controls; see tidying.py,
which also checks and tidies the fields).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ..domain import (
    EntryProblem,
    ImportReport,
    Outcome,
    Paper,
    PaperRecord,
    Priority,
    ReadinglistError,
    ReportEntry,
    Status,
    check_rating,
)
from ..importers.base import ParseResult
from ..matching.identity import Judgement, Verdict, aliases_of, judge, recurring_title
from ..matching.merging import plan_fill
from ..store import import_lookup
from ..store.database_file import disk_full_behind
from ..store.paper_store import PaperStore, clean_tag
from ..store.snapshots import BadSnapshot, restore
from ..system.attachment_paths import not_regular
from ..system.files import NotRegularFile, copy_into
from ..text.citation_keys import base_key, clean_key, unique_key

# Imported from here too: check_year (the service, the GUI), normalize (the service,
# tests) and strip_record_controls (transfers).
from .tidying import check_year as check_year
from .tidying import (
    normalize,
    record_from_snapshot,
    strip_record_controls,
    strip_snapshot_controls,
)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
FILES_DIR = "files"  # attachment copies, inside the library folder


_imports = 0  # imports running now
_reenable = False  # the collector was on when the first of them began
_switch: float | None = None  # the interpreter's switch interval before the import
IMPORT_SWITCH_INTERVAL = 0.001  # seconds (Python's default: 0.005)
_pause_guard = threading.Lock()


def collection_is_paused() -> bool:
    """True while an import runs with the cyclic collector paused (see below): a
    collector of the app's own (gui/collector.py) then leaves the old objects alone too."""
    return _imports > 0


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while an import runs. A big import creates millions
    of objects, and each full collection then holds the interpreter for a third of a
    second, stalling the window's thread; reference counting still frees what is not
    kept, and the collector catches up when the last import ends (unless someone else,
    such as the app's GUI-thread collector, had turned it off: it stays off)."""
    global _imports, _reenable, _switch
    with _pause_guard:
        if _imports == 0:
            _reenable = gc.isenabled()
            # The import thread hands the interpreter back sooner, so a read on another
            # thread (a search, the window's paper) waits about 1 ms per turn, not 5.
            _switch = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch, IMPORT_SWITCH_INTERVAL))
        _imports += 1
        gc.disable()
    try:
        yield
    finally:
        with _pause_guard:
            _imports -= 1
            if _imports == 0:
                if _reenable:
                    gc.enable()
                if _switch is not None:
                    sys.setswitchinterval(_switch)
                    _switch = None


class ImportCancelled(ReadinglistError):
    def __init__(self) -> None:
        super().__init__("import cancelled: nothing was imported")


class ImportRun:
    """One import into one library. Not reusable.

    `merge`: records that are papers of the library (see identity.py) are merged into
    them; False adds every entry as its own paper. `status` is given to papers added
    without a status of their own; `tag` is added to every paper the entries became.
    """

    def __init__(self, store: PaperStore, progress: Progress | None = None,
                 cancelled: Cancelled | None = None, *, merge: bool = True,
                 status: Status | str | None = None, tag: str | None = None) -> None:
        self.store = store
        self.progress = progress
        self.cancelled = cancelled
        self.merge = merge
        self.status = Status.parse(status).value if status else ""
        self.tag = clean_tag(tag or "")
        if tag and not self.tag:
            raise ReadinglistError(f"not a usable tag: {tag!r}")
        self.report = ImportReport()
        self._copies: list[Path] = []  # files copied so far, removed if the import fails
        self._restored: set[int] = set()  # papers this run restored from Readinglist JSON
        # Papers this run added or found: (file, citation key of the entry). Two keys of
        # one file are two works unless an identifier says otherwise.
        self._origin: dict[int, tuple[str, str]] = {}
        self._aliases: dict[str, int] | None = None  # alias citation keys, loaded once
        # Records this run titled from what they had: within their file, a stand-in title
        # is no title to tell them apart by (only a DOI or an arXiv id is).
        self._untitled: set[int] = set()

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
                import_lookup.set_last_import(self.store, [
                    (e.paper_id, e.outcome.value) for e in self.report.entries
                    if e.paper_id is not None])
        except BaseException as exc:
            self.remove_copies()
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
        """One record, in a savepoint: whatever goes wrong with it is reported as its
        failure and leaves no trace, and the import goes on."""
        strip_record_controls(record)
        try:
            normalize(record)
        except ReadinglistError as exc:
            self._fail(record, str(exc))
            return
        self._check_workflow_fields(record)
        if not record.title and not self._name_untitled(record):
            self._fail(record, "has no title and nothing else to name it by")
            return
        try:
            with self.store.transaction():
                self._add_or_merge(record)
        except (ValueError, OSError, sqlite3.Error) as exc:
            if disk_full_behind(exc):
                raise  # no entry's fault: the whole import stops, and nothing is saved
            # A file that cannot be copied, a value the database refuses: this entry only.
            self._fail(record, f"not imported: {exc}")

    def _name_untitled(self, record: PaperRecord) -> bool:
        """Give a record without a title (an RIS record with a DOI alone, a CSL item
        without one) a title made from what it has, with a warning; False if it has
        nothing at all."""
        first_author = record.authors[0] if record.authors else ""
        by_author = " ".join(str(v) for v in (first_author, record.year or "") if v)
        note = record.note.strip().splitlines()[0] if record.note.strip() else ""
        for where, value in (("DOI", record.doi),
                             ("arXiv id", f"arXiv:{record.arxiv_id}" if record.arxiv_id else ""),
                             ("note", note), ("venue", record.venue),
                             ("key", record.citation_key or record.key),
                             ("first author and year", by_author and f"Untitled ({by_author})"),
                             ("abstract", record.abstract and "Untitled")):
            text = " ".join(value.split())[:200]
            if text:
                record.title = text
                self._untitled.add(id(record))
                name = f"{record.key}: " if record.key else ""
                self.report.warnings.append(EntryProblem(
                    record.source, record.line,
                    f"{name}has no title; titled {text!r} from its {where}"))
                return True
        return False

    def _check_workflow_fields(self, record: PaperRecord) -> None:
        """Unknown status, priority or rating values: warned about and left at defaults."""
        name = f"entry {record.key}: " if record.key else ""
        checks = (("status", Status.parse, ""), ("priority", Priority.parse, ""),
                  ("rating", check_rating, None))
        for field_name, check, default in checks:
            value = getattr(record, field_name)
            if value in ("", None):
                continue
            try:
                checked = check(value)
                setattr(record, field_name, getattr(checked, "value", checked))
            except ValueError as exc:
                self.report.warnings.append(EntryProblem(
                    record.source, record.line, f"{name}{exc}; left at the default"))
                setattr(record, field_name, default)

    def _add_or_merge(self, record: PaperRecord) -> None:
        found = self._identify(record)
        if self.merge and found and found[1].verdict is Verdict.MATCH:
            self._merge(found[0], record, found[1])
            return
        if self.status and not record.status:
            record.status = self.status
        if self.tag:
            record.tags = [*record.tags, self.tag]
        if id(record) in self._untitled and not record.citation_key:
            # A key from the authors and year, not from a stand-in like "10.1186/…".
            record.citation_key = unique_key(
                base_key("", record.authors, record.year) if record.authors else "untitled",
                self.store.citation_key_taken)
        paper_id = self.store.insert_paper(record)
        self.attach(paper_id, record)
        self.report.added.append((paper_id, record.title))
        self._origin[paper_id] = (record.source, record.citation_key)
        if found is None:
            self._entry(Outcome.ADDED, record, paper_id)
            return
        other, judgement = found
        reason = judgement.reason if judgement.verdict is Verdict.POSSIBLE else (
            f"{judgement.reason} (not merged)")
        self.report.possible.append((paper_id, other, reason))
        self._entry(Outcome.POSSIBLE, record, paper_id,
                    f"may be the same as #{other}: {reason}", other)

    def _identify(self, record: PaperRecord) -> tuple[int, Judgement] | None:
        """The paper `record` is (a match) or may be (a possible duplicate), if any."""
        if self._aliases is None:
            self._aliases = import_lookup.alias_map(self.store)
        key = clean_key(record.citation_key)
        alias = self._aliases.get(key) if key else None
        new = import_lookup.record_facts(record)
        found = import_lookup.candidates(self.store, record, [alias] if alias is not None else [])
        recurring = recurring_title(new, [old for _, old in found])
        best: tuple[int, Judgement] | None = None
        for paper_id, old in found:
            if paper_id in self._restored:
                continue  # JSON restores are exact: a kept duplicate stays two papers
            origin = self._origin.get(paper_id)
            same_file_other_key = bool(
                origin and origin[0] == record.source and origin[1] and record.citation_key
                and origin[1] != record.citation_key)
            judgement = judge(new, old, same_file_other_key)
            if judgement.verdict is Verdict.DIFFERENT or (
                    recurring and judgement.verdict is Verdict.POSSIBLE) or (
                    id(record) in self._untitled and judgement.strength < 3
                    and origin is not None and origin[0] == record.source):
                continue
            rank = (judgement.verdict is Verdict.MATCH, judgement.strength)
            if best is None or rank > (best[1].verdict is Verdict.MATCH, best[1].strength):
                best = (paper_id, judgement)
        return best

    def _entry(self, outcome: Outcome, record: PaperRecord, paper_id: int | None,
               detail: str = "", other: int | None = None, title: str = "") -> None:
        self.report.entries.append(ReportEntry(
            outcome, record.source, record.line, record.citation_key or record.key, paper_id,
            title or record.title, detail, other))

    def _merge(self, existing_id: int, record: PaperRecord,
               judgement: Judgement | None = None) -> None:
        existing = self.store.get_paper(existing_id)
        has_text = bool(self.store.fulltexts([existing_id]))
        if self.tag:
            record.tags = [*record.tags, self.tag]
        plan = plan_fill(existing, record, has_text)
        plan.files = [f for f in plan.files if not self._already_attached(existing, f)]
        for field_name in ("doi", "arxiv_id"):
            # An identifier another paper has: filling it in would make two papers claim it.
            value = plan.fields.get(field_name)
            other = self.store.id_by(field_name, value) if value else None
            if other is not None and other != existing_id:
                del plan.fields[field_name]
                self.report.warnings.append(EntryProblem(
                    record.source, record.line,
                    f"{record.key + ': ' if record.key else ''}matches paper #{existing_id} "
                    f"but its {field_name} {value} is paper #{other}'s; not filled in"))
        alias = self._alias(existing, record)
        if alias:
            extra = dict(plan.fields.get("extra", existing.extra))
            extra["ids"] = ", ".join([*sorted(aliases_of(extra)), alias])
            plan.fields["extra"] = extra
        self._origin.setdefault(existing_id, (record.source, record.citation_key))
        why = judgement.reason if judgement else "the same paper"
        if not plan:
            self.report.duplicates.append((existing_id, existing.title))
            self._entry(Outcome.PRESENT, record, existing_id, f"#{existing_id}: {why}",
                        title=existing.title)
            return
        if plan.fields:
            self.store.update_fields(existing_id, plan.fields)
        if plan.tags:
            self.store.set_tags(existing_id, [*existing.tags, *plan.tags])
        if plan.fulltext:
            self.store.set_fulltext(existing_id, plan.fulltext)
        if plan.files:
            self.attach(existing_id, record, plan.files)
        filled = plan.filled()
        if alias:
            filled = (*[f for f in filled if f != "extra"], f"alias key {alias}")
        self.report.merged.append((existing_id, existing.title, filled))
        self._entry(Outcome.MERGED, record, existing_id,
                    f"into #{existing_id} ({why}): filled {', '.join(filled)}",
                    title=existing.title)

    def _alias(self, existing: Paper, record: PaperRecord) -> str:
        """The record's citation key, to keep as an alias of the paper it was merged
        into (biblatex ``ids``), or "" when it is the paper's own, already an alias, or
        another paper's key."""
        key = clean_key(record.citation_key)
        if not key or key == existing.citation_key:
            return ""
        if key in aliases_of(existing.extra):
            return ""
        if self.store.citation_key_taken(key):
            return ""
        assert self._aliases is not None
        if self._aliases.setdefault(key, existing.id) != existing.id:
            return ""
        return key

    def _import_snapshot(self, source: str, position: int, snap: dict) -> None:
        """A paper of Readinglist's own JSON: restored whole (history, highlights, ids
        when free), or merged like any record when the library already has it."""
        snap = strip_snapshot_controls(snap)
        title = str(snap.get("title") or "")[:60]
        where = f"paper {position} ({title!r})" if title else f"paper {position}"
        try:
            record = record_from_snapshot(snap, source)
            normalize(record)
        except (ReadinglistError, TypeError, ValueError) as exc:
            self.report.failed.append(EntryProblem(source, None, f"{where}: {exc}"))
            return
        found = self._identify(record) if record.title and self.merge else None
        if found is not None and found[1].verdict is Verdict.MATCH:
            try:
                with self.store.transaction():
                    self._merge(found[0], record, found[1])
            except (ValueError, OSError, sqlite3.Error) as exc:
                if disk_full_behind(exc):
                    raise
                self.report.failed.append(EntryProblem(source, None, f"{where}: {exc}"))
            return
        try:
            with self.store.transaction():  # a savepoint: a bad entry leaves no trace
                paper_id = restore(self.store, snap, keep_id=True)
        except (BadSnapshot, ValueError, TypeError, AttributeError, OverflowError,
                sqlite3.Error) as exc:
            if disk_full_behind(exc):
                raise
            self.report.failed.append(EntryProblem(source, None, f"{where}: {exc}"))
            return
        self._restored.add(paper_id)
        self.report.added.append((paper_id, record.title))
        self.report.entries.append(ReportEntry(
            Outcome.ADDED, source, None, record.citation_key, paper_id, record.title,
            f"paper {position} of the file"))

    def attach(self, paper_id: int, record: PaperRecord, files: list[str] | None = None) -> None:
        """Attach the record's files (absolute paths; from imported files, already
        checked by importers/attachments.py). Only regular files: a FIFO, a device or a
        folder is warned about, never opened."""
        for name in files if files is not None else record.files:
            source = Path(name)
            problem = not_regular(source)
            if problem:
                what = "attachment not found" if problem == "no such file" else (
                    f"attachment not attached: {problem}")
                self.report.warnings.append(EntryProblem(
                    record.source, record.line, f"{what}: {source}"))
                continue
            if record.attach_mode == "link" or self.store.folder is None:
                self.store.add_attachment(paper_id, source.resolve(), "link")
                continue
            try:
                target = self._copy(source, paper_id)
            except NotRegularFile as exc:  # swapped for a FIFO or a device since the check
                self.report.warnings.append(EntryProblem(record.source, record.line, str(exc)))
                continue
            self.store.add_attachment(paper_id, target, "copy")

    def _copy(self, source: Path, paper_id: int) -> Path:
        """A copy of `source` in the library's files/ folder, under a name no file there
        has: written to a temporary file created exclusively, then linked to its name, so
        that neither a file nor a symlink planted there is ever written through."""
        assert self.store.folder is not None
        folder = self.store.folder / FILES_DIR
        folder.mkdir(exist_ok=True)
        # File systems allow 255 bytes a name: keep the start of long names, and the suffix.
        stem = source.stem.encode("utf-8")[:150].decode("utf-8", "ignore")
        name = stem + source.suffix[:20]
        target = copy_into(source, folder, lambda n: f"{paper_id}-{name}" if n == 1
                           else f"{paper_id}-{n}-{name}")
        self._copies.append(target)
        return target

    @staticmethod
    def _already_attached(paper: Paper, path: str) -> bool:
        """The same file (same bytes) is attached already, as a copy or a link."""
        source = Path(path)
        if not source.is_file():
            return False
        for attachment in paper.attachments:
            other = Path(attachment.path)
            try:
                if other.is_file() and other.stat().st_size == source.stat().st_size and (
                        _digest(other) == _digest(source)):
                    return True
            except OSError:
                continue
        return False

    def remove_copies(self) -> None:
        """Undo the file copies of a failed or cancelled import."""
        for path in self._copies:
            with contextlib.suppress(OSError):
                os.remove(path)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
