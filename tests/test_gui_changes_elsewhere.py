"""Edits made by another process while the window is open (the CLI beside the app)
appear in the table, the sidebar counts and the detail pane without any user action."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from readinglist import Library
from readinglist.gui.table.paper_table_model import COL_STATUS
from readinglist.gui.window.main_window import MainWindow


def cli(folder: Path, *args: str) -> None:
    env = {**os.environ, "READINGLIST_LIBRARY": str(folder)}
    done = subprocess.run([sys.executable, "-m", "readinglist", *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_cli_edits_show_in_the_open_window(qtbot, seeded_library: Library,
                                          paper_28_window: MainWindow) -> None:
    window = paper_28_window
    folder = seeded_library.folder
    assert window.sidebar._library.child(1).text(1) == "68"  # Inbox

    cli(folder, "status", "28", "read")
    cli(folder, "tag", "28", "+from-the-cli")
    cli(folder, "add", "--no-fetch", "arXiv:1706.03762")

    def shown() -> bool:
        labels = {window.sidebar._library.child(i).text(0): window.sidebar._library.child(i)
                  .text(1) for i in range(window.sidebar._library.childCount())}
        tags = [window.sidebar._tags.child(i).text(0)
                for i in range(window.sidebar._tags.childCount())]
        paper = window.detail.paper
        return (labels.get("Read") == "1" and labels.get("All papers") == "69"
                and "from-the-cli" in tags and window.model.rowCount() == 69
                and paper is not None and paper.status.value == "read"
                and "from-the-cli" in paper.tags)

    qtbot.waitUntil(shown, timeout=15000)
    assert "another program" in window.statusBar().currentMessage()
    # The table row of paper 28 shows its new status, read from the database again.
    row = window.model.row_of(28)
    assert row is not None
    assert window.model.data(window.model.index(row, COL_STATUS)) == "Read"
    # And the window's own search sees what the other process indexed.
    qtbot.waitUntil(lambda: 28 in seeded_library.search("tag:from-the-cli").ids,
                    timeout=15000)
