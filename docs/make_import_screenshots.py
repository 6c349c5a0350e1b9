"""Take the README's import screenshots under a real display: the import options for two
bibliographies and the report of that import, on the demo papers.

Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 .venv/bin/python docs/make_import_screenshots.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from readinglist import Library
from readinglist.domain import Status
from readinglist.gui.app import make_app
from readinglist.gui.dialogs.import_dialog import ImportOptions, ImportOptionsDialog
from readinglist.gui.window.main_window import MainWindow

DOCS = Path(__file__).parent
BIBTEX = DOCS.parent / "tests" / "fixtures" / "import" / "bibtex"


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> None:
    make_app([])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's settings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    library = Library.open(Path(tempfile.mkdtemp()) / "lib")
    library.import_sample()
    window = MainWindow(library)
    window.resize(1280, 800)
    window.show()
    wait(800)
    files = [BIBTEX / "trio_crossref.bib", BIBTEX / "journal_columns.bib"]
    options = ImportOptionsDialog(files, library.tag_counts().keys(), window)
    options.show()
    wait(400)
    options.grab().save(str(DOCS / "import-options.png"))
    options.close()
    window.import_files(files, ImportOptions(status=Status.READ, tag="thesis"))
    for _ in range(100):
        wait(100)
        if window.transfer.report_dialog is not None:
            break
    report = window.transfer.report_dialog
    assert report is not None, "the import did not finish"
    report.resize(1100, 560)
    wait(500)
    report.grab().save(str(DOCS / "import-report.png"))
    window.close()
    library.close()


if __name__ == "__main__":
    main()
