"""Writing the files a user asked for (exports, reports) so that nothing is lost or
half-written: a new file created exclusively beside the target, then renamed over it."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ..domain import ReadinglistError


def write_atomically(target: Path, text: str) -> None:
    """Write `text` (UTF-8, line endings as given) to `target` through a temporary file
    in the same folder, renamed over it: readers see the old file or the new one, never
    a part. ReadinglistError says what went wrong (no permission, not a folder...)."""
    if target.is_dir():
        raise ReadinglistError(f"{target} is a folder; choose a file name to export to")
    folder = target.parent
    temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        # O_EXCL: never reuse a file someone else made; 0o666 lets the umask decide, as
        # for any new file (tempfile would make it private to the user).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ReadinglistError(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # overwriting: the file keeps its permissions
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ReadinglistError(f"cannot write {target}: {exc.strerror}") from None
