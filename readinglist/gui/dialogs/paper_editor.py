"""The paper editor: every field of a paper in one dialog, checked as the user types.

Opened on a paper it edits it ("Edit paper"); opened on none it is empty and adds one
("Add paper"). It only reads: `changes()` (or `new_paper()`) says what to write, and the
caller writes it as one undoable command (gui/window/paper_editing.py). The authors are
one a line ("Last, First"), in the paper's order: the simplest box that keeps the order
and takes a pasted list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import Paper
from ...library.service import Library
from .paper_checks import (
    ENTRY_TYPES,
    OWN_BOXES,
    check_arxiv,
    check_citation_key,
    check_doi,
    check_entry_type,
    check_extra,
    check_title,
    check_year_text,
    split_authors,
    without_empty,
)

# The fields `changes()` may name, in the order of the form.
FIELDS = ("entry_type", "title", "authors", "year", "venue", "doi", "arxiv_id", "url",
          "citation_key", "abstract", "extra")


def _line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


class PaperEditor(QDialog):
    """Edit `paper`'s fields, or (paper None) fill in a new paper's.

    `save(editor)` is called by OK; the dialog closes only when it returns True (the
    write succeeded), so nothing typed is lost to a failed write."""

    def __init__(self, library: Library, paper: Paper | None = None,
                 parent: QWidget | None = None,
                 save: Callable[[PaperEditor], bool] | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.paper = paper
        self.save = save
        self.setObjectName("paperEditor")
        self.setWindowTitle(f"Edit paper #{paper.id}" if paper else "Add paper")
        self.problems: dict[str, str] = {}
        self.messages: dict[str, QLabel] = {}
        # The text the authors and abstract boxes were filled with: left so, the paper's
        # own value is kept (a box may tidy line ends or spaces the paper has).
        self._shown: dict[str, str] = {}
        self._build()
        self._fill(paper)
        self.check()

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self.type_box = QComboBox()
        self.type_box.setEditable(True)
        self.type_box.addItems(ENTRY_TYPES)
        self.type_box.setToolTip("The BibTeX entry type (choose one, or type another)")
        self.title_edit = _line()
        self.authors_edit = QPlainTextEdit()
        self.authors_edit.setPlaceholderText("One author a line, as “Last, First”\n"
                                             "(in the paper's order)")
        self.authors_edit.setTabChangesFocus(True)
        self.authors_edit.setFixedHeight(96)
        self.year_edit = _line(placeholder="2024")
        self.venue_edit = _line(placeholder="Journal, conference or series")
        self.extra_boxes = {name: _line() for name in OWN_BOXES}
        self.doi_edit = _line(placeholder="10.1234/abc")
        self.arxiv_edit = _line(placeholder="2401.12345")
        self.url_edit = _line(placeholder="https://…")
        self.key_edit = _line(placeholder="" if self.paper else "made from author, year and title")
        self.abstract_edit = QPlainTextEdit()
        self.abstract_edit.setTabChangesFocus(True)
        self.extra_table = QTableWidget(0, 2)
        self.extra_table.setHorizontalHeaderLabels(["Field", "Value"])
        self.extra_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.extra_table.verticalHeader().hide()
        self.extra_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_row_button = QPushButton("Add field")
        self.add_row_button.clicked.connect(lambda: self.add_extra_row("", "", edit=True))
        self.remove_row_button = QPushButton("Remove field")
        self.remove_row_button.clicked.connect(self.remove_extra_rows)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Type", self._checked("entry_type", self.type_box))
        form.addRow("&Title", self._checked("title", self.title_edit))
        form.addRow("&Authors", self.authors_edit)
        form.addRow("&Year", self._checked("year", self.year_edit))
        form.addRow("&Venue", self.venue_edit)
        numbers = QHBoxLayout()
        for name in ("volume", "number", "pages"):
            numbers.addWidget(QLabel(name.capitalize()))
            numbers.addWidget(self.extra_boxes[name], 1)
        form.addRow("", numbers)
        form.addRow("&Publisher", self.extra_boxes["publisher"])
        form.addRow("&DOI", self._checked("doi", self.doi_edit))
        form.addRow("a&rXiv id", self._checked("arxiv_id", self.arxiv_edit))
        form.addRow("&URL", self.url_edit)
        form.addRow("Citation &key", self._checked("citation_key", self.key_edit))

        right = QVBoxLayout()
        right.addWidget(QLabel("Abstract"))
        right.addWidget(self.abstract_edit, 2)
        right.addWidget(QLabel("Other BibTeX fields"))
        right.addWidget(self.extra_table, 1)
        self.messages["extra"] = self._message_label()
        right.addWidget(self.messages["extra"])
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_row_button)
        row_buttons.addWidget(self.remove_row_button)
        row_buttons.addStretch(1)
        right.addLayout(row_buttons)

        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addLayout(right, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save" if self.paper else "Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.error_label = self._message_label()  # a failed write
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(960, 620)

        for edit in (self.title_edit, self.year_edit, self.doi_edit, self.arxiv_edit,
                     self.key_edit):
            edit.textChanged.connect(self.check)
        self.type_box.currentTextChanged.connect(self.check)
        self.extra_table.itemChanged.connect(self.check)

    def _message_label(self) -> QLabel:
        label = QLabel()
        label.setObjectName("fieldProblem")  # coloured as an error by style.qss
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.hide()
        return label

    def _checked(self, name: str, editor: QWidget) -> QWidget:
        """The editor with the line under it that says what is wrong with it."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.messages[name] = self._message_label()
        layout.addWidget(self.messages[name])
        return box

    def _fill(self, paper: Paper | None) -> None:
        if paper is None:
            self.type_box.setCurrentText("article")
            return
        self.type_box.setCurrentText(paper.entry_type)
        type_line = self.type_box.lineEdit()
        if type_line is not None:  # none given (a Daily Papers entry): say what fits
            type_line.setPlaceholderText("article, inproceedings, misc…")
        self.title_edit.setText(paper.title)
        self._shown["authors"] = "\n".join(paper.authors)
        self.authors_edit.setPlainText(self._shown["authors"])
        self.year_edit.setText("" if paper.year is None else str(paper.year))
        self.venue_edit.setText(paper.venue)
        self.doi_edit.setText(paper.doi)
        self.arxiv_edit.setText(paper.arxiv_id)
        self.url_edit.setText(paper.url)
        self.key_edit.setText(paper.citation_key)
        self.abstract_edit.setPlainText(paper.abstract)
        self._shown["abstract"] = self.abstract_edit.toPlainText()
        extra = without_empty(paper.extra)
        for name, box in self.extra_boxes.items():
            box.setText(extra.get(name, ""))
        for name, value in extra.items():
            if name not in OWN_BOXES:
                self.add_extra_row(name, value)
        for line in (self.title_edit, self.venue_edit, self.url_edit, *self.extra_boxes.values()):
            line.setCursorPosition(0)  # a long title shows its beginning, not its end

    # -- the other fields' table ----------------------------------------------------------

    def add_extra_row(self, name: str, value: str, edit: bool = False) -> None:
        table = self.extra_table
        row = table.rowCount()
        table.blockSignals(True)
        table.insertRow(row)
        name_item = QTableWidgetItem(name)
        table.setItem(row, 0, name_item)
        table.setItem(row, 1, QTableWidgetItem(value))
        table.blockSignals(False)
        if edit:
            table.setCurrentCell(row, 0)
            table.editItem(name_item)
        self.check()

    def remove_extra_rows(self) -> None:
        rows = sorted({index.row() for index in self.extra_table.selectedIndexes()}
                      or ({self.extra_table.currentRow()} - {-1}), reverse=True)
        for row in rows:
            self.extra_table.removeRow(row)
        self.check()

    def extra_rows(self) -> list[tuple[str, str]]:
        table = self.extra_table
        rows = []
        for row in range(table.rowCount()):
            name, value = table.item(row, 0), table.item(row, 1)
            rows.append((name.text() if name else "", value.text() if value else ""))
        return rows

    # -- checking and reading -------------------------------------------------------------

    def _original(self, name: str) -> str:
        """The paper's value of a checked field as its box showed it ("" for a new one)."""
        if self.paper is None:
            return ""
        value = getattr(self.paper, name)
        return "" if value is None else str(value)

    def _unless_untouched(self, name: str, text: str, read: Callable[[str], Any]) -> Any:
        if self.paper is not None and self._shown.get(name) == text:
            return current_values(self.paper, [name])[name]
        return read(text)

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Every field as the library stores it, and what is wrong (field -> message).
        A DOI, arXiv id or year left as the paper had it is not checked again: an
        import's odd value does not stop the user from fixing the title."""
        problems: dict[str, str] = {}
        values: dict[str, Any] = {}

        def take(name: str, checked: tuple[Any, str], text: str | None = None) -> None:
            values[name], problem = checked
            if problem and (text is None or text.strip() != self._original(name)):
                problems[name] = problem

        take("entry_type", check_entry_type(self.type_box.currentText()))
        take("title", check_title(self.title_edit.text()))
        values["authors"] = self._unless_untouched(
            "authors", self.authors_edit.toPlainText(), split_authors)
        year = self.year_edit.text()
        take("year", check_year_text(year), year)
        values["venue"] = self.venue_edit.text().strip()
        take("doi", check_doi(self.doi_edit.text()), self.doi_edit.text())
        take("arxiv_id", check_arxiv(self.arxiv_edit.text()), self.arxiv_edit.text())
        values["url"] = self.url_edit.text().strip()
        key = self.key_edit.text().strip()
        original_key = self.paper.citation_key if self.paper else ""
        taken = bool(key) and key != original_key and not self.library.citation_key_free(
            key, self.paper.id if self.paper else None)
        take("citation_key", check_citation_key(key, bool(original_key), taken))
        values["abstract"] = self._unless_untouched(
            "abstract", self.abstract_edit.toPlainText(), str.strip)
        extra, problem = check_extra(self.extra_rows())
        if problem:
            problems["extra"] = problem
        for name, box in self.extra_boxes.items():
            if box.text().strip():
                extra[name] = box.text().strip()
        values["extra"] = extra
        return values, problems

    def check(self) -> bool:
        """Show what is wrong beside each field; OK is enabled only when nothing is."""
        _values, self.problems = self.values()
        for name, label in self.messages.items():
            label.setText(self.problems.get(name, ""))
            label.setVisible(name in self.problems)
        self.ok_button.setEnabled(not self.problems)
        return not self.problems

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from the paper's (all filled ones for a new
        paper), as `library.update` takes them."""
        values, _problems = self.values()
        if self.paper is None:
            return {name: value for name, value in values.items() if value}
        before = current_values(self.paper, FIELDS)
        return {name: values[name] for name in FIELDS if values[name] != before[name]}

    def new_paper(self) -> tuple[str, dict[str, Any]]:
        """The title and the other fields of a paper to add (`library.add(title, **…)`)."""
        fields = self.changes()
        return fields.pop("title", ""), fields

    def show_error(self, message: str) -> None:
        """A write failed: say why, and keep the dialog (and what was typed) open."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def accept(self) -> None:
        if not self.check():
            return
        if self.save is not None and not self.save(self):
            return
        super().accept()


def current_values(paper: Paper, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The paper's values of these fields as the editor compares (and undo writes) them."""
    values: dict[str, Any] = {}
    for name in names:
        value = getattr(paper, name)
        if name == "authors":
            value = list(value)
        elif name == "extra":
            value = without_empty(value)
        values[name] = value
    return values
