"""Take the screenshots of the window in light and dark, at 1280x800 and 1600x1000, and
of the paper editor, the Trash, the preferences and the first-run page at 900x600, on
the demo library (readinglist --demo). Run under a real display:

Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 .venv/bin/python docs/make_window_screenshots.py

With --scale-check, print instead whether the window fits the screen (run it with
QT_SCALE_FACTOR=1.5 or 2 to check a high-density screen).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from readinglist import Library
from readinglist.domain import Status
from readinglist.gui.app import make_app
from readinglist.gui.theme import apply_theme
from readinglist.gui.window.main_window import MainWindow
from readinglist.gui.window.sidebar import TRASH

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS))  # run as a script from anywhere: its sibling below
from make_screenshot import demo_library, wait  # noqa: E402


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"saved {path} ({widget.width()}x{widget.height()})")


def window_shots(window: MainWindow, out: Path, soups: int) -> None:
    for theme in ("light", "dark"):
        apply_theme(QApplication.instance(), theme)  # type: ignore[arg-type]
        for width, height in ((1280, 800), (1600, 1000)):
            window.resize(width, height)
            window.open_paper(soups)
            wait(700)
            save(window, out / f"window-{theme}-{width}x{height}.png")
    apply_theme(QApplication.instance(), "light")  # type: ignore[arg-type]


def dialog_shots(window: MainWindow, library: Library, out: Path, soups: int) -> None:
    window.resize(1280, 800)
    editor = window.paper_editing.edit(soups)
    assert editor is not None
    wait(500)
    save(editor, out / "paper-editor.png")
    editor.reject()
    prefs = window.settings_actions.open_preferences()
    wait(400)
    save(prefs, out / "preferences.png")
    prefs.reject()
    inbox = [p.id for p in library.list(status=Status.INBOX)][:3]
    library.delete(*inbox)
    wait(300)
    window.sidebar.select(TRASH)
    wait(600)
    save(window, out / "trash.png")


def first_run_shot(folder: Path, out: Path) -> None:
    library = Library.open(folder / "empty")
    window = MainWindow(library)
    window.resize(900, 600)
    window.show()
    wait(600)
    save(window, out / "first-run-900x600.png")
    window.close()
    window.runner.wait()
    library.close()


def scale_check(window: MainWindow) -> None:
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    print(f"scale {window.devicePixelRatioF()}: screen {screen.width()}x{screen.height()}, "
          f"window {frame.width()}x{frame.height()} at {frame.x()},{frame.y()}, minimum "
          f"{window.minimumSizeHint().width()}x{window.minimumSizeHint().height()}, "
          f"inside: {screen.contains(frame)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="folder (default: docs/)")
    parser.add_argument("--scale-check", action="store_true",
                        help="print whether the window fits the screen, save nothing")
    args, qt_args = parser.parse_known_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        library, soups = demo_library(folder)
        make_app([sys.argv[0], *qt_args])
        window = MainWindow(library)
        window.show()
        wait(600)
        if args.scale_check:
            scale_check(window)
        else:
            window_shots(window, args.out, soups)
            dialog_shots(window, library, args.out, soups)
        window.close()
        window.runner.wait()
        library.close()
        if not args.scale_check:
            first_run_shot(folder, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
