"""While an import holds the writer (its one long transaction), the window never freezes
on an edit: a key press says why nothing changed, and a note's autosave waits and then
saves."""

from __future__ import annotations

from writer_held import import_in_progress

from readinglist import Library, Status
from readinglist.gui.commands.paper_edits import BUSY
from readinglist.gui.window.main_window import MainWindow


def test_a_triage_key_during_an_import_says_why_and_changes_nothing(
        qtbot, seeded_library: Library, paper_28_window: MainWindow) -> None:
    window = paper_28_window
    with import_in_progress(seeded_library):
        assert seeded_library.writing_elsewhere()
        assert window.set_status(Status.READ) is False  # returns at once: no freeze
        assert window.statusBar().currentMessage() == BUSY
        assert window.undo_stack.count() == 0
        window.triage_status(Status.SKIMMED)  # the triage key: stays on the paper
        assert window.current_paper_id() == 28
    assert not seeded_library.writing_elsewhere()
    assert window.set_status(Status.READ) is True
    assert seeded_library.get(28).status is Status.READ


def test_a_note_typed_during_an_import_is_saved_once_it_is_done(
        qtbot, seeded_library: Library, paper_28_window: MainWindow) -> None:
    editor = paper_28_window.detail.note_editor
    with import_in_progress(seeded_library):
        editor.editor.setPlainText("written while the import ran")
        qtbot.waitUntil(lambda: editor.state.text() == "Saving after the import…",
                        timeout=5000)
        assert seeded_library.get(28).note == ""
    qtbot.waitUntil(lambda: seeded_library.get(28).note == "written while the import ran",
                    timeout=5000)
    assert editor.state.text() == "Saved"
