"""A paper's reading: its status (with the history every change leaves), priority and
rating, the dates derived from that history, and the library's reading statistics.

Every change is one write through the library's writer (one undo step in the GUI)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..domain import (
    Paper,
    PaperNotFound,
    Priority,
    ReadingDates,
    ReadinglistError,
    Status,
    StatusChange,
    check_rating,
)
from ..domain.changes import Changes
from ..reading.dates import derive_dates
from ..reading.statistics import ReadingStats
from ..reading.statistics import compute as compute_statistics
from ..store.paper_store import PaperStore, utc_now
from ..store.writer import Writer


class ReadingLog:
    def __init__(self, store: PaperStore, writer: Writer, get: Callable[[int], Paper],
                 all_papers: Callable[[], list[Paper]],
                 update: Callable[..., Changes]) -> None:
        self.store = store
        self.writer = writer
        self._get = get
        self._all_papers = all_papers  # in the Trash or not, as the statistics count them
        self._update: Callable[..., Changes] = update

    def set_status(self, paper_id: int, status: Status | str,
                   queue_index: int | None = None) -> Changes:
        """Change the read status (recorded in the history). Queued papers join the end
        of the reading queue, or its place `queue_index` (0 = next): one transaction, so
        an undo that puts a paper back in its place is one step."""
        try:
            value = Status.parse(status).value
        except ValueError as exc:
            raise ReadinglistError(str(exc)) from None
        with self.writer.write() as write:
            self.store.require(paper_id)  # PaperNotFound for an unknown id
            self.store.update_fields(paper_id, {"status": value})
            if queue_index is not None and value == Status.QUEUED.value:
                self.store.move_in_queue(paper_id, queue_index)
        return write.changes.carrying(paper=self._get(paper_id))

    def history(self, paper_id: int) -> list[StatusChange]:
        """Every status change of a paper with its time, oldest first (the timeline)."""
        if not self.store.paper_exists(paper_id):
            raise PaperNotFound(paper_id)
        return self.store.status_history(paper_id)

    def reading_dates(self, paper_id: int, now: datetime | None = None) -> ReadingDates:
        """When a paper was added, first started, finished (read or skimmed, if it is so
        now) and last queued, and how long it spent in the queue, from its history."""
        return self.timeline(self._get(paper_id), now)[0]

    def timeline(self, paper: Paper, now: datetime | None = None
                 ) -> tuple[ReadingDates, list[StatusChange]]:
        """A paper's dates and its status changes, from one read of its history."""
        changes = self.history(paper.id)
        return derive_dates(paper, changes, now or utc_now()), changes

    def statistics(self, now: datetime | None = None) -> ReadingStats:
        """Reading statistics as of `now` (default: now); see readinglist.reading.statistics."""
        papers = self._all_papers()
        histories = self.store.all_status_histories()
        return compute_statistics(papers, histories, now or utc_now())

    def set_priority(self, paper_id: int, priority: Priority | str) -> Changes:
        try:
            value = Priority.parse(priority).value
        except ValueError as exc:
            raise ReadinglistError(str(exc)) from None
        return self._update(paper_id, priority=value)

    def set_rating(self, paper_id: int, rating: int | None) -> Changes:
        """1 to 5 stars; None (or 0) removes the rating."""
        try:
            value = check_rating(rating)
        except ValueError as exc:
            raise ReadinglistError(str(exc)) from None
        return self._update(paper_id, rating=value)


__all__ = ["ReadingLog"]
