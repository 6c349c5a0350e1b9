"""Take the README's screenshots under a real display: the main window, the detail pane
with highlights, and the reading dashboard, on the demo papers with a made-up (but
plausible, and fixed by a seed) five months of reading history.

Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QSplitter

from readinglist import Library
from readinglist.gui.app import make_app
from readinglist.gui.dialogs.dashboard import DashboardDialog
from readinglist.gui.window.main_window import MainWindow
from readinglist.store.paper_store import utc_now

DOCS = Path(__file__).parent
TAGS = ["diffusion", "llm", "vision", "rl", "efficiency", "agents", "theory"]


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def with_history(sample: Path, out: Path, seed: int = 7) -> None:
    """The sample library as Readinglist JSON, given five months of reading."""
    rng = random.Random(seed)
    now = utc_now()
    data = json.loads(sample.read_text(encoding="utf-8"))
    queue = 0
    for paper in data["papers"]:
        added = now - timedelta(days=rng.uniform(3, 150), hours=rng.uniform(0, 23))
        paper["added"] = paper["modified"] = added.isoformat()
        paper["tags"] = rng.sample(TAGS, rng.choice([1, 1, 2]))
        history = [{"status": "unread", "at": added.isoformat()}]
        roll = rng.random()
        t = added + timedelta(days=rng.uniform(0.2, 20))
        if roll < 0.45 and t < now:
            history.append({"status": "reading", "at": t.isoformat()})
            done = min(now - timedelta(hours=1), t + timedelta(days=rng.uniform(0.1, 6)))
            status = "read" if rng.random() < 0.8 else "skimmed"
            history.append({"status": status, "at": done.isoformat()})
            paper["rating"] = rng.choice([3, 4, 4, 5, 2])
        elif roll < 0.6:
            history.append({"status": "queued", "at": min(t, now).isoformat()})
            queue += 1
            paper["queue_position"] = queue
        elif roll < 0.65:
            history.append({"status": "reading", "at": min(t, now).isoformat()})
        elif roll < 0.68:
            history.append({"status": "abandoned", "at": min(t, now).isoformat()})
        paper["status"] = history[-1]["status"]
        paper["history"] = history
        paper["priority"] = rng.choice(["normal"] * 6 + ["high", "low"])
    out.write_text(json.dumps(data), encoding="utf-8")


def main() -> int:
    app = make_app(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        with Library.open(Path(folder) / "sample") as first:
            first.import_sample()
            (Path(folder) / "sample.json").write_text(first.export("json"), encoding="utf-8")
        with_history(Path(folder) / "sample.json", Path(folder) / "history.json")
        library = Library.open(Path(folder) / "library")
        library.import_file(Path(folder) / "history.json")
        soups = 28
        abstract = library.get(soups).abstract
        for quote, colour, comment in [
            ("averaging the weights of multiple models fine-tuned with different "
             "hyperparameter configurations often improves accuracy and robustness",
             "yellow", "The core claim: no extra inference cost, unlike an ensemble."),
            ("model soups", "green", ""),
            ("90.94% top-1 accuracy on ImageNet", "pink", "Check against the ViT-G baseline"),
        ]:
            start = abstract.find(quote)
            library.add_annotation(soups, start, start + len(quote), colour, comment)
        library.set_status(soups, "reading")
        library.set_rating(soups, 5)
        library.set_priority(soups, "high")
        library.set_tags(soups, ["ensembles", "efficiency"])
        library.set_note(soups, "## Why it works\n\nFine-tuned models share one **loss basin**, "
                         "so their weights can be averaged.\n\n- greedy soup beats uniform\n"
                         "- compare with #24 (LoRA-Pro) and arXiv:2203.05482\n")
        library.index_in_background()
        library.wait_for_index()

        window = MainWindow(library)
        window.resize(1500, 900)
        window.show()
        wait(600)
        window.open_paper(soups)
        wait(800)
        window.grab().save(str(DOCS / "screenshot.png"))
        # The detail pane alone, with room for the whole abstract and its highlights.
        inner = window.detail.findChild(QSplitter)
        inner.setSizes([430, 230, 0])
        window.detail.abstract.verticalScrollBar().setValue(0)
        wait(300)
        window.detail.grab().save(str(DOCS / "detail-pane.png"))

        dashboard = DashboardDialog(library, window)
        dashboard.resize(1240, 860)
        dashboard.show()
        wait(1200)
        dashboard.grab().save(str(DOCS / "dashboard.png"))
        dashboard.close()
        window.close()
        window.runner.wait()
        library.close()
    app.quit()
    print(f"saved {DOCS / 'screenshot.png'}, detail-pane.png, dashboard.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
