"""Keeping the library safe: check [--repair], backup [FILE], backups, restore FILE.

`check`, `backups` and `restore FILE` work on the library folder rather than on a
library main() has opened: a library that cannot be opened (its database emptied by a
failed copy) can still be listed, checked (exit 2: it could not be) and restored.
Exit codes of `check`: 0 nothing wrong (or everything repaired), 1 problems remain,
2 the check could not run.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..domain import ReadinglistError
from .output import PROG, _dump, _progress

if TYPE_CHECKING:  # the service is imported by the commands, once they run
    from ..library.service import Library

FolderCommand = Callable[[Path, argparse.Namespace, TextIO], int]
# Control characters of file names and damaged text, kept off the terminal.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    return _CONTROLS.sub("?", text)


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def without_library(args: argparse.Namespace) -> FolderCommand | None:
    """The command to run on the library folder itself, before (or instead of) opening
    the library; None for commands that get the open library."""
    if args.command == "restore" and any(isinstance(i, Path) for i in args.ids):
        return folder_restore
    if args.command == "check":
        return folder_check
    if args.command == "backups":
        return folder_backups
    return None


# -- check ---------------------------------------------------------------------------------


def cmd_check(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    def tell(message: str) -> None:
        print(f"{PROG}: {message}…", file=sys.stderr, flush=True)

    report = library.repair(tell) if args.repair else library.check()
    if args.json:
        _dump(report.to_dict(), out)
    else:
        print(_safe(report.text()), file=out)
    return report.exit_code


def folder_check(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    from ..library.service import Library

    try:
        library = Library.open(folder, build_index=False)
    except ReadinglistError as exc:
        print(f"{PROG}: error: the library cannot be checked: {exc}", file=sys.stderr)
        return 2
    try:
        with library:
            return cmd_check(library, args, out)
    except ReadinglistError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2


# -- backups ---------------------------------------------------------------------------------


def cmd_backup(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    path = library.back_up(args.file)
    print(f"backed up {library.count()} papers to {_safe(str(path))} "
          f"({_size(path.stat().st_size)})", file=out)
    return 0


def cmd_backups(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    return folder_backups(library.folder, args, out)


def folder_backups(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    from ..library.safekeeping import list_backups

    entries = list_backups(folder)
    if args.json:
        _dump([entry.to_dict() for entry in entries], out)
        return 0
    for entry in entries:
        holds = f"{entry.papers} papers" if entry.problem is None else entry.problem
        print(f"{entry.taken:%Y-%m-%d %H:%M}  {_size(entry.size):>9}  {holds:<12}  "
              f"{entry.why:<28}  {_safe(str(entry.path))}", file=out)
    print(f"{len(entries)} backup(s) in {_safe(str(folder / 'backups'))}"
          + ("; restore one with: readinglist restore FILE" if entries else ""), file=out)
    return 0


def folder_restore(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    if len(args.ids) != 1 or not isinstance(args.ids[0], Path):
        raise ReadinglistError("restore takes papers' ids (from the Trash) or one backup "
                               "FILE, not both")
    from ..library.safekeeping import restore
    from ..library.service import Library

    file: Path = args.ids[0]
    kept = restore(folder, file)
    if kept is not None:
        print(f"the library as it was is kept in {_safe(str(kept))}", file=out)
    with Library.open(folder, build_index=False, daily_backup=False) as library:
        library.reindex(_progress("indexing"))
        print(f"restored {_safe(str(file))}: {library.count()} papers; search index "
              "rebuilt", file=out)
    return 0


__all__ = ["cmd_backup", "cmd_backups", "cmd_check", "folder_backups", "folder_check",
           "folder_restore", "without_library"]
