"""The main window: search box, sidebar, paper table and detail pane.

It talks only to the Library; searches, imports and index builds run on the task runner
so typing and scrolling never wait for them.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QWidget,
)

from ..domain import ImportReport, QueryError, SearchResults
from ..service import Library
from .detail_pane import DetailPane
from .duplicates_dialog import DuplicatesDialog
from .export_dialog import ExportDialog
from .first_run import FirstRunPage
from .paper_table_model import (
    COL_ADDED,
    COL_AUTHORS,
    COL_STATUS,
    COL_TAGS,
    COL_TITLE,
    COL_YEAR,
    COLUMNS,
    SNIPPET_PAGE,
    PaperTableModel,
)
from .plain_text import message_box
from .sidebar import Filter, Sidebar
from .tasks import Task, TaskRunner
from .title_delegate import TitleDelegate
from .transfer import Transfer

SEARCH_DELAY_MS = 150
SEARCH_HELP = (
    'Words must all match. Try: lora*  ·  "model soups"  ·  title:diffusion  ·  '
    "author:smith  ·  tag:llm  ·  status:reading  ·  year:2024  ·  a OR b  ·  -word"
)


class IndexBridge(QObject):
    """Carries 'the index changed' from the indexing thread to the GUI thread."""

    changed = Signal(list)


class MainWindow(QMainWindow):
    searchFinished = Signal(str)  # the query whose results (or error) are now shown

    def __init__(self, library: Library, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.library = library
        self.runner = runner or TaskRunner(self)
        self._search_generation = 0
        self._query = ""
        self._shown_query = ""  # the query whose results the table shows
        self._closed = False
        self._index_task: Task | None = None
        self.transfer = Transfer(self, library, self.runner, self.reload)
        self.undo_stack = QUndoStack(self)
        self._duplicates: DuplicatesDialog | None = None
        self.setWindowTitle(f"Readinglist — {library.folder}")
        self.setAcceptDrops(True)

        self.model = PaperTableModel(library, self)
        self._build_widgets()
        self._build_actions()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._index_poll = QTimer(self, interval=700)
        self._index_poll.timeout.connect(self._update_index_label)
        self._restore_layout()
        self._bridge = IndexBridge(self)
        self._bridge.changed.connect(self._index_changed)
        self._listener = self._bridge.changed.emit
        library.add_index_listener(self._listener)
        self.reload()
        if library.index_problem:
            self.build_index()

    # -- construction ------------------------------------------------------------------

    def _build_widgets(self) -> None:
        toolbar = QToolBar("Search", self)
        toolbar.setObjectName("searchBar")
        toolbar.setMovable(False)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(
            "Search titles, authors, abstracts, notes, tags…  (Ctrl+F)"
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip(SEARCH_HELP)
        self.search_box.textChanged.connect(self._query_edited)
        self.search_box.returnPressed.connect(self.run_search)
        toolbar.addWidget(self.search_box)
        self.search_message = QLabel()
        self.search_message.setObjectName("searchMessage")
        self.search_message.setTextFormat(Qt.TextFormat.RichText)  # escaped text + one link
        self.search_message.linkActivated.connect(lambda _link: self.accept_suggestion())
        self.suggestion: str | None = None
        toolbar.addWidget(self.search_message)
        self.addToolBar(toolbar)

        self.sidebar = Sidebar()
        self.sidebar.filterChanged.connect(lambda _flt: self.refresh_list())

        self.table = QTableView()
        self.table.setObjectName("paperTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        # Fixed row height: measuring rows would read every row of a big library.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        # The title takes the room that is left; the other columns keep their width.
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (COL_AUTHORS, 130),
            (COL_YEAR, 48),
            (COL_STATUS, 72),
            (COL_TAGS, 110),
            (COL_ADDED, 86),
        ):
            self.table.setColumnWidth(column, width)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setItemDelegateForColumn(COL_TITLE, TitleDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_ADDED, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.detail = DetailPane(self.library, self.runner)
        self.detail.openPaper.connect(self.open_paper)
        self.detail.paperChanged.connect(self._paper_edited)
        self.detail.errorOccurred.connect(lambda msg: self.statusBar().showMessage(msg, 8000))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([170, 780, 440])

        self.first_run = FirstRunPage()
        self.first_run.loadSampleRequested.connect(self.load_sample)
        self.first_run.importRequested.connect(self.transfer.choose_files)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.first_run)
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)

        self.count_label = QLabel()
        self.index_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.index_label)

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = self._action(
            file_menu, "&Import files…", self.transfer.choose_files, QKeySequence("Ctrl+I")
        )
        folder_action = self._action(file_menu, "Import a &folder of PDFs…",
                                     self.transfer.choose_folder)
        add_action = self._action(file_menu, "&Add by arXiv id or DOI…",
                                  self.transfer.ask_identifiers, QKeySequence("Ctrl+Shift+A"))
        sample_action = self._action(file_menu, "Load &sample papers", self.load_sample)
        self.transfer.busy_actions = [self.import_action, folder_action, add_action,
                                      sample_action]
        copy_action = QAction("&Copy imported PDFs into the library", self, checkable=True)
        copy_action.setChecked(self.transfer.copy_pdfs)
        copy_action.setToolTip("Off: PDFs are linked where they are")
        copy_action.toggled.connect(self.transfer.set_copy_pdfs)
        file_menu.addAction(copy_action)
        file_menu.addSeparator()
        self._action(file_menu, "&Export…", self.open_export, QKeySequence("Ctrl+E"))
        file_menu.addSeparator()
        self.reindex_action = self._action(file_menu, "&Rebuild search index", self.build_index)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addActions([undo, redo])
        edit_menu.addSeparator()
        self._action(edit_menu, "&Find", self.focus_search, QKeySequence.StandardKey.Find)
        paste = QAction("&Paste arXiv ids or DOIs", self)
        paste.setShortcut(QKeySequence.StandardKey.Paste)
        # Only in the table: text fields keep their own paste.
        paste.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        paste.triggered.connect(self.paste_identifiers)
        self.table.addAction(paste)
        edit_menu.addAction(paste)
        tools_menu = self.menuBar().addMenu("&Tools")
        self._action(tools_menu, "Find &duplicates…", self.open_duplicates)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Search syntax", self.show_search_help)

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    # -- listing and searching --------------------------------------------------------------

    def reload(self) -> None:
        """Refresh counts, sidebar and the list after the library changed."""
        self.pages.setCurrentIndex(0 if self.library.count() == 0 else 1)
        self._refresh_sidebar()
        self.refresh_list()
        self._update_index_label()

    def _refresh_sidebar(self, facets: dict[str, dict[str, int]] | None = None,
                         total: int | None = None) -> None:
        """Library-wide counts, or a search's facets (counts among its matches)."""
        if facets is None:
            self.sidebar.refresh(self.library.count(), self.library.status_counts(),
                                 self.library.tag_counts(), self.library.year_counts())
        else:
            self.sidebar.refresh(total or 0, facets["status"], facets["tag"], facets["year"])

    def refresh_list(self) -> None:
        if self._query:
            self.run_search()
            return
        status, tag, year = self._filter_args(self.sidebar.current_filter)
        header = self.table.horizontalHeader()
        column = header.sortIndicatorSection()
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        self._show_ids(self.library.list_ids(status, tag, key or "added", descending, year))

    @staticmethod
    def _filter_args(flt: Filter) -> tuple[str | None, str | None, int | None]:
        kind, value = flt
        return (
            value if kind == "status" else None,
            value if kind == "tag" else None,
            int(value) if kind == "year" and value else None,
        )

    def _query_edited(self, text: str) -> None:
        self._query = text.strip()
        self._search_timer.start()

    def run_search(self) -> None:
        """Search in the background; a newer query makes older results obsolete."""
        self._search_timer.stop()
        query = self._query
        self._search_generation += 1
        generation = self._search_generation
        if not query:
            self._shown_query = ""
            self.search_message.setText("")
            self._refresh_sidebar()
            self.refresh_list()
            return
        status, tag, year = self._filter_args(self.sidebar.current_filter)
        first_page = SNIPPET_PAGE

        def work() -> tuple[SearchResults, list[int] | None]:
            # Every match (for the table and the facets), snippets only for the first page:
            # the table fetches the others as their rows are drawn.
            results = self.library.search(query, limit=None, facets=True,
                                          snippet_limit=first_page)
            filtered = status or tag or year is not None
            allowed = self.library.list_ids(status, tag, year=year) if filtered else None
            return results, allowed

        self.runner.run(
            work,
            on_success=lambda r: self._search_done(generation, *r),
            on_failure=lambda msg: self._search_failed(generation, msg),
        )

    def _search_done(
        self, generation: int, results: SearchResults, allowed: list[int] | None
    ) -> None:
        if generation != self._search_generation or self._closed:
            return  # the user has typed on since, or closed the window
        hits = list(results.hits)
        if allowed is not None:
            keep = set(allowed)
            hits = [h for h in hits if h.paper_id in keep]
        self.search_box.setProperty("error", False)
        self._restyle(self.search_box)
        self._show_match_count(len(hits), results.suggestion)
        self._refresh_sidebar(results.facets, results.total)
        header = self.table.horizontalHeader()
        refresh = results.query == self._shown_query  # the same search, run again
        self._shown_query = results.query
        if not refresh:
            # Relevance order until the user clicks a column header.
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._show_ids([h.paper_id for h in hits], hits, results.query)
        if refresh and header.sortIndicatorSection() >= 0:
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.searchFinished.emit(results.query)

    def _show_match_count(self, count: int, suggestion: str | None) -> None:
        text = f"{count} match{'es' if count != 1 else ''}"
        self.suggestion = suggestion
        if count == 0 and suggestion:
            # A link, but built from escaped text: nothing the user typed becomes markup.
            text += f' — did you mean <a href="suggestion">{html.escape(suggestion)}</a>?'
        self.search_message.setText(text)

    def accept_suggestion(self) -> None:
        if self.suggestion:
            self.search_box.setText(self.suggestion)
            self.run_search()

    def _search_failed(self, generation: int, message: str) -> None:
        if generation != self._search_generation or self._closed:
            return
        self.search_box.setProperty("error", True)
        self._restyle(self.search_box)
        self.search_message.setText(html.escape(message))
        self.searchFinished.emit(self._query)

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _show_ids(self, ids: list[int], hits: Any = (), query: str = "") -> None:
        current = self.current_paper_id()
        self.model.set_ids(ids, hits, query)
        # Search results show a second line (where it matched); fixed heights either way.
        self.table.verticalHeader().setDefaultSectionSize(44 if hits else 26)
        self.count_label.setText(f"{len(ids)} of {self.library.count()} papers")
        row = self.model.row_of(current) if current is not None else None
        if row is None and ids:
            row = 0
        if row is not None:
            self.select_row(row)
        else:
            self.detail.show_paper(None)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, COL_TITLE)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._show_detail(self.model.paper_id(row))

    def current_paper_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.paper_id(index.row()) if index.isValid() else None

    def _row_changed(self, current: Any, _previous: Any) -> None:
        self._show_detail(self.model.paper_id(current.row()) if current.isValid() else None)

    def _show_detail(self, paper_id: int | None) -> None:
        spans: list[tuple[int, int]] = []
        if paper_id is not None and self._query and self.model.hit(paper_id):
            try:
                spans = self.library.match_spans(self._query, paper_id).get("abstract", [])
            except QueryError:
                spans = []
        same = paper_id is not None and self.detail.paper and self.detail.paper.id == paper_id
        if same:
            self.detail.set_highlights(spans)  # the paper stays; the search changed
        else:
            self.detail.show_paper(paper_id, spans)

    def _paper_edited(self, paper_id: int) -> None:
        self.model.refresh_papers([paper_id])
        if not self._query:
            self._refresh_sidebar()
        self._update_index_label()

    def _index_changed(self, paper_ids: list[int]) -> None:
        """The index caught up with edits: a shown search may now find other papers."""
        if self._closed:
            return
        self._update_index_label()
        if not self._query or self._search_timer.isActive():
            return
        focus = QApplication.focusWidget()
        if focus is not None and self.detail.isAncestorOf(focus):
            return  # the user is editing this paper: do not move the list under them
        self._search_timer.start()

    def open_paper(self, paper_id: int) -> None:
        """Select a paper, leaving the search and filter if they hide it."""
        row = self.model.row_of(paper_id)
        if row is None:
            self.search_box.blockSignals(True)
            self.search_box.clear()
            self.search_box.blockSignals(False)
            self._query = ""
            self.search_message.setText("")
            self.sidebar.select(("all", None), notify=False)
            self._refresh_sidebar()
            self.refresh_list()
            row = self.model.row_of(paper_id)
        if row is not None:
            self.select_row(row)

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # -- importing -------------------------------------------------------------------------

    def import_files(self, paths: list[Path]) -> None:
        self.transfer.import_paths(paths)

    @property
    def last_import(self) -> ImportReport | None:
        return self.transfer.last_import

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.ids[r] for r in rows if r < len(self.model.ids)]

    def view_label(self) -> str:
        """What the table shows, in words: 'search “lora”', 'tag llm', 'all papers'."""
        if self._shown_query:
            return f"search “{self._shown_query}”"
        kind, value = self.sidebar.current_filter
        return "all papers" if kind == "all" else f"{kind} {value}"

    def load_sample(self) -> None:
        self.transfer.import_sample()

    def open_export(self) -> None:
        dialog = ExportDialog(self.library, self.selected_ids(), list(self.model.ids),
                              self.view_label(), self, runner=self.runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exportFinished.connect(
            lambda ok, msg: ok and self.statusBar().showMessage(msg, 8000))
        dialog.open()

    def open_duplicates(self) -> None:
        if self._duplicates is None:
            self._duplicates = DuplicatesDialog(self.library, self.undo_stack, self,
                                                runner=self.runner)
            self._duplicates.libraryChanged.connect(self.reload)
        self._duplicates.open()

    def paste_identifiers(self) -> None:
        text = QApplication.clipboard().text()
        if not self.transfer.paste(text):
            self.statusBar().showMessage(
                "Nothing to add: paste arXiv ids, arXiv URLs or DOIs, one per line", 8000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    # -- the search index -------------------------------------------------------------------

    def build_index(self) -> None:
        """(Re)build the search index in the background; the list keeps working."""
        if self._index_task is not None:
            return
        self.search_box.setEnabled(False)
        self.reindex_action.setEnabled(False)
        self.search_box.setPlaceholderText("Building the search index…")

        def progress(done: int, total: int) -> None:
            percent = int(100 * done / total) if total else 100
            self.search_box.setPlaceholderText(f"Building the search index… {percent}%")
            self.index_label.setText(f"Indexing {done}/{total}")

        self._index_task = self.runner.run(
            lambda p, c: self.library.reindex(p, c),
            on_success=lambda _ok: self._index_built(),
            on_failure=lambda msg: self._index_built(msg),
            on_progress=progress,
            with_progress=True,
        )

    def _index_built(self, error: str | None = None) -> None:
        self._index_task = None
        if self._closed:
            return
        self.search_box.setEnabled(True)
        self.reindex_action.setEnabled(True)
        self.search_box.setPlaceholderText(
            "Search titles, authors, abstracts, notes, tags…  (Ctrl+F)"
        )
        if error:
            message_box(self, QMessageBox.Icon.Warning, "Search index",
                        f"The search index could not be built: {error}").open()
        self._update_index_label()
        if self._query:
            self.run_search()

    def _update_index_label(self) -> None:
        """Show the index state; while it is catching up, look again shortly."""
        if self._closed or self.library.closed:
            # A task or index signal queued before closing must not restart the timer.
            self._index_poll.stop()
            return
        state = self.library.index_state()
        self.index_label.setText(state.message)
        busy = not state.ready or state.pending > 0
        if busy and not self._index_poll.isActive():
            self._index_poll.start()
        elif not busy:
            self._index_poll.stop()

    # -- help, closing --------------------------------------------------------------------

    def show_search_help(self) -> None:
        QMessageBox.information(self, "Search syntax", SEARCH_HELP.replace("  ·  ", "\n"))

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(
                min(1440, int(screen.width() * 0.92)), min(880, int(screen.height() * 0.92))
            )
        state = settings.value("main/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detail.flush()  # no lost keystrokes
        if self.detail.unsaved_note:
            message_box(self, QMessageBox.Icon.Warning, "Note not saved",
                        "The note could not be saved (see the status bar). The window stays "
                        "open so that the text is not lost; copy it or try again.").open()
            event.ignore()
            return
        self.library.remove_index_listener(self._listener)
        self._closed = True
        self.transfer.closed = True
        self._index_poll.stop()
        self._search_timer.stop()
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/splitter", self.splitter.saveState())
        if self._index_task is not None:
            self._index_task.cancel()
        self.runner.wait()
        super().closeEvent(event)
