"""The gate between attachments named in a file and the library: every path a parsed
file names (records' files, Readinglist JSON attachments) is checked here, once, with
the folders the user chose (see system/attachment_paths.py for the rule). What may not
be attached is dropped with a warning that names the entry, the path and the reason; the
rest of the entry is imported."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..domain import EntryProblem
from ..system.attachment_paths import check_imported, is_inside
from .base import ParseResult


def vet_attachments(result: ParseResult, folders: Sequence[Path],
                    chosen: Sequence[Path] = (), library_files: Path | None = None) -> None:
    """Keep the attachments of `result` that may be attached, as resolved paths; warn
    about the others. `folders`: where attachments may come from (the imported file's
    folder, folders the user chose); `chosen`: files the user named himself (a PDF).
    `library_files`: the library's own ``files/`` folder, where Readinglist JSON
    restores may point at copies the library keeps."""
    refused: set[int] = set()  # ids of PDF records refused whole
    for record in result.records:
        kept: list[str] = []
        for name in record.files:
            resolved, problem = check_imported(name, folders, chosen)
            if resolved is None and result.format == "pdf":
                # A PDF's record is its file: one from outside the folder (a symlink
                # out) is not imported at all.
                result.problems.append(EntryProblem(
                    record.source, record.line, f"{name}: {problem}; skipped"))
                refused.add(id(record))
            elif resolved is None:
                entry = f"{record.key}: " if record.key else ""
                result.warnings.append(EntryProblem(
                    record.source, record.line,
                    f"{entry}attachment {name} not attached: {problem}"))
            elif str(resolved) not in kept:
                kept.append(str(resolved))
        record.files = kept
    if refused:
        result.records = [r for r in result.records if id(r) not in refused]
    for source, position, snap in result.snapshots:
        attachments = snap.get("attachments")
        if isinstance(attachments, list):
            snap["attachments"] = _vet_snapshot(
                attachments, folders, library_files, result, source,
                _paper_name(snap, position))


def _vet_snapshot(attachments: list[Any], folders: Sequence[Path],
                  library_files: Path | None, result: ParseResult, source: str,
                  paper: str) -> list[Any]:
    kept: list[Any] = []
    for attachment in attachments:
        if not isinstance(attachment, dict):
            kept.append(attachment)  # the restore reports the paper as malformed
            continue
        written = str(attachment.get("path", ""))
        own_copy = (library_files is not None and attachment.get("kind") == "copy"
                    and Path(written).is_absolute()
                    and is_inside(Path(written), library_files))
        # A copy this library keeps (a backup restored into it) is its own; anything
        # else follows the rule for files named by imported data.
        allowed = [*folders, library_files] if own_copy and library_files else folders
        resolved, problem = check_imported(written, allowed)
        if resolved is None:
            result.warnings.append(EntryProblem(
                source, None, f"{paper}: attachment {written} not attached: {problem}"))
            continue
        kept.append({**attachment, "path": str(resolved)})
    return kept


def _paper_name(snap: dict[str, Any], position: int) -> str:
    title = str(snap.get("title") or "")[:60]
    return f"paper {position} ({title!r})" if title else f"paper {position}"
