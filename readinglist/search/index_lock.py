"""One writer of a library's search index at a time, across processes and threads.

The lock is an OS file lock on ``index.lock`` beside the index folder (filelock: flock on
Linux and the BSDs), so the kernel releases it when its holder ends, however it ends: a
lock left by a killed process is simply free again, and the next taker writes its own name
over the dead one's. Beside it, ``index.lock.json`` names the holder (pid, host, what it is
doing, since when) for messages; it is believed only while the lock is really held.

Threads of one process take turns on a re-entrant lock first: the file lock alone would
let a second thread in (it counts holds per lock object, not per thread).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)

Cancelled = Callable[[], bool]
Notice = Callable[[str], None]

POLL = 0.05  # seconds between two tries of a held lock
NOTICE_AFTER = 1.0  # a wait longer than this is told (the CLI prints "waiting…")

# What a holder does, as messages say it.
PURPOSES = {
    "update": "updating the search index",
    "rebuild": "rebuilding the search index",
    "merge": "tidying the search index",
    "open": "checking the search index",
}


@dataclass(frozen=True)
class LockHolder:
    """Who holds the index lock, as it wrote itself down."""

    pid: int
    host: str
    purpose: str
    since: str  # ISO time, UTC

    def here(self) -> bool:
        return self.host == socket.gethostname()

    def is_us(self) -> bool:
        """This very process (another of its threads holds the lock)."""
        return self.here() and self.pid == os.getpid()

    def alive(self) -> bool | None:
        """Whether the process still runs (None: on another host, cannot tell)."""
        if not self.here():
            return None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's process: it exists
            return True
        return True

    def describe(self) -> str:
        what = PURPOSES.get(self.purpose, self.purpose)
        where = "" if self.here() else f" on {self.host}"
        return f"process {self.pid}{where} is {what}"


class IndexLock:
    """The lock a process holds while it writes the search index (see module doc)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.holder_path = self.path.with_name(self.path.name + ".json")
        self._file = FileLock(str(self.path), thread_local=False)
        self._threads = threading.RLock()
        self._owner: int | None = None  # thread holding it in this process
        self._depth = 0

    def held_here(self) -> bool:
        """True when the calling thread holds the lock."""
        return self._owner == threading.get_ident()

    def acquire(self, purpose: str, timeout: float | None = 0.0,
                cancelled: Cancelled | None = None, notice: Notice | None = None) -> bool:
        """Take the lock within `timeout` seconds (None: wait until it is free or
        `cancelled()`). True when taken; re-entrant for the thread holding it. A wait
        longer than a second is told once to `notice`, naming the holder."""
        if self.held_here():
            self._depth += 1
            return True
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        started = time.monotonic()
        told = False
        while True:
            # Threads of this process first, then other processes.
            if self._threads.acquire(blocking=False):
                try:
                    if self._try_file():
                        break
                finally:
                    if not self._file.is_locked:
                        self._threads.release()
            now = time.monotonic()
            if (deadline is not None and now >= deadline) or (cancelled and cancelled()):
                return False
            if notice and not told and now - started >= NOTICE_AFTER:
                told = True
                notice(f"{self.busy_message()}; waiting…")
            time.sleep(POLL if deadline is None else min(POLL, max(0.0, deadline - now)))
        self._owner = threading.get_ident()
        self._depth = 1
        self._write_holder(purpose)
        return True

    def _try_file(self) -> bool:
        try:
            self._file.acquire(timeout=0)
        except Timeout:
            return False
        except OSError as exc:  # a read-only library folder: nobody can write the index
            log.debug("cannot take the search index lock %s: %s", self.path, exc)
            return False
        return True

    def release(self) -> None:
        if not self.held_here():
            raise RuntimeError("the search index lock is not held by this thread")
        self._depth -= 1
        if self._depth:
            return
        self._owner = None
        try:
            # Before letting go: the next holder's name must not be removed.
            with contextlib.suppress(OSError):
                self.holder_path.unlink()
            self._file.release()
        finally:
            self._threads.release()

    def set_purpose(self, purpose: str) -> None:
        """Say what the holder does now (a drain that turns into a rebuild)."""
        if self.held_here():
            self._write_holder(purpose)

    def holder(self) -> LockHolder | None:
        """Who holds the lock, as it wrote itself down (None: nobody, or not known yet).
        A holder that was killed leaves its name behind: see LockHolder.alive."""
        try:
            data = json.loads(self.holder_path.read_text("utf-8"))
            return LockHolder(int(data["pid"]), str(data["host"]), str(data["purpose"]),
                              str(data["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def busy_message(self) -> str:
        """Why the index cannot be written now, naming the holder when it is known."""
        holder = self.holder()
        if holder is None or holder.alive() is False:
            # Not written yet, or a dead process's name the new holder has not replaced yet.
            return "another Readinglist is writing the search index"
        if holder.is_us():  # another thread of this process
            return f"the search index is busy ({PURPOSES.get(holder.purpose, holder.purpose)})"
        return f"the search index is busy: {holder.describe()} (since {holder.since[11:19]} UTC)"

    def _write_holder(self, purpose: str) -> None:
        data = {"pid": os.getpid(), "host": socket.gethostname(), "purpose": purpose,
                "since": datetime.now(UTC).isoformat(timespec="seconds")}
        tmp = self.holder_path.with_name(f"{self.holder_path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, self.holder_path)  # readers see the old name or the new one
        except OSError as exc:  # only messages depend on it
            log.debug("cannot write %s: %s", self.holder_path, exc)
