"""User text in places where Qt guesses whether a string is rich text (tooltips)."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


def tooltip(text: str) -> str:
    """`text` escaped for a tooltip: Qt would render "Scaling <b>laws</b>" as markup."""
    return QtGui.Qt.convertFromPlainText(text, QtCore.Qt.WhiteSpaceMode.WhiteSpaceNormal)


def message_box(parent: QtWidgets.QWidget | None, icon: QtWidgets.QMessageBox.Icon, title: str,
                text: str, details: str = "") -> QtWidgets.QMessageBox:
    """A message box that shows `text` (file names, error messages) as plain text."""
    box = QtWidgets.QMessageBox(icon, title, text, QtWidgets.QMessageBox.StandardButton.Ok,
                                parent)
    box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    if details:
        box.setDetailedText(details)
    return box
