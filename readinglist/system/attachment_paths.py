"""Which files may be attached, and from where.

Imported data (a BibTeX ``file`` field, RIS ``L1``, a CSV attachment column, a Readinglist
JSON attachment) names paths the user never chose: a shared ``.bib`` can name
``/etc/shadow``, ``~/.ssh/id_rsa``, ``../../x`` or ``/proc/self/environ``. Such a path is
attached only when it resolves (symlinks followed) to a regular file of a document type,
inside a folder the user chose (the imported file's folder) and not hidden there. Files
the user names himself (``readinglist attach ID PATH``) may be anywhere, but must be
regular files too: reading a FIFO blocks for ever, a device never ends.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

# Documents, as Zotero and JabRef attach them; no images, archives, executables or data.
ATTACHMENT_SUFFIXES = frozenset({
    ".pdf", ".epub", ".djvu", ".djv", ".ps", ".html", ".htm", ".xhtml", ".txt", ".md",
    ".markdown", ".rtf", ".doc", ".docx", ".odt",
})
# Kernel and device file systems: never attachments, whatever their names.
_SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def not_regular(path: Path) -> str | None:
    """Why `path` cannot be read as a file ("no such file", "is a FIFO (named pipe), not
    a regular file" ...), or None when it is a regular file (symlinks followed). Only
    looks at it: never opens it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:  # no permission, a name too long for the system ...
        return f"cannot be read ({exc.strerror})"
    except ValueError:  # found by fuzzing an importer: os.stat refuses the name itself
        return "no file can have this name (it holds a NUL byte)"
    if stat.S_ISREG(mode):
        return None
    return f"is {_kind(mode)}, not a regular file"


def is_inside(path: Path, folder: Path) -> bool:
    """`path` lies in `folder` or below, both resolved (no ``..`` or symlink out)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def check_imported(written: str | Path, folders: Iterable[Path],
                   chosen: Iterable[Path] = ()) -> tuple[Path | None, str]:
    """An attachment named in imported data: (its resolved path, "") when it may be
    attached, else (None, the reason). It may be when it resolves into one of `folders`
    (the imported file's folder, or folders the user chose), is neither hidden there nor
    in a system folder, is a document (ATTACHMENT_SUFFIXES) and a regular file. A path
    in `chosen` (a file the user named himself, resolved) is allowed wherever it is."""
    path = Path(written)
    if not path.is_absolute():
        return None, "not an absolute path"  # importers resolve paths against their file
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return None, "no such file"
    except (OSError, RuntimeError) as exc:  # no permission, a symlink loop
        return None, f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if any(resolved.is_relative_to(system) for system in _SYSTEM_FOLDERS):
        return None, "a system file, never attached"
    if resolved not in {c.resolve() for c in chosen}:
        roots = [folder.resolve() for folder in folders]
        root = next((r for r in roots if resolved.is_relative_to(r)), None)
        if root is None:
            where = " or ".join(str(r) for r in roots) or "the imported file's folder"
            return None, f"outside {where}; only files in the imported file's folder are " \
                "attached"
        if any(part.startswith(".") for part in resolved.relative_to(root).parts):
            return None, "a hidden file or in a hidden folder"
        if resolved.suffix.lower() not in ATTACHMENT_SUFFIXES:
            kind = f"a {resolved.suffix} file" if resolved.suffix else "a file without a type"
            return None, f"{kind}, not a document (PDF, EPUB, DjVu, HTML, text ...)"
    problem = not_regular(resolved)
    if problem:
        return None, problem
    return resolved, ""


def inside_library(folder: Path, stored: str | Path) -> Path | None:
    """A path stored relative to the library `folder` (an attachment copy), made
    absolute; None when it climbs out of the folder (``../x``), so that it is never
    opened, attached or exported as the library's own. A lexical check (no file system
    access: papers are read by the thousand); a symlink out would have to be planted in
    the library folder itself."""
    path = Path(stored)
    if path.is_absolute():
        return path
    if ".." in path.parts:
        return None
    return folder / path
