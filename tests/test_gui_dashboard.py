"""The reading dashboard shows the statistics' numbers, copes with an empty library and
counts again on Refresh."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSet
from PySide6.QtCore import Qt, QThread
from test_statistics import MONTHS, NOW, WEEKS, at, fixture, make

from readinglist import Library
from readinglist.domain import Paper, ReadinglistError, Status, StatusChange
from readinglist.gui.app import make_app
from readinglist.gui.dialogs.dashboard import (
    EMPTY_TEXT,
    NO_TAGS_TITLE,
    NO_TIME_TITLE,
    DashboardDialog,
    axis_top,
    bucket_labels,
)
from readinglist.gui.tasks import TaskRunner
from readinglist.reading.statistics import ReadingStats, compute
from readinglist.store.paper_store import utc_now


def values(bars: QBarSet) -> list[float]:
    return [bars.at(i) for i in range(bars.count())]


def fixture_stats(extra: tuple[Paper, list[StatusChange]] | None = None) -> ReadingStats:
    """The hand-built library of test_statistics, whose answers are worked out there."""
    papers, histories = fixture()
    if extra is not None:
        papers.append(extra[0])
        histories[extra[0].id] = extra[1]
    return compute(papers, histories, NOW, weeks=WEEKS, months=MONTHS)


def from_library(library: Library, now: datetime | None = None) -> ReadingStats:
    papers = library.list()
    return compute(papers, {p.id: library.history(p.id) for p in papers}, now or utc_now())


@pytest.fixture
def library_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """Library.statistics as the service will have it, until it does."""
    if not hasattr(Library, "statistics"):
        monkeypatch.setattr(Library, "statistics", from_library, raising=False)


@pytest.fixture
def dialogs(qtbot) -> Iterator[Callable[..., DashboardDialog]]:
    make_app()
    made: list[DashboardDialog] = []

    def make(*args: object, **kwargs: object) -> DashboardDialog:
        dialog = DashboardDialog(*args, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        if dialog.runner is not None:
            dialog.runner.wait()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    yield lib
    lib.close()


def test_shows_the_fixture_numbers(dialogs, library: Library) -> None:
    dialog = dialogs(library, stats_provider=fixture_stats)
    assert dialog.pages.currentWidget() is dialog.content
    # Per week W42..W47 and per month Aug..Nov (see test_statistics for the sums).
    assert list(dialog.week_axis.categories()) == [
        "2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert values(dialog.week_read) == [1, 0, 0, 4, 0, 2]
    assert values(dialog.week_skimmed) == [0, 0, 0, 0, 0, 1]
    assert list(dialog.month_axis.categories()) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert values(dialog.month_read) == [0, 1, 1, 6]
    assert values(dialog.month_skimmed) == [0, 0, 0, 1]
    # Backlog at each week's end, the last point now.
    assert [(p.x(), p.y()) for p in dialog.backlog_series.points()] == [
        (0, 3), (1, 4), (2, 4), (3, 3), (4, 4), (5, 3)]
    assert list(dialog.backlog_axis.categories())[-1] == "2026-W47"
    # Time from added to read: same day 2, 1-7 days 1, 8-30 3, 31-90 1, over 90 1.
    assert list(dialog.time_axis.categories()) == [
        "same day", "1–7", "8–30", "31–90", "over 90"]
    assert values(dialog.time_set) == [2, 1, 3, 1, 1]
    # Top tags, most used on top: a horizontal bar chart lists them bottom up.
    assert list(dialog.tag_axis.categories()) == [
        "transformers", "théorie", "Graphs", "vision", "llm"]
    assert values(dialog.tag_set) == [1, 1, 1, 2, 4]
    # Tiles.
    tiles = dialog.tiles
    assert tiles["current_streak"].value.text() == "3 days"
    assert "yesterday" in tiles["current_streak"].detail.text()
    assert tiles["longest_streak"].value.text() == "4 days"
    assert tiles["longest_streak"].detail.text() == "ended Nov 6"
    assert tiles["read_this_month"].value.text() == "6"
    assert tiles["read_this_month"].detail.text() == "+1 skimmed, 2 read this week"
    assert tiles["backlog"].value.text() == "3"
    assert tiles["backlog"].detail.text() == "1 in the queue"
    assert tiles["median_days"].value.text() == "11"
    assert tiles["median_days"].detail.text() == "over 8 read papers"
    assert dialog.stats is not None and dialog.stats.totals.papers == 13


def test_every_chart_has_a_title_and_axis_titles(dialogs, library: Library) -> None:
    dialog = dialogs(library, stats_provider=fixture_stats)
    views = dialog.chart_views()
    assert set(views) == {"per_week", "per_month", "backlog", "time_to_read", "top_tags"}
    for name, view in views.items():
        chart = view.chart()
        assert chart.title(), name
        assert chart.series(), name
        titles = [axis.titleText() for axis in chart.axes()]
        assert len(titles) == 2, name
        # The tag names label themselves; every other axis says what it counts.
        assert all(titles) if name != "top_tags" else titles.count("") == 1, name


def test_streak_including_today_and_value_axis_headroom(dialogs, library: Library) -> None:
    today = make(14, [("inbox", "2026-11-19 08:00"), ("read", "2026-11-19 12:00")],
                 ("llm",))
    dialog = dialogs(library, stats_provider=lambda: fixture_stats(today))
    assert dialog.tiles["current_streak"].value.text() == "4 days"
    assert dialog.tiles["current_streak"].detail.text() == "including today"
    assert values(dialog.week_read)[-1] == 3
    assert values(dialog.tag_set)[-1] == 5  # llm
    # The count axis reaches above the tallest bar (room for its label), in whole steps.
    assert dialog.tag_values.max() > 5
    assert dialog.tag_values.max() == int(dialog.tag_values.max())


def test_user_tags_are_not_rendered_as_markup(dialogs, library: Library) -> None:
    paper = Paper(id=20, title="x", status=Status.READ, tags=("<b>bold</b> & co",),
                  added=at("2026-11-10 10:00"), finished=at("2026-11-11 10:00"))
    dialog = dialogs(library, stats_provider=lambda: compute([paper], {}, NOW))
    # Qt Charts draws axis labels as rich text: the tag is escaped to show as typed.
    assert list(dialog.tag_axis.categories()) == ["&lt;b&gt;bold&lt;/b&gt; &amp; co"]


def test_empty_library(dialogs, library: Library, library_statistics: None) -> None:
    dialog = dialogs(library)
    assert dialog.stats is not None and dialog.stats.empty
    assert dialog.pages.currentWidget() is dialog.empty_label
    assert dialog.empty_label.text() == EMPTY_TEXT
    # The charts are set, with zeros, not left stale or broken.
    assert values(dialog.week_read) == [0] * 26
    assert values(dialog.month_read) == [0] * 12
    assert [p.y() for p in dialog.backlog_series.points()] == [0] * 26
    assert values(dialog.time_set) == [0] * 5
    assert values(dialog.tag_set) == []
    assert dialog.tags_view.chart().title() == NO_TAGS_TITLE
    assert dialog.tiles["median_days"].value.text() == "–"
    assert dialog.tiles["current_streak"].value.text() == "0 days"
    assert dialog.week_values.max() >= 1  # a usable axis, not a 0..0 range


def test_refresh_after_a_status_change(dialogs, library: Library,
                                       library_statistics: None) -> None:
    first = library.add("Attention Is All You Need", tags=["llm"]).paper.id
    library.add("Über Graphen", tags=["graphs"])
    library.add("Scaling laws")
    dialog = dialogs(library)
    assert dialog.pages.currentWidget() is dialog.content
    assert dialog.tiles["backlog"].value.text() == "3"
    assert dialog.tiles["read_this_month"].value.text() == "0"
    assert dialog.tiles["median_days"].value.text() == "–"
    assert dialog.tags_view.chart().title() == NO_TAGS_TITLE
    assert dialog.time_view.chart().title() == NO_TIME_TITLE
    assert values(dialog.week_read)[-1] == 0

    library.set_status(first, "queued")
    library.set_status(first, "read")
    dialog.refresh_button.click()

    assert dialog.tiles["backlog"].value.text() == "2"
    assert dialog.tiles["read_this_month"].value.text() == "1"
    assert dialog.tiles["current_streak"].value.text() == "1 day"
    assert dialog.tiles["median_days"].value.text() == "0"  # added and read today
    assert values(dialog.week_read)[-1] == 1
    assert values(dialog.month_read)[-1] == 1
    assert values(dialog.time_set) == [1, 0, 0, 0, 0]
    assert list(dialog.tag_axis.categories()) == ["llm"]
    assert values(dialog.tag_set) == [1]
    assert dialog.tags_view.chart().title() != NO_TAGS_TITLE
    assert dialog.time_view.chart().title() != NO_TIME_TITLE
    assert dialog.backlog_series.points()[-1].y() == 2


def test_computes_on_the_runner(dialogs, qtbot, library: Library) -> None:
    library.add("A paper")
    gui_thread = QThread.currentThread()
    computed_on: list[bool] = []

    def provider() -> ReadingStats:
        computed_on.append(QThread.currentThread() is gui_thread)
        return from_library(library)

    dialog = dialogs(library, runner=TaskRunner(), stats_provider=provider)
    qtbot.waitUntil(lambda: dialog.stats is not None, timeout=5000)  # the first count
    with qtbot.waitSignal(dialog.statsShown, timeout=5000) as blocker:
        dialog.refresh()
    assert blocker.args[0].totals.papers == 1
    assert dialog.tiles["backlog"].value.text() == "1"
    assert computed_on == [False, False]  # never on the GUI thread


def test_a_failure_is_shown_not_raised(dialogs, library: Library) -> None:
    def broken() -> ReadingStats:
        raise ReadinglistError("the library is closed")

    dialog = dialogs(library, stats_provider=broken)
    assert "the library is closed" in dialog.status_label.text()
    assert dialog.stats is None


def test_week_month_toggle(dialogs, qtbot, library: Library) -> None:
    dialog = dialogs(library, stats_provider=fixture_stats)
    dialog.show()
    assert dialog.period_stack.currentWidget() is dialog.week_view
    qtbot.mouseClick(dialog.by_month_button, Qt.MouseButton.LeftButton)
    assert dialog.period_stack.currentWidget() is dialog.month_view
    assert dialog.by_month_button.isChecked() and not dialog.by_week_button.isChecked()
    assert dialog.period_toggle.isVisible()
    qtbot.mouseClick(dialog.by_week_button, Qt.MouseButton.LeftButton)
    assert dialog.period_stack.currentWidget() is dialog.week_view


def test_axis_helpers() -> None:
    assert axis_top(0) == (1, 2)  # an empty chart still has a 0..1 axis
    assert axis_top(4) == (5, 6)  # room above the bar for its label, whole-number ticks
    assert axis_top(10) == (12, 7)
    assert axis_top(35) == (40, 5)
    assert bucket_labels() == ["same day", "1–7", "8–30", "31–90", "over 90"]
