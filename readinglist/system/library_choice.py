"""Which library the user last opened in the app, and the ones opened before it.

Kept in a small JSON file in the user's config folder rather than in Qt's settings so
that the command line (which never imports Qt) works on the same library as the app
beside it, as calibre's `calibredb` follows the library calibre last had open.
"""

from __future__ import annotations

import json
from pathlib import Path

from platformdirs import user_config_path

from ..domain import ReadinglistError
from .files import write_atomically

LIBRARY_FILE = "library.sqlite"  # what makes a folder a library (Library.open's DB_FILE)
RECENT_MAX = 8


def _choice_file() -> Path:
    return user_config_path("readinglist", appauthor=False) / "libraries.json"


def _read() -> dict:
    try:
        data = json.loads(_choice_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # never chosen, or unreadable: the default library, as before
    return data if isinstance(data, dict) else {}


def remembered_library() -> Path | None:
    """The library the app last opened, if one was chosen there and still exists."""
    value = _read().get("current")
    if not isinstance(value, str) or not value:
        return None
    path = Path(value)
    return path if is_library(path) else None


def recent_libraries() -> list[Path]:
    """Libraries opened before, most recent first, those that still exist."""
    values = _read().get("recent", [])
    if not isinstance(values, list):
        return []
    paths = [Path(v) for v in values if isinstance(v, str) and v]
    return [p for p in paths if is_library(p)][:RECENT_MAX]


def remember_library(path: Path) -> None:
    """`path` is the library the app has open now: the next start (and the command line
    without --library) opens it; it heads the recent list."""
    path = path.expanduser().resolve()
    recent = [str(path)] + [str(p) for p in recent_libraries() if p.resolve() != path]
    target = _choice_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, json.dumps(
            {"current": str(path), "recent": recent[:RECENT_MAX]}, indent=2) + "\n")
    except (OSError, ReadinglistError):
        pass  # a read-only config folder: the choice is not remembered, nothing breaks


def is_library(path: Path) -> bool:
    return (path / LIBRARY_FILE).is_file()


def check_new_library_folder(path: Path) -> None:
    """A new library goes into a folder that is new or empty: never mixed into a folder
    of other files (Library.open would put its database there). ReadinglistError says
    why not."""
    if path.exists() and not path.is_dir():
        raise ReadinglistError(f"{path} is a file, not a folder")
    if is_library(path):
        raise ReadinglistError(f"{path} already holds a library: open it instead")
    if path.is_dir() and any(path.iterdir()):
        raise ReadinglistError(
            f"{path} is not empty: choose an empty folder or a new one for the library")
