"""Take the README's screenshot: a demo library with a search, under a real display.

Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from readinglist import Library
from readinglist.gui.app import make_app
from readinglist.gui.main_window import MainWindow

OUT = Path(__file__).with_name("screenshot.png")


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    app = make_app(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(folder)
        library.import_sample()
        for paper_id, status, tags in [
            (8, "read", ["diffusion", "RLHF"]),
            (17, "reading", ["diffusion", "RLHF"]),
            (55, "unread", ["diffusion"]),
            (28, "read", ["ensembles"]),
        ]:
            library.set_status(paper_id, status)
            library.set_tags(paper_id, tags)
        library.set_note(17, "Compare with **AlignProp** (#8): PRDP is more stable at scale.")
        window = MainWindow(library)
        window.resize(1440, 860)
        window.show()
        window.search_box.setText("diffusion reward")
        wait(800)
        window.select_row(window.model.row_of(17) or 0)
        wait(500)
        window.grab().save(str(OUT))
        window.close()
        library.close()
    app.quit()
    print(f"saved {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
