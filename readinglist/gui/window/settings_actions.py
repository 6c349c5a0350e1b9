"""The window's Preferences (Ctrl+,) and library choice: opens the dialog, puts saved
preferences into effect, and passes a chosen library on to the app."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from .. import preferences
from ..dialogs.preferences_dialog import PreferencesDialog
from ..preferences import Preferences
from .library_menu import LibraryMenu
from .search_controller import SearchController


class SettingsActions(QObject):
    """`libraryRequested(path, new)`: the user chose a library to open (or to create)."""

    libraryRequested = Signal(object, bool)

    def __init__(self, folder: Path, search: SearchController, parent: QWidget) -> None:
        super().__init__(parent)
        self.folder = folder
        self.search = search
        self._parent = parent
        self.dialog: PreferencesDialog | None = None
        self.library_menu = LibraryMenu(folder, parent)
        self.library_menu.chosen.connect(self.libraryRequested)
        search.set_type_to_search(preferences.load().search_as_you_type)

    def open_preferences(self) -> PreferencesDialog:
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        dialog = PreferencesDialog(self.folder, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(self.apply)
        dialog.libraryRequested.connect(self.libraryRequested)
        dialog.openRequested.connect(self.library_menu.choose_existing)
        dialog.newRequested.connect(self.library_menu.choose_new)
        dialog.destroyed.connect(self._dialog_gone)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_gone(self) -> None:
        self.dialog = None

    def apply(self, prefs: Preferences) -> None:
        """Saved preferences in effect: the look for the whole app, the search here. (The
        import choices are read at each import.)"""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            preferences.apply_look(app, prefs)
        self.search.set_type_to_search(prefs.search_as_you_type)
