"""The note's dates line: "Created 2026-11-02 · edited 5 min ago", as text (pure
functions) and as the label that shows the longest variant that fits the pane."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy


def local_time(moment: datetime) -> datetime:
    """The store keeps UTC; a naive time is taken as UTC too."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """ "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", or the date."""
    now = now or datetime.now(UTC)
    seconds = (local_time(now) - local_time(moment)).total_seconds()
    if seconds < 60:  # a clock a little ahead counts as now
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = (local_time(now).date() - local_time(moment).date()).days
    if days <= 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return f"on {local_time(moment):%Y-%m-%d}"


def note_times(created: datetime | None, modified: datetime | None,
               now: datetime | None = None) -> str:
    """The header line: "Created 2026-11-02 · edited 5 min ago" ("" for no note yet)."""
    parts = []
    if created is not None:
        parts.append(f"Created {local_time(created):%Y-%m-%d}")
    if modified is not None:
        edited = f"edited {relative_time(modified, now)}"
        parts.append(edited if parts else edited.capitalize())
    return " · ".join(parts)


class FittingLabel(QLabel):
    """A label that shows the longest of its texts that fits (the last one elided), so a
    narrow pane shortens "Created 2026-11-02 · edited 5 min ago" to "Edited 5 min ago"
    instead of growing wider."""

    def __init__(self) -> None:
        super().__init__()
        self._variants: list[str] = []
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_variants(self, variants: list[str]) -> None:
        self._variants = variants
        self._fit()

    def full_text(self) -> str:
        return self._variants[0] if self._variants else ""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.full_text()) + 4, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        width = self.contentsRect().width()
        for text in self._variants:
            if metrics.horizontalAdvance(text) <= width:
                self.setText(text)
                return
        last = self._variants[-1] if self._variants else ""
        self.setText(metrics.elidedText(last, Qt.TextElideMode.ElideRight, width))
