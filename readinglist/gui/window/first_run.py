"""What an empty library shows: a welcome with every way to get papers in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

TEXT = ("Bring in a bibliography (BibTeX, RIS, CSL-JSON, CSV, Web of Science), a folder "
        "of PDFs, or arXiv ids and DOIs; or start with the bundled sample: 68 recent "
        "machine-learning papers to search, tag and read. You can also drop files on "
        "this window.")


TEXT_WIDTH = 500


class FirstRunPage(QScrollArea):
    """The welcome. A scroll area, so that at any window size (900×600, a big font) all
    of it can be reached."""

    loadSampleRequested = Signal()
    importRequested = Signal()
    folderRequested = Signal()
    identifiersRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget()
        page.setObjectName("firstRunPage")
        layout = QVBoxLayout(page)
        layout.setSpacing(10)
        layout.addStretch(2)
        title = QLabel("Your reading list is empty")
        title.setObjectName("firstRunTitle")
        self.text = QLabel(TEXT)
        self.text.setWordWrap(True)
        # A fixed width: a wrapped label centred in a layout is otherwise given the
        # height of its narrowest shape, and its last lines are cut off.
        self.text.setFixedWidth(TEXT_WIDTH)
        self.text.setMinimumHeight(self.text.heightForWidth(TEXT_WIDTH))
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.sample_button = QPushButton("Load the sample library (68 papers)")
        self.sample_button.setObjectName("primaryButton")
        self.sample_button.setDefault(True)
        self.import_button = QPushButton("Import files…  (Ctrl+I)")
        self.folder_button = QPushButton("Import a folder of PDFs…")
        self.identifiers_button = QPushButton("Add by arXiv id or DOI…  (Ctrl+Shift+A)")
        self.sample_button.clicked.connect(self.loadSampleRequested)
        self.import_button.clicked.connect(self.importRequested)
        self.folder_button.clicked.connect(self.folderRequested)
        self.identifiers_button.clicked.connect(self.identifiersRequested)
        self.buttons = (self.sample_button, self.import_button, self.folder_button,
                        self.identifiers_button)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(6)
        for button in self.buttons:
            button.setMinimumWidth(320)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self.setWidget(page)
