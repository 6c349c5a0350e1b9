"""The paper table fits any width: the title takes the spare room and never shrinks below
a readable minimum (a narrow window scrolls sideways), the year fits four digits, and the
columns' widths, order and sort are remembered between sessions."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from readinglist import Library
from readinglist.gui.table.paper_table import PaperTable
from readinglist.gui.table.paper_table_model import (
    COL_AUTHORS,
    COL_TITLE,
    COL_YEAR,
    PaperTableModel,
)


def table_of(qtbot, library: Library, width: int) -> PaperTable:
    model = PaperTableModel(library)
    model.set_ids(library.list_ids())
    table = PaperTable(model)
    qtbot.addWidget(table)
    table.resize(width, 500)
    table.show()
    qtbot.waitExposed(table)
    return table


def test_the_title_takes_the_spare_width_and_the_year_fits(qtbot, seeded_library) -> None:
    table = table_of(qtbot, seeded_library, 840)
    qtbot.waitUntil(lambda: table.columnWidth(COL_TITLE) > table.title_minimum())
    metrics = table.fontMetrics()
    assert table.columnWidth(COL_YEAR) > metrics.horizontalAdvance("2026") + 8
    others = sum(table.columnWidth(c) for c in range(table.model().columnCount())
                 if c != COL_TITLE)
    assert table.columnWidth(COL_TITLE) >= table.viewport().width() - others - 2
    assert table.columnWidth(COL_TITLE) >= table.title_minimum()
    assert table.horizontalScrollBar().maximum() == 0  # everything fits


def test_a_narrow_table_scrolls_rather_than_cutting_titles(qtbot, seeded_library) -> None:
    table = table_of(qtbot, seeded_library, 420)
    qtbot.waitUntil(lambda: table.columnWidth(COL_TITLE) >= table.title_minimum())
    assert table.horizontalScrollBar().maximum() > 0
    table.resize(1400, 500)  # wide again: the title stretches once more
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    assert table.columnWidth(COL_TITLE) > table.title_minimum()


def test_widths_order_and_sort_are_remembered(qtbot, seeded_library) -> None:
    table = table_of(qtbot, seeded_library, 1000)
    header = table.horizontalHeader()
    table.setColumnWidth(COL_AUTHORS, 210)
    header.moveSection(header.visualIndex(COL_YEAR), 1)  # the year just after the title
    table.sortByColumn(COL_TITLE, Qt.SortOrder.DescendingOrder)
    table.show_column(COL_AUTHORS, True)
    settings = QSettings()
    table.save_columns(settings)

    again = table_of(qtbot, seeded_library, 1000)
    again.restore_columns(QSettings())
    again_header = again.horizontalHeader()
    assert again.columnWidth(COL_AUTHORS) == 210
    assert again_header.visualIndex(COL_YEAR) == 1
    assert again.sort_request() == ("title", True)
