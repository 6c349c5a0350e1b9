"""The keyboard help overlay: every triage and queue key on a panel over the window.

The key list lives here once; the overlay shows it and `markdown_table()` writes the same
list for the README, so the two cannot drift apart.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..theme import colour, current

# (section, [(keys, what they do)]); keys as the user types them.
KEY_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Triage mode (Ctrl+T)", (
        ("Ctrl+T", "Triage mode on / off (also on the toolbar)"),
        ("j  or  ↓", "Next paper"),
        ("k  or  ↑", "Previous paper"),
        ("q", "Queue: add to the end of the reading queue, then next paper"),
        ("r", "Reading, then next paper"),
        ("d", "Read (done), then next paper"),
        ("s", "Skimmed, then next paper"),
        ("x", "Abandoned, then next paper"),
        ("1 – 5", "Rate 1 to 5 stars"),
        ("0", "Clear the rating"),
        ("t", "Edit the tags (Enter or Esc: back to the list)"),
        ("n", "Edit the note (Esc: back to the list)"),
        ("u", "Undo the last change"),
        ("?  or  F1", "This help"),
        ("Esc", "Leave triage mode"),
    )),
    ("Reading queue", (
        ("Alt+↑", "Move the paper up in the queue"),
        ("Alt+↓", "Move the paper down in the queue"),
        ("Alt+Home", "Move the paper to the top of the queue"),
        ("Drag a row", "Reorder the queue (in the Queue view)"),
        ("Ctrl+Shift+N", "Read next: open the first paper of the queue, set it to Reading"),
    )),
    ("Papers in the list", (
        ("Delete", "Move the selected papers to the Trash (Ctrl+Z brings them back)"),
        ("Ctrl+Shift+E", "Edit the paper: title, authors, DOI, BibTeX fields…"),
        ("Ctrl+Shift+C", "Copy the selected papers as BibTeX"),
        ("Ctrl+A", "Select every paper of the list (edits then act on all of them)"),
        ("Ctrl+V", "Add the arXiv ids or DOIs on the clipboard"),
        ("Right-click", "Open, edit, copy, set status, priority, rating, tags, Trash"),
    )),
    ("Highlights (in the abstract)", (
        ("Ctrl+1 – 5", "Highlight the selected passage, or recolour the highlight"),
        ("Ctrl+Shift+M", "Comment on the highlight"),
        ("Delete", "Delete the selected highlight"),
    )),
    ("Library", (
        ("Ctrl+I", "Import files (BibTeX, RIS, CSL-JSON, CSV, PDF, Web of Science)"),
        ("Ctrl+Shift+A", "Add papers by arXiv id or DOI"),
        ("Ctrl+N", "Add a paper by hand"),
        ("Ctrl+E", "Export"),
        ("Ctrl+Shift+S", "Save the search (with the sidebar's view)"),
        ("Ctrl+S", "Save the note now (it also saves by itself)"),
        ("Ctrl+Q", "Quit"),
    )),
    ("Anywhere", (
        ("Ctrl+F", "Search"),
        ("Ctrl+Shift+D", "Show or hide the detail pane"),
        ("Ctrl+,", "Preferences: library, theme, font size, search, imports"),
        ("Ctrl+Z", "Undo the last edit (any kind)"),
        ("Ctrl+Shift+Z  or  Ctrl+Y", "Redo"),
        ("F1", "This help"),
    )),
)


LEFT_SECTIONS = 2  # shown in the overlay's left column


def markdown_table() -> str:
    """The key list as a Markdown table (for the README)."""
    lines = ["| Key | Where | What it does |", "| --- | --- | --- |"]
    for section, keys in KEY_SECTIONS:
        where = section.split(" (")[0]
        for key, what in keys:
            shown = " or ".join(f"`{k.strip()}`" for k in key.split("  or  "))
            lines.append(f"| {shown} | {where} | {what} |")
    return "\n".join(lines) + "\n"


class KeyHelpOverlay(QWidget):
    """A dimmed layer over the whole window with the key list in a panel. Any key or
    click closes it (and the key does nothing else); focus goes back where it was."""

    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("keyHelpOverlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._return_focus: QWidget | None = None
        panel = QFrame(self)
        panel.setObjectName("keyHelpPanel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(10)
        title = QLabel("Keyboard shortcuts")
        title.setObjectName("keyHelpTitle")
        layout.addWidget(title)
        columns = QHBoxLayout()
        columns.setSpacing(36)
        left, right = QVBoxLayout(), QVBoxLayout()
        # Triage and the queue on the left, the rest on the right: two columns of about
        # the same height, so the panel fits a 1280×800 window.
        for section in KEY_SECTIONS[:LEFT_SECTIONS]:
            left.addWidget(self._section(*section))
        for section in KEY_SECTIONS[LEFT_SECTIONS:]:
            right.addWidget(self._section(*section))
        for column in (left, right):
            column.setSpacing(0)  # (a nested layout would take the columns' spacing)
            column.addStretch(1)
            columns.addLayout(column)
        layout.addLayout(columns)
        hint = QLabel("Press any key or click to close")
        hint.setObjectName("keyHelpHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        self.panel = panel
        parent.installEventFilter(self)
        self.hide()

    @staticmethod
    def _section(name: str, keys: tuple[tuple[str, str], ...]) -> QWidget:
        box = QWidget()
        # No taller than its rows: the stretch under the sections takes the spare room.
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 12)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        heading = QLabel(name)
        heading.setObjectName("keyHelpSection")
        grid.addWidget(heading, 0, 0, 1, 2)
        for row, (key, what) in enumerate(keys, start=1):
            key_label = QLabel(key)
            key_label.setObjectName("keyHelpKey")
            key_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(key_label, row, 0)
            grid.addWidget(QLabel(what), row, 1)
        grid.setColumnStretch(1, 1)
        return box

    def text(self) -> str:
        """Everything the panel says, as plain text (for tests and accessibility)."""
        return "\n".join(label.text() for label in self.panel.findChildren(QLabel))

    # -- showing and closing --------------------------------------------------------------

    def open(self) -> None:
        parent = self.parentWidget()
        self._return_focus = parent.focusWidget() if parent is not None else None
        self._fit()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_help(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        if self._return_focus is not None:
            self._return_focus.setFocus(Qt.FocusReason.PopupFocusReason)
        self._return_focus = None
        self.closed.emit()

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        self.panel.adjustSize()
        size = self.panel.sizeHint().boundedTo(self.size())
        self.panel.resize(size)
        self.panel.move((self.width() - size.width()) // 2,
                        max(0, (self.height() - size.height()) // 2))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            # Claim every key while open, so that no shortcut fires behind the help:
            # the key press then arrives here and only closes it.
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()
        self.close_help()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.close_help()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), colour("scrim", current().scrim_alpha))
        painter.end()
