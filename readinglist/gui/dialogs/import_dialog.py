"""Import options, asked before files are imported: the status new papers get, a tag for
everything the import brings, whether entries the library already has are merged, and
whether PDFs are copied or linked.

The choices are remembered (Qt settings) for the next import, except the status: that
is the one chosen in the preferences, or by default follows the files, so a bibliography
comes in as references and anything else lands in the Inbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain import Status
from .. import preferences

COPY_SETTING = preferences.COPY_PDFS_SETTING  # also set in the preferences
MERGE_SETTING = "import/merge"
TAG_SETTING = "import/tag"
# Files that hold references to papers rather than papers to read: their entries come in
# as read (references) unless the user says otherwise. ".json" is CSL-JSON here; a
# Readinglist JSON export carries each paper's own status, which wins anyway.
BIBLIOGRAPHY_EXTENSIONS = frozenset(
    {".bib", ".bibtex", ".biblatex", ".ris", ".json", ".ciw", ".nbib"})
REFERENCES_LABEL = "As references (Read)"
MERGE_LABEL = "Merge entries the library already has (same DOI, arXiv id or record)"


@dataclass(frozen=True)
class ImportOptions:
    """How an import treats what it brings in (see Library.import_files)."""

    status: Status = Status.INBOX
    tag: str = ""  # "" = no tag
    merge: bool = True
    attach: str = "copy"  # PDFs: "copy" into the library folder, or "link" where they are

    @classmethod
    def for_paths(cls, paths: Sequence[Path]) -> ImportOptions:
        """The defaults for these files, without asking: no tag, merging on, the status
        their type suggests, PDFs copied or linked as last chosen."""
        copy = QSettings().value(COPY_SETTING, True, type=bool)
        return cls(status=default_status(paths), attach="copy" if copy else "link")


def status_label(status: Status) -> str:
    return REFERENCES_LABEL if status is Status.READ else status.label


def all_bibliographies(paths: Sequence[Path]) -> bool:
    """True when every path is a bibliography file by its extension (a folder is not)."""
    return bool(paths) and all(
        p.suffix.lower() in BIBLIOGRAPHY_EXTENSIONS and not p.is_dir() for p in paths)


def default_status(paths: Sequence[Path]) -> Status:
    """The status chosen in the preferences for every import, else the one these files
    suggest: bibliographies as references (Read), anything else to the Inbox."""
    chosen = preferences.load().import_status_for()
    if chosen is not None:
        return chosen
    return Status.READ if all_bibliographies(paths) else Status.INBOX


def remembered(paths: Sequence[Path]) -> ImportOptions:
    """The last choices, with the status these files suggest."""
    settings = QSettings()
    return ImportOptions(
        status=default_status(paths),
        tag=str(settings.value(TAG_SETTING, "") or ""),
        merge=bool(settings.value(MERGE_SETTING, True, type=bool)),
        attach="copy" if settings.value(COPY_SETTING, True, type=bool) else "link",
    )


def remember(options: ImportOptions) -> None:
    settings = QSettings()
    settings.setValue(TAG_SETTING, options.tag)
    settings.setValue(MERGE_SETTING, options.merge)
    settings.setValue(COPY_SETTING, options.attach == "copy")


def describe(paths: Sequence[Path]) -> str:
    """ "Import refs.bib", "Import 3 files: a.bib, b.ris, c.txt", "Import the folder x"."""
    if len(paths) == 1:
        kind = "the PDFs of the folder " if paths[0].is_dir() else ""
        return f"Import {kind}{paths[0].name}"
    names = ", ".join(p.name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
    return f"Import {len(paths)} files and folders: {names}"


class ImportOptionsDialog(QDialog):
    """Asks how to import `paths`; emits `optionsChosen(ImportOptions)` on Import."""

    optionsChosen = Signal(object)

    def __init__(self, paths: Sequence[Path], tags: Iterable[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.paths = list(paths)
        start = remembered(self.paths)
        layout = QVBoxLayout(self)
        what = QLabel(describe(self.paths))
        what.setTextFormat(Qt.TextFormat.PlainText)  # file names are the user's text
        what.setWordWrap(True)
        layout.addWidget(what)

        form = QFormLayout()
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("importStatus")
        for status in Status:
            self.status_combo.addItem(status_label(status), status)
        self.status_combo.setCurrentIndex(self.status_combo.findData(start.status))
        self.status_combo.setToolTip(
            "The status of the papers this import adds (a file that gives a paper's "
            "status keeps it). Bibliographies come in as references you have read.")
        form.addRow("Add papers &as:", self.status_combo)

        self.tag_edit = QLineEdit(start.tag)
        self.tag_edit.setObjectName("importTag")
        self.tag_edit.setPlaceholderText("optional: a tag for every paper of this import")
        completer = QCompleter(sorted(tags, key=str.casefold), self.tag_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_edit.setCompleter(completer)
        form.addRow("&Tag:", self.tag_edit)
        layout.addLayout(form)

        self.merge_check = QCheckBox(MERGE_LABEL)
        self.merge_check.setChecked(start.merge)
        self.merge_check.setToolTip(
            "Off: every entry becomes a paper of its own, even one the library has")
        layout.addWidget(self.merge_check)
        self.copy_check = QCheckBox("&Copy PDFs into the library folder")
        self.copy_check.setChecked(start.attach == "copy")
        self.copy_check.setToolTip("Off: PDFs are linked where they are")
        layout.addWidget(self.copy_check)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def options(self) -> ImportOptions:
        return ImportOptions(
            status=Status(self.status_combo.currentData()),
            tag=" ".join(self.tag_edit.text().split()),  # as the library keeps tags
            merge=self.merge_check.isChecked(),
            attach="copy" if self.copy_check.isChecked() else "link",
        )

    def set_status(self, status: Status) -> None:
        self.status_combo.setCurrentIndex(self.status_combo.findData(status))

    def accept(self) -> None:
        options = self.options()
        remember(options)
        super().accept()
        self.optionsChosen.emit(options)
