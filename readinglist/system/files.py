"""Writing files (exports, reports, attachment copies) so that nothing is lost or
half-written and nothing planted is written through: a new file created exclusively
(O_EXCL, a random name) beside the target, then renamed or linked to its name."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from ..domain import ReadinglistError


class NotRegularFile(ReadinglistError):
    """A file to copy turned out to be a FIFO, a device, a folder... when opened."""


def _exclusive_temp(folder: Path, name: str) -> tuple[int, Path]:
    """A new file in `folder`, created exclusively (never one someone else made, never
    through a symlink), and its descriptor. 0o666 lets the umask decide, as for any new
    file (tempfile would make it private to the user)."""
    while True:
        temp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            continue  # 32 random bits taken: draw again


def write_atomically(target: Path, text: str) -> None:
    """Write `text` (UTF-8, line endings as given) to `target` through a temporary file
    in the same folder, renamed over it: readers see the old file or the new one, never
    a part. ReadinglistError says what went wrong (no permission, not a folder...)."""
    if target.is_dir():
        raise ReadinglistError(f"{target} is a folder; choose a file name to export to")
    folder = target.parent
    try:
        fd, temp = _exclusive_temp(folder, target.name)
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


def copy_into(source: Path, folder: Path, name_for: Callable[[int], str]) -> Path:
    """Copy the regular file `source` into `folder` under the first free name of
    name_for(1), name_for(2) ...; return the new file's path.

    The source is opened without blocking and checked to be a regular file before a byte
    is read (NotRegularFile otherwise: a FIFO would block for ever, a device never end).
    The copy goes to an exclusive temporary file, then is hard-linked to its name, which
    fails rather than replace anything there (a file, a planted symlink); where hard
    links are not supported it is renamed to a name nothing has. A failure leaves
    nothing behind."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    src = os.open(source, flags)
    try:
        info = os.fstat(src)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{source} is not a regular file; not copied")
        fd, temp = _exclusive_temp(folder, "copy")
        try:
            with os.fdopen(fd, "wb") as out, os.fdopen(os.dup(src), "rb") as inp:
                shutil.copyfileobj(inp, out, 1 << 20)
            os.utime(temp, ns=(info.st_atime_ns, info.st_mtime_ns))  # as copy2 kept them
            return _link_to_free_name(temp, folder, name_for)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    finally:
        os.close(src)


def _link_to_free_name(temp: Path, folder: Path, name_for: Callable[[int], str]) -> Path:
    n = 1
    while True:
        target = folder / name_for(n)
        n += 1
        try:
            os.link(temp, target, follow_symlinks=False)
            return target
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
        # No hard links here (FAT, some network shares): rename to a name that is free.
        if os.path.lexists(target):
            continue
        os.rename(temp, target)
        return target
