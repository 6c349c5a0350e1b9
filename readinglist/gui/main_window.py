"""The main window: search box, sidebar, paper table and detail pane.

It talks only to the Library; searches, imports and index builds run on the task runner
so typing and scrolling never wait for them. Status, rating and reading-queue changes
made here (triage keys, queue moves, "read next") are commands on the undo stack.
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
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..domain import ImportReport, Paper, PaperNotFound, QueryError, SearchResults, Status
from ..service import Library
from .annotations_view import AnnotationsDialog
from .dashboard import DashboardDialog
from .detail_pane import DetailPane
from .duplicates_dialog import DuplicatesDialog
from .export_dialog import ExportDialog
from .first_run import FirstRunPage
from .key_help import KeyHelpOverlay
from .paper_table_model import (
    COL_ADDED,
    COL_AUTHORS,
    COL_PRIORITY,
    COL_RATING,
    COL_STATUS,
    COL_TAGS,
    COL_TITLE,
    COL_YEAR,
    COLUMNS,
    SNIPPET_PAGE,
    PaperTableModel,
    format_rating,
)
from .plain_text import message_box
from .sidebar import QUEUE, Filter, Sidebar
from .tasks import Task, TaskRunner
from .title_delegate import TitleDelegate
from .transfer import Transfer
from .triage import BANNER_TEXT, TriageController
from .undo_commands import (
    PaperCommand,
    QueueMoveCommand,
    RatingCommand,
    ReadNextCommand,
    StatusCommand,
    short_title,
)

SEARCH_DELAY_MS = 150
SIDEBAR_DELAY_MS = 200  # counts are redone once edits pause
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
        self._undo_index = 0
        self.undo_stack.indexChanged.connect(self._undo_index_changed)
        self._duplicates: DuplicatesDialog | None = None
        self._annotations: AnnotationsDialog | None = None
        self._key_help: KeyHelpOverlay | None = None
        self.setWindowTitle(f"Readinglist — {library.folder}")
        self.setAcceptDrops(True)

        self.model = PaperTableModel(library, self)
        self.model.queueDrop.connect(self._queue_dropped)
        self._build_widgets()
        self.triage = TriageController(self)
        self._build_actions()
        self._sidebar_timer = QTimer(self, singleShot=True, interval=SIDEBAR_DELAY_MS)
        self._sidebar_timer.timeout.connect(self._recount)
        self._detail_refresh: int | None = None
        self._detail_timer = QTimer(self, singleShot=True, interval=0)
        self._detail_timer.timeout.connect(self._refresh_detail_if_still_shown)
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
            (COL_AUTHORS, 120),
            (COL_YEAR, 44),
            (COL_STATUS, 86),
            (COL_PRIORITY, 64),
            (COL_RATING, 70),
            (COL_TAGS, 90),
            (COL_ADDED, 88),
        ):
            self.table.setColumnWidth(column, width)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Right-click on the header: choose the columns (the title always stays).
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.setItemDelegateForColumn(COL_TITLE, TitleDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_ADDED, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        # Dragging rows reorders the reading queue; turned on in the queue view only.
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDropIndicatorShown(True)
        rows = self.table.verticalHeader()
        rows.setObjectName("queuePlaces")
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.triage_banner = QLabel(BANNER_TEXT)
        self.triage_banner.setObjectName("triageBanner")
        self.triage_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.triage_banner.setWordWrap(True)
        self.triage_banner.setToolTip("Esc or Ctrl+T leaves triage mode")
        self.triage_banner.hide()
        self.table_area = QWidget()
        table_layout = QVBoxLayout(self.table_area)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(0)
        table_layout.addWidget(self.triage_banner)
        table_layout.addWidget(self.table, 1)

        self.detail = DetailPane(self.library, self.runner)
        self.detail.abstract.set_undo_stack(self.undo_stack)  # highlights undo with Ctrl+Z
        # Status and rating clicks in the pane are undoable steps too, like triage keys.
        self.detail.status_handler = self.change_status
        self.detail.rating_handler = self.change_rating
        self.detail.openPaper.connect(self.open_paper)
        self.detail.paperChanged.connect(self._paper_edited)
        self.detail.errorOccurred.connect(lambda msg: self.statusBar().showMessage(msg, 8000))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.table_area)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([170, 840, 430])

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
        view_menu = self.menuBar().addMenu("&View")
        self.triage_action = QAction("&Triage mode", self, checkable=True)
        self.triage_action.setShortcut(QKeySequence("Ctrl+T"))
        self.triage_action.setToolTip(
            "Triage mode (Ctrl+T): single keys set the status and rating of the current "
            "paper and move on; ? lists them")
        self.triage_action.toggled.connect(self._triage_toggled)
        view_menu.addAction(self.triage_action)
        self.addAction(self.triage_action)
        view_menu.addSeparator()
        self._action(view_menu, "&Annotations…", self.open_annotations)
        self._action(view_menu, "Reading &statistics…", self.open_dashboard)
        queue_menu = self.menuBar().addMenu("&Queue")
        self.read_next_action = self._action(
            queue_menu, "&Read next", self.read_next, QKeySequence("Ctrl+Shift+N"))
        self.read_next_action.setToolTip(
            "Read next (Ctrl+Shift+N): open the first paper of the queue and set it to Reading")
        self._action(queue_menu, "&Show the queue", lambda: self.sidebar.select(QUEUE))
        queue_menu.addSeparator()
        self.move_up_action = self._action(queue_menu, "Move &up", lambda: self.move_queued(-1),
                                           QKeySequence("Alt+Up"))
        self.move_down_action = self._action(queue_menu, "Move &down",
                                             lambda: self.move_queued(+1),
                                             QKeySequence("Alt+Down"))
        self.move_top_action = self._action(queue_menu, "Move to the &top",
                                            lambda: self.move_queued(None),
                                            QKeySequence("Alt+Home"))
        tools_menu = self.menuBar().addMenu("&Tools")
        self._action(tools_menu, "Find &duplicates…", self.open_duplicates)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_key_help,
                     QKeySequence(Qt.Key.Key_F1))
        self._action(help_menu, "&Search syntax", self.show_search_help)

        reading_bar = QToolBar("Reading", self)
        reading_bar.setObjectName("readingBar")
        reading_bar.setMovable(False)
        reading_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        reading_bar.addAction(self.read_next_action)
        reading_bar.addAction(self.triage_action)
        self.addToolBar(reading_bar)

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

    def in_queue_view(self) -> bool:
        return self.sidebar.current_filter == QUEUE

    def _set_queue_order(self, on: bool) -> None:
        """The queue view lists the queue in its own order: the headers do not sort it,
        rows can be dragged, and the row header shows each paper's place."""
        if on == (not self.table.isSortingEnabled()):
            return
        header = self.table.horizontalHeader()
        if on:
            self.table.setSortingEnabled(False)
            header.setSortIndicatorShown(False)
            header.setSectionsClickable(False)
            self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
            self.table.verticalHeader().show()
        else:
            self.table.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
            self.table.verticalHeader().hide()
            header.setSectionsClickable(True)
            header.setSortIndicatorShown(True)
            self.table.setSortingEnabled(True)  # sorts the list shown; a new one follows

    def refresh_list(self) -> None:
        queue_view = self.in_queue_view()
        self._set_queue_order(queue_view)
        if self._query:
            self.run_search()
            return
        if queue_view:
            ids = self.library.queue_ids()
            self._show_ids(ids, queue=True)
            if not ids:
                self.statusBar().showMessage(
                    "The reading queue is empty: queue papers with q in triage mode "
                    "(Ctrl+T) or with the Queued status", 8000)
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
        queue_view = self.in_queue_view()

        def work() -> tuple[SearchResults, list[int] | None]:
            # Every match (for the table and the facets), snippets only for the first page:
            # the table fetches the others as their rows are drawn.
            results = self.library.search(query, limit=None, facets=True,
                                          snippet_limit=first_page)
            filtered = status or tag or year is not None
            order = "queue" if queue_view else "added"
            allowed = (self.library.list_ids(status, tag, order, year=year) if filtered
                       else None)
            return results, allowed

        self.runner.run(
            work,
            on_success=lambda r: self._search_done(generation, *r, queue_view=queue_view),
            on_failure=lambda msg: self._search_failed(generation, msg),
        )

    def _search_done(
        self, generation: int, results: SearchResults, allowed: list[int] | None,
        queue_view: bool = False,
    ) -> None:
        if generation != self._search_generation or self._closed:
            return  # the user has typed on since, or closed the window
        hits = list(results.hits)
        if allowed is not None:
            keep = set(allowed)
            hits = [h for h in hits if h.paper_id in keep]
        if queue_view and allowed is not None:
            # Searching the queue keeps the queue's order (and rows stay draggable).
            place = {paper_id: n for n, paper_id in enumerate(allowed)}
            hits.sort(key=lambda h: place[h.paper_id])
        self.search_box.setProperty("error", False)
        self._restyle(self.search_box)
        self._show_match_count(len(hits), results.suggestion)
        self._refresh_sidebar(results.facets, results.total)
        header = self.table.horizontalHeader()
        refresh = results.query == self._shown_query  # the same search, run again
        self._shown_query = results.query
        if queue_view:
            self._show_ids([h.paper_id for h in hits], hits, results.query, queue=True)
            self.searchFinished.emit(results.query)
            return
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

    def _show_ids(self, ids: list[int], hits: Any = (), query: str = "",
                  queue: bool = False) -> None:
        current = self.current_paper_id()
        self.model.set_ids(ids, hits, query, queue=queue)
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
        selection = self.table.selectionModel()
        unchanged = selection.currentIndex() == index
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        if unchanged:
            # No currentChanged signal (the row's paper may still be new, after a reload);
            # otherwise _row_changed has shown the paper already.
            self._show_detail(self.model.paper_id(row))

    def current_paper_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.paper_id(index.row()) if index.isValid() else None

    def _row_changed(self, current: Any, _previous: Any) -> None:
        self._show_detail(self.model.paper_id(current.row()) if current.isValid() else None)

    def _show_detail(self, paper_id: int | None, reload: bool = False) -> None:
        """Show a paper in the detail pane; `reload` re-reads the one shown (changed)."""
        spans: list[tuple[int, int]] = []
        if paper_id is not None and self._query and self.model.hit(paper_id):
            try:
                spans = self.library.match_spans(self._query, paper_id).get("abstract", [])
            except QueryError:
                spans = []
        same = paper_id is not None and self.detail.paper and self.detail.paper.id == paper_id
        if same and not reload:
            self.detail.set_highlights(spans)  # the paper stays; the search changed
        else:
            self.detail.show_paper(paper_id, spans)

    def _paper_edited(self, paper_id: int) -> None:
        self.model.refresh_papers([paper_id])
        if not self._query:
            self._sidebar_timer.start()  # one recount for a burst of edits (autosave, keys)
        self._update_index_label()

    def _index_changed(self, paper_ids: list[int]) -> None:
        """The index caught up with edits: a shown search may now find other papers."""
        if self._closed:
            return
        self._update_index_label()
        if not self._query or self._search_timer.isActive():
            return
        if self.triage.active:
            return  # the list stays put while the user works down it; redone on leaving
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
        if self.in_queue_view():
            return "the reading queue"
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

    # -- status, rating and queue changes (undoable) ------------------------------------------

    def current_paper(self) -> Paper | None:
        paper_id = self.current_paper_id()
        if paper_id is None:
            return None
        try:
            return self.library.get(paper_id)
        except PaperNotFound:
            return None

    def set_status(self, status: Status) -> bool:
        """Give the current paper a status, as an undoable step. False if nothing changed."""
        return self._push_status(self.current_paper(), status)

    def change_status(self, paper_id: int, status: Status) -> bool:
        """The detail pane's status buttons: the same undoable step, for its paper."""
        return self._push_status(self._paper_or_none(paper_id), status)

    def change_rating(self, paper_id: int, rating: int | None) -> bool:
        return self._push_rating(self._paper_or_none(paper_id), rating)

    def _paper_or_none(self, paper_id: int) -> Paper | None:
        try:
            return self.library.get(paper_id)
        except PaperNotFound:
            return None

    def _push_status(self, paper: Paper | None, status: Status) -> bool:
        if paper is None or paper.status is status:
            return False
        self.undo_stack.push(StatusCommand(self.library, paper, status,
                                           self._paper_changed, self._command_failed))
        self.statusBar().showMessage(
            f"#{paper.id} {short_title(paper.title)} → {status.label}   (u or Ctrl+Z: undo)",
            6000)
        return True

    def set_rating(self, rating: int | None) -> bool:
        """Rate the current paper (None clears), as an undoable step."""
        return self._push_rating(self.current_paper(), rating)

    def _push_rating(self, paper: Paper | None, rating: int | None) -> bool:
        if paper is None or paper.rating == rating:
            return False
        self.undo_stack.push(RatingCommand(self.library, paper, rating,
                                           self._paper_changed, self._command_failed))
        shown = format_rating(rating) or "no rating"
        self.statusBar().showMessage(f"#{paper.id} {short_title(paper.title)}: {shown}", 6000)
        return True

    def _paper_changed(self, paper_id: int) -> None:
        """A command changed a paper: repaint its row, the counts and the detail pane."""
        if self._closed:
            return
        self.model.refresh_papers([paper_id])
        if not self._query:
            self._sidebar_timer.start()
        self._update_index_label()
        if self.detail.paper is not None and self.detail.paper.id == paper_id:
            # Once control returns to the event loop: a triage key moves on to the next
            # paper first, and then this paper needs no redrawing.
            self._detail_refresh = paper_id
            self._detail_timer.start()

    def _recount(self) -> None:
        if not self._closed and not self._query:  # a search shows its own facets
            self._refresh_sidebar()

    def _refresh_detail_if_still_shown(self) -> None:
        paper_id, self._detail_refresh = self._detail_refresh, None
        if paper_id is not None and self.detail.paper is not None and (
                self.detail.paper.id == paper_id):
            self._show_detail(paper_id, reload=True)  # its status buttons, timeline

    def _command_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _undo_index_changed(self, index: int) -> None:
        """After an undo, show the paper it changed: triage goes back to that paper."""
        undone = index < self._undo_index
        self._undo_index = index
        if not undone:
            return
        command = self.undo_stack.command(index)
        if isinstance(command, PaperCommand):
            row = self.model.row_of(command.paper_id)
            if row is not None:
                self.select_row(row)
            self.statusBar().showMessage(f"Undone: {command.text()}", 6000)

    def move_current(self, step: int) -> None:
        """Select the paper `step` rows down (up if negative), staying inside the list."""
        count = self.model.rowCount()
        if not count:
            return
        index = self.table.selectionModel().currentIndex()
        row = index.row() + step if index.isValid() else 0
        if 0 <= row < count:
            self.select_row(row)
        else:
            self.statusBar().showMessage(
                "End of the list" if row >= count else "Top of the list", 3000)

    def move_queued(self, step: int | None) -> None:
        """Move the current paper `step` places in the reading queue (None: to the top)."""
        paper = self.current_paper()
        if paper is None:
            return
        queue = self.library.queue_ids()
        if paper.id not in queue:
            self.statusBar().showMessage(
                f"#{paper.id} is not in the reading queue (q in triage mode queues it)", 6000)
            return
        place = queue.index(paper.id)
        target = 0 if step is None else place + step
        if target == place or not 0 <= target < len(queue):
            where = "first" if target <= place else "last"
            self.statusBar().showMessage(f"#{paper.id} is already {where} in the queue", 4000)
            return
        self.undo_stack.push(QueueMoveCommand(self.library, [paper.id], target,
                                              self._queue_changed, self._command_failed))

    def _queue_dropped(self, paper_ids: list[int], row: int) -> None:
        """Rows of the queue view were dropped before `row`: move those papers there."""
        queue = self.library.queue_ids()
        moving = [i for i in paper_ids if i in queue]
        if not moving:
            return
        rest = [i for i in queue if i not in moving]
        shown = self.model.ids
        # Before the first queued paper shown from `row` on; else after the last one shown
        # above it (a search may show only part of the queue).
        after = next((i for i in shown[row:] if i in rest), None)
        if after is not None:
            index = rest.index(after)
        else:
            before = next((i for i in reversed(shown[:row]) if i in rest), None)
            index = rest.index(before) + 1 if before is not None else len(rest)
        if [*rest[:index], *moving, *rest[index:]] == queue:
            return  # dropped where it was
        self.undo_stack.push(QueueMoveCommand(self.library, moving, index,
                                              self._queue_changed, self._command_failed))

    def _queue_changed(self, paper_id: int) -> None:
        if self._closed:
            return
        if self.in_queue_view():
            self.refresh_list()  # the rows take their new order
            row = self.model.row_of(paper_id)
            if row is not None:
                self.select_row(row)
        else:
            self.model.refresh_papers([paper_id])
        queue = self.library.queue_ids()
        if paper_id in queue:
            self.statusBar().showMessage(
                f"#{paper_id} is number {queue.index(paper_id) + 1} of {len(queue)} in the "
                "queue", 5000)

    def read_next(self) -> None:
        """Start the first paper of the queue (it becomes Reading) and open it."""
        queue = self.library.queue_ids()
        if not queue:
            self.statusBar().showMessage(
                "The reading queue is empty: nothing to read next. Queue papers with q in "
                "triage mode (Ctrl+T) or with the Queued status.", 8000)
            return
        paper = self.library.get(queue[0])
        self.undo_stack.push(ReadNextCommand(self.library, paper, self._paper_changed,
                                             self._command_failed))
        self.open_paper(paper.id)
        self.statusBar().showMessage(
            f"Reading #{paper.id} {short_title(paper.title)}   ({len(queue) - 1} left in the "
            "queue)", 8000)

    # -- triage mode -------------------------------------------------------------------------

    def set_triage(self, on: bool) -> None:
        self.triage_action.setChecked(on)

    def _triage_toggled(self, on: bool) -> None:
        self.triage.set_active(on)
        self.triage_banner.setVisible(on)
        if not on:
            # The list stood still during triage; now show what the view holds.
            self.refresh_list()
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.statusBar().showMessage("Triage mode off", 3000)

    def triage_status(self, status: Status) -> None:
        """A triage status key: set the status, then go on to the next paper."""
        if self.current_paper_id() is None:
            return
        self.set_status(status)
        self.move_current(+1)

    def triage_rating(self, rating: int | None) -> None:
        self.set_rating(rating)

    def focus_tags(self) -> None:
        if self.detail.paper is None:
            return
        self.detail.tags_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.detail.tags_edit.end(False)

    def focus_note(self) -> None:
        if self.detail.paper is None:
            return
        focus = getattr(self.detail, "focus_note", None)
        if callable(focus):
            focus()
        else:
            self.detail.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_key_help(self) -> None:
        if self._key_help is None:
            self._key_help = KeyHelpOverlay(self)
        self._key_help.open()

    @property
    def key_help(self) -> KeyHelpOverlay | None:
        return self._key_help

    # -- other views (loaded when first opened) -------------------------------------------

    def open_annotations(self) -> None:
        """The Annotations view: one window, kept up to date while it is open."""
        if self._annotations is None:
            self._annotations = AnnotationsDialog(self.library, self)
            self._annotations.openPaper.connect(self.open_paper)
            self.detail.abstract.annotationsChanged.connect(
                lambda _id: self._annotations.refresh() if self._annotations else None)
        self._annotations.refresh()
        self._annotations.show()
        self._annotations.raise_()

    def open_dashboard(self) -> None:
        dialog = DashboardDialog(self.library, self, runner=self.runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

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

    # -- columns ---------------------------------------------------------------------------

    def _column_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        for column, (name, _key) in enumerate(COLUMNS):
            if column == COL_TITLE:
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def show_column(self, column: int, shown: bool) -> None:
        if column != COL_TITLE:
            self.table.setColumnHidden(column, not shown)

    def hidden_columns(self) -> list[str]:
        return [name for column, (name, _key) in enumerate(COLUMNS)
                if self.table.isColumnHidden(column)]

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
        # By header name, so that a column added later is shown and a gone one ignored.
        hidden = str(settings.value("main/hiddenColumns", "") or "").split("\x1f")
        for column, (name, _key) in enumerate(COLUMNS):
            self.show_column(column, name not in hidden)

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
        self._sidebar_timer.stop()
        self._detail_timer.stop()
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/splitter", self.splitter.saveState())
        settings.setValue("main/hiddenColumns", "\x1f".join(self.hidden_columns()))
        if self._index_task is not None:
            self._index_task.cancel()
        self.runner.wait()
        super().closeEvent(event)
