"""Undoable changes to many papers: to the Trash and back, tags renamed, merged and
deleted, batch edits of a selection. Each is one step; undo and redo are one
transaction each, so a failure half way changes nothing."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtGui import QUndoStack

from readinglist import Library, Status
from readinglist.domain import Priority
from readinglist.gui.commands.library_commands import (
    BatchCommand,
    RestoreCommand,
    TagsAcrossCommand,
    TrashCommand,
)
from readinglist.store.snapshots import snapshots


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


def state(lib: Library, ids: list[int]) -> tuple:
    """What the user sees of these papers, the queue and the Trash."""
    snaps = [{k: v for k, v in s.items() if k not in ("modified", "history")}
             for s in snapshots(lib.store, ids)]
    return snaps, lib.queue_ids(), lib.trash_ids(), lib.tag_counts()


def test_trash_and_restore_are_undone_and_redone(stack, seeded_library: Library) -> None:
    lib = seeded_library
    lib.set_status(28, "queued")
    before = state(lib, [28, 5])
    stack.push(TrashCommand(lib, [28, 5]))
    assert lib.trash_ids() and 28 not in lib.list_ids() and lib.queue_ids() == []
    stack.undo()
    assert state(lib, [28, 5]) == before
    stack.redo()
    stack.push(RestoreCommand(lib, [5]))
    assert lib.trash_ids() == [28] and 5 in lib.list_ids()
    stack.undo()
    assert sorted(lib.trash_ids()) == [5, 28]


def test_tag_changes_across_the_library_are_undone(stack, seeded_library: Library) -> None:
    lib = seeded_library
    lib.change_tags(1, add=["LLM", "vision"])
    lib.change_tags(2, add=["NLP"])
    before = state(lib, [1, 2])
    for command in (TagsAcrossCommand(lib, ["llm"], "models"),
                    TagsAcrossCommand(lib, ["NLP", "vision"], "other"),
                    TagsAcrossCommand(lib, ["models"], None)):
        stack.push(command)
        assert command.error is None
    assert lib.tag_counts() == {"other": 2}
    while stack.canUndo():
        stack.undo()
    assert state(lib, [1, 2]) == before


def test_a_batch_edit_is_one_step(stack, seeded_library: Library) -> None:
    lib = seeded_library
    for paper_id in (3, 4):
        lib.set_status(paper_id, "queued")
    lib.change_tags(4, add=["keep"])
    before = state(lib, [3, 4, 5])
    stack.push(BatchCommand(lib, [3, 4, 5], status=Status.READ))
    stack.push(BatchCommand(lib, [3, 4, 5], priority=Priority.HIGH))
    stack.push(BatchCommand(lib, [3, 4, 5], add_tags=["batch"], remove_tags=["keep"]))
    assert {lib.get(i).status for i in (3, 4, 5)} == {Status.READ}
    assert lib.tag_counts() == {"batch": 3} and lib.queue_ids() == []
    stack.undo()
    stack.undo()
    stack.undo()
    assert state(lib, [3, 4, 5]) == before  # the queue in its order too
    assert stack.count() == 3


def test_a_failure_half_way_leaves_everything_as_it_was(stack, seeded_library: Library,
                                                        monkeypatch) -> None:
    lib = seeded_library
    errors: list[str] = []
    stack.push(TrashCommand(lib, [7, 8, 9], on_error=errors.append))
    before = state(lib, [7, 8, 9])
    real = lib.store.enqueue_index
    calls = []
    fail_at = 2  # read by broken(), late-bound: changed below for the undo

    def broken(ids):  # a write fails after the rows before it were written
        calls.append(ids)
        real(ids)
        if len(calls) == fail_at:
            raise sqlite3.OperationalError("disk I/O error (injected)")

    monkeypatch.setattr(lib.store, "enqueue_index", broken)
    stack.push(BatchCommand(lib, [1, 2], status=Status.READ, on_error=errors.append))
    assert errors and errors[-1].startswith("Could not")
    assert [lib.get(i).status for i in (1, 2)] == [Status.INBOX, Status.INBOX]
    calls.clear()
    fail_at = 1
    stack.undo()  # the restore of 7, 8, 9 fails too: they stay in the Trash
    assert state(lib, [7, 8, 9]) == before and stack.count() == 0


def test_a_batch_rating_is_one_transaction_and_one_step(stack, seeded_library: Library
                                                        ) -> None:
    lib = seeded_library
    lib.set_rating(3, 2)
    stack.push(BatchCommand(lib, [3, 4], rating=5))
    assert [lib.get(i).rating for i in (3, 4)] == [5, 5]
    stack.undo()
    assert [lib.get(i).rating for i in (3, 4)] == [2, None]
    stack.push(BatchCommand(lib, [3, 4], rating=None))  # clears
    assert [lib.get(i).rating for i in (3, 4)] == [None, None]
