"""Status changes and what derives from them: the status history, the dates started and
finished, and the reading queue's order."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain import ReadinglistError, Status, StatusChange
from .index_outbox import IndexOutboxMixin
from .rows import status_change_from_row


class StatusQueueMixin(IndexOutboxMixin):
    """PaperStore's status history and queue methods (a mixin: PaperStore is the class
    to use)."""

    # -- status changes ------------------------------------------------------------

    def _status_changed(self, paper_id: int, old: str, new: str, stamp: str,
                        imported: bool = False) -> None:
        """Record a status change and keep what derives from it: the queue position,
        the dates started and finished (`imported`: the status a paper arrived with,
        which dates no reading)."""
        self._record_status(paper_id, new, stamp, imported)
        if new == Status.QUEUED.value and old != new:
            self.db.execute(
                "UPDATE papers SET queue_position = (SELECT coalesce(max(queue_position), 0) + 1"
                " FROM papers) WHERE id = ?", [paper_id])
        elif new != Status.QUEUED.value:
            self.db.execute("UPDATE papers SET queue_position = NULL WHERE id = ?", [paper_id])
        if new == Status.READING.value and not imported:
            self.db.execute("UPDATE papers SET started = coalesce(started, ?) WHERE id = ?",
                            [stamp, paper_id])
        finished = stamp if Status(new).done and not imported else None
        self.db.execute("UPDATE papers SET finished = ? WHERE id = ?", [finished, paper_id])

    def refresh_status_caches(self, paper_id: int) -> None:
        """Make the dates started and finished and the queue place agree with the status
        history again (after a restore or a merge moved history rows)."""
        with self.transaction():
            self.db.execute(
                "UPDATE papers SET started = (SELECT min(changed) FROM status_history h "
                "WHERE h.paper_id = papers.id AND h.status = 'reading' AND NOT h.imported), "
                "finished = CASE WHEN status IN ('read', 'skimmed') THEN (SELECT max(changed) "
                "FROM status_history h WHERE h.paper_id = papers.id AND h.status = papers.status"
                " AND NOT h.imported) END WHERE id = ?", [paper_id])
            self.db.execute(
                "UPDATE papers SET queue_position = NULL WHERE id = ? AND status != 'queued'",
                [paper_id])
            self.db.execute(
                "UPDATE papers SET queue_position = (SELECT coalesce(max(queue_position), 0) + 1"
                " FROM papers) WHERE id = ? AND status = 'queued' AND queue_position IS NULL",
                [paper_id])

    # -- the status history ----------------------------------------------------------

    def _record_status(self, paper_id: int, status: str, stamp: str,
                       imported: bool = False) -> None:
        self.db.execute(
            "INSERT INTO status_history (paper_id, status, changed, imported) "
            "VALUES (?, ?, ?, ?)", [paper_id, status, stamp, int(imported)],
        )

    def status_history(self, paper_id: int) -> list[StatusChange]:
        """Every status change of a paper, oldest first (`imported`: the status it
        arrived with from an import). Empty for an unknown paper."""
        return [status_change_from_row(*row) for row in self._q(
            "SELECT status, changed, imported FROM status_history WHERE paper_id = ? "
            "ORDER BY changed, id", [paper_id])]

    def all_status_histories(self) -> dict[int, list[StatusChange]]:
        """Every paper's status changes, oldest first, in one query (for statistics)."""
        result: dict[int, list[StatusChange]] = {}
        for paper_id, status, changed, imported in self._q(
            "SELECT paper_id, status, changed, imported FROM status_history "
            "ORDER BY paper_id, changed, id"
        ):
            result.setdefault(paper_id, []).append(
                status_change_from_row(status, changed, imported))
        return result

    # -- the reading queue -------------------------------------------------------------

    def queue_ids(self) -> list[int]:
        """Queued papers, next to read first."""
        return [r[0] for r in self._q(
            "SELECT id FROM papers WHERE queue_position IS NOT NULL AND trashed IS NULL "
            "ORDER BY queue_position, id")]

    def move_in_queue(self, paper_id: int, index: int) -> None:
        """Put a queued paper at `index` (0 = next), renumbering the queue 1..n."""
        with self.transaction():
            ids = self.queue_ids()
            if paper_id not in ids:
                raise ReadinglistError(f"paper {paper_id} is not in the reading queue")
            ids.remove(paper_id)
            ids.insert(max(0, min(index, len(ids))), paper_id)
            self.db.conn.executemany(
                "UPDATE papers SET queue_position = ? WHERE id = ?",
                [(n, i) for n, i in enumerate(ids, start=1)])
            self.enqueue_index([paper_id])

    def set_queue_order(self, order: Sequence[int]) -> None:
        """Renumber the queue 1..n in `order` (not queued: skipped; queued but not named:
        after, in their order), moving only the papers whose place changed."""
        with self.transaction():
            queued = self.queue_ids()
            in_queue = set(queued)
            wanted = [i for i in dict.fromkeys(order) if i in in_queue]
            named = set(wanted)
            ids = [*wanted, *(i for i in queued if i not in named)]
            places = dict(self._q("SELECT id, queue_position FROM papers "
                                  "WHERE queue_position IS NOT NULL"))
            moved = [(n, i) for n, i in enumerate(ids, start=1) if places.get(i) != n]
            self.db.conn.executemany(
                "UPDATE papers SET queue_position = ? WHERE id = ?", moved)
            self.enqueue_index([i for _, i in moved])
