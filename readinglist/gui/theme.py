"""The app's light and dark themes: the palette Qt's Fusion style paints with, style.qss
filled in with the theme's colours, and a signal for the widgets that paint with theme
colours themselves (highlights, charts, the rendered note, table colours).

    apply_theme(app, "dark")      # or "light", or "system" (follows the OS, live)
    current().muted_text          # a colour of the theme in force ("#rrggbb")
    theme_signals().changed.connect(self.restyle)

style.qss is a `string.Template`: `$text`, `$base`, ... are the Theme's field names
(`$$` is a literal dollar); braces stay QSS's own.
"""

from __future__ import annotations

import contextlib
import logging
from string import Template

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ..system.locations import resource_path
from .theme_palettes import DARK as DARK
from .theme_palettes import LIGHT as LIGHT
from .theme_palettes import THEMES as THEMES
from .theme_palettes import HighlightColours as HighlightColours
from .theme_palettes import HighlightPalette as HighlightPalette
from .theme_palettes import Theme as Theme

log = logging.getLogger(__name__)

THEME_CHOICES = ("system", "light", "dark")


class ThemeSignals(QObject):
    """`changed` is emitted after a theme is applied (the palette and the style sheet are
    already in force): repaint what you paint with theme colours."""

    changed = Signal()


class _State:
    theme: Theme = LIGHT
    choice: str = "light"
    signals: ThemeSignals | None = None
    following: QApplication | None = None  # the app whose colorSchemeChanged we follow


def current() -> Theme:
    """The theme in force (LIGHT until a theme is applied)."""
    return _State.theme


def is_dark() -> bool:
    return _State.theme.dark


def current_choice() -> str:
    """What was asked for last: "system", "light" or "dark"."""
    return _State.choice


def theme_signals() -> ThemeSignals:
    """The one ThemeSignals object (made on first use)."""
    if _State.signals is None:
        _State.signals = ThemeSignals()
    return _State.signals


def colour(name: str, alpha: int = 255) -> QColor:
    """A colour of the theme in force by field name, e.g. colour("muted_text")."""
    made = QColor(getattr(_State.theme, name))
    made.setAlpha(alpha)
    return made


def resolve(app: QGuiApplication, choice: str) -> Theme:
    """The theme a choice stands for: "system" asks the OS (unknown: light); an
    unknown choice (a settings file from elsewhere) is light."""
    if choice == "system":
        return DARK if system_is_dark(app) else LIGHT
    return THEMES.get(choice, LIGHT)


def system_is_dark(app: QGuiApplication) -> bool:
    """Whether the OS asks for dark colours (Qt 6.5+; not known: no)."""
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, choice: str) -> None:
    """Put a theme in force: palette, style sheet, then `theme_signals().changed`.
    Called again with another choice, it switches live; "system" keeps following the OS."""
    if choice not in THEME_CHOICES:
        log.warning("unknown theme %r: using light", choice)
        choice = "light"
    _State.choice = choice
    _follow_system(app, choice == "system")
    _set(app, resolve(app, choice))


def _set(app: QApplication, theme: Theme) -> None:
    _State.theme = theme
    app.setPalette(qpalette(theme))
    app.setStyleSheet(stylesheet(theme))
    theme_signals().changed.emit()


def _follow_system(app: QApplication, follow: bool) -> None:
    hints = app.styleHints()
    if _State.following is not None:
        with contextlib.suppress(RuntimeError, TypeError):  # already gone with its app
            _State.following.styleHints().colorSchemeChanged.disconnect(_system_changed)
        _State.following = None
    if follow:
        hints.colorSchemeChanged.connect(_system_changed)
        _State.following = app


def _system_changed(_scheme: Qt.ColorScheme) -> None:
    app = _State.following
    if app is not None and _State.choice == "system":
        _set(app, resolve(app, "system"))


# -- the style sheet ---------------------------------------------------------------------


def stylesheet(theme: Theme | None = None) -> str:
    """resources/style.qss with a theme's colours (the theme in force by default)."""
    template = Template(resource_path("style.qss").read_text("utf-8"))
    return template.substitute((theme or _State.theme).colours())


# -- the palette -------------------------------------------------------------------------


def qpalette(theme: Theme) -> QPalette:
    """Every role of the three colour groups, so that Fusion paints nothing of its own
    default (light) colours under a dark theme."""
    pal = QPalette()
    role = QPalette.ColorRole
    c = QColor
    mid = c(theme.border_strong)
    roles = {
        role.Window: c(theme.window),
        role.WindowText: c(theme.text),
        role.Base: c(theme.base),
        role.AlternateBase: c(theme.alt_base),
        role.ToolTipBase: c(theme.tooltip_bg),
        role.ToolTipText: c(theme.tooltip_fg),
        role.PlaceholderText: c(theme.faint_text),
        role.Text: c(theme.text),
        role.Button: c(theme.button),
        role.ButtonText: c(theme.text),
        role.BrightText: c(theme.error_fg),
        role.Light: c(theme.button_hover).lighter(115) if theme.dark else c("#ffffff"),
        role.Midlight: c(theme.button_hover),
        role.Mid: mid,
        role.Dark: mid.darker(130),
        role.Shadow: c("#000000") if theme.dark else c("#767676"),
        role.Highlight: c(theme.selection_bg),
        role.HighlightedText: c(theme.selection_fg),
        role.Link: c(theme.link),
        role.LinkVisited: c(theme.key),
        role.Accent: c(theme.accent),
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for r, value in roles.items():
            pal.setColor(group, r, value)
    disabled = QPalette.ColorGroup.Disabled
    for r, value in roles.items():
        pal.setColor(disabled, r, value)
    for r in (role.WindowText, role.Text, role.ButtonText, role.PlaceholderText):
        pal.setColor(disabled, r, c(theme.disabled_text))
    pal.setColor(disabled, role.Highlight, c(theme.border_strong))
    pal.setColor(disabled, role.HighlightedText, c(theme.text))
    return pal
