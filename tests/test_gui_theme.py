"""The light and dark themes: the app's palette and style sheet, readable colour pairs
(WCAG contrast), and the widgets that paint with theme colours following a live switch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QTextDocument, QUndoStack
from PySide6.QtWidgets import QApplication
from test_gui_dashboard import fixture_stats

from readinglist import Library
from readinglist.domain import HIGHLIGHT_COLOURS
from readinglist.gui import theme
from readinglist.gui.app import make_app
from readinglist.gui.detail.abstract_view import AbstractView
from readinglist.gui.detail.markdown_highlighter import MarkdownHighlighter
from readinglist.gui.detail.note_editor import NoteEditor
from readinglist.gui.detail.note_preview import NotePreview
from readinglist.gui.dialogs.dashboard import DashboardDialog
from readinglist.gui.theme import DARK, LIGHT, THEME_CHOICES, Theme, apply_theme

SOUPS = 28  # "Model soups: ..." in the seed page
ARGB = QColor.NameFormat.HexArgb


@pytest.fixture
def app() -> Iterator[QApplication]:
    """The app, put back in the light theme (and the test's own look) afterwards."""
    application = make_app()
    sheet, palette = application.styleSheet(), QPalette(application.palette())
    yield application
    apply_theme(application, "light")
    application.setStyleSheet(sheet)
    application.setPalette(palette)


# -- contrast ------------------------------------------------------------------------------


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue()))


def contrast(one: QColor | str, other: QColor | str) -> float:
    a, b = luminance(QColor(one)), luminance(QColor(other))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def over(fill: str, alpha: int, background: QColor | str) -> QColor:
    """`fill` at `alpha` drawn over an opaque background."""
    top, under = QColor(fill), QColor(background)
    a = min(255, alpha) / 255
    return QColor(*(round(t * a + u * (1 - a)) for t, u in (
        (top.red(), under.red()), (top.green(), under.green()), (top.blue(), under.blue()))))


def text_pairs(t: Theme) -> dict[str, tuple[str | QColor, str | QColor]]:
    """Every (text, background) pair the app draws text with."""
    pairs: dict[str, tuple[str | QColor, str | QColor]] = {
        "text/base": (t.text, t.base),
        "text/window": (t.text, t.window),
        "text/alt_base": (t.text, t.alt_base),
        "text/sidebar": (t.text, t.sidebar),
        "text/header": (t.text, t.header),
        "text/button": (t.text, t.button),
        "text/panel": (t.text, t.panel),
        "muted/base": (t.muted_text, t.base),
        "muted/window": (t.muted_text, t.window),
        "muted/alt_base": (t.muted_text, t.alt_base),
        "secondary/window": (t.secondary_text, t.window),
        "tooltip": (t.tooltip_fg, t.tooltip_bg),
        "selection": (t.selection_fg, t.selection_bg),
        "accent": (t.accent_text, t.accent),
        "toggle": (t.toggle_fg, t.toggle_bg),
        "error": (t.error_fg, t.error_bg),
        "error/window": (t.error_fg, t.window),
        "warning": (t.warning_fg, t.warning_bg),
        "code": (t.code_text, t.code_bg),
        "pre": (t.code_text, t.pre_bg),
        "link": (t.link, t.base),
        "reference": (t.reference, t.base),
        "quote": (t.md_quote, t.base),
        "key": (t.key, t.panel),
        "snippet": (t.snippet_text, t.base),
        "search hit": (t.text, t.search_hit_bg),
        "rating": (t.rating, t.base),
        "priority high": (t.priority_high, t.base),
        "priority low": (t.priority_low, t.base),
        "chart title": (t.chart_title, t.chart_bg),
        "chart label": (t.chart_label, t.chart_bg),
        "search match": (t.text, over(t.search_match, t.search_match_alpha, t.base)),
    }
    for status in ("inbox", "queued", "reading", "read", "skimmed"):
        pairs[f"status {status}"] = (getattr(t, f"status_{status}"), t.base)
    for name in HIGHLIGHT_COLOURS:
        h = t.highlights.get(name)
        drawn = over(h.fill, h.alpha, t.base)
        selected = over(h.fill, 2 * h.alpha, t.base)  # a selected highlight: twice as strong
        pairs[f"{name} highlight"] = (t.text, drawn)
        pairs[f"{name} highlight, selected"] = (t.text, selected)
        pairs[f"{name} highlight, selected, searched"] = (
            t.text, over(t.search_match, t.search_match_alpha, selected))
    return pairs


@pytest.mark.parametrize("t", [LIGHT, DARK], ids=["light", "dark"])
def test_text_is_readable_on_every_background_it_is_drawn_on(t: Theme) -> None:
    weak = {name: round(contrast(fg, bg), 2) for name, (fg, bg) in text_pairs(t).items()
            if contrast(fg, bg) < 4.5}
    assert weak == {}


def test_dark_highlights_are_dark_fills_under_light_text() -> None:
    for name in HIGHLIGHT_COLOURS:
        h = DARK.highlights.get(name)
        assert luminance(over(h.fill, 2 * h.alpha, DARK.base)) < 0.15, name
        assert luminance(QColor(DARK.text)) > 0.6


# -- the app -------------------------------------------------------------------------------


def test_switching_to_dark_and_back_changes_the_palette(app: QApplication) -> None:
    assert THEME_CHOICES == ("system", "light", "dark")
    apply_theme(app, "dark")
    assert theme.is_dark() and theme.current() is DARK
    palette = app.palette()
    assert luminance(palette.color(QPalette.ColorRole.Window)) < 0.05
    assert luminance(palette.color(QPalette.ColorRole.Base)) < 0.05
    assert luminance(palette.color(QPalette.ColorRole.Text)) > 0.6
    assert luminance(palette.color(QPalette.ColorRole.WindowText)) > 0.6
    assert luminance(palette.color(QPalette.ColorRole.ButtonText)) > 0.6
    assert palette.color(QPalette.ColorRole.PlaceholderText).name() == DARK.faint_text
    # Disabled text is dimmer than text, but not black on the dark window.
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert 0.1 < luminance(disabled) < luminance(palette.color(QPalette.ColorRole.Text))
    assert DARK.base in app.styleSheet()

    apply_theme(app, "light")
    assert not theme.is_dark() and theme.current() is LIGHT
    assert app.palette().color(QPalette.ColorRole.Window).name() == LIGHT.window
    assert luminance(app.palette().color(QPalette.ColorRole.Text)) < 0.05
    assert LIGHT.sidebar in app.styleSheet()


def test_the_dark_style_sheet_has_only_dark_surfaces(app: QApplication) -> None:
    sheet = theme.stylesheet(DARK)
    assert "$" not in sheet
    backgrounds = re.findall(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6})", sheet)
    assert len(backgrounds) > 15
    light = sorted({c for c in backgrounds if luminance(QColor(c)) > 0.3})
    # The one light surface: the checked toggles and the triage banner, inverted on purpose.
    assert light in ([], [DARK.toggle_bg])
    for surface in ("#ffffff", LIGHT.base, LIGHT.window, LIGHT.sidebar, LIGHT.header,
                    LIGHT.button, LIGHT.alt_base, LIGHT.panel, LIGHT.border):
        assert surface not in backgrounds


def test_an_unknown_choice_is_light(app: QApplication) -> None:
    apply_theme(app, "dark")
    apply_theme(app, "sepia")  # from a settings file of a newer version, say
    assert theme.current() is LIGHT and theme.current_choice() == "light"


def test_system_follows_the_os_live(app: QApplication,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    os_dark = [False]
    monkeypatch.setattr(theme, "system_is_dark", lambda _app: os_dark[0])
    apply_theme(app, "system")
    assert theme.current() is LIGHT
    os_dark[0] = True
    changed: list[str] = []
    signals = theme.theme_signals()
    slot = signals.changed.connect(lambda: changed.append(theme.current().name))
    try:
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert theme.current() is DARK and changed == ["dark"]
        assert app.palette().color(QPalette.ColorRole.Window).name() == DARK.window
        # Chosen by hand, the theme no longer follows the OS.
        apply_theme(app, "light")
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert theme.current() is LIGHT and changed == ["dark", "light"]
    finally:
        signals.changed.disconnect(slot)


# -- widgets that paint with theme colours -------------------------------------------------


def drawn_fills(view: AbstractView) -> list[str]:
    return [s.format.background().color().name(ARGB) for s in view.extraSelections()]


def test_highlights_change_colour_with_the_theme_without_reopening_the_paper(
        qtbot, app: QApplication, seeded_library: Library) -> None:
    paper = seeded_library.get(SOUPS)
    seeded_library.add_annotation(SOUPS, 0, 20, "green")
    view = AbstractView(seeded_library)
    view.set_undo_stack(QUndoStack(view))
    qtbot.addWidget(view)
    view.set_paper(seeded_library.get(SOUPS))
    view.set_search_spans([(30, 34)])
    light = drawn_fills(view)
    assert light[0] == _fill(LIGHT, "green")

    apply_theme(app, "dark")
    assert view.paper is not None and view.paper.id == paper.id  # the same paper, redrawn
    dark = drawn_fills(view)
    assert dark[0] == _fill(DARK, "green") != light[0]
    assert dark[1] != light[1]  # the search match too
    assert view.toolbar.colour_buttons["green"].icon().pixmap(16, 16).toImage().pixelColor(
        8, 8).name() == DARK.highlights.green.swatch

    apply_theme(app, "light")
    assert drawn_fills(view) == light


def _fill(t: Theme, name: str) -> str:
    h = t.highlights.get(name)
    colour = QColor(h.fill)
    colour.setAlpha(h.alpha)
    return colour.name(ARGB)


def test_the_dashboard_charts_turn_dark(qtbot, app: QApplication, tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib")
    try:
        dialog = DashboardDialog(library, stats_provider=fixture_stats)
        qtbot.addWidget(dialog)
        dialog.resize(1000, 700)
        view = dialog.chart_views()["time_to_read"]
        assert dialog.time_set.color().name() == LIGHT.chart_time
        assert luminance(_mean(view)) > 0.6

        apply_theme(app, "dark")
        chart = view.chart()
        assert chart.backgroundBrush().color().name() == DARK.chart_bg
        assert chart.titleBrush().color().name() == DARK.chart_title
        assert dialog.time_set.color().name() == DARK.chart_time
        assert dialog.week_skimmed.color().name() == DARK.chart_skimmed
        assert dialog.backlog_series.pen().color().name() == DARK.chart_backlog
        for axis in chart.axes():
            assert axis.labelsBrush().color().name() == DARK.chart_label
        assert luminance(_mean(view)) < 0.1  # what is painted: a dark chart
        assert _has(view, DARK.chart_time)  # with the bars in the dark theme's colour

        apply_theme(app, "light")
        assert chart.backgroundBrush().color().name() == LIGHT.chart_bg
        assert luminance(_mean(view)) > 0.6
    finally:
        library.close()


def _mean(widget) -> QColor:
    image = widget.grab().toImage().scaled(40, 30)
    pixels = [image.pixelColor(x, y) for x in range(40) for y in range(30)]
    return QColor(*(round(sum(getattr(p, c)() for p in pixels) / len(pixels))
                    for c in ("red", "green", "blue")))


def _has(widget, colour: str) -> bool:
    image = widget.grab().toImage()
    return any(image.pixelColor(x, y).name() == colour
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))


def test_the_note_source_and_preview_follow_the_theme(qtbot, app: QApplication,
                                                      seeded_library: Library) -> None:
    preview = NotePreview(seeded_library)
    qtbot.addWidget(preview)
    preview.show_note("See #28 and `code`.")
    source = QTextDocument("# Note\nSee #28 and `code`.")
    highlighter = MarkdownHighlighter(source)
    assert highlighter.code.background().color().name() == LIGHT.code_bg
    assert LIGHT.reference in preview.document().defaultStyleSheet()

    apply_theme(app, "dark")
    assert highlighter.code.background().color().name() == DARK.code_bg
    assert highlighter.link.foreground().color().name() == DARK.link
    css = preview.document().defaultStyleSheet()
    assert DARK.reference in css and LIGHT.reference not in css
    # Rendered again: the paper link is in the dark theme's colour, the note unchanged.
    assert preview.toPlainText().startswith("See #28 and code")
    link = preview.document().find("#28")
    assert link.charFormat().foreground().color().name() == DARK.reference
    preview.show_note("")
    assert DARK.faint_text in preview.toHtml()


def test_a_theme_switch_is_not_an_edit_of_the_note(qtbot, app: QApplication,
                                                   seeded_library: Library) -> None:
    seeded_library.set_note(SOUPS, "# Soups\nAverage the *weights*, see #12.")
    editor = NoteEditor(seeded_library)
    qtbot.addWidget(editor)
    editor.set_paper(seeded_library.get(SOUPS))
    before = seeded_library.get(SOUPS).note_modified
    apply_theme(app, "dark")
    assert editor.state.text() != "Editing…"  # recoloured, not typed
    editor.flush()
    assert seeded_library.get(SOUPS).note_modified == before
    layout = editor.editor.document().firstBlock().layout()
    ranges = layout.formats()
    assert ranges and ranges[0].format.foreground().color().name() == DARK.md_heading
