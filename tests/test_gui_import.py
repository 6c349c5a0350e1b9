"""Bringing papers in from the window: the import options asked first (status, tag,
merging), several files at once (as dropped), pasted arXiv ids and DOIs, Fetch details,
and attachments shown in the detail pane."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_factory import write_pdf
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from readinglist import Status
from readinglist.domain import Outcome
from readinglist.gui.dialogs.import_dialog import REFERENCES_LABEL, ImportOptionsDialog
from readinglist.gui.dialogs.import_report import ImportReportDialog
from readinglist.gui.table.paper_table_model import COL_TITLE
from readinglist.gui.window.main_window import MainWindow
from readinglist.system.locations import sample_page_path

pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py


@pytest.fixture
def window(empty_window: MainWindow) -> MainWindow:
    return empty_window


def _drop(win: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    win.dropEvent(event)


def _visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def _options(qtbot, win: MainWindow) -> ImportOptionsDialog:
    """The import options dialog, once it shows."""
    qtbot.waitUntil(lambda: win.transfer.options_dialog is not None
                    and win.transfer.options_dialog.isVisible(), timeout=5000)
    return win.transfer.options_dialog


def _click_import(qtbot, win: MainWindow, dialog: ImportOptionsDialog) -> None:
    """Press Import in the options dialog and wait for the import to finish."""
    win.transfer.last_import = None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.import_action.isEnabled() and win.last_import is not None,
                    timeout=10000)


def _report_view(qtbot, win: MainWindow) -> ImportReportDialog:
    qtbot.waitUntil(lambda: win.transfer.report_dialog is not None
                    and win.transfer.report_dialog.isVisible(), timeout=5000)
    return win.transfer.report_dialog


def _sidebar_count(win: MainWindow, label: str) -> str | None:
    """The count the sidebar shows next to `label`, None when it is not listed."""
    tree = win.sidebar
    for i in range(tree.topLevelItemCount()):
        section = tree.topLevelItem(i)
        for j in range(section.childCount()):
            if section.child(j).text(0) == label and not section.isHidden():
                return section.child(j).text(1)
    return None


def _close_report(qtbot) -> str:
    """Text of the message box (Add by identifier), which is then closed."""
    qtbot.waitUntil(lambda: bool(_visible_boxes()), timeout=5000)
    box = _visible_boxes()[0]
    text = box.text() + "\n" + box.detailedText()
    box.close()
    return text


def test_dropping_files_of_several_formats_imports_them_in_one_go(qtbot, window, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title={Deep learning}, author={LeCun, Yann}, year=2015}\n"
                   "@article{b, title={Broken entry}, year=2015\n", encoding="utf-8")
    ris = tmp_path / "refs.ris"
    ris.write_text("TY  - JOUR\nTI  - Deep Learning\nAU  - LeCun, Yann\nPY  - 2015\n"
                   "KW  - classic\nER  - \n"
                   "TY  - JOUR\nTI  - Sequence to sequence learning\nPY  - 2014\nER  - \n",
                   encoding="utf-8")
    _drop(window, [bib, ris])
    _click_import(qtbot, window, _options(qtbot, window))
    report = window.last_import
    assert sorted(t for _, t in report.added) == ["Deep learning",
                                                  "Sequence to sequence learning"]
    assert len(report.merged) == 1  # the RIS copy of "Deep learning" added its tag
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    view = _report_view(qtbot, window)
    outcomes = [view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())]
    assert outcomes == ["added", "failed", "merged", "added"]  # file by file, line by line


def test_pasting_an_arxiv_id_into_the_table_adds_the_paper(qtbot, window, lookup_server):
    QApplication.clipboard().setText("https://arxiv.org/abs/1706.03762\n")
    window.table.setFocus()
    window.paste_identifiers()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10000)
    titles = [window.model.data(window.model.index(0, COL_TITLE))]
    assert titles == ["Attention Is All You Need"]
    assert "#1 Attention Is All You Need" in _close_report(qtbot)


def test_pasting_text_without_identifiers_says_so_and_adds_nothing(qtbot, window):
    QApplication.clipboard().setText("just some words")
    window.paste_identifiers()
    assert "Nothing to add" in window.statusBar().currentMessage()
    assert window.library.count() == 0


def test_fetch_details_completes_a_paper_added_offline(qtbot, window, monkeypatch):
    from lookup_server import closed_port_url, serve_recorded

    monkeypatch.setenv("READINGLIST_CROSSREF_API", closed_port_url())
    paper, _ = window.library.add_identifier("10.1038/nature14539")
    window.reload()
    window.open_paper(paper.id)
    assert window.detail.fetch_button.isVisibleTo(window.detail)
    with serve_recorded() as base:
        monkeypatch.setenv("READINGLIST_CROSSREF_API", base)
        qtbot.mouseClick(window.detail.fetch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.detail.title.text() == "Deep learning", timeout=10000)
    assert "Yann LeCun" in window.detail.authors.text()
    assert not window.detail.fetch_button.isVisibleTo(window.detail)


def test_an_imported_pdf_shows_as_a_link_to_its_copy(qtbot, window, tmp_path):
    pdf = write_pdf(tmp_path / "engine.pdf", [[("Analytical Engines Revisited", 18),
                                                "Abstract", "Engines compute."]])
    window.import_files([pdf])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10000)
    paper = window.library.list()[0]
    window.open_paper(paper.id)
    link = window.detail.links.text()
    assert "engine.pdf" in link and "file://" in link
    assert Path(paper.attachments[0].path).parent == window.library.folder / "files"


# -- the import options ----------------------------------------------------------------


BIB = ("@article{lecun, title={Deep learning}, author={LeCun, Yann}, year=2015,\n"
       "  doi={10.1038/nature14539}}\n"
       "@inproceedings{vaswani, title={Attention is all you need}, author={Vaswani, Ashish},"
       " year=2017}\n")


def test_a_bibliography_comes_in_as_references_and_a_daily_papers_page_in_the_inbox(
        qtbot, window, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    _drop(window, [bib])
    dialog = _options(qtbot, window)
    assert dialog.status_combo.currentText() == REFERENCES_LABEL
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(
        QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.transfer.options_dialog is None, timeout=5000)
    _drop(window, [sample_page_path()])
    assert _options(qtbot, window).status_combo.currentText() == "Inbox"
    # A bibliography mixed with other files is not all references.
    window.transfer.options_dialog.reject()
    _drop(window, [bib, sample_page_path()])
    assert _options(qtbot, window).status_combo.currentText() == "Inbox"


def test_cancelling_the_options_imports_nothing(qtbot, window, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    _drop(window, [bib])
    dialog = _options(qtbot, window)
    dialog.reject()
    qtbot.wait(200)
    assert window.library.count() == 0
    assert window.last_import is None and window.transfer.report_dialog is None


def test_a_bib_imported_as_references_with_a_tag(qtbot, window, tmp_path):
    window.library.add("An older paper", tags=["thesis"])
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    _drop(window, [bib])
    dialog = _options(qtbot, window)
    dialog.tag_edit.setFocus()
    qtbot.keyClicks(dialog.tag_edit, "  chapter   2 ")
    _click_import(qtbot, window, dialog)
    papers = {p.title: p for p in window.library.list()}
    for title in ("Deep learning", "Attention is all you need"):
        assert papers[title].status is Status.READ
        assert papers[title].tags == ("chapter 2",)
    assert papers["An older paper"].tags == ("thesis",)  # not part of the import
    assert _sidebar_count(window, "Read") == "2"


def test_with_merging_off_an_entry_the_library_has_becomes_a_second_paper(
        qtbot, window, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    window.import_files([bib])
    qtbot.waitUntil(lambda: window.library.count() == 2, timeout=10000)
    _drop(window, [bib])
    dialog = _options(qtbot, window)
    assert dialog.merge_check.isChecked()
    qtbot.mouseClick(dialog.merge_check, Qt.MouseButton.LeftButton)
    _click_import(qtbot, window, dialog)
    titles = sorted(p.title for p in window.library.list())
    assert titles == ["Attention is all you need", "Attention is all you need",
                      "Deep learning", "Deep learning"]
    # With merging on (remembered off, so turned back on) nothing more is added.
    _drop(window, [bib])
    dialog = _options(qtbot, window)
    assert not dialog.merge_check.isChecked()
    dialog.merge_check.setChecked(True)
    _click_import(qtbot, window, dialog)
    assert window.library.count() == 4
    assert window.last_import.counts()[Outcome.ADDED] == 0


def test_the_options_are_remembered_except_the_status(qtbot, window, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    _drop(window, [bib])
    dialog = _options(qtbot, window)
    dialog.set_status(Status.QUEUED)
    dialog.tag_edit.setText("survey")
    dialog.copy_check.setChecked(False)
    _click_import(qtbot, window, dialog)
    assert {p.status for p in window.library.list()} == {Status.QUEUED}
    _drop(window, [sample_page_path()])
    dialog = _options(qtbot, window)
    assert dialog.status_combo.currentText() == "Inbox"  # the files decide it
    assert dialog.tag_edit.text() == "survey"
    assert not dialog.copy_check.isChecked()
    assert dialog.tag_edit.completer().model().stringList() == ["survey"]
