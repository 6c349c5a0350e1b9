"""Shared fixtures. Every test gets its own library folder; Qt runs offscreen."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from readinglist import Library
from readinglist.system.locations import sample_page_path

SEED = sample_page_path()  # the Daily Papers page from the design card (68 papers)


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed library folder holding the 68 seed papers, made once; tests that open,
    damage or kill libraries work on copies of it (`folder`). A test module may define
    its own `template` (another starting library) and still use `folder`."""
    folder = tmp_path_factory.mktemp("template") / "lib"
    with Library.open(folder, daily_backup=False) as lib:
        assert len(lib.import_file(SEED).added) == 68
    return folder


@pytest.fixture
def folder(template: Path, tmp_path: Path) -> Path:
    """A closed library folder of this test's own: a copy of `template`."""
    target = tmp_path / "lib"
    shutil.copytree(template, target)
    return target


@pytest.fixture
def empty_library(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "lib")
    yield library
    library.close()


@pytest.fixture
def seeded_library(tmp_path: Path) -> Iterator[Library]:
    """A library holding the 68 seed papers, ids 1..68 in page order."""
    library = Library.open(tmp_path / "lib")
    report = library.import_file(SEED)
    assert len(report.added) == 68
    yield library
    library.close()


@pytest.fixture
def tagged_library(seeded_library: Library) -> Library:
    """The seed library with tags in two spellings: 1 LLM, vision; 2 llm, NLP; 3 NLP."""
    seeded_library.change_tags(1, add=["LLM", "vision"])
    seeded_library.change_tags(2, add=["llm", "NLP"])
    seeded_library.change_tags(3, add=["NLP"])
    return seeded_library


@pytest.fixture
def lookup_server(monkeypatch):
    """arXiv and Crossref answered from recorded responses on a local HTTP server."""
    from lookup_server import serve_recorded

    with serve_recorded() as base:
        monkeypatch.setenv("READINGLIST_ARXIV_API", base)
        monkeypatch.setenv("READINGLIST_CROSSREF_API", base)
        yield base


@pytest.fixture
def offline(monkeypatch):
    """arXiv and Crossref unreachable (connection refused)."""
    from lookup_server import closed_port_url

    url = closed_port_url()
    monkeypatch.setenv("READINGLIST_ARXIV_API", url)
    monkeypatch.setenv("READINGLIST_CROSSREF_API", url)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Qt settings (window geometry, the note's Edit/Split/Preview choice, the import
    options, ...) written to this test's own folder, starting empty: never the user's,
    never another test's (tests may run in parallel processes)."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )
    QSettings().clear()


def _window(qtbot, library: Library):
    """The main window on `library`, its index kept by the background worker, as the app
    runs; closed (its tasks waited for) when the test ends."""
    from readinglist.gui.app import make_app
    from readinglist.gui.window.main_window import MainWindow

    make_app()
    library.index_in_background()
    win = MainWindow(library)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.runner.wait()


def _active_window(qtbot, library: Library):
    """The main window on `library`, shown and active (keys reach it), as `_window`."""
    from PySide6.QtWidgets import QApplication

    for win in _window(qtbot, library):
        win.activateWindow()
        qtbot.waitUntil(lambda w=win: QApplication.activeWindow() is w, timeout=3000)
        yield win


@pytest.fixture
def active_window(qtbot, seeded_library: Library):
    """The main window on the seed library, active: key presses reach it."""
    yield from _active_window(qtbot, seeded_library)


@pytest.fixture
def empty_window(qtbot, empty_library: Library):
    """The main window on an empty library."""
    yield from _window(qtbot, empty_library)


@pytest.fixture
def paper_28_window(qtbot, seeded_library: Library):
    """The main window on the seed library, showing paper 28 ("Model soups")."""
    for win in _window(qtbot, seeded_library):
        win.open_paper(28)
        qtbot.waitUntil(lambda w=win: w.detail.paper is not None and w.detail.paper.id == 28)
        yield win


@pytest.fixture(autouse=True)
def collect_as_the_app_does():
    """Once a test made the Qt app, the cyclic collector runs only when the app's event
    loop checks it (gui/collector.py): tests that run no event loop get the same check
    when they end, so cycles do not pile up in a long test process."""
    yield
    from readinglist.gui import collector

    if collector._collector is not None:
        collector._collector.check()
