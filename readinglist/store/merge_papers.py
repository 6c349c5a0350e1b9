"""Merging one paper of the library into another (the "find duplicates" view).

Call inside a transaction: the caller snapshots both papers first, so undo can put them
back exactly.
"""

from __future__ import annotations

from ..domain import Priority, Status
from ..matching.merging import plan_fill, record_from_paper
from ..text.anchoring import reanchor
from .paper_store import PaperStore


def merge_into(store: PaperStore, keep: int, other: int) -> None:
    """Fold paper `other` into paper `keep` and delete `other`.

    Empty fields of `keep` are filled from `other`, tags are added, both notes are kept,
    and highlights, status history and attachments move over. The status stays `keep`'s
    unless `keep` was never started and `other` was; the date added is the earlier one;
    an empty rating and a normal priority are taken from `other`.
    """
    with store.transaction():
        kept = store.get_paper(keep)
        gone = store.get_paper(other)
        texts = store.fulltexts([keep, other])
        plan = plan_fill(kept, record_from_paper(gone, texts.get(other, "")), keep in texts,
                         merge_notes=True)
        fields = dict(plan.fields)
        if plan.fields:
            store.update_fields(keep, fields)
        if plan.tags:
            store.set_tags(keep, [*kept.tags, *plan.tags])
        if plan.fulltext:
            store.set_fulltext(keep, plan.fulltext)
        db = store.db
        for table in ("status_history", "annotations", "attachments"):
            # Table names are ours, not user text.
            db.execute(f"UPDATE {table} SET paper_id = ? WHERE paper_id = ?", [keep, other])
        if kept.status is Status.INBOX and gone.status is not Status.INBOX:
            # Its history (moved above) already records that status: no new change.
            db.execute("UPDATE papers SET status = ?, queue_position = ? WHERE id = ?",
                       [gone.status.value, gone.queue_position, keep])
        if kept.rating is None and gone.rating is not None:
            db.execute("UPDATE papers SET rating = ? WHERE id = ?", [gone.rating, keep])
        if kept.priority is Priority.NORMAL and gone.priority is not Priority.NORMAL:
            db.execute("UPDATE papers SET priority = ? WHERE id = ?",
                       [gone.priority.value, keep])
        if gone.added and kept.added and gone.added < kept.added:
            db.execute("UPDATE papers SET added = ? WHERE id = ?", [gone.added.isoformat(), keep])
        abstract = fields.get("abstract", kept.abstract)
        for note in gone.annotations:
            place = reanchor(abstract, note.start, note.quote)
            if place is None:
                db.execute("UPDATE annotations SET anchored = 0 WHERE id = ?", [note.id])
            else:
                db.execute("UPDATE annotations SET start = ?, end = ?, anchored = 1 WHERE id = ?",
                           [place[0], place[1], note.id])
        store.delete_paper(other)
        store.refresh_status_caches(keep)
        store.enqueue_index([keep])
