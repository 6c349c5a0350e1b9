"""GUI benchmark: the app's main window on a library of N papers, offscreen, in this
process: first paint, searches typed into the box (first page, count and facets, stalls of
the GUI thread), sorting by every column and filtering from the sidebar, and memory.

    .venv/bin/python benchmarks/bench_gui.py --papers 100000 --library /tmp/lib100k
    .venv/bin/python benchmarks/bench_gui.py --papers 2000 --queries 24 --library /tmp/lib2k \
        --json gui.json

The library is made (or reused) and the query mix built by a child process, with
bench_search.py's generator, import and query mix (its 12 kinds): the memory measured here
is the window's, not the harness's. Prints tables; never asserts timings. See
benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import (
    DB_FILE,
    FIRST_QUERY,
    KINDS,
    QUERY_SEED,
    Corpus,
    benchmark_library,
    import_papers,
    load,
    make_queries,
    now,
    peak_rss_mb,
    percentile,
    read_back,
    step,
    table,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from readinglist.gui.window.main_window import MainWindow

STALL_TICK = 0.005  # the stall meter's timer interval (s)
SEARCH_TIMEOUT = 120.0  # give up on a search after this
QUIET_GIVE_UP = 1.0  # the runner idle this long and a part still missing: it never comes
SETTLE_TIMEOUT = 60.0
WINDOW_SIZE = "1440x880"  # what the app picks on a 1920x1080 screen (92 %, at most this)
COUNT_TEXT = re.compile(r"^(\d[\d,]*) match")
# Issue 13's goals at 100,000 papers: (figure, goal, unit).
GOALS = (
    ("first paint (window created -> table painted)", 800.0, "ms"),
    ("RSS at first paint", 150.0, "MB"),
    ("RSS after the searches", 200.0, "MB"),
    ("first page p95, all kinds", 150.0, "ms"),
    ("count + facets max, all kinds", 500.0, "ms"),
    ("GUI-thread stall max, all searches", 30.0, "ms"),
    ("sort by a column, max (shown)", 100.0, "ms"),
    ("sidebar filter, max (shown)", 100.0, "ms"),
)


def rss_mb() -> float:
    """The process's resident memory now (VmRSS), in MB (10^6 bytes)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:  # pragma: no cover
        pass
    return float("nan")


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def summary(values: Sequence[float]) -> dict[str, float]:
    """p50 / p95 (nearest rank) / max / mean of milliseconds."""
    if not values:
        return {}
    return {"p50": percentile(values, 50), "p95": percentile(values, 95),
            "max": max(values), "mean": round(statistics.mean(values), 2)}


# -- the child process: the library and the query mix ----------------------------------------


def prepare(args: argparse.Namespace) -> int:
    """Import the papers if the folder holds no library, then build the query mix as
    bench_search.py does; write both to --prepare-out as JSON."""
    from readinglist import Library

    folder: Path = args.library
    figures: dict[str, Any] = {}
    made = not (folder / DB_FILE).exists()
    if made:
        import_papers(folder, args.papers, args.seed, 0, False, figures)
    step("reading the papers back for the query mix (child process)")
    library = Library.open(folder)
    try:
        count = library.count()
        corpus = Corpus(count)
        read_back(library, corpus, None)
    finally:
        library.close()
    queries = make_queries(corpus, args.queries, QUERY_SEED)
    out = {"count": count, "made": made, "import_call_s": figures.get("import_call_s"),
           "queries": [{"kind": q.kind, "text": q.text} for q in queries]}
    Path(args.prepare_out).write_text(json.dumps(out), "utf-8")
    return 0


def run_prepare(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as temp:
        out = Path(temp) / "prepared.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--prepare-out", str(out),
                   "--papers", str(args.papers), "--queries", str(args.queries),
                   "--seed", str(args.seed), "--library", str(folder)]
        subprocess.run(command, check=True, stdout=sys.stderr)
        data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return data


# -- probes: paints, stalls, what a search shows ---------------------------------------------


def make_probes() -> tuple[type, type]:
    """The probe classes (Qt is imported only once QT_QPA_PLATFORM is set)."""
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer

    class PaintProbe(QObject):
        """Start and end of each paint event of a widget. The filter paints the widget
        itself, the way Qt would (`dispatch`: the scroll area's viewportEvent for a
        viewport), so that the end is known: for the table, the rows' data() is read
        during the paint."""

        def __init__(self, widget: QWidget, dispatch: Callable[[QEvent], bool]) -> None:
            super().__init__(widget)
            self._dispatch = dispatch
            self._inside = False
            self.paints: list[tuple[float, float]] = []
            widget.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() != QEvent.Type.Paint or self._inside:
                return False
            start = now()
            self._inside = True
            try:
                self._dispatch(event)
            finally:
                self._inside = False
            self.paints.append((start, now()))
            return True

        def first_after(self, moment: float) -> tuple[float, float] | None:
            return next((p for p in self.paints if p[0] >= moment), None)

    class StallMeter(QObject):
        """A 5 ms timer on the GUI thread: the longest gap between its ticks, minus 5 ms,
        is the longest the thread could not run it (armed: from arm() until worst())."""

        def __init__(self) -> None:
            super().__init__()
            self.timer = QTimer(self)
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(round(STALL_TICK * 1000))
            self.timer.timeout.connect(self._tick)
            self.last = now()
            self.gap = 0.0
            self.timer.start()  # always on: it also wakes the waiting loops

        def arm(self) -> None:
            self.last = now()
            self.gap = 0.0

        def _tick(self) -> None:
            t = now()
            self.gap = max(self.gap, t - self.last)
            self.last = t

        def worst(self) -> float:
            """Seconds: the longest gap since arm() (the one still open included)."""
            return max(0.0, max(self.gap, now() - self.last) - STALL_TICK)

    return PaintProbe, StallMeter


class Harness:
    """The window, its probes, and waiting for what a search or a click shows."""

    def __init__(self, app: QApplication, window: MainWindow, table_probe: Any,
                 stall: Any) -> None:
        from PySide6.QtCore import QEventLoop

        self.app = app
        self.window = window
        self.table_probe = table_probe
        self.stall = stall
        self._wait = QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        paint_probe = type(table_probe)
        self.label_probe = paint_probe(window.search.message, window.search.message.event)
        sidebar = window.sidebar
        self.sidebar_probe = paint_probe(sidebar.viewport(), sidebar.viewportEvent)
        # What the search shows, seen from outside: the match count put in the label, the
        # sidebar's facets, the model reset with the new rows, the finished signal.
        self.count_set: float | None = None
        self.count_changed = False
        self.facets_set: float | None = None
        self.reset_at: float | None = None
        self.finished_at: float | None = None
        label = window.search.message
        set_text = label.setText

        def watched_set_text(text: str) -> None:
            before = label.text()
            set_text(text)
            if COUNT_TEXT.match(text):
                self.count_set = now()
                self.count_changed = text != before

        label.setText = watched_set_text  # type: ignore[method-assign]
        refresh = sidebar.refresh

        def watched_refresh(*a: Any, **kw: Any) -> bool:
            result = refresh(*a, **kw)
            self.facets_set = now()
            return result

        sidebar.refresh = watched_refresh  # type: ignore[method-assign]
        window.model.modelReset.connect(self._reset)
        window.search.finished.connect(self._finished)

    def _reset(self) -> None:
        self.reset_at = now()

    def _finished(self, _query: str) -> None:
        self.finished_at = now()

    def pump_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Process events (woken at least every 5 ms by the stall meter) until done()."""
        deadline = now() + timeout
        while not done():
            if now() > deadline:
                return False
            self.app.processEvents(self._wait)
        return True

    def idle(self) -> bool:
        return self.window.runner.pool.waitForDone(0)

    def settle(self) -> None:
        """Wait for the window's background jobs (the detail pane's) and the paints that
        follow them: nothing of one step runs into the next."""
        self.pump_until(self.idle, SETTLE_TIMEOUT)
        end = now() + 0.05
        self.pump_until(lambda: now() > end, 1.0)

    def wait_index_ready(self) -> None:
        library = self.window.library

        def ready() -> bool:
            state = library.index_state()
            return state.ready and state.pending == 0

        if not self.pump_until(ready, 4 * 3600.0):
            print("WARNING: the index never became ready")

    # -- a search --------------------------------------------------------------------------

    def search(self, text: str) -> dict[str, Any]:
        """Type `text` (setText, as a keystroke does), run it at once (debounce excluded)
        and wait until the first page, the count and the facets are painted."""
        window = self.window
        self.count_set = self.facets_set = self.reset_at = self.finished_at = None
        self.count_changed = False
        for probe in (self.table_probe, self.label_probe, self.sidebar_probe):
            probe.paints.clear()
        self.stall.arm()
        t0 = now()
        window.search.box.setText(text)
        window.search.run()
        run_returned = now()
        last_progress = [now(), 0]

        def complete() -> bool:
            parts = self._parts()
            if self.finished_at is not None and window.search.box.property("error"):
                return True  # an error: no rows, the message instead of the count
            if all(p is not None for p in parts.values()):
                return True
            seen = sum(p is not None for p in parts.values())
            if seen != last_progress[1] or not self.idle():
                last_progress[:] = [now(), seen]
            return now() - last_progress[0] > QUIET_GIVE_UP  # a part that never comes

        finished = self.pump_until(complete, SEARCH_TIMEOUT)
        stall = self.stall.worst()
        parts = self._parts()
        error = bool(window.search.box.property("error"))
        first_page = parts["table painted"]
        shown = [p for p in parts.values() if p is not None]
        count_facets = (max(shown) if parts["count"] is not None
                        and parts["facets"] is not None and first_page is not None else None)
        paint = (self.table_probe.first_after(self.reset_at)
                 if self.reset_at is not None else None)
        record = {
            "query": text,
            "first_page_ms": ms(first_page - t0) if first_page is not None else None,
            "count_facets_ms": ms(count_facets - t0) if count_facets is not None else None,
            "stall_ms": ms(stall),
            "run_call_ms": ms(run_returned - t0),
            "rows_given_ms": ms(self.reset_at - t0) if self.reset_at is not None else None,
            "finished_signal_ms": (ms(self.finished_at - t0)
                                   if self.finished_at is not None else None),
            "table_paint_ms": ms(paint[1] - paint[0]) if paint else None,
            "rows": window.model.rowCount(),
            "error": window.search.message.text() if error else None,
            "timed_out": not finished,
            "missing": [name for name, p in parts.items() if p is None] if not error else [],
        }
        self.settle()
        return record

    def _parts(self) -> dict[str, float | None]:
        """When each part of the results was on screen (None: not yet)."""
        page = (self.table_probe.first_after(self.reset_at)
                if self.reset_at is not None else None)
        count: float | None = None
        if self.count_set is not None:
            if not self.count_changed:  # the same text: nothing to repaint
                count = self.count_set
            else:
                paint = self.label_probe.first_after(self.count_set)
                count = paint[1] if paint else None
        facets: float | None = None
        if self.facets_set is not None:
            paint = self.sidebar_probe.first_after(self.facets_set)
            facets = paint[1] if paint else None
        return {"table painted": page[1] if page else None, "count": count, "facets": facets}

    # -- a click that lists the papers again ----------------------------------------------

    def timed(self, action: Callable[[], Any]) -> dict[str, Any]:
        """Run `action` (a click) and wait for the table's next paint."""
        self.table_probe.paints.clear()
        self.stall.arm()
        t0 = now()
        action()
        returned = now()
        ok = self.pump_until(lambda: self.table_probe.first_after(t0) is not None, 30.0)
        stall = self.stall.worst()
        paint = self.table_probe.first_after(t0)
        record = {"done_ms": ms(returned - t0),
                  "shown_ms": ms(paint[1] - t0) if ok and paint else None,
                  "stall_ms": ms(stall), "rows": self.window.model.rowCount()}
        self.settle()
        return record


# -- the session -----------------------------------------------------------------------------


def open_window(args: argparse.Namespace, folder: Path, settings_dir: Path,
                figures: dict[str, Any]) -> tuple[Harness, Any]:
    """As the app starts: make_app, the preferences' look, open_library (Library.open,
    the index worker), MainWindow, show; until the table's first paint."""
    start = now()
    from PySide6.QtCore import QSettings

    from readinglist.gui import preferences
    from readinglist.gui.app import make_app, open_library
    from readinglist.gui.window.main_window import MainWindow

    figures["import_gui_modules_s"] = now() - start
    # The user's settings (window geometry, columns, preferences) are neither read nor
    # written: the window starts as on a first run.
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(settings_dir))
    start = now()
    app = make_app([sys.argv[0]])
    preferences.apply_look(app, preferences.load())
    figures["make_app_s"] = now() - start
    paint_probe, stall_meter = make_probes()
    stall = stall_meter()
    start = now()
    library = open_library(folder)
    figures["open_library_s"] = now() - start
    before_window = now()
    window = MainWindow(library)
    figures["window_constructor_s"] = now() - before_window
    width, height = (int(n) for n in args.size.split("x"))
    window.resize(width, height)  # instead of 92 % of the offscreen 800x800 screen
    table_probe = paint_probe(window.table.viewport(), window.table.viewportEvent)
    shown = now()
    window.show()
    harness = Harness(app, window, table_probe, stall)
    if not harness.pump_until(lambda: bool(table_probe.paints), 60.0):
        print("WARNING: the table was never painted")
    painted = table_probe.paints[0][1] if table_probe.paints else now()
    figures["rss_at_first_paint_mb"] = rss_mb()
    figures["show_to_first_paint_s"] = painted - shown
    figures["first_paint_s"] = painted - before_window
    figures["first_paint_from_open_s"] = painted - before_window + figures["open_library_s"]
    figures["first_paint_rows"] = window.model.rowCount()
    figures["window_size"] = f"{window.width()}x{window.height()}"
    return harness, library


def run_searches(harness: Harness, queries: Sequence[dict[str, str]],
                 figures: dict[str, Any]) -> list[dict[str, Any]]:
    step("waiting for the index (index_state ready, nothing pending)")
    harness.settle()
    harness.wait_index_ready()
    step(f"first search after opening ({FIRST_QUERY!r})")
    figures["first_search"] = harness.search(FIRST_QUERY)
    step(f"{len(queries)} searches typed into the box")
    records = []
    for q in queries:
        record = harness.search(q["text"])
        record["kind"] = q["kind"]
        records.append(record)
    return records


def run_sorts(harness: Harness) -> list[dict[str, Any]]:
    """Empty the box (all papers listed), then click every sortable column's header twice
    (both orders). Hidden columns are shown first so that their headers can be clicked."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from readinglist.gui.table.paper_table_model import COLUMNS

    window = harness.window
    table_view = window.table
    header = table_view.horizontalHeader()
    records = []

    def esc() -> None:
        window.search.box.clear()
        window.search.run()

    record = harness.timed(esc)
    record.update(action="empty the search box (all papers)", order="")
    records.append(record)
    for column, (_name, key) in enumerate(COLUMNS):
        if key is not None:
            table_view.show_column(column, True)
    harness.settle()
    for column, (name, key) in enumerate(COLUMNS):
        if key is None:
            continue
        for _click in range(2):
            x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
            point = QPoint(x, header.height() // 2)

            def click(p: QPoint = point) -> None:
                QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier, p)

            record = harness.timed(click)
            clicked = header.sortIndicatorSection() == column
            order = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            record.update(action=f"sort by {name}" + ("" if clicked else " [click missed]"),
                          order="desc" if order else "asc")
            records.append(record)
    return records


def run_filters(harness: Harness) -> list[dict[str, Any]]:
    """Click each status entry of the sidebar, the biggest tag and year, and All papers."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from readinglist.gui.window.sidebar import ALL, FilterRole

    sidebar = harness.window.sidebar
    entries = {tuple(item.data(0, FilterRole)): item for item in sidebar.entries()
               if item.data(0, FilterRole)}

    def biggest(kind: str) -> list[tuple[str, str]]:
        found = [(int(item.text(1) or 0), flt) for flt, item in entries.items()
                 if flt[0] == kind and item.text(1).isdigit()]
        return [max(found)[1]] if found else []

    chosen = [flt for flt in entries if flt[0] == "status"]
    chosen += [*biggest("tag"), *biggest("year"), ALL]
    records = []
    for flt in chosen:
        item = next((i for i in sidebar.entries()
                     if tuple(i.data(0, FilterRole) or ()) == flt), None)
        if item is None:
            continue
        sidebar.scrollToItem(item)
        harness.settle()
        point = sidebar.visualItemRect(item).center()

        def click(p: QPoint = point) -> None:
            QTest.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, p)

        record = harness.timed(click)
        missed = sidebar.current_filter != flt
        record.update(action=f"{item.text(0)}" + (" [click missed]" if missed else ""),
                      entry=list(flt))
        records.append(record)
    return records


def bench(args: argparse.Namespace, folder: Path, reuse: bool) -> int:
    env = {"python": platform.python_version(), "platform": f"{platform.system()} "
           f"{platform.machine()}", "cpus": os.cpu_count(), "load_at_start": load(),
           "qt_platform": os.environ["QT_QPA_PLATFORM"]}
    step("the library and the query mix (child process)")
    prepared = run_prepare(folder, args)
    if prepared["count"] != args.papers:
        print(f"ERROR: {folder} holds {prepared['count']} papers, not {args.papers}; use "
              f"another --library folder or --papers {prepared['count']}")
        return 2
    figures: dict[str, Any] = {"library_made": prepared["made"],
                               "import_call_s": prepared["import_call_s"]}
    with tempfile.TemporaryDirectory(prefix="bench-gui-settings-") as settings_dir:
        step("opening the window")
        harness, library = open_window(args, folder, Path(settings_dir), figures)
        try:
            import PySide6

            env["pyside6"] = PySide6.__version__
            searches = run_searches(harness, prepared["queries"], figures)
            figures["rss_after_searches_mb"] = rss_mb()
            step("sorting by every column")
            sorts = run_sorts(harness)
            step("filtering from the sidebar")
            filters = run_filters(harness)
            figures["rss_at_end_mb"] = rss_mb()
            figures["peak_rss_mb"] = peak_rss_mb()
        finally:
            harness.window.close()
            library.close()
    env["load_at_end"] = load()
    report(args, env, figures, searches, sorts, filters, folder, reuse)
    return 0


# -- output ----------------------------------------------------------------------------------


def kind_rows(searches: Sequence[dict[str, Any]]) -> tuple[list[list[str]], dict[str, Any]]:
    rows: list[list[str]] = []
    out: dict[str, Any] = {}
    for kind in (*KINDS, "all"):
        mine = [s for s in searches if kind in ("all", s["kind"])]
        ok = [s for s in mine if not s["error"] and s["first_page_ms"] is not None]
        page = summary([s["first_page_ms"] for s in ok])
        full = summary([s["count_facets_ms"] for s in ok if s["count_facets_ms"] is not None])
        stall = summary([s["stall_ms"] for s in mine])
        errors = len(mine) - len(ok)
        out[kind] = {"n": len(mine), "first_page_ms": page, "count_facets_ms": full,
                     "stall_ms": stall, "errors": errors,
                     "avg_rows": round(statistics.mean(s["rows"] for s in ok), 1) if ok else None}

        def cells(d: dict[str, float], keys: Sequence[str]) -> list[str]:
            return [f"{d[k]:.1f}" if d else "-" for k in keys]

        rows.append([kind if kind != "all" else "all kinds", str(len(mine)),
                     *cells(page, ("p50", "p95", "max")), "|",
                     *cells(full, ("p50", "p95", "max")), "|",
                     *cells(stall, ("p95", "max")),
                     f"{out[kind]['avg_rows']:.0f}" if ok else "-", str(errors)])
    return rows, out


def report(args: argparse.Namespace, env: dict[str, Any], figures: dict[str, Any],
           searches: list[dict[str, Any]], sorts: list[dict[str, Any]],
           filters: list[dict[str, Any]], folder: Path, reuse: bool) -> None:
    def t(key: str) -> str:
        value = figures.get(key)
        return "n/a" if value is None else f"{value * 1000:.0f} ms"

    print(f"\nReadinglist GUI benchmark: {args.papers} papers, {len(searches)} searches, "
          f"window {figures['window_size']}, Qt platform {env['qt_platform']}, "
          f"PySide6 {env.get('pyside6', '?')}")
    print(f"Python {env['python']}, {env['platform']}, {env['cpus']} CPUs; "
          f"library {folder}{' (reused)' if reuse else ''}")
    rows = [
        ["import Qt and the GUI modules", t("import_gui_modules_s")],
        ["make_app + preferences' look", t("make_app_s")],
        ["open_library (Library.open, index worker)", t("open_library_s")],
        ["MainWindow(library) (lists every paper)", t("window_constructor_s")],
        ["show() -> table's first paint ended", t("show_to_first_paint_s")],
        ["FIRST PAINT: window created -> table painted", t("first_paint_s")],
        ["first paint from open_library", t("first_paint_from_open_s")],
        ["RSS at first paint", f"{figures['rss_at_first_paint_mb']:.0f} MB"],
    ]
    table(("start-up", "time"), rows, "Start-up (in this process)")

    first = figures["first_search"]
    rows, per_kind = kind_rows(searches)
    table(["query kind", "n", "page p50", "p95", "max", "|", "count+facets p50", "p95",
           "max", "|", "stall p95", "max", "rows", "err"], rows,
          "Searches, ms from setText + run() (debounce excluded): first page = the table's "
          "paint with the\nnew rows ended; count+facets = the match count and the sidebar "
          "painted too; stall = longest\nGUI-thread block (5 ms timer gaps - 5 ms)")
    ok = [s for s in searches if s["rows_given_ms"] is not None and not s["error"]]
    given = summary([s["rows_given_ms"] for s in ok])
    paints = summary([s["table_paint_ms"] for s in ok if s["table_paint_ms"] is not None])
    if given and paints:
        print(f"where the first page's time goes (all kinds, p50 / p95): the rows reach the "
              f"model {given['p50']:.1f} / {given['p95']:.1f} ms after the keystroke; the "
              f"table's paint takes {paints['p50']:.1f} / {paints['p95']:.1f} ms")
    print(f"first search after opening ({FIRST_QUERY!r}): first page "
          f"{first['first_page_ms']} ms, count+facets {first['count_facets_ms']} ms, "
          f"stall {first['stall_ms']} ms")
    errors = [f"  {s['kind']} {s['query']!r}: {s['error']}" for s in searches if s["error"]]
    incomplete = [f"  {s['kind']} {s['query']!r}: missing {', '.join(s['missing'])}"
                  + (" (timed out)" if s["timed_out"] else "")
                  for s in searches if s["missing"]]
    if errors:
        print("Query errors:\n" + "\n".join(errors))
    if incomplete:
        print("Never shown:\n" + "\n".join(incomplete))

    rows = [[r["action"], r.get("order", ""), str(r["rows"]), f"{r['done_ms']:.1f}",
             "-" if r["shown_ms"] is None else f"{r['shown_ms']:.1f}", f"{r['stall_ms']:.1f}"]
            for r in sorts + filters]
    table(("click", "order", "rows", "done", "shown", "stall"), rows,
          "Sorting (header clicks) and filtering (sidebar clicks), ms: done = the click "
          "returned (sorted\nor listed); shown = the table's next paint ended")

    all_kinds = per_kind["all"]
    sort_shown = [r["shown_ms"] for r in sorts[1:] if r["shown_ms"] is not None]
    filter_shown = [r["shown_ms"] for r in filters if r["shown_ms"] is not None]
    stalls = [s["stall_ms"] for s in searches]
    measured = [
        figures["first_paint_s"] * 1000,
        figures["rss_at_first_paint_mb"],
        figures["rss_after_searches_mb"],
        all_kinds["first_page_ms"].get("p95"),
        all_kinds["count_facets_ms"].get("max"),
        max(stalls) if stalls else None,
        max(sort_shown) if sort_shown else None,
        max(filter_shown) if filter_shown else None,
    ]
    goals = []
    for (name, goal, unit), value in zip(GOALS, measured, strict=True):
        goals.append({"figure": name, "goal": goal, "unit": unit, "measured": value,
                      "met": None if value is None else value < goal})
    rows = [[g["figure"], f"< {g['goal']:.0f} {g['unit']}",
             "n/a" if g["measured"] is None else f"{g['measured']:.0f} {g['unit']}",
             {True: "yes", False: "NO", None: "-"}[g["met"]]] for g in goals]
    table(("issue 13 goal (stated for 100,000 papers)", "goal", "measured", "met"), rows,
          f"Goals (this run: {args.papers} papers; a readout, not a test)")
    print(f"\nRSS: {figures['rss_at_first_paint_mb']:.0f} MB at first paint, "
          f"{figures['rss_after_searches_mb']:.0f} MB after the searches, "
          f"{figures['rss_at_end_mb']:.0f} MB at the end; peak {figures['peak_rss_mb']:.0f} MB")
    print(f"Load average at start {env['load_at_start']}, at end {env['load_at_end']} "
          f"({env['cpus']} CPUs)")
    if args.json:
        data = {
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "config": {"papers": args.papers, "queries": args.queries, "seed": args.seed,
                       "query_seed": QUERY_SEED, "reused_library": reuse, "size": args.size,
                       "stall_tick_ms": STALL_TICK * 1000},
            "environment": env, "startup": figures, "goals": goals,
            "searches_by_kind": per_kind, "searches": searches, "sorts": sorts,
            "filters": filters,
        }
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"Figures written to {args.json}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000, metavar="N",
                        help="papers in the library (default 100000)")
    parser.add_argument("--queries", type=int, default=60, metavar="K",
                        help=f"searches, spread evenly over the {len(KINDS)} kinds of "
                        "bench_search.py (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated papers")
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="use the library of N papers in DIR (made by this script or "
                        "bench_search.py), or make it there; default: a temporary folder")
    parser.add_argument("--size", default=WINDOW_SIZE, metavar="WxH",
                        help=f"window size (default {WINDOW_SIZE})")
    parser.add_argument("--platform", default="offscreen",
                        help="Qt platform plugin (default offscreen)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every figure here")
    parser.add_argument("--prepare-out", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.prepare_out:
        return prepare(args)
    if args.papers < 100:
        parser.error("use at least 100 papers")
    if args.queries < len(KINDS):
        parser.error(f"use at least {len(KINDS)} queries")
    if not re.fullmatch(r"\d+x\d+", args.size):
        parser.error("--size is WIDTHxHEIGHT, e.g. 1440x880")
    os.environ["QT_QPA_PLATFORM"] = args.platform  # before Qt is imported
    with benchmark_library(parser, args.library) as (folder, reuse):
        return bench(args, folder, reuse)


if __name__ == "__main__":
    raise SystemExit(main())
