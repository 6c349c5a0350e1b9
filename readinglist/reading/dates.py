"""Dates derived from a paper's status history (pure functions, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ..domain import Paper, ReadingDates, Status, StatusChange


def derive_dates(paper: Paper, changes: Sequence[StatusChange], now: datetime) -> ReadingDates:
    """Added, started (first set to reading), finished (last set to read or skimmed, if
    it is so now), queued (when it last joined the queue, if it is queued now) and the
    time spent in the queue over all its stays (counting up to `now` while queued)."""
    # A status a paper was imported with says nothing of when it was started or read.
    started = next((c.at for c in changes if c.status is Status.READING and not c.imported),
                   None)
    finished = None
    if paper.status.done:
        finished = next((c.at for c in reversed(changes)
                         if c.status is paper.status and not c.imported), None)
    in_queue = timedelta(0)
    queued_since: datetime | None = None
    ever_queued = False
    for change in changes:
        if change.status is Status.QUEUED and queued_since is None:
            queued_since = change.at
            ever_queued = True
        elif change.status is not Status.QUEUED and queued_since is not None:
            in_queue += change.at - queued_since
            queued_since = None
    if queued_since is not None:
        in_queue += max(now - queued_since, timedelta(0))
    queued = queued_since if paper.status is Status.QUEUED else None
    return ReadingDates(paper.added, started, finished, queued,
                        in_queue if ever_queued else None)
