"""A read-only library in the window: a banner saying why (read-only media, no
permission, a full disk), and the window's ways to change the library turned off.

Reading, searching, exporting and checking work as usual. Any write that still reached
the library would be refused by it (LibraryReadOnly) and shown like any failed edit;
turning the edits off spares the user that, and keeps the note editor from holding a
note it cannot save (which would keep the window from closing).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar

from ...library.service import Library
from ..detail.detail_pane import DetailPane
from .transfer import Transfer


class ReadOnlyWindow(Protocol):
    """What the banner needs of MainWindow."""

    library: Library
    undo_stack: QUndoStack
    detail: DetailPane
    transfer: Transfer
    import_action: QAction
    reindex_action: QAction
    triage_action: QAction
    read_next_action: QAction
    move_up_action: QAction
    move_down_action: QAction
    move_top_action: QAction


BANNER_NAME = "readOnlyBanner"


def show_read_only(window: QMainWindow, parts: ReadOnlyWindow) -> QLabel | None:
    """If the library is read-only: the banner (returned) at the top of the window, and
    the edits off. Nothing for a library that can be changed."""
    reason = parts.library.read_only_reason
    if reason is None:
        return None
    label = QLabel(f"Read-only: {reason}. You can read, search and export; changes "
                   "cannot be saved.")
    label.setObjectName(BANNER_NAME)
    label.setTextFormat(Qt.TextFormat.PlainText)  # the reason names a folder
    label.setWordWrap(True)
    label.setMargin(6)
    label.setStyleSheet("QLabel#readOnlyBanner { background: #fff3cd; color: #5c4400; }")
    bar = QToolBar("Read-only", window)
    bar.setObjectName("readOnlyBar")
    bar.setMovable(False)
    bar.addWidget(label)
    window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    _turn_edits_off(parts)
    return label


def _turn_edits_off(parts: ReadOnlyWindow) -> None:
    parts.undo_stack.clear()  # nothing to undo; a failed edit is never kept as a step
    actions = [parts.import_action, parts.reindex_action, parts.triage_action,
               parts.read_next_action, parts.move_up_action, parts.move_down_action,
               parts.move_top_action, *parts.transfer.busy_actions]
    for action in actions:
        action.setEnabled(False)
    # Busy actions are turned back on when an import ends: none will start.
    parts.transfer.busy_actions = []
    detail = parts.detail
    detail.note_editor.editor.setReadOnly(True)
    detail.tags_edit.setReadOnly(True)
    for widget in (detail.edit_button, detail.fetch_button, detail.priority_box,
                   *detail.status_buttons.values(), *detail.star_buttons):
        widget.setEnabled(False)


__all__ = ["BANNER_NAME", "show_read_only"]
