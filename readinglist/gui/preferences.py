"""The user's preferences, kept in Qt's settings: theme, font size, how search runs, and
what an import does by default. One place names the keys and their defaults; the
preferences dialog edits them and `apply_look` puts the look into effect.

The library folder is not here: it is remembered where the command line finds it too
(system/library_choice.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from ..domain import Status
from .theme import THEME_CHOICES, apply_theme

THEME_SETTING = "prefs/theme"
FONT_SETTING = "prefs/font_size"  # points; 0 = the system's size
TYPE_SEARCH_SETTING = "prefs/search_as_you_type"
IMPORT_STATUS_SETTING = "prefs/import_status"  # AUTO_STATUS or a status value
COPY_PDFS_SETTING = "import/copy_pdfs"  # also the import options' last choice
AUTO_STATUS = "auto"  # bibliographies as Read (references), everything else to the Inbox
FONT_SIZES = (0, 9, 10, 11, 12, 13, 14, 16, 18)

_system_font: QFont | None = None  # the font the app started with, before any choice


@dataclass(frozen=True)
class Preferences:
    theme: str = "system"
    font_size: int = 0
    search_as_you_type: bool = True
    import_status: str = AUTO_STATUS
    copy_pdfs: bool = True

    def import_status_for(self) -> Status | None:
        """The status every import gets, or None to choose by the files' type."""
        if self.import_status == AUTO_STATUS:
            return None
        try:
            return Status.parse(self.import_status)
        except ValueError:
            return None


def load() -> Preferences:
    """The saved preferences; a value that makes no sense falls back to its default."""
    settings = QSettings()
    theme = str(settings.value(THEME_SETTING, "system"))
    try:
        font_size = int(str(settings.value(FONT_SETTING, 0)))
    except (TypeError, ValueError):
        font_size = 0
    status = str(settings.value(IMPORT_STATUS_SETTING, AUTO_STATUS))
    if status != AUTO_STATUS and Preferences(import_status=status).import_status_for() is None:
        status = AUTO_STATUS
    return Preferences(
        theme=theme if theme in THEME_CHOICES else "system",
        font_size=font_size if font_size in FONT_SIZES else 0,
        search_as_you_type=settings.value(TYPE_SEARCH_SETTING, True, type=bool) is True,
        import_status=status,
        copy_pdfs=settings.value(COPY_PDFS_SETTING, True, type=bool) is True,
    )


def save(prefs: Preferences) -> None:
    settings = QSettings()
    settings.setValue(THEME_SETTING, prefs.theme)
    settings.setValue(FONT_SETTING, prefs.font_size)
    settings.setValue(TYPE_SEARCH_SETTING, prefs.search_as_you_type)
    settings.setValue(IMPORT_STATUS_SETTING, prefs.import_status)
    settings.setValue(COPY_PDFS_SETTING, prefs.copy_pdfs)


def apply_look(app: QApplication, prefs: Preferences) -> None:
    """The theme and the font size, in effect for every window at once."""
    global _system_font
    if _system_font is None:
        _system_font = QFont(app.font())
    font = QFont(_system_font)
    if prefs.font_size:
        font.setPointSize(prefs.font_size)
    app.setFont(font)
    apply_theme(app, prefs.theme)
