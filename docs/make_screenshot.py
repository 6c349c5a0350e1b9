"""Take the README's screenshots under a real display: the main window, the detail pane
with highlights, and the reading dashboard, on the demo library (readinglist --demo: the
sample papers with five months of made-up, seeded reading; see gui/demo_library.py).

Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 .venv/bin/python docs/make_screenshot.py
QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshot.py --out /tmp/shots  # a look
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QSplitter

from readinglist import Library
from readinglist.gui.app import make_app
from readinglist.gui.demo_library import FEATURED, fill_demo
from readinglist.gui.dialogs.dashboard import DashboardDialog
from readinglist.gui.window.main_window import MainWindow

DOCS = Path(__file__).parent


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def demo_library(folder: Path) -> tuple[Library, int]:
    """The demo library in `folder`, indexed, and the id of its featured paper (Model
    soups). Qt's settings go to `folder` too: never the user's (window layout, columns,
    theme). Call make_app after this, before any window."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    library = Library.open(folder / "library")
    fill_demo(library)
    soups = next(p.id for p in library.list(status="reading")
                 if p.title.startswith(FEATURED["soups"].title))
    library.index_in_background()
    library.wait_for_index()
    return library, soups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS,
                        help="folder to save the screenshots in (default: docs/)")
    args, qt_args = parser.parse_known_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app([sys.argv[0], *qt_args])
        library, soups = demo_library(Path(folder))

        window = MainWindow(library)
        window.resize(1500, 900)
        window.show()
        wait(600)
        window.open_paper(soups)
        wait(800)
        window.grab().save(str(args.out / "screenshot.png"))
        # The detail pane alone, with room for the whole abstract and its highlights.
        inner = window.detail.findChild(QSplitter)
        inner.setSizes([430, 230, 0])
        window.detail.abstract.verticalScrollBar().setValue(0)
        wait(300)
        window.detail.grab().save(str(args.out / "detail-pane.png"))

        dashboard = DashboardDialog(library, window)
        dashboard.resize(1240, 860)
        dashboard.show()
        wait(1200)
        dashboard.grab().save(str(args.out / "dashboard.png"))
        dashboard.close()
        window.close()
        window.runner.wait()
        library.close()
    app.quit()
    print(f"saved {args.out / 'screenshot.png'}, detail-pane.png, dashboard.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
