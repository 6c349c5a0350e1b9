"""The Library's traffic with the outside: imports (files, PDF folders, identifiers
looked up on arXiv and Crossref), exports, and merging duplicates.

A service that :class:`readinglist.library.service.Library` holds and forwards to; it uses the
library's store, index sync and write lock like every write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..domain import (
    EntryProblem,
    ImportFailed,
    ImportReport,
    Paper,
    PaperNotFound,
    PaperRecord,
    ReadinglistError,
    Status,
    View,
    ViewSearch,
)
from ..domain.changes import Changes
from ..importers.base import ParseResult
from ..matching.duplicates import SIMILAR_TITLES, DuplicatePair, find_pairs
from ..matching.merging import plan_fill
from ..store.merge_papers import merge_into
from ..store.paper_store import utc_now
from ..store.snapshots import restore, snapshots
from ..system.attachment_paths import not_regular
from ..system.locations import sample_page_path
from .importing import FILES_DIR, ImportRun, collection_paused, strip_record_controls

# The importers, exporters and lookup (arXiv, Crossref) are imported by the calls that
# use them: opening a library to list or search it (the CLI's `search`) imports none.
if TYPE_CHECKING:
    from ..domain import StatusChange
    from ..store.paper_store import PaperStore
    from ..store.writer import Writer
    from .indexing import IndexSync

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class MergeUndo:
    """Everything needed to undo a merge: the papers as they were before it."""

    keep: int
    others: tuple[int, ...]
    before: tuple[dict[str, Any], ...]
    after: dict[str, Any] | None = None  # the kept paper right after the merge


class LibraryReads(Protocol):
    """The reads of the library that imports, exports and merges use."""

    def get(self, paper_id: int) -> Paper: ...

    def history(self, paper_id: int) -> list[StatusChange]: ...

    def search_ids(self, query: str = "", view: View = ..., sort: str | None = None,
                   descending: bool = False) -> list[int]: ...

    def search_view(self, query: str, view: View = ..., snippet_limit: int | None = None,
                    facets: bool = True, snippets: bool = True) -> ViewSearch: ...


class Transfers:
    """Imports (files, PDF folders, identifiers), exports and duplicate merging: a
    service the Library holds, with its dependencies named: the store it writes, the
    index sync it tells, the writer its writes go through, and the library reads it
    uses. Imports return their report and merges their undo record; both publish their
    Changes to the library's subscribers like every write."""

    def __init__(self, store: PaperStore, sync: IndexSync, writer: Writer,
                 library: LibraryReads) -> None:
        self.store = store
        self.sync = sync
        self.writer = writer
        self._library = library

    def get(self, paper_id: int) -> Paper:
        return self._library.get(paper_id)

    # -- importing -----------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[str | Path],
        fmt: str | None = None,
        *,
        encoding: str | None = None,
        attach: str = "copy",
        fetch: bool = True,
        merge: bool = True,
        status: Status | str | None = None,
        tag: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        attachments_from: Sequence[str | Path] = (),
        confirmed: bool = False,
    ) -> ImportReport:
        """Import files and folders (of PDFs) in one transaction.

        The format is detected per file unless `fmt` is given. Entries that cannot be read
        are reported and the rest imported; a file that cannot be read at all, or in
        which no entry is found, is reported as unreadable. Identifiers (arXiv ids, DOIs)
        are looked up when `fetch`. PDFs are copied into the library folder, or linked
        where they are (`attach="link"`). Entries that are papers of the library are
        merged into them (identity.py) unless `merge` is False; added papers get
        `status` unless the file gives one, and every paper of the import gets `tag`.
        A cancel or an error leaves the library as it was.

        Files the entries name (BibTeX ``file``, RIS ``L1``, ...) are attached only when
        they are documents in the imported file's folder (or below it, or in one of
        `attachments_from`); the others are reported in the warnings and not read.

        A file of more identifiers to look up than limits.MAX_IDENTIFIERS (500) is
        refused (reported unreadable, saying so) unless `confirmed`: the CLI's --yes,
        or the user's answer to the GUI's question.
        """
        if attach not in ("copy", "link"):
            raise ReadinglistError(f"attach is 'copy' or 'link', not {attach!r}")
        folders = [Path(f).expanduser() for f in attachments_from]
        for folder in folders:
            if not folder.is_dir():
                raise ReadinglistError(f"{folder}: not a folder to attach files from")
        with collection_paused():
            return self._import_files(paths, fmt, encoding, attach, fetch, merge, status, tag,
                                      progress, cancelled, folders, confirmed)

    def _import_files(self, paths: Sequence[str | Path], fmt: str | None,
                      encoding: str | None, attach: str, fetch: bool, merge: bool,
                      status: Status | str | None, tag: str | None,
                      progress: Progress | None, cancelled: Cancelled | None,
                      attachments_from: Sequence[Path], confirmed: bool) -> ImportReport:
        from .. import importers
        from ..importers.limits import check_identifiers

        parsed = ParseResult()
        unreadable: list[str] = []
        for number, raw in enumerate(paths, start=1):
            path = Path(raw).expanduser()
            if cancelled and cancelled():
                return ImportReport(cancelled=True)
            try:
                result = importers.parse_path(
                    path, fmt, encoding=encoding, attach_mode=attach,
                    progress=_scaled(progress, number - 1, len(paths)), cancelled=cancelled,
                    attachments_from=attachments_from, library_files=self._library_files(),
                )
            except ImportFailed as exc:
                unreadable.append(str(exc))
                continue
            if not (result.records or result.snapshots or result.problems):
                unreadable.append(importers.nothing_found(path, result.format or fmt))
                parsed.warnings += result.warnings
                continue
            for record in result.records:
                record.attach_mode = attach
            if result.needs_lookup and fetch:
                try:
                    check_identifiers(str(path), len(result.records), confirmed)
                except ImportFailed as exc:
                    unreadable.append(str(exc))
                    continue
                self._look_up(result, progress, cancelled)
            elif fetch:
                self._complete_untitled(result, cancelled)
            parsed.extend(result)
        if cancelled and cancelled():
            return ImportReport(cancelled=True)
        report = self._write_import(parsed, progress, cancelled, merge=merge,
                                    status=status, tag=tag)
        report.unreadable = unreadable
        return report

    def import_file(
        self,
        path: str | Path,
        fmt: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Import one file; ImportFailed if it cannot be read at all."""
        from .. import importers

        path = Path(path).expanduser()
        parsed = importers.parse_path(path, fmt, progress=progress, cancelled=cancelled,
                                      library_files=self._library_files())
        if parsed.needs_lookup:
            self._look_up(parsed, progress, cancelled)
        return self._write_import(parsed, progress, cancelled)

    def _library_files(self) -> Path | None:
        """The library's own copies: a Readinglist JSON restore may point at them."""
        return self.store.folder / FILES_DIR if self.store.folder is not None else None

    def import_sample(self, progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> ImportReport:
        """Import the Daily Papers page shipped with the app (68 papers)."""
        return self.import_file(sample_page_path(), "dailypapers", progress, cancelled)

    def import_records(
        self,
        records: Sequence[PaperRecord],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Import records made by a script (see PaperRecord), like a file's entries."""
        return self._write_import(ParseResult(records=list(records)), progress, cancelled)

    def _write_import(self, parsed: ParseResult, progress: Progress | None,
                      cancelled: Cancelled | None, *, merge: bool = True,
                      status: Status | str | None = None,
                      tag: str | None = None) -> ImportReport:
        run = ImportRun(self.store, progress, cancelled, merge=merge, status=status, tag=tag)
        # The writer wakes the index worker after the commit; without one (the CLI), the
        # index is brought up to date here, in bulk.
        with self.writer.write(notify=self.sync.background):
            report = run.run(parsed)
        if (report.added or report.merged) and not self.sync.background:
            self.sync.sync_after_bulk_write()
        return report

    def _look_up(self, parsed: ParseResult, progress: Progress | None,
                 cancelled: Cancelled | None) -> None:
        """Replace identifier-only records by what arXiv or Crossref say about them.
        Offline, the records stay minimal (the id alone) and one warning says so."""
        from .. import lookup

        offline = 0
        for n, record in enumerate(parsed.records):
            if cancelled and cancelled():
                return
            identifier = lookup.parse_identifier(
                f"arXiv:{record.arxiv_id}" if record.arxiv_id else record.doi)
            if identifier is None:
                continue
            if offline:  # one failed connection is enough to know
                offline += 1
                continue
            try:
                fetched = lookup.fetch(identifier)
            except lookup.LookupFailed as exc:
                if exc.offline:
                    offline += 1
                else:
                    parsed.warnings.append(EntryProblem(
                        record.source, record.line, f"{exc}; added with the identifier alone"))
                continue
            fetched.line, fetched.tags = record.line, record.tags
            parsed.records[n] = fetched
            if progress:
                progress(n + 1, len(parsed.records))
        if offline:
            source = parsed.records[0].source if parsed.records else ""
            parsed.warnings.append(EntryProblem(
                source, None, f"no network: {offline} paper(s) added with their identifier "
                "alone; complete them later with 'readinglist fetch' or the Fetch details "
                "button"))

    def _complete_untitled(self, parsed: ParseResult, cancelled: Cancelled | None) -> None:
        """Records without a title but with a DOI or arXiv id (an RIS record holding a
        DOI alone): their empty fields filled from arXiv or Crossref. Offline, or when
        the lookup fails, they stay as they are (the import names them by the id)."""
        from .. import lookup

        for record in parsed.records:
            if cancelled and cancelled():
                return
            if record.title or not (record.doi or record.arxiv_id):
                continue
            identifier = lookup.parse_identifier(
                f"arXiv:{record.arxiv_id}" if record.arxiv_id else record.doi)
            if identifier is None:
                continue
            try:
                fetched = lookup.fetch(identifier)
            except lookup.LookupFailed as exc:
                parsed.warnings.append(EntryProblem(
                    record.source, record.line, f"has no title, and {exc}"))
                if exc.offline:
                    return  # one failed connection is enough to know
                continue
            for name in ("title", "authors", "year", "venue", "abstract", "url", "doi",
                         "arxiv_id", "entry_type"):
                if not getattr(record, name) and getattr(fetched, name):
                    setattr(record, name, getattr(fetched, name))

    def add_identifier(self, text: str, fetch: bool = True) -> tuple[Paper, str]:
        """Add a paper by arXiv id, arXiv URL or DOI, with its details fetched from arXiv
        or Crossref. Offline, a minimal entry (the id alone) is added and the message
        says so. A paper already in the library is completed, not added twice."""
        from .. import lookup

        identifier = lookup.parse_identifier(text)
        if identifier is None:
            raise ReadinglistError(f"not an arXiv id, arXiv URL or DOI: {text.strip()!r}")
        message = ""
        record = lookup.minimal_record(identifier)
        if fetch:
            try:
                record = lookup.fetch(identifier)
            except lookup.LookupFailed as exc:
                message = f"{exc}; added {identifier.value} alone, to be completed later"
        report = self.import_records([record])
        if report.failed:
            raise ReadinglistError(str(report.failed[0]))
        if report.added:
            paper_id = report.added[0][0]
        elif report.merged:
            paper_id = report.merged[0][0]
            filled = ", ".join(report.merged[0][2])
            message = message or f"already in the library; filled in: {filled}"
        else:
            paper_id = report.duplicates[0][0]
            message = message or "already in the library"
        return self.get(paper_id), message

    def fetch_details(self, paper_id: int) -> tuple[Paper, str]:
        """Complete a paper from arXiv or Crossref (empty fields filled, nothing
        overwritten, a placeholder title replaced). LookupFailed when that fails."""
        from .. import lookup

        paper = self.get(paper_id)
        identifier = lookup.parse_identifier(
            f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else paper.doi)
        if identifier is None:
            raise ReadinglistError(f"paper {paper_id} has no arXiv id or DOI to look up")
        record = lookup.fetch(identifier)  # the network: outside the lock
        strip_record_controls(record)  # text from the web, like an import's
        with self.writer.write():
            # Planned under the lock, on the paper as it is now (edits made meanwhile stay).
            existing = self.get(paper_id)
            plan = plan_fill(existing, record, bool(self.store.fulltexts([paper_id])))
            if plan.fields:
                self.store.update_fields(paper_id, plan.fields)
            if plan.tags:
                self.store.set_tags(paper_id, [*existing.tags, *plan.tags])
        filled = plan.filled()
        return self.get(paper_id), (f"filled in: {', '.join(filled)}" if filled
                                    else "nothing new")

    def attach_file(self, paper_id: int, path: str | Path, attach: str = "copy") -> Paper:
        """Attach a file to a paper; a PDF's text is extracted and indexed. The user chose
        the file: it may be anywhere, but it must be a regular file (a FIFO would block,
        a device never end)."""
        from .. import importers

        source = Path(path).expanduser()
        problem = not_regular(source)
        if problem == "no such file":
            raise ReadinglistError(f"{source}: no such file")
        if problem:
            raise ReadinglistError(f"{source}: {problem}; only regular files can be attached")
        source = source.resolve()
        record = PaperRecord(title=self.get(paper_id).title, files=[str(source)],
                             attach_mode=attach)
        if importers.is_pdf(source):
            parsed = importers.parse_path(source, "pdf", attach_mode=attach)
            if parsed.records:
                record.fulltext = parsed.records[0].fulltext
        run = ImportRun(self.store)
        try:
            with self.writer.write():
                run.attach(paper_id, record)
                if record.fulltext and not self.store.fulltexts([paper_id]):
                    self.store.set_fulltext(paper_id, record.fulltext)
        except BaseException:
            run.remove_copies()  # the database has no trace of it: neither may files/
            raise
        if run.report.warnings:  # the file could not be attached after all
            raise ReadinglistError(run.report.warnings[0].reason)
        return self.get(paper_id)

    # -- duplicates ----------------------------------------------------------------------

    def find_duplicates(self, threshold: float = SIMILAR_TITLES,
                        ids: Sequence[int] | None = None) -> list[DuplicatePair]:
        """Likely duplicates already in the library, strongest first (with `ids`: only
        the pairs involving those papers, e.g. an import's possible duplicates)."""
        return find_pairs(self.store.duplicate_rows(), threshold, only=ids)

    def merge_papers(self, keep: int, others: Sequence[int]) -> MergeUndo:
        """Merge `others` into `keep` in one step: empty fields filled, tags added, notes
        kept one after the other, highlights, history and attachments moved; the others
        are deleted. Returns what undo_merge() needs to put everything back."""
        others = [o for o in dict.fromkeys(others) if o != keep]
        if not others:
            raise ReadinglistError("choose at least one other paper to merge")
        with self.writer.write():
            undo = MergeUndo(keep, tuple(others),
                             tuple(snapshots(self.store, [keep, *others])))
            if len(undo.before) != len(others) + 1:
                missing = {keep, *others} - {s["id"] for s in undo.before}
                raise PaperNotFound(min(missing))
            for other_id in others:
                merge_into(self.store, keep, other_id)
            undo = replace(undo, after=snapshots(self.store, [keep])[0])
        return undo

    def undo_merge(self, undo: MergeUndo) -> Changes:
        """Put the papers of a merge back exactly as they were (ids included).

        Refused (ReadinglistError, nothing changed) when the merged paper was edited
        since, or was deleted: undoing would silently throw those edits away.
        """
        with self.writer.write() as write:
            now = snapshots(self.store, [undo.keep])
            if not now or (undo.after is not None and now[0] != undo.after):
                raise ReadinglistError(
                    f"paper #{undo.keep} changed after the merge; undoing it would lose "
                    "those changes, so the merge stays")
            for paper_id in undo.others:
                if self.store.paper_exists(paper_id):  # ids are never reused: a bug if so
                    raise ReadinglistError(f"paper #{paper_id} exists again; cannot undo")
            self.store.delete_paper(undo.keep)
            for snap in undo.before:
                restore(self.store, snap, keep_id=True, undoing=True)
        return write.changes

    # -- exporting -----------------------------------------------------------------------

    def select_ids(self, query: str | None = None, tag: str | None = None,
                   status: Status | str | None = None) -> list[int]:
        """Ids of the papers a query, tag or status selects (all papers if none given),
        in the order they are listed (search rank for a query, else by id)."""
        view = View(status=Status.parse(status).value if status else None, tag=tag)
        return self._library.search_ids(query or "", view,
                                        sort=None if query and query.strip() else "id")

    def export(self, fmt: str, ids: Sequence[int] | None = None) -> str:
        """The papers (all if `ids` is None) in an export format: bibtex, csljson, json,
        csv, markdown or ris (see README for what each keeps)."""
        from .. import exporters
        from ..exporters import readinglist_json

        if ids is None:
            ids = self.store.list_ids(sort="id")
        if fmt == "json":
            return readinglist_json.dump(snapshots(self.store, list(ids)), utc_now())
        if fmt not in exporters.FORMATS:
            names = ", ".join(sorted({*exporters.FORMATS, "json"}))
            raise ReadinglistError(f"unknown export format {fmt!r}; formats: {names}")
        papers = self.store.get_papers(list(ids))
        history = {paper_id: self._library.history(paper_id) for paper_id in papers}
        context = exporters.ExportContext(history=history, generated=utc_now())
        export_fn = exporters.FORMATS[fmt].export
        return export_fn([papers[i] for i in ids if i in papers], context)



def _scaled(progress: Progress | None, index: int, count: int) -> Progress | None:
    """Progress of one of `count` files, as progress over all of them (in thousandths)."""
    if progress is None:
        return None
    return lambda done, total: progress(
        int(1000 * (index + (done / total if total else 1)) / count), 1000)


