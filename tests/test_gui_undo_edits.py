"""Every edit a user makes in the window is one step of Edit > Undo, undone and redone
through the library, and each undo or redo is one transaction: a failure half way
leaves the library as it was."""

from __future__ import annotations

import pytest

from readinglist.domain import Priority, Status
from readinglist.gui.window.main_window import MainWindow


@pytest.fixture
def window(paper_28_window: MainWindow) -> MainWindow:
    return paper_28_window


def undo_redo(window: MainWindow) -> tuple[str, str]:
    """Undo then redo the last step; the texts Edit > Undo and Redo showed."""
    stack = window.undo_stack
    text = stack.undoText()
    stack.undo()
    undone_state = stack.redoText()
    return text, undone_state


def test_priority_from_the_detail_pane_is_undone_and_redone(window, seeded_library):
    box = window.detail.priority_box
    box.setCurrentIndex(box.findData(Priority.HIGH.value))
    assert seeded_library.get(28).priority is Priority.HIGH
    assert window.undo_stack.undoText() == "Priority of #28: high"
    window.undo_stack.undo()
    assert seeded_library.get(28).priority is Priority.NORMAL
    window.undo_stack.redo()
    assert seeded_library.get(28).priority is Priority.HIGH


def test_tags_from_the_detail_pane_are_undone_and_redone(qtbot, window, seeded_library):
    seeded_library.set_tags(28, ["llm"])
    window.show_detail(28, reload=True)
    window.detail.tags_edit.setText("llm, ensembles, soups")
    window.detail.save_tags()
    assert seeded_library.get(28).tags == ("ensembles", "llm", "soups")
    window.undo_stack.undo()
    assert seeded_library.get(28).tags == ("llm",)
    qtbot.waitUntil(lambda: window.detail.tags_edit.text() == "llm")  # the pane follows
    window.undo_stack.redo()
    assert seeded_library.get(28).tags == ("ensembles", "llm", "soups")


def test_a_writing_session_of_a_note_is_one_step(qtbot, window, seeded_library):
    seeded_library.set_note(28, "first thoughts")
    window.show_detail(28, reload=True)
    editor = window.detail.note_editor
    editor.editor.setPlainText("first thoughts, and more")
    assert editor.flush()
    editor.editor.setPlainText("first thoughts, and more, and the end")
    assert editor.flush()  # two autosaves of one note: merged into one step
    assert seeded_library.get(28).note == "first thoughts, and more, and the end"
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Edit the note of #28"
    window.undo_stack.undo()
    assert seeded_library.get(28).note == "first thoughts"
    qtbot.waitUntil(lambda: editor.editor.toPlainText() == "first thoughts")
    window.undo_stack.redo()
    assert seeded_library.get(28).note == "first thoughts, and more, and the end"
    qtbot.waitUntil(lambda: editor.editor.toPlainText().endswith("and the end"))


def test_undoing_a_status_puts_a_queued_paper_back_in_its_place_in_one_step(
        window, seeded_library, monkeypatch):
    for paper_id in (5, 28, 7):
        seeded_library.set_status(paper_id, "queued")
    assert seeded_library.queue_ids() == [5, 28, 7]
    assert window.set_status(Status.READ)
    assert seeded_library.queue_ids() == [5, 7]
    window.undo_stack.undo()
    assert seeded_library.get(28).status is Status.QUEUED
    assert seeded_library.queue_ids() == [5, 28, 7]  # its place, not the end
    window.undo_stack.redo()
    # A failure half way through the undo (after the status, before the queue place)
    # rolls the whole step back: still read, the queue as it was.
    store = seeded_library.store

    def broken(paper_id: int, index: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "move_in_queue", broken)
    window.undo_stack.undo()
    assert seeded_library.get(28).status is Status.READ
    assert seeded_library.queue_ids() == [5, 7]
    assert "Could not undo" in window.statusBar().currentMessage()
    assert [h.status for h in seeded_library.history(28)][-1] is Status.READ


def test_a_queue_move_is_undone_in_one_transaction(window, seeded_library, monkeypatch):
    for paper_id in (5, 28, 7, 9):
        seeded_library.set_status(paper_id, "queued")
    window.open_paper(9)
    window.paper_actions.move_queued(None)  # to the top
    assert seeded_library.queue_ids() == [9, 5, 28, 7]
    window.undo_stack.undo()
    assert seeded_library.queue_ids() == [5, 28, 7, 9]
    window.undo_stack.redo()
    assert seeded_library.queue_ids() == [9, 5, 28, 7]
    store = seeded_library.store
    real = store.enqueue_index

    def broken(paper_ids):  # fails after the positions were written, inside the step
        real(paper_ids)
        raise OSError("disk full")

    monkeypatch.setattr(store, "enqueue_index", broken)
    window.undo_stack.undo()
    assert seeded_library.queue_ids() == [9, 5, 28, 7]
