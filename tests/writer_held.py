"""A test helper: another thread holds the library's writer, as an import does while it
writes its one long transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from readinglist import Library


@contextmanager
def import_in_progress(library: Library) -> Iterator[None]:
    """Inside the block, another thread is inside a write of `library`."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with library.writer.write():
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)
