"""The window's side of issue 12: Tools > Check library… (the check and the repair in
the background, the report as text) and a read-only library (a banner, edits off).
No dialog is exec()'d: the check dialog is opened with open() and driven directly."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from readinglist import Library
from readinglist.domain import Status
from readinglist.gui.dialogs.check_dialog import CheckDialog
from readinglist.gui.tasks import TaskRunner


def test_the_check_dialog_shows_a_clean_report(qtbot, seeded_library: Library) -> None:
    runner = TaskRunner()
    dialog = CheckDialog(seeded_library, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start()
    assert dialog.status.text() == "No problems found."
    assert "No problems found." in dialog.text.toPlainText()
    assert not dialog.repair_button.isEnabled()
    runner.wait()


def test_the_check_dialog_repairs(qtbot, seeded_library: Library) -> None:
    conn = sqlite3.connect(seeded_library.folder / "library.sqlite")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO paper_tags VALUES (9999, 'ghost')")
    conn.commit()
    conn.close()
    runner = TaskRunner()
    dialog = CheckDialog(seeded_library, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        dialog.start()
    assert "belong to papers that no longer exist" in dialog.text.toPlainText()
    assert dialog.repair_button.isEnabled()
    with qtbot.waitSignal(dialog.checked, timeout=30000):
        dialog.repair_button.click()
    text = dialog.text.toPlainText()
    assert "Backup before the repair:" in text
    assert "Repaired: deleted 1 orphan row(s) of paper_tags" in text
    assert dialog.status.text() == "No problems left after the repair."
    assert not dialog.repair_button.isEnabled()
    runner.wait()


def test_tools_menu_opens_the_check(qtbot, active_window) -> None:
    window = active_window
    action = next(a for a in window.menuBar().actions() if a.text() == "&Tools")
    entry = next(a for a in action.menu().actions() if a.text() == "&Check library…")
    entry.trigger()  # open(), not exec(): returns at once
    dialog = window.findChild(CheckDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.clean
    dialog.close()


@pytest.fixture
def read_only_library(tmp_path: Path, seed_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib", daily_backup=False) as lib:
        lib.import_file(seed_path)
    library = Library.open(tmp_path / "lib", read_only=True)
    yield library
    library.close()


def test_a_read_only_library_shows_a_banner_and_no_edits(qtbot, read_only_library: Library
                                                         ) -> None:
    from readinglist.gui.app import make_app
    from readinglist.gui.window.main_window import MainWindow

    make_app()
    window = MainWindow(read_only_library)
    qtbot.addWidget(window)
    window.show()
    banner = window.findChild(QLabel, "readOnlyBanner")
    assert banner is not None and banner.isVisible()
    assert banner.text().startswith("Read-only: opened read-only on request.")
    for action in (window.import_action, window.reindex_action, window.triage_action,
                   window.read_next_action, window.move_up_action):
        assert not action.isEnabled()
    assert window.detail.note_editor.editor.isReadOnly()
    assert window.model.rowCount() == 68  # reading works
    window.select_row(0)
    paper = window.detail.paper
    assert not any(b.isEnabled() for b in window.detail.status_buttons.values())
    assert not window.detail.edit_button.isEnabled()
    # A status change that still gets through is refused, and leaves nothing to undo.
    assert not window.set_status(Status.READ)  # refused before it is tried
    assert "read-only" in window.statusBar().currentMessage()
    assert read_only_library.get(paper.id).status == paper.status
    assert not window.undo_stack.canUndo()
    window.close()
    window.runner.wait()


def test_a_writable_library_has_no_banner(qtbot, active_window) -> None:
    assert active_window.findChild(QLabel, "readOnlyBanner") is None
    assert active_window.import_action.isEnabled()
