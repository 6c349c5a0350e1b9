"""The import report view: counts that filter, a text filter, a lazy table of every entry,
opening a paper, Show these papers (the sidebar's Last import), Review possible
duplicates, Save report; and nothing from a file shown as markup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from readinglist.domain import ImportReport, Outcome, ReportEntry
from readinglist.gui.app import make_app
from readinglist.gui.dialogs.duplicates_dialog import DuplicatesDialog
from readinglist.gui.dialogs.import_dialog import ImportOptions
from readinglist.gui.dialogs.import_report import (
    COL_DETAIL,
    COL_OUTCOME,
    COL_PAPER,
    COL_TITLE,
    COL_WHERE,
    OUTCOME_LABELS,
    ImportReportDialog,
    ImportReportModel,
    count_text,
)
from readinglist.gui.window.main_window import MainWindow
from readinglist.gui.window.sidebar import LAST_IMPORT, LAST_IMPORT_LABEL

pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py

BIB = (
    "@article{lecun, title={Deep learning}, author={LeCun, Yann}, year=2015,"
    " doi={10.1038/nature14539}}\n"
    "@inproceedings{vaswani, title={Attention is all you need}, author={Vaswani, Ashish},"
    " year=2017}\n"
    "@article{again, title={Deep learning}, author={LeCun, Yann}, year=2015,"
    " doi={10.1038/nature14539}}\n"
    "@article{bad, title={Broken entry}, year=2015\n"
)
RIS = (
    "TY  - JOUR\nTI  - Deep Learning\nAU  - LeCun, Yann\nPY  - 2015\nKW  - classic\nER  - \n"
    "TY  - JOUR\nTI  - Attention is all you need\nAU  - Vaswani, Ashish\nER  - \n"
    "TY  - JOUR\nTI  - Sequence to sequence learning\nPY  - 2014\nER  - \n"
    "TY  - JOUR\nTI  - Deep learning\nDO  - 10.1038/nature14539\nER  - \n"
    "TY  - JOUR\nTI  - Sequence to sequence learning\nAU  - Sutskever, Ilya\nER  - \n"
)
CSV = "title,status\nScaling laws,bogus\n"


@pytest.fixture
def window(empty_window: MainWindow) -> MainWindow:
    return empty_window


def _files(folder: Path) -> list[Path]:
    """Files whose import has every outcome: added, merged, already present, possible
    duplicates, a failure and a warning."""
    contents = {"refs.bib": BIB, "more.ris": RIS, "list.csv": CSV}
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in contents]


def _import(qtbot, win: MainWindow, paths: list[Path]) -> ImportReportDialog:
    """Import with the default options (as the dialog offers them); the report view."""
    win.transfer.report_dialog = None
    win.import_files(paths, ImportOptions(tag="imported"))
    qtbot.waitUntil(lambda: win.transfer.report_dialog is not None
                    and win.transfer.report_dialog.isVisible(), timeout=10000)
    return win.transfer.report_dialog


def _column(view: ImportReportDialog, column: int) -> list[str]:
    model = view.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_the_counts_are_the_reports_and_each_filters_the_lines(qtbot, window, tmp_path):
    view = _import(qtbot, window, _files(tmp_path))
    report = view.report
    counts = report.counts()
    assert all(counts.values())  # the files give every outcome
    for outcome, label in OUTCOME_LABELS.items():
        assert view.count_buttons[outcome].text() == count_text(label, counts[outcome])
    assert view.all_button.text() == count_text("All", sum(counts.values()))
    assert view.model.rowCount() == sum(counts.values())
    assert view.summary_label.text() == report.summary()

    qtbot.mouseClick(view.count_buttons[Outcome.POSSIBLE], Qt.MouseButton.LeftButton)
    assert _column(view, COL_OUTCOME) == ["possible duplicate"] * counts[Outcome.POSSIBLE]
    assert _column(view, COL_PAPER) == [f"#{new}" for new, _other, _why in report.possible]
    assert all(detail.startswith("may be the same as #") for detail in _column(view, COL_DETAIL))

    qtbot.mouseClick(view.count_buttons[Outcome.FAILED], Qt.MouseButton.LeftButton)
    assert _column(view, COL_WHERE) == ["refs.bib:4"]
    qtbot.mouseClick(view.all_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == sum(counts.values())


def test_the_text_filter_narrows_the_lines_within_the_outcome(qtbot, window, tmp_path):
    view = _import(qtbot, window, _files(tmp_path))
    qtbot.keyClicks(view.text_filter, "SEQUENCE")
    assert _column(view, COL_TITLE) == ["Sequence to sequence learning"] * 2
    view.filter_by(Outcome.ADDED)
    assert _column(view, COL_WHERE) == ["RIS (more.ris):11"]
    view.text_filter.clear()
    assert set(_column(view, COL_OUTCOME)) == {"added"}
    assert view.model.rowCount() == view.report.counts()[Outcome.ADDED]


def test_files_that_could_not_be_read_are_named(qtbot, window, tmp_path):
    missing = tmp_path / "gone.bib"
    view = _import(qtbot, window, [*_files(tmp_path), missing])
    assert view.unreadable_label.isVisibleTo(view)
    assert "gone.bib" in view.unreadable_label.text()


def test_double_clicking_a_line_opens_its_paper(qtbot, window, tmp_path):
    window.library.add("Unrelated paper")
    view = _import(qtbot, window, _files(tmp_path))
    view.filter_by(Outcome.POSSIBLE)
    index = view.model.index(1, COL_TITLE)
    qtbot.waitExposed(view)
    center = view.table.visualRect(index).center()
    # A press and release first, as a real double-click starts (Qt's item views need it).
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    wanted = view.report.possible[1][0]
    assert window.current_paper_id() == wanted
    assert window.detail.paper.id == wanted


def test_show_these_papers_lists_the_last_import(qtbot, window, tmp_path):
    old = window.library.add("A paper from before").paper.id
    window.reload()
    view = _import(qtbot, window, _files(tmp_path))
    imported = window.library.last_import_ids()
    assert old not in imported and len(imported) == 6
    window.search_box.setText("learning")  # a search does not hide any of them
    qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    assert window.sidebar.current_filter == LAST_IMPORT
    assert window.sidebar.currentItem().text(0) == LAST_IMPORT_LABEL
    assert window.sidebar.currentItem().text(1) == "6"
    assert window.search_box.text() == ""
    assert sorted(window.model.ids) == sorted(imported)


def test_searching_the_last_import_finds_only_its_papers(qtbot, window, tmp_path):
    window.library.add("Deep learning for the old paper")
    view = _import(qtbot, window, _files(tmp_path))
    qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    assert window.library.wait_for_index()
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        qtbot.keyClicks(window.search_box, "deep")
    assert window.model.ids == [2]  # "Deep learning" of the import, not the older one
    assert window.sidebar.current_filter == LAST_IMPORT
    assert window.sidebar.currentItem().text(1) == "1"


def test_last_import_is_listed_only_when_the_last_import_has_papers(qtbot, window, tmp_path):
    def listed() -> list[str]:
        section = window.sidebar.topLevelItem(0)
        return [section.child(i).text(0) for i in range(section.childCount())]

    assert LAST_IMPORT_LABEL not in listed()
    _import(qtbot, window, _files(tmp_path))
    assert LAST_IMPORT_LABEL in listed()
    assert listed().index(LAST_IMPORT_LABEL) == len(listed()) - 1  # after the statuses
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{bad, title={Broken entry}, year=2015\n", encoding="utf-8")
    _import(qtbot, window, [broken])
    assert LAST_IMPORT_LABEL not in listed()


def test_review_possible_duplicates_asks_for_the_new_papers(qtbot, window, tmp_path):
    view = _import(qtbot, window, _files(tmp_path))
    asked: list[list[int]] = []
    view.reviewDuplicates.disconnect()
    view.reviewDuplicates.connect(asked.append)
    assert view.review_button.isEnabled()
    qtbot.mouseClick(view.review_button, Qt.MouseButton.LeftButton)
    assert asked == [[new for new, _other, _why in view.report.possible]]

    plain = tmp_path / "plain.bib"
    plain.write_text("@article{x, title={Only one}, year=2020}\n", encoding="utf-8")
    assert not _import(qtbot, window, [plain]).review_button.isEnabled()


def test_review_possible_duplicates_opens_find_duplicates_on_those_papers(
        qtbot, window, tmp_path):
    view = _import(qtbot, window, _files(tmp_path))
    new_ids = [new for new, _other, _why in view.report.possible]
    with qtbot.waitSignal(view.reviewDuplicates, timeout=5000):
        qtbot.mouseClick(view.review_button, Qt.MouseButton.LeftButton)
    review = window.transfer.review_dialog
    assert isinstance(review, DuplicatesDialog)
    qtbot.waitUntil(review.isVisible, timeout=5000)
    assert review.only_ids == new_ids
    assert review.windowTitle() != "Find duplicates"  # not the whole library's


def test_save_report_writes_the_reports_json(qtbot, window, tmp_path):
    view = _import(qtbot, window, _files(tmp_path))
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text("an older report", encoding="utf-8")
    assert view.save(target)
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(view.report.to_dict()))
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temp left


def test_a_title_with_markup_is_shown_as_typed(qtbot, window, tmp_path):
    bib = tmp_path / "<i>refs.bib"
    bib.write_text("@article{k, title={<b>x</b> marks the spot}, year=2020}\n",
                   encoding="utf-8")
    view = _import(qtbot, window, [bib, tmp_path / "<b>missing</b>.ris"])
    index = view.model.index(0, COL_TITLE)
    assert view.model.data(index) == "<b>x</b> marks the spot"
    assert "&lt;b&gt;" in view.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "<b>missing</b>.ris" in view.unreadable_label.text()
    for label in view.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def _big_report(lines: int) -> ImportReport:
    entries = [ReportEntry(Outcome.ADDED, "big.bib", n, f"key{n}", n, f"Paper {n}")
               for n in range(1, lines + 1)]
    return ImportReport(added=[(e.paper_id, e.title) for e in entries], entries=entries)


def test_a_report_of_20000_lines_formats_only_what_is_drawn(qtbot, monkeypatch):
    make_app()
    formatted: list[int] = []
    where = ReportEntry.where
    monkeypatch.setattr(ReportEntry, "where",
                        lambda self: formatted.append(self.line) or where(self))
    view = ImportReportDialog(_big_report(20_000))
    qtbot.addWidget(view)
    assert view.model.rowCount() == 20_000
    assert view.all_button.text() == "All: 20000"
    assert formatted == []  # making it formats no line
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: bool(formatted))  # the lines in sight are drawn ...
    assert max(formatted) < 200  # ... and only those
    formatted.clear()
    model = view.model
    assert model.data(model.index(19_999, COL_WHERE)) == "big.bib:20000"
    assert formatted == [20_000]


def test_report_model_passes_qt_model_checks(qtmodeltester):
    model = ImportReportModel(_big_report(50).all_entries())
    qtmodeltester.check(model)
    model.set_filter(Outcome.ADDED, "paper 4")
    assert model.rowCount() == 11  # Paper 4 and Paper 40 to 49
    qtmodeltester.check(model)
