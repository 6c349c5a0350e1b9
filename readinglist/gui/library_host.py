"""The app's one open library and its window, and switching to another library.

A switch opens the new library first and closes the old window only then: a library that
cannot be opened leaves the old one open as it was, and a window that refuses to close
(a note it could not save) keeps its library.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from ..domain import ReadinglistError
from ..library.service import Library
from ..system.library_choice import check_new_library_folder, is_library, remember_library
from .plain_text import message_box
from .window.main_window import MainWindow

Opener = Callable[[Path], Library]


class LibraryHost(QObject):
    """Holds `library` and `window`; `switched(path)` after another library is shown."""

    switched = Signal(object)

    def __init__(self, opener: Opener, demo: Path | None = None) -> None:
        super().__init__()
        self._open = opener
        self.demo = demo  # never remembered: it is not the user's library
        self.library: Library | None = None
        self.window: MainWindow | None = None

    def start(self, path: Path) -> MainWindow:
        """Open `path` and show its window (ReadinglistError if it cannot be opened)."""
        self.library = self._open(path)
        self.window = self._make_window(self.library)
        self.window.show()
        self._remember(path)
        return self.window

    def switch(self, path: Path, new: bool = False) -> bool:
        """Show the library at `path` instead (`new`: start an empty one there)."""
        old_window, old_library = self.window, self.library
        parent = old_window
        try:
            if new:
                check_new_library_folder(path)
            elif not is_library(path):
                raise ReadinglistError(f"{path} is not a Readinglist library (no "
                                       "library.sqlite): it was moved or deleted")
            if old_library is not None and old_library.folder.resolve() == path.resolve():
                return True  # already open
            library = self._open(path)
        except ReadinglistError as exc:
            message_box(parent, QMessageBox.Icon.Warning, "Open library",
                        f"Cannot open the library at {path}:\n{exc}").open()
            return False
        app = QApplication.instance()
        quits = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # between the two windows
        try:
            if old_window is not None and not old_window.close():
                library.close()  # the old window stays (it said why)
                return False
            if old_window is not None:
                old_window.deleteLater()
            if old_library is not None:
                old_library.close()
            self.library = library
            self.window = self._make_window(library)
            self.window.show()
        finally:
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(quits)
        self._remember(path)
        self.switched.emit(path)
        return True

    def _make_window(self, library: Library) -> MainWindow:
        window = MainWindow(library)
        # Queued: the old window finishes its menu or dialog before it is closed.
        window.libraryRequested.connect(self.switch, type=Qt.ConnectionType.QueuedConnection)
        return window

    def _remember(self, path: Path) -> None:
        if self.demo is None or path.expanduser().resolve() != self.demo.expanduser().resolve():
            remember_library(path)

    def close(self) -> None:
        if self.library is not None:
            self.library.close()
            self.library = None
