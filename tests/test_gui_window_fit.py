"""A restored window is always inside the screen, whatever screen or scale it was saved
on."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QWidget

from readinglist.gui.window.first_run import FirstRunPage
from readinglist.gui.window.main_window import MainWindow
from readinglist.gui.window.window_fit import fit_into_screen, fitted


def test_a_frame_is_moved_and_shrunk_into_the_screen() -> None:
    screen = QRect(0, 0, 1280, 800)
    assert fitted(QRect(100, 100, 800, 600), screen) == QRect(100, 100, 800, 600)
    assert fitted(QRect(0, 0, 1920, 1620), screen) == screen  # saved at 2x, on a 4K
    assert fitted(QRect(900, 500, 800, 600), screen) == QRect(480, 200, 800, 600)
    assert fitted(QRect(-3000, -50, 800, 600), screen) == QRect(0, 0, 800, 600)
    second = QRect(1280, 0, 1920, 1080)  # a second screen to the right
    assert fitted(QRect(1500, 100, 800, 600), second) == QRect(1500, 100, 800, 600)


def test_a_window_bigger_than_the_screen_is_brought_inside_it(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    window.setGeometry(available.left() + 200, available.top() + 150,
                       available.width() + 600, available.height() + 900)
    assert not available.contains(window.frameGeometry())
    fit_into_screen(window)
    assert available.contains(window.frameGeometry())


def test_the_main_window_restores_inside_the_screen(qtbot, seeded_library) -> None:
    first = MainWindow(seeded_library)
    qtbot.addWidget(first)
    available = first.screen().availableGeometry()
    first.setGeometry(available.left() + 200, available.top() + 150,
                      available.width() + 600, available.height() + 900)
    QSettings().setValue("main/geometry", first.saveGeometry())
    first.close()
    first.runner.wait()
    again = MainWindow(seeded_library)
    qtbot.addWidget(again)
    assert available.contains(again.frameGeometry())
    again.close()
    again.runner.wait()


def test_the_detail_pane_can_be_hidden_and_stays_so(qtbot, seeded_library) -> None:
    first = MainWindow(seeded_library)
    qtbot.addWidget(first)
    first.show()
    assert first.detail.isVisible()
    first.details_action.trigger()  # View > Details pane, Ctrl+Shift+D
    assert not first.detail.isVisible()
    first.close()
    first.runner.wait()
    again = MainWindow(seeded_library)
    qtbot.addWidget(again)
    again.show()
    assert not again.detail.isVisible() and not again.details_action.isChecked()
    again.details_action.trigger()
    assert again.detail.isVisible()
    again.close()
    again.runner.wait()


def test_the_first_run_page_is_whole_at_900_by_600(qtbot, empty_library) -> None:
    window = MainWindow(empty_library)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    page = window.first_run
    assert window.pages.currentWidget() is page
    viewport = page.viewport().rect()
    for widget in (page.text, *page.buttons):
        top_left = widget.mapTo(page.viewport(), widget.rect().topLeft())
        assert viewport.contains(QRect(top_left, widget.size())), widget
    assert page.text.height() >= page.text.heightForWidth(page.text.width())
    window.close()
    window.runner.wait()


def test_the_first_run_page_offers_every_way_in(qtbot) -> None:
    page = FirstRunPage()  # alone: its buttons' dialogs are the window's business
    qtbot.addWidget(page)
    for button, signal in ((page.sample_button, page.loadSampleRequested),
                           (page.import_button, page.importRequested),
                           (page.folder_button, page.folderRequested),
                           (page.identifiers_button, page.identifiersRequested)):
        with qtbot.waitSignal(signal, timeout=1000):
            button.click()
