"""Starting the desktop app."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ..domain import ReadinglistError
from ..launch import GUI_HELP, chosen_library, library_option
from ..library.service import Library
from ..system.locations import default_library_path, demo_library_path, resource_path
from . import preferences
from .collector import collect_on_gui_thread
from .demo_library import fill_demo
from .library_host import LibraryHost
from .plain_text import message_box
from .preferences import apply_look
from .theme import apply_theme


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName("Readinglist")
    app.setApplicationName("Readinglist")
    app.setDesktopFileName("readinglist")
    app.setStyle("Fusion")
    app.setWindowIcon(QIcon(str(resource_path("icons", "readinglist.svg"))))
    apply_theme(app, "light")  # palette and style.qss in the theme's colours
    collect_on_gui_thread(app)  # Qt objects are never freed on another thread
    return app


def open_library(path: Path, demo: bool = False) -> Library:
    """Open the library for the window. With `demo`, an empty library is filled with the
    demo (see demo_library.py), unless it is the user's own library."""
    # The window builds a missing index in the background instead of waiting here.
    library = Library.open(path, build_index=False)
    own = path.expanduser().resolve() == default_library_path().expanduser().resolve()
    if demo and not own and library.count() == 0 and library.trash_count() == 0:
        try:
            library.ensure_index()
            fill_demo(library)
        except BaseException:
            library.close()
            raise
    library.index_in_background()  # edits return at once; the index follows in ms
    return library


NO_DISPLAY = ("readinglist: no display to open the window on (DISPLAY and WAYLAND_DISPLAY "
              "are not set).\nThe command line works without one: run `readinglist --help` "
              "to see its commands (import, search, list, show, export, ...).")


def display_missing() -> bool:
    """True on Linux and the BSDs with no X11 or Wayland display and no Qt platform
    chosen: Qt would abort with a long message instead of saying what to do."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return False
    return not any(os.environ.get(name) for name in
                   ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def run(library_path: Path | None = None, demo: bool = False) -> int:
    if display_missing():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    app = make_app()
    apply_look(app, preferences.load())  # the theme and font size chosen in Preferences
    path = library_path or (demo_library_path() if demo else default_library_path())
    demo_path = path if demo else None
    # File > Open library (and Preferences) replace the window by one on another library.
    host = LibraryHost(lambda p: open_library(p, demo=p == demo_path), demo=demo_path)
    try:
        host.start(path)
    except ReadinglistError as exc:
        message_box(None, QMessageBox.Icon.Critical, "Readinglist",
                    f"Cannot open the library at {path}:\n{exc}").exec()
        return 1
    try:
        return app.exec()
    finally:
        host.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `readinglist-gui` launcher: `readinglist gui` under its own name."""
    parser = argparse.ArgumentParser(
        prog="readinglist-gui", parents=[library_option()], description=GUI_HELP
    )
    return run(chosen_library(parser.parse_args(argv)))
