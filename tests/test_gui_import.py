"""Bringing papers in from the window: several files at once (as dropped), pasted arXiv
ids and DOIs, Fetch details, and attachments shown in the detail pane."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_factory import write_pdf
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from readinglist import Library
from readinglist.gui.app import make_app
from readinglist.gui.main_window import MainWindow
from readinglist.gui.paper_table_model import COL_TITLE

pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py


@pytest.fixture
def window(qtbot, empty_library: Library) -> MainWindow:
    make_app()
    empty_library.index_in_background()
    win = MainWindow(empty_library)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.runner.wait()


def _drop(win: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    win.dropEvent(event)


def _visible_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def _close_report(qtbot) -> str:
    """Text of the import report box, which is then closed."""
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
    ris.write_text("TY  - JOUR\nTI  - Deep Learning\nAU  - LeCun, Yann\nKW  - classic\nER  - \n"
                   "TY  - JOUR\nTI  - Sequence to sequence learning\nPY  - 2014\nER  - \n",
                   encoding="utf-8")
    _drop(window, [bib, ris])
    qtbot.waitUntil(lambda: window.import_action.isEnabled() and window.last_import is not None,
                    timeout=10000)
    report = window.last_import
    assert sorted(t for _, t in report.added) == ["Deep learning",
                                                  "Sequence to sequence learning"]
    assert len(report.merged) == 1  # the RIS copy of "Deep learning" added its tag
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    assert "merged into #" in _close_report(qtbot)


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
