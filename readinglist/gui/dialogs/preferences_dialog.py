"""Preferences (Ctrl+,): the library folder (switch, recent, new), the look (theme and
font size), how search runs, and what an import does by default.

The look and the search take effect on OK or Apply; a library is opened at once, from
its button, as File > Open library does (the window is then replaced by one on that
library).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...domain import Status
from ...system.library_choice import recent_libraries
from .. import preferences
from ..preferences import AUTO_STATUS, FONT_SIZES, Preferences

THEME_LABELS = {"system": "Same as the system", "light": "Light", "dark": "Dark"}
AUTO_STATUS_LABEL = "By file type (bibliographies as Read, the rest to the Inbox)"


class PreferencesDialog(QDialog):
    """Emits `applied(Preferences)` when the choices are saved (OK or Apply), and
    `libraryRequested(path, new)` for a library to open (`new`: create it there)."""

    applied = Signal(object)
    libraryRequested = Signal(object, bool)
    openRequested = Signal()  # "Open library…": the window asks for the folder
    newRequested = Signal()  # "New library…"

    def __init__(self, current_library: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferences")
        start = preferences.load()
        layout = QVBoxLayout(self)
        layout.addWidget(self._library_group(current_library))
        layout.addWidget(self._look_group(start))
        layout.addWidget(self._work_group(start))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.clicked.connect(self._clicked)
        self.buttons = buttons
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    # -- the sections ----------------------------------------------------------------------

    def _library_group(self, current: Path) -> QGroupBox:
        group = QGroupBox("Library")
        box = QVBoxLayout(group)
        self.current_label = QLabel(f"Open now: {current}")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)  # a path, not markup
        self.current_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.current_label.setWordWrap(True)
        box.addWidget(self.current_label)
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentLibraries")
        self.recent_list.setMaximumHeight(110)
        here = current.expanduser().resolve()
        for path in recent_libraries():
            if path.resolve() == here:
                continue
            item = QListWidgetItem(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent_list.addItem(item)
        self.recent_list.itemActivated.connect(lambda _item: self.open_recent())
        if self.recent_list.count():
            box.addWidget(QLabel("Recent libraries (double-click to open):"))
            box.addWidget(self.recent_list)
        else:
            self.recent_list.hide()
        row = QHBoxLayout()
        self.open_recent_button = QPushButton("Open selected")
        self.open_recent_button.setEnabled(False)
        self.open_recent_button.setVisible(self.recent_list.count() > 0)
        self.recent_list.currentRowChanged.connect(
            lambda r: self.open_recent_button.setEnabled(r >= 0))
        self.open_recent_button.clicked.connect(self.open_recent)
        open_button = QPushButton("&Open library…")
        open_button.setToolTip("Open another library folder (File > Open library)")
        open_button.clicked.connect(self._open_other)
        new_button = QPushButton("&New library…")
        new_button.setToolTip("Start an empty library in a new or empty folder")
        new_button.clicked.connect(self._new)
        for button in (self.open_recent_button, open_button, new_button):
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        return group

    def _look_group(self, start: Preferences) -> QGroupBox:
        group = QGroupBox("Look")
        form = QFormLayout(group)
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("themeChoice")
        for key, label in THEME_LABELS.items():
            self.theme_combo.addItem(label, key)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(start.theme))
        form.addRow("&Theme:", self.theme_combo)
        self.font_combo = QComboBox()
        self.font_combo.setObjectName("fontSize")
        for size in FONT_SIZES:
            self.font_combo.addItem("The system's size" if size == 0 else f"{size} pt", size)
        self.font_combo.setCurrentIndex(max(0, self.font_combo.findData(start.font_size)))
        form.addRow("&Font size:", self.font_combo)
        return group

    def _work_group(self, start: Preferences) -> QGroupBox:
        group = QGroupBox("Search and import")
        form = QFormLayout(group)
        self.type_search_check = QCheckBox("Search as you type (otherwise when Enter is pressed)")
        self.type_search_check.setChecked(start.search_as_you_type)
        form.addRow(self.type_search_check)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("importStatusChoice")
        self.status_combo.addItem(AUTO_STATUS_LABEL, AUTO_STATUS)
        for status in Status:
            self.status_combo.addItem(status.label, status.value)
        chosen = start.import_status_for()  # an old name ("unread") read as the new one
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(
            chosen.value if chosen is not None else AUTO_STATUS)))
        form.addRow("Imported papers &arrive as:", self.status_combo)
        self.copy_radio = QRadioButton("&Copy them into the library folder")
        self.link_radio = QRadioButton("&Link them where they are")
        (self.copy_radio if start.copy_pdfs else self.link_radio).setChecked(True)
        self._pdf_group = QButtonGroup(self)
        pdfs = QVBoxLayout()
        for radio in (self.copy_radio, self.link_radio):
            self._pdf_group.addButton(radio)
            pdfs.addWidget(radio)
        form.addRow("Imported PDFs:", pdfs)
        return group

    # -- results ---------------------------------------------------------------------------

    def chosen(self) -> Preferences:
        return Preferences(
            theme=str(self.theme_combo.currentData()),
            font_size=int(self.font_combo.currentData()),
            search_as_you_type=self.type_search_check.isChecked(),
            import_status=str(self.status_combo.currentData()),
            copy_pdfs=self.copy_radio.isChecked(),
        )

    def apply(self) -> None:
        prefs = self.chosen()
        preferences.save(prefs)
        self.applied.emit(prefs)

    def accept(self) -> None:
        self.apply()
        super().accept()

    def _clicked(self, button: QAbstractButton) -> None:
        if self.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.ApplyRole:
            self.apply()

    def open_recent(self) -> None:
        item = self.recent_list.currentItem()
        if item is None:
            return
        self.reject()
        self.libraryRequested.emit(Path(item.data(Qt.ItemDataRole.UserRole)), False)

    def _open_other(self) -> None:
        self.reject()
        self.openRequested.emit()

    def _new(self) -> None:
        self.reject()
        self.newRequested.emit()
