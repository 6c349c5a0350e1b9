"""The reading dashboard's charts: Qt Charts built in the dashboard's style and painted
in the theme's colours, their count axes (whole-number ticks from 0), and the updates that
keep a chart's series and only change their values.

Nothing here holds figures: the dashboard dialog builds its charts with these and fills
them from a `ReadingStats`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QObject, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from ...reading.statistics import TIME_BUCKETS
from ..theme import LIGHT, Theme, current

# Colours are the theme's (gui/theme_palettes.py: chart_*), as the paper table's status
# colours: read is green, the inbox (what the backlog mostly is) blue, reading orange.
# A series names its colour (`bar_set(name, "chart_read")`), and `style_chart` paints a
# chart and its series in the theme in force, again after each switch of theme.
# The light theme's colours, under the names they had:
READ_COLOUR = QColor(LIGHT.chart_read)
SKIMMED_COLOUR = QColor(LIGHT.chart_skimmed)
BACKLOG_COLOUR = QColor(LIGHT.chart_backlog)
TIME_COLOUR = QColor(LIGHT.chart_time)
TAG_COLOUR = QColor(LIGHT.chart_tag)
TEXT_COLOUR = QColor(LIGHT.chart_title)
LABEL_COLOUR = QColor(LIGHT.chart_label)
GRID_COLOUR = QColor(LIGHT.chart_grid)
COLOUR_PROPERTY = "themeColour"  # on a QBarSet or QLineSeries: the Theme field it is in

_Hovered = Callable[..., Any]  # a series' `hovered` slot


class BarChart(NamedTuple):
    """A bar chart's parts: its category axis and its count axis."""

    chart: QChart
    view: QChartView
    categories: QBarCategoryAxis
    values: QValueAxis


class LineChart(NamedTuple):
    """A line chart's parts: its one series, category axis and count axis."""

    chart: QChart
    view: QChartView
    series: QLineSeries
    categories: QBarCategoryAxis
    values: QValueAxis


# -- count axes ----------------------------------------------------------------------------


def axis_top(maximum: float) -> tuple[int, int]:
    """(top, tick count) for a count axis from 0: whole-number ticks 1, 2 or 5 times a
    power of ten apart, at most 6 steps, with room above the largest value for its label."""
    wanted = max(1.0, maximum * 1.08)
    step = 1
    while wanted / step > 6:
        step = _next_step(step)
    top = math.ceil(wanted / step) * step
    return top, top // step + 1


def _next_step(step: int) -> int:
    """1, 2, 5, 10, 20, 50, ..."""
    digits = str(step)
    head, zeros = digits[0], len(digits) - 1
    return {"1": 2, "2": 5, "5": 10}[head] * 10**zeros


def bucket_labels() -> list[str]:
    """Short axis labels for TIME_BUCKETS, as day ranges: "same day", "1–7", ..., "over 90"."""
    labels, lower = [], 0
    for _name, upper in TIME_BUCKETS:
        if upper is None:
            labels.append(f"over {lower - 1}")
        elif upper == lower:
            labels.append("same day" if upper == 0 else str(upper))
        else:
            labels.append(f"{lower}–{upper}")
        lower = (upper or 0) + 1
    return labels


def set_range(axis: QValueAxis, maximum: float) -> None:
    """Fit a count axis to values up to `maximum` (see axis_top)."""
    top, ticks = axis_top(maximum)
    axis.setRange(0, top)
    axis.setTickCount(ticks)


# -- building ------------------------------------------------------------------------------


def new_chart(title: str) -> tuple[QChart, QChartView]:
    """An empty chart with a bold title and no legend, in a view of its own."""
    chart = QChart()
    chart.setTitle(title)
    title_font = QFont(chart.titleFont())
    title_font.setPointSizeF(max(title_font.pointSizeF(), 10.0) + 1)
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    chart.setBackgroundRoundness(4)
    chart.setMargins(QMargins(6, 4, 6, 4))
    chart.legend().hide()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(480, 280)
    return chart, view


def upright(axis: QBarCategoryAxis) -> None:
    # Twenty-six weeks or twelve months of labels side by side do not fit (Qt would
    # cut them to "…"): stand them up, whole.
    axis.setLabelsAngle(-90)
    axis.setTruncateLabels(False)


def style_axis(axis: QBarCategoryAxis | QValueAxis, title: str) -> None:
    axis.setTitleText(title)
    font = QFont(axis.labelsFont())
    font.setPointSizeF(max(font.pointSizeF() - 1, 7.0))
    axis.setLabelsFont(font)
    if isinstance(axis, QBarCategoryAxis):
        axis.setGridLineVisible(False)


def style_chart(chart: QChart, theme: Theme | None = None) -> None:
    """Paint a built chart in a theme's colours (the theme in force by default):
    background, title, legend, axes, and each series in the colour it names."""
    theme = theme or current()
    label = QColor(theme.chart_label)
    chart.setBackgroundBrush(QColor(theme.chart_bg))
    chart.setBackgroundPen(QPen(QColor(theme.border)))
    chart.setTitleBrush(QColor(theme.chart_title))
    chart.legend().setLabelColor(label)
    for axis in chart.axes():
        axis.setTitleBrush(label)
        axis.setLabelsBrush(label)
        axis.setGridLineColor(QColor(theme.chart_grid))
        axis.setLinePenColor(QColor(theme.chart_axis))
    for series in chart.series():
        if isinstance(series, QAbstractBarSeries):
            for bars in series.barSets():
                paint = _named(bars, theme)
                if paint is not None:
                    bars.setColor(paint)
                    bars.setBorderColor(paint)
                bars.setLabelColor(QColor(theme.chart_title))
        elif isinstance(series, QLineSeries):
            paint = _named(series, theme)
            if paint is not None:
                pen = series.pen()
                pen.setColor(paint)
                series.setPen(pen)
                series.setColor(paint)  # the markers


def _named(item: QObject, theme: Theme) -> QColor | None:
    """The colour a series or bar set names (None: it keeps the one it was given)."""
    name = item.property(COLOUR_PROPERTY)
    return QColor(getattr(theme, name)) if isinstance(name, str) else None


def _colour_of(colour: QColor | str, item: QObject) -> QColor:
    """A fixed colour, or a Theme field name (remembered on `item`) in the theme in force."""
    if isinstance(colour, str):
        item.setProperty(COLOUR_PROPERTY, colour)
        return QColor(getattr(current(), colour))
    return QColor(colour)


def count_axis(title: str) -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setMinorTickCount(0)
    style_axis(axis, title)
    set_range(axis, 0)
    return axis


def bar_set(name: str, colour: QColor | str) -> QBarSet:
    """Bars in `colour`: a Theme field ("chart_read"), which follows the theme, or fixed."""
    bars = QBarSet(name)
    paint = _colour_of(colour, bars)
    bars.setColor(paint)
    bars.setBorderColor(paint)
    bars.setLabelColor(QColor(current().chart_title))
    return bars


def stacked_bar_chart(title: str, axis_title: str, read: QBarSet, skimmed: QBarSet,
                      hovered: _Hovered) -> BarChart:
    """Read and skimmed papers stacked per period, with a legend on top."""
    chart, view = new_chart(title)
    series = QStackedBarSeries()
    series.append(read)
    series.append(skimmed)
    series.setBarWidth(0.7)
    series.hovered.connect(hovered)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    style_axis(categories, axis_title)
    upright(categories)
    values = count_axis("Papers")
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    chart.legend().show()
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    style_chart(chart)
    return BarChart(chart, view, categories, values)


def labelled_bar_chart(title: str, bars: QBarSet, axis_title: str, values_title: str,
                       hovered: _Hovered, *, horizontal: bool = False,
                       bar_width: float = 0.6) -> BarChart:
    """One set of bars, each labelled with its value; `horizontal`: categories on the
    left, bars going right."""
    chart, view = new_chart(title)
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bars)
    series.setBarWidth(bar_width)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    series.hovered.connect(hovered)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    style_axis(categories, axis_title)
    values = count_axis(values_title)
    left, bottom = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom
    chart.addAxis(categories, left if horizontal else bottom)
    chart.addAxis(values, bottom if horizontal else left)
    series.attachAxis(categories)
    series.attachAxis(values)
    style_chart(chart)
    return BarChart(chart, view, categories, values)


def line_chart(title: str, name: str, colour: QColor | str, axis_title: str, values_title: str,
               hovered: _Hovered) -> LineChart:
    """One line with a marker at each point, over upright category labels."""
    chart, view = new_chart(title)
    series = QLineSeries()
    series.setName(name)
    pen = QPen(_colour_of(colour, series))
    pen.setWidthF(2.5)
    series.setPen(pen)
    series.setPointsVisible(True)
    series.setMarkerSize(6)
    series.hovered.connect(hovered)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    style_axis(categories, axis_title)
    upright(categories)
    values = count_axis(values_title)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    style_chart(chart)
    return LineChart(chart, view, series, categories, values)


# -- updating ------------------------------------------------------------------------------


def set_values(bars: QBarSet, values: Sequence[float]) -> None:
    """Replace the bars' values (the set stays, so references to it stay valid)."""
    if bars.count():
        bars.remove(0, bars.count())
    bars.append(list(values))


def set_categories(axis: QBarCategoryAxis, labels: Sequence[str]) -> None:
    """Replace the axis's labels, unless they are the same already."""
    if list(axis.categories()) != list(labels):
        axis.clear()
        if labels:
            axis.append(list(labels))
