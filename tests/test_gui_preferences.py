"""Preferences (Ctrl+,): theme, font size, search on Enter, import defaults; and the
library folder: open another, a new one, a recent one, remembered for the next start and
for the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from readinglist import Library
from readinglist.cli import main as cli_main
from readinglist.domain import Status
from readinglist.gui import preferences, theme
from readinglist.gui.app import make_app
from readinglist.gui.dialogs.import_dialog import ImportOptions
from readinglist.gui.library_host import LibraryHost
from readinglist.gui.window import library_menu
from readinglist.gui.window.search_controller import SEARCH_DELAY_MS
from readinglist.system.library_choice import recent_libraries, remembered_library
from readinglist.system.locations import default_library_path


@pytest.fixture(autouse=True)
def plain_look() -> Iterator[None]:
    """The theme and font are the whole app's: every test here leaves them as it found
    them (light, the system's size)."""
    yield
    app = QApplication.instance()
    if isinstance(app, QApplication):
        preferences.apply_look(app, preferences.Preferences(theme="light"))


def _prefs_dialog(window):
    dialog = window.settings_actions.open_preferences()
    assert dialog.isVisible()
    return dialog


def _press(dialog, button: QDialogButtonBox.StandardButton) -> None:
    dialog.buttons.button(button).click()


def test_ctrl_comma_opens_the_preferences(active_window, qtbot) -> None:
    action = next(a for a in active_window.actions() if a.shortcut().toString() == "Ctrl+,")
    action.trigger()
    dialog = active_window.settings_actions.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Preferences"
    _press(dialog, QDialogButtonBox.StandardButton.Cancel)
    qtbot.waitUntil(lambda: active_window.settings_actions.dialog is None)


def test_dark_theme_applies_to_the_app_and_is_remembered(active_window, qtbot) -> None:
    dialog = _prefs_dialog(active_window)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    _press(dialog, QDialogButtonBox.StandardButton.Apply)
    palette = QApplication.palette()
    assert palette.window().color().lightness() < 80
    assert palette.windowText().color().lightness() > 180
    assert theme.is_dark()
    assert preferences.load().theme == "dark"
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("light"))
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert QApplication.palette().window().color().lightness() > 180
    assert preferences.load().theme == "light"


def test_font_size_applies_to_every_widget(active_window) -> None:
    dialog = _prefs_dialog(active_window)
    dialog.font_combo.setCurrentIndex(dialog.font_combo.findData(16))
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert QApplication.font().pointSize() == 16
    assert active_window.table.font().pointSize() == 16
    assert preferences.load().font_size == 16


def test_search_on_enter_waits_for_enter(active_window, qtbot) -> None:
    dialog = _prefs_dialog(active_window)
    dialog.type_search_check.setChecked(False)
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    box = active_window.search_box
    box.setFocus()
    qtbot.keyClicks(box, "soups")
    qtbot.wait(SEARCH_DELAY_MS * 4)
    assert active_window.search.shown_query == ""  # typed, not searched
    assert len(active_window.shown_ids()) == 68
    with qtbot.waitSignal(active_window.searchFinished, timeout=5000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert active_window.search.shown_query == "soups"
    assert 28 in active_window.shown_ids() and len(active_window.shown_ids()) < 68
    assert preferences.load().search_as_you_type is False


def test_import_defaults_come_from_the_preferences(active_window, tmp_path) -> None:
    bib, pdfs = tmp_path / "refs.bib", tmp_path / "paper.pdf"
    assert ImportOptions.for_paths([bib]).status is Status.READ  # by file type
    assert ImportOptions.for_paths([pdfs]).attach == "copy"
    dialog = _prefs_dialog(active_window)
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(Status.QUEUED.value))
    dialog.link_radio.setChecked(True)
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert ImportOptions.for_paths([bib]).status is Status.QUEUED
    assert ImportOptions.for_paths([pdfs]).status is Status.QUEUED
    assert ImportOptions.for_paths([pdfs]).attach == "link"


def test_tag_editor_escape_restores_the_tags(paper_28_window, qtbot) -> None:
    edit = paper_28_window.detail.tags_edit
    before = edit.text()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.end(False)
    qtbot.keyClicks(edit, ", typo-tag")
    assert "typo-tag" in edit.text()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == before
    paper_28_window.table.setFocus()  # editing finished: nothing to save
    qtbot.wait(50)
    assert "typo-tag" not in paper_28_window.library.get(28).tags


# -- the library folder ------------------------------------------------------------------


def _library_with(folder: Path, titles: list[str]) -> Path:
    library = Library.open(folder)
    for title in titles:
        library.add(title)
    library.close()
    return folder


def _opener(path: Path) -> Library:
    library = Library.open(path, build_index=False)
    library.index_in_background()
    return library


@pytest.fixture
def host(qtbot, tmp_path, monkeypatch) -> Iterator[LibraryHost]:
    monkeypatch.delenv("READINGLIST_LIBRARY", raising=False)
    make_app()
    host = LibraryHost(_opener)
    host.start(_library_with(tmp_path / "first", ["Attention is all you need"]))
    yield host
    if host.window is not None:
        host.window.close()
        host.window.runner.wait()
    host.close()


def test_switching_library_shows_the_other_library_and_remembers_it(host, tmp_path, qtbot,
                                                                    capsys) -> None:
    first_window = host.window
    assert first_window is not None and len(first_window.shown_ids()) == 1
    other = _library_with(tmp_path / "other", ["Model soups", "LoRA", "Switch transformers"])
    first_window.libraryRequested.emit(other, False)  # as File > Open recent does
    qtbot.waitUntil(lambda: host.window is not first_window, timeout=5000)
    assert host.window is not None and host.window.isVisible()
    assert not first_window.isVisible()
    assert len(host.window.shown_ids()) == 3
    assert str(other) in host.window.windowTitle()
    # Remembered for the next start and for the command line beside the app.
    assert remembered_library() == other.resolve()
    assert default_library_path() == other.resolve()
    assert [p.name for p in recent_libraries()] == ["other", "first"]
    assert cli_main(["list", "--json"]) == 0
    titles = {p["title"] for p in json.loads(capsys.readouterr().out)}
    assert titles == {"Model soups", "LoRA", "Switch transformers"}


def test_preferences_list_recent_libraries_and_open_one(host, tmp_path, qtbot) -> None:
    other = _library_with(tmp_path / "other", ["Model soups"])
    assert host.switch(other)
    dialog = _prefs_dialog(host.window)
    listed = [dialog.recent_list.item(i).text() for i in range(dialog.recent_list.count())]
    assert listed == [str((tmp_path / "first").resolve())]  # not the open one
    assert "other" in dialog.current_label.text()
    dialog.recent_list.setCurrentRow(0)
    before = host.window
    dialog.open_recent_button.click()
    qtbot.waitUntil(lambda: host.window is not before, timeout=5000)
    assert host.library is not None and host.library.folder.name == "first"
    assert len(host.window.shown_ids()) == 1


def test_new_library_starts_empty_in_an_empty_folder(host, tmp_path, qtbot,
                                                      monkeypatch) -> None:
    target = tmp_path / "fresh"
    monkeypatch.setattr(library_menu, "ask_folder", lambda *_: target)
    before = host.window
    before.settings_actions.library_menu.choose_new()
    qtbot.waitUntil(lambda: host.window is not before, timeout=5000)
    assert host.library is not None and host.library.count() == 0
    assert host.window.pages.currentIndex() == 0  # the first-run page
    assert (target / "library.sqlite").is_file()


def test_a_folder_that_is_not_a_library_is_refused(host, tmp_path, qtbot,
                                                    monkeypatch) -> None:
    papers = tmp_path / "Documents"
    papers.mkdir()
    (papers / "thesis.tex").write_text("\\documentclass{article}")
    monkeypatch.setattr(library_menu, "ask_folder", lambda *_: papers)
    before = host.window
    before.settings_actions.library_menu.choose_existing()
    before.settings_actions.library_menu.choose_new()
    qtbot.wait(100)
    assert host.window is before and before.isVisible()
    assert sorted(p.name for p in papers.iterdir()) == ["thesis.tex"]  # nothing written
    assert not host.switch(tmp_path / "missing")  # moved away since: the old one stays
    assert host.window is before and host.library is not None
    assert host.library.folder.name == "first"


def test_an_import_status_saved_under_its_old_name_is_shown(active_window) -> None:
    from PySide6.QtCore import QSettings

    QSettings().setValue(preferences.IMPORT_STATUS_SETTING, "unread")
    dialog = _prefs_dialog(active_window)
    assert dialog.status_combo.currentData() == Status.INBOX.value
    assert dialog.chosen().import_status == "inbox"
