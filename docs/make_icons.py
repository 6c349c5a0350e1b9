"""Render the app icon (resources/icons/readinglist.svg) to the PNG sizes installed beside
it in the hicolor icon theme, for desktops that do not draw SVG icons. Run after changing
the SVG:

QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from readinglist.system.desktop import ICON_SIZES

ICONS = Path(__file__).parent.parent / "resources" / "icons"


def main() -> int:
    app = QGuiApplication([])
    renderer = QSvgRenderer(str(ICONS / "readinglist.svg"))
    if not renderer.isValid():
        raise SystemExit("readinglist.svg cannot be read")
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = ICONS / f"readinglist-{size}.png"
        image.save(str(target))
        print(f"saved {target}")
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
