"""What an empty library shows: a welcome with the two ways to get papers in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class FirstRunPage(QWidget):
    loadSampleRequested = Signal()
    importRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel("Your reading list is empty")
        title.setObjectName("firstRunTitle")
        text = QLabel(
            "Import a Hugging Face Daily Papers page saved as text, or start with the "
            "bundled sample: 68 recent machine-learning papers to search, tag and read."
        )
        text.setWordWrap(True)
        text.setMaximumWidth(520)
        self.sample_button = QPushButton("Load the sample library (68 papers)")
        self.sample_button.setObjectName("primaryButton")
        self.sample_button.setDefault(True)
        self.import_button = QPushButton("Import a file…")
        self.sample_button.clicked.connect(self.loadSampleRequested)
        self.import_button.clicked.connect(self.importRequested)
        for widget in (title, text, self.sample_button, self.import_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
