"""The search index's outbox: papers the index must re-read, written in the same
transaction as the change itself, so the index can never miss one (see indexing.py)."""

from __future__ import annotations

from collections.abc import Iterable

from .rows import utc_now
from .store_base import StoreBase


class IndexOutboxMixin(StoreBase):
    """PaperStore's outbox methods (a mixin: PaperStore is the class to use)."""

    def enqueue_index(self, paper_ids: Iterable[int]) -> None:
        """Record that search must re-read these papers (call inside the write's transaction)."""
        with self._lock:
            self.db.conn.executemany(
                "INSERT INTO index_outbox(paper_id) VALUES (?)", [(i,) for i in paper_ids]
            )

    def _touch(self, paper_id: int) -> None:
        """A paper changed (its tags, its highlights): it was modified now, and search
        must re-read it."""
        self.db.execute(
            "UPDATE papers SET modified = ? WHERE id = ?", [utc_now().isoformat(), paper_id]
        )
        self.enqueue_index([paper_id])

    def enqueue_all_for_index(self) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO index_outbox(paper_id) SELECT id FROM papers WHERE trashed IS NULL")

    def outbox(self, limit: int = 1000) -> list[tuple[int, int]]:
        """Oldest pending (seq, paper_id) pairs."""
        return [(s, p) for s, p in self._q(
            "SELECT seq, paper_id FROM index_outbox ORDER BY seq LIMIT ?", [limit]
        )]

    def outbox_size(self) -> int:
        return int(self._q("SELECT count(*) FROM index_outbox")[0][0])

    def last_seq(self) -> int:
        """The highest outbox sequence ever issued: the database's write position."""
        rows = self._q("SELECT seq FROM sqlite_sequence WHERE name = 'index_outbox'")
        return int(rows[0][0]) if rows else 0

    def drop_outbox_upto(self, seq: int) -> None:
        """Forget the rows up to `seq` (the index has them). Writes only when there are
        such rows: opening a library beside another process's long write must not wait."""
        rows = self._q("SELECT 1 FROM index_outbox WHERE seq <= ? LIMIT 1", [seq])
        if not rows:
            return
        with self.transaction():
            self.db.execute("DELETE FROM index_outbox WHERE seq <= ?", [seq])

    def index_counts(self) -> tuple[int, int]:
        """(papers outside the Trash, pending outbox rows), read in one snapshot: when no
        row is pending, the index must hold exactly that many papers."""
        papers, pending = self._q(
            "SELECT (SELECT count(*) FROM papers WHERE trashed IS NULL), "
            "(SELECT count(*) FROM index_outbox)")[0]
        return int(papers), int(pending)
