"""Keeping a restored window on the screen it opens on: a geometry saved on a bigger
screen, or at another scale factor (1.5×, 2×), must not leave the window taller or wider
than the screen, or out of reach."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget


def fitted(frame: QRect, available: QRect) -> QRect:
    """`frame` moved and shrunk as little as possible to lie inside `available`."""
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    left = min(max(frame.left(), available.left()), available.right() - width + 1)
    top = min(max(frame.top(), available.top()), available.bottom() - height + 1)
    return QRect(left, top, width, height)


def fit_into_screen(window: QWidget) -> None:
    """Shrink and move `window` (frame included) into its screen's available area."""
    screen = window.screen()
    if screen is None:
        return
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    target = fitted(frame, available)
    if target == frame:
        return
    # The frame (title bar, borders) around the client area keeps its size.
    extra_w = frame.width() - window.width()
    extra_h = frame.height() - window.height()
    window.resize(max(1, target.width() - extra_w), max(1, target.height() - extra_h))
    window.move(target.topLeft())
