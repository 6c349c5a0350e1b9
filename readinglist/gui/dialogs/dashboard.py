"""The reading dashboard: big numbers and charts of readinglist.reading.statistics.

The figures come from one `ReadingStats` (the library's `statistics()` by default),
computed on the task runner when one is given. The charts keep their series and only
change their values on refresh, so `chart_views()` and the series attributes stay valid
for as long as the dialog lives (tests read them). The charts are built, and filled, with
the helpers of dashboard_charts.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import date

import shiboken6
from PySide6.QtCharts import QBarSet, QChartView
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...domain import ReadinglistError
from ...domain.changes import TAGS, Changes
from ...library.service import Library
from ...reading.statistics import ReadingStats
from ..change_bridge import bridge_for
from ..plain_text import tooltip
from ..tasks import TaskRunner
from ..theme import theme_signals
from .dashboard_charts import GRID_COLOUR as GRID_COLOUR  # re-exported, as they lived here
from .dashboard_charts import LABEL_COLOUR as LABEL_COLOUR
from .dashboard_charts import TEXT_COLOUR as TEXT_COLOUR
from .dashboard_charts import axis_top as axis_top
from .dashboard_charts import (
    bar_set,
    labelled_bar_chart,
    line_chart,
    set_categories,
    set_range,
    set_values,
    stacked_bar_chart,
    style_chart,
)
from .dashboard_charts import bucket_labels as bucket_labels

# What the figures are counted from.
STATS_FIELDS = frozenset({"status", "rating", "year", "added", TAGS})

log = logging.getLogger(__name__)

EMPTY_TEXT = ("No papers yet. Import or add some, mark what you read, and your reading "
              "statistics appear here.")
TIME_TITLE = "Time from added to read"
NO_TIME_TITLE = "Time from added to read (no read papers yet)"
TAGS_TITLE = "Top tags among read papers"
NO_TAGS_TITLE = "Top tags among read papers (none yet)"

# Local to the dialog; the tiles' colours are the theme's, in style.qss (QFrame#statTile).
STYLE = """
QPushButton#periodToggle { padding: 2px 10px; }
"""


class StatTile(QFrame):
    """A big number with a caption and a line of detail under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statTile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setObjectName("statCaption")
        self.value = QLabel("–")
        self.value.setObjectName("statValue")
        self.detail = QLabel()
        self.detail.setObjectName("statDetail")
        for label in (self.caption, self.value, self.detail):
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


def _short(day: date, today: date) -> str:
    """"Nov 6", with the year when it is not this year's."""
    text = f"{day:%b} {day.day}"
    return text if day.year == today.year else f"{text}, {day.year}"


class DashboardDialog(QDialog):
    """Reading statistics: tiles for the headline numbers and four charts.

    Emits `statsShown(stats)` each time new figures are on screen and `statsFailed(message)`
    when they could not be computed.
    """

    statsShown = Signal(object)
    statsFailed = Signal(str)

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
        stats_provider: Callable[[], ReadingStats] | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = runner
        # Looked up when called, and without touching the dialog from the worker thread.
        self.stats_provider = stats_provider or (lambda: library.statistics())
        self.stats: ReadingStats | None = None
        self._generation = 0
        self.setWindowTitle("Reading statistics")
        self.setStyleSheet(STYLE)
        self.resize(1240, 860)
        self._build()
        self.refresh()
        # Open beside the list, it counts again when statuses or papers change.
        bridge_for(library).changed.connect(self._library_changed)
        theme_signals().changed.connect(self.restyle)

    def restyle(self) -> None:
        """Paint the charts in the theme in force (the tiles follow style.qss)."""
        for view in self.chart_views().values():
            style_chart(view.chart())

    def _library_changed(self, changes: Changes) -> None:
        if self.isVisible() and (changes.membership or changes.any_field(STATS_FIELDS)):
            self.refresh()

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(10)

        self.pages = QStackedWidget()
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(10)

        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        self.tiles = {
            "current_streak": StatTile("Current streak"),
            "longest_streak": StatTile("Longest streak"),
            "read_this_month": StatTile("Read this month"),
            "backlog": StatTile("Backlog now"),
            "median_days": StatTile("Median days to read"),
        }
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        content.addLayout(tiles)

        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(self._build_read_charts(), 0, 0)
        grid.addWidget(self._build_backlog_chart(), 0, 1)
        grid.addWidget(self._build_time_chart(), 1, 0)
        grid.addWidget(self._build_tags_chart(), 1, 1)
        for row_or_column in (0, 1):
            grid.setRowStretch(row_or_column, 1)
            grid.setColumnStretch(row_or_column, 1)
        content.addLayout(grid, 1)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.pages.addWidget(self.content)
        self.pages.addWidget(self.empty_label)
        layout.addWidget(self.pages, 1)

        bottom = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("paperMeta")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        bottom.addWidget(self.status_label, 1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Count again from the library")
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        bottom.addWidget(self.refresh_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)

    def _build_read_charts(self) -> QStackedWidget:
        """Papers finished per week or per month (read and skimmed stacked), one shown
        at a time and chosen with two toggle buttons."""
        self.week_read = bar_set("Read", "chart_read")
        self.week_skimmed = bar_set("Skimmed", "chart_skimmed")
        self.week_chart, self.week_view, self.week_axis, self.week_values = (
            stacked_bar_chart("Read per week", "ISO week",
                              self.week_read, self.week_skimmed, self._bar_tip))
        self.month_read = bar_set("Read", "chart_read")
        self.month_skimmed = bar_set("Skimmed", "chart_skimmed")
        self.month_chart, self.month_view, self.month_axis, self.month_values = (
            stacked_bar_chart("Read per month", "Month",
                              self.month_read, self.month_skimmed, self._bar_tip))

        self.period_stack = QStackedWidget()
        self.period_stack.addWidget(self.week_view)
        self.period_stack.addWidget(self.month_view)
        self.by_week_button = QPushButton("Week")
        self.by_week_button.setToolTip("Papers read per ISO week")
        self.by_month_button = QPushButton("Month")
        self.by_month_button.setToolTip("Papers read per calendar month")
        group = QButtonGroup(self)
        for index, button in enumerate((self.by_week_button, self.by_month_button)):
            button.setObjectName("periodToggle")
            button.setCheckable(True)
            button.setAutoDefault(False)
            group.addButton(button, index)
        self.by_week_button.setChecked(True)
        group.idClicked.connect(self.show_period)

        # The toggle sits in the chart's top left corner, so that both top charts keep
        # the same height and their axes line up.
        self.period_toggle = QWidget(self.period_stack)
        row = QHBoxLayout(self.period_toggle)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.by_week_button)
        row.addWidget(self.by_month_button)
        self.period_toggle.adjustSize()
        self.period_toggle.move(12, 10)
        self.period_toggle.raise_()
        return self.period_stack

    def show_period(self, index: int) -> None:
        """Show papers read per week (0) or per month (1)."""
        self.period_stack.setCurrentIndex(index)
        (self.by_week_button, self.by_month_button)[index].setChecked(True)
        self.period_toggle.raise_()  # the page just shown came up over it

    def _build_backlog_chart(self) -> QChartView:
        (self.backlog_chart, self.backlog_view, self.backlog_series, self.backlog_axis,
         self.backlog_values) = line_chart(
            "Backlog at the end of each week", "Backlog", "chart_backlog",
            "ISO week (this week: now)", "Papers to read", self._backlog_tip)
        return self.backlog_view

    def _build_time_chart(self) -> QChartView:
        self.time_set = bar_set("Papers", "chart_time")
        self.time_chart, self.time_view, self.time_axis, self.time_values = (
            labelled_bar_chart(TIME_TITLE, self.time_set, "Days from added to read",
                               "Read papers", self._bar_tip))
        return self.time_view

    def _build_tags_chart(self) -> QChartView:
        self.tag_set = bar_set("Read papers", "chart_tag")
        self.tags_chart, self.tags_view, self.tag_axis, self.tag_values = (
            labelled_bar_chart(TAGS_TITLE, self.tag_set, "", "Read papers with the tag",
                               self._bar_tip, horizontal=True, bar_width=0.7))
        return self.tags_view

    def chart_views(self) -> dict[str, QChartView]:
        """Every chart, by name: per_week, per_month, backlog, time_to_read, top_tags."""
        return {
            "per_week": self.week_view,
            "per_month": self.month_view,
            "backlog": self.backlog_view,
            "time_to_read": self.time_view,
            "top_tags": self.tags_view,
        }

    # -- computing ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the figures again: on the runner when there is one, else right away.
        A newer refresh wins over one still running."""
        self._generation += 1
        generation = self._generation
        self.status_label.setText("Counting…")
        if self.runner is None:
            try:
                stats = self.stats_provider()
            except ReadinglistError as exc:
                self._failed(generation, str(exc))
                return
            except Exception as exc:  # a bug: say so in the dialog, keep the app alive
                log.exception("computing reading statistics failed")
                self._failed(generation, f"unexpected error: {exc!r}")
                return
            self._shown(generation, stats)
        else:
            self.runner.run(
                self.stats_provider,
                on_success=lambda stats: self._shown(generation, stats),
                on_failure=lambda message: self._failed(generation, message),
            )

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation or not shiboken6.isValid(self):
            return
        self.status_label.setText(f"Could not compute the statistics: {message}")
        self.statsFailed.emit(message)

    def _shown(self, generation: int, stats: ReadingStats) -> None:
        if generation != self._generation or not shiboken6.isValid(self):
            return
        self.stats = stats
        self._show_tiles(stats)
        self._show_periods(stats)
        self._show_backlog(stats)
        self._show_time_to_read(stats)
        self._show_tags(stats)
        self.pages.setCurrentWidget(self.empty_label if stats.empty else self.content)
        notes = "  ".join(stats.notes)
        self.status_label.setText(
            f"As of {stats.now:%Y-%m-%d %H:%M} UTC. Weeks start on Monday; days are UTC "
            f"days. {notes}".strip())
        self.statsShown.emit(stats)

    # -- showing -----------------------------------------------------------------------

    def _show_tiles(self, stats: ReadingStats) -> None:
        streaks, totals, ttr = stats.streaks, stats.totals, stats.time_to_read
        today = stats.now.date()
        if streaks.current_end is None:
            current_detail = "finish a paper today to start one"
        elif streaks.current_end == today:
            current_detail = "including today"
        else:
            current_detail = "through yesterday: finish one today"
        self.tiles["current_streak"].set(_days(streaks.current), current_detail)
        self.tiles["longest_streak"].set(
            _days(streaks.longest),
            f"ended {_short(streaks.longest_end, today)}" if streaks.longest_end else "")
        self.tiles["read_this_month"].set(
            str(totals.read_this_month),
            f"+{totals.skimmed_this_month} skimmed, {totals.read_this_week} read this week")
        self.tiles["backlog"].set(str(totals.backlog), f"{totals.queue} in the queue")
        median = ttr.median_days
        self.tiles["median_days"].set(
            "–" if median is None else f"{median:g}",
            f"over {ttr.count} read paper{'' if ttr.count == 1 else 's'}" if ttr.count
            else "no read papers yet")

    def _show_periods(self, stats: ReadingStats) -> None:
        for periods, read, skimmed, axis, values in (
            (stats.per_week, self.week_read, self.week_skimmed, self.week_axis,
             self.week_values),
            (stats.per_month, self.month_read, self.month_skimmed, self.month_axis,
             self.month_values),
        ):
            set_values(read, [p.read for p in periods])
            set_values(skimmed, [p.skimmed for p in periods])
            set_categories(axis, [p.label for p in periods])
            set_range(values, max((p.finished for p in periods), default=0))

    def _show_backlog(self, stats: ReadingStats) -> None:
        self.backlog_series.replace(
            [QPointF(index, point.size) for index, point in enumerate(stats.backlog)])
        set_categories(self.backlog_axis, [point.label for point in stats.backlog])
        set_range(self.backlog_values, max((p.size for p in stats.backlog), default=0))

    def _show_time_to_read(self, stats: ReadingStats) -> None:
        histogram = stats.time_to_read.histogram
        set_values(self.time_set, [n for _label, n in histogram])
        set_categories(self.time_axis, bucket_labels())
        set_range(self.time_values, max((n for _label, n in histogram), default=0))
        self.time_chart.setTitle(TIME_TITLE if stats.time_to_read.count else NO_TIME_TITLE)

    def _show_tags(self, stats: ReadingStats) -> None:
        # Bars go up from the axis's first category: reversed, the most used is on top.
        ranked = list(reversed(stats.top_tags))
        set_values(self.tag_set, [n for _tag, n in ranked])
        # Axis labels are rich text in Qt Charts: a tag like "<b>x" is escaped to show as typed.
        set_categories(self.tag_axis, [html.escape(tag) for tag, _n in ranked])
        set_range(self.tag_values, max((n for _tag, n in ranked), default=0))
        self.tags_chart.setTitle(TAGS_TITLE if ranked else NO_TAGS_TITLE)

    # -- tooltips ----------------------------------------------------------------------

    def _bar_tip(self, status: bool, index: int, bars: QBarSet) -> None:
        if not status or self.stats is None:
            QToolTip.hideText()
            return
        text = ""
        weekly = bars is self.week_read or bars is self.week_skimmed
        if weekly or bars is self.month_read or bars is self.month_skimmed:
            periods = self.stats.per_week if weekly else self.stats.per_month
            if 0 <= index < len(periods):
                p = periods[index]
                text = f"{p.label} ({p.start} to {p.end}): {p.read} read, {p.skimmed} skimmed"
        elif bars is self.time_set:
            histogram = self.stats.time_to_read.histogram
            if 0 <= index < len(histogram):
                label, count = histogram[index]
                text = f"{label}: {count} read paper{'' if count == 1 else 's'}"
        elif bars is self.tag_set:
            ranked = list(reversed(self.stats.top_tags))
            if 0 <= index < len(ranked):
                tag, count = ranked[index]
                text = f"{tag}: {count} read paper{'' if count == 1 else 's'}"
        if text:
            QToolTip.showText(QCursor.pos(), tooltip(text))

    def _backlog_tip(self, point: QPointF, state: bool) -> None:
        if not state or self.stats is None:
            QToolTip.hideText()
            return
        index = round(point.x())
        if 0 <= index < len(self.stats.backlog):
            p = self.stats.backlog[index]
            QToolTip.showText(QCursor.pos(),
                              tooltip(f"{p.label}: {p.size} to read at {p.at:%Y-%m-%d %H:%M}"))


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"

