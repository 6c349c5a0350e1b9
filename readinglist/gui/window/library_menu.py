"""Choosing another library: File > Open library…, New library…, Open recent, and the
same from the preferences. The window only asks; the app (gui/library_host.py) opens the
library and replaces the window, so a library is never half switched."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from ...domain import ReadinglistError
from ...system.library_choice import check_new_library_folder, is_library, recent_libraries
from ..plain_text import message_box


def ask_folder(parent: QWidget, title: str) -> Path | None:
    """A folder from the system's dialog, or None (tests replace this)."""
    folder = QFileDialog.getExistingDirectory(parent, title)
    return Path(folder) if folder else None


class LibraryMenu(QObject):
    """Asks which library to open; emits `chosen(path, new)` for the app to open it."""

    chosen = Signal(object, bool)

    def __init__(self, current: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.current = current
        self._parent = parent
        self.recent_menu = QMenu("Open &recent", parent)
        self.recent_menu.aboutToShow.connect(self._fill_recent)

    def choose_existing(self) -> None:
        folder = ask_folder(self._parent, "Open a library folder")
        if folder is None:
            return
        if is_library(folder):
            self.chosen.emit(folder, False)
            return
        try:  # an empty folder: start a library there, as the user evidently wants
            check_new_library_folder(folder)
        except ReadinglistError:
            self._refuse(f"{folder} is not a Readinglist library (it has no "
                         "library.sqlite). Choose a library's folder, or use New library "
                         "with an empty folder.")
            return
        self.chosen.emit(folder, True)

    def choose_new(self) -> None:
        folder = ask_folder(self._parent, "Choose an empty folder for the new library")
        if folder is None:
            return
        try:
            check_new_library_folder(folder)
        except ReadinglistError as exc:
            self._refuse(str(exc))
            return
        self.chosen.emit(folder, True)

    def recent(self) -> list[Path]:
        """The recent libraries other than the one open."""
        here = self.current.expanduser().resolve()
        return [p for p in recent_libraries() if p.resolve() != here]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent()
        for path in paths:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self.chosen.emit(p, False))
        if not paths:
            self.recent_menu.addAction("No other library opened yet").setEnabled(False)

    def _refuse(self, text: str) -> None:
        message_box(self._parent, QMessageBox.Icon.Warning, "Open library", text).open()
