"""The reading queue: queued papers in the order they will be read, and moves in it.

Every move is one write through the library's writer (so it is one undo step in the
GUI); the order itself lives in the store (status_queue.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..domain import Paper, ReadinglistError, Status
from ..domain.changes import NOTHING, Changes
from ..store.paper_store import PaperStore
from ..store.writer import Writer


class Queueing:
    def __init__(self, store: PaperStore, writer: Writer,
                 get_many: Callable[[Sequence[int]], list[Paper]],
                 set_status: Callable[[int, Status], Changes]) -> None:
        self.store = store
        self.writer = writer
        self._get_many = get_many
        self._set_status = set_status

    def queue_ids(self) -> list[int]:
        """The reading queue: queued papers, next to read first."""
        return self.store.queue_ids()

    def queue(self) -> list[Paper]:
        return self._get_many(self.queue_ids())

    def move_in_queue(self, paper_id: int, index: int) -> Changes:
        """Move a queued paper to `index` (0 = next); :meth:`queue_ids` gives the new
        order."""
        with self.writer.write() as write:
            self.store.move_in_queue(paper_id, index)
        return write.changes

    def set_queue_order(self, order: Sequence[int]) -> Changes:
        """Put the reading queue in `order`, in one transaction: ids not queued are
        skipped, queued papers `order` leaves out keep their order after it."""
        with self.writer.write() as write:
            self.store.set_queue_order(order)
        return write.changes

    def move_up(self, paper_id: int) -> Changes:
        return self.move_in_queue(paper_id, max(0, self._queue_index(paper_id) - 1))

    def move_down(self, paper_id: int) -> Changes:
        return self.move_in_queue(paper_id, self._queue_index(paper_id) + 1)

    def move_to_top(self, paper_id: int) -> Changes:
        return self.move_in_queue(paper_id, 0)

    def _queue_index(self, paper_id: int) -> int:
        ids = self.queue_ids()
        if paper_id not in ids:
            raise ReadinglistError(f"paper {paper_id} is not in the reading queue")
        return ids.index(paper_id)

    def read_next(self) -> Changes:
        """Start the first paper of the queue: it becomes 'reading' (the Changes carries
        it as `paper`; NOTHING, with no paper, if the queue is empty)."""
        ids = self.queue_ids()
        return self._set_status(ids[0], Status.READING) if ids else NOTHING
