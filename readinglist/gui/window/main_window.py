"""The main window: search box, sidebar, paper table and detail pane.

It talks only to the Library; searches, imports and index builds run on the task runner
so typing and scrolling never wait for them. The window builds the pieces and wires them
together: the search (search_controller), the paper table (paper_table), the undoable
status, rating and reading-queue changes (paper_actions), triage keys (triage), imports
(transfer), the search index's state (index_status) and the menus (menus). Each piece
is given the collaborators it uses (the library, the runner, the table, the undo stack, a
`say` for the status bar, a narrow protocol for what only the window can do), not the
window itself. The views it opens on demand (Export, Find duplicates, Annotations,
Reading statistics, the key help) are a mixin of the window (on_demand_views).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...domain import ImportReport, QueryError, Status
from ...domain.changes import Changes
from ...library.service import Library
from ..change_bridge import bridge_for
from ..detail.detail_pane import DetailPane
from ..dialogs.import_dialog import ImportOptions
from ..plain_text import message_box
from ..table.paper_table import PaperTable
from ..table.paper_table_model import PaperTableModel
from ..tasks import TaskRunner
from .first_run import FirstRunPage
from .index_status import IndexStatus
from .menus import build_menus
from .on_demand_views import OnDemandViewsMixin
from .paper_actions import PaperActions
from .paper_editing import PaperEditing
from .read_only_banner import show_read_only
from .row_actions import RowActions
from .search_controller import SearchController, filter_args
from .settings_actions import SettingsActions
from .sidebar import LAST_IMPORT, QUEUE, TRASH, Filter, Sidebar
from .sidebar_menus import SidebarMenus
from .transfer import Transfer
from .triage import TriageController
from .window_fit import fit_into_screen

SIDEBAR_DELAY_MS = 200  # counts are redone once edits pause


class MainWindow(OnDemandViewsMixin, QMainWindow):
    searchFinished = Signal(str)  # the query whose results (or error) are now shown
    libraryRequested = Signal(object, bool)  # a library to open instead (path, new)
    details_action: QAction  # View > Details pane (set by build_menus)

    def __init__(self, library: Library, runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.library = library
        self.runner = runner or TaskRunner(self)
        self.closed = False
        self.paper_actions = PaperActions(library, self, self.say, self)
        self.undo_stack = self.paper_actions.undo_stack
        self.transfer = Transfer(library, self.runner, self.undo_stack, self.say, self, self)
        self.setWindowTitle(f"Readinglist — {library.folder}")
        self.setAcceptDrops(True)

        self.model = PaperTableModel(library, self)
        self.model.queueDrop.connect(self.paper_actions.queue_dropped)
        self._build_widgets()
        # The paper editor: Edit… (Ctrl+Shift+E, the pane's button, the row menu), Ctrl+N.
        self.paper_editing = PaperEditing(library, self.undo_stack, self.say, self,
                                          self.open_paper, self.current_paper_id)
        self.detail.editRequested.connect(self.paper_editing.edit)
        # The rows' context menu, Delete (to the Trash) and Ctrl+Shift+C (copy BibTeX).
        self.row_actions = RowActions(library, self.table, self.undo_stack, self.say, self,
                                      self.open_paper, edit_paper=self.paper_editing.edit)
        # Preferences (Ctrl+,) and File > Open library: the app switches the library.
        self.settings_actions = SettingsActions(library.folder, self.search, self)
        self.settings_actions.libraryRequested.connect(self.libraryRequested)
        actions = build_menus(self, self)
        self.import_action, self.reindex_action = actions.import_files, actions.reindex
        self.triage_action, self.read_next_action = actions.triage, actions.read_next
        self.move_up_action, self.move_down_action = actions.move_up, actions.move_down
        self.move_top_action = actions.move_top
        # A read-only library (read-only media, a full disk): a banner, edits off.
        self.read_only_banner = show_read_only(self, self)
        self._sidebar_timer = QTimer(self, singleShot=True, interval=SIDEBAR_DELAY_MS)
        self._sidebar_timer.timeout.connect(self._recount)
        # Every write (here, in a task, by the index, or by another program such as the
        # CLI beside the open app) reaches the views as Changes, on this thread.
        self.bridge = bridge_for(library)
        self.bridge.changed.connect(self.apply_changes)
        self.bridge.watch_elsewhere()
        self._restore_layout()
        self.reload()
        if library.index_problem and not library.read_only:
            self.index_status.build()

    # -- construction ----------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sidebar = Sidebar()
        self.sidebar.filterChanged.connect(lambda flt: self._filter_chosen(flt))

        self.table: PaperTable = PaperTable(self.model)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        # The pane's edits are undoable steps on the window's stack, like triage keys.
        self.detail = DetailPane(self.library, self.runner, edits=self.paper_actions.edits)
        self.detail.abstract.set_undo_stack(self.undo_stack)  # highlights undo with Ctrl+Z
        self.detail.openPaper.connect(self.open_paper)
        self.detail.errorOccurred.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.triage = TriageController(self.library, self.table, self.model, self.detail,
                                       self.paper_actions, self, self.say, self)
        self.triage_banner = self.triage.banner
        self.table_area = QWidget()
        table_layout = QVBoxLayout(self.table_area)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(0)
        table_layout.addWidget(self.triage_banner)
        table_layout.addWidget(self.table, 1)

        self.search = SearchController(self.library, self.runner, self.sidebar, self.table,
                                       self.detail, self.triage, self, self)
        self.search.finished.connect(self.searchFinished)
        # The Trash, tags and saved searches, organized from the sidebar's context menus.
        self.sidebar_menus = SidebarMenus(self.library, self.sidebar, self.search,
                                          self.undo_stack, self.say, self, self)
        self.search_box, self.search_message = self.search.box, self.search.message
        toolbar = QToolBar("Search", self)
        toolbar.setObjectName("searchBar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.search_box)
        toolbar.addWidget(self.search_message)
        self.addToolBar(toolbar)

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
        self.first_run.folderRequested.connect(self.transfer.choose_folder)
        self.first_run.identifiersRequested.connect(self.transfer.ask_identifiers)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.first_run)
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)

        self.count_label = QLabel()
        self.index_status: IndexStatus = IndexStatus(self.library, self.runner, self.search,
                                                     self)
        self.index_label = self.index_status.label
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.index_label)

    # -- listing ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Refresh counts, sidebar and the list after the library changed."""
        self._show_page()
        self.refresh_sidebar()
        self.refresh_list()
        self.index_status.update_label()

    def refresh_sidebar(self) -> None:
        """Library-wide counts (a search shows its own: the counts among its matches)."""
        self.sidebar.refresh(self.library.count(), self.library.status_counts(),
                             self.library.tag_counts(), self.library.year_counts(),
                             len(self.library.last_import_ids()),
                             trash=self.library.trash_count())

    def _show_page(self) -> None:
        """The first-run page for an empty library (with an empty Trash: papers thrown
        away stay reachable there), else the list."""
        empty = self.library.count() == 0 and self.library.trash_count() == 0
        self.pages.setCurrentIndex(0 if empty else 1)

    def _filter_chosen(self, flt: Filter) -> None:
        self.search.filter_chosen(flt)  # a saved search's query goes into the box
        self.refresh_list()

    def in_queue_view(self) -> bool:
        return self.sidebar.current_filter == QUEUE

    def refresh_list(self) -> None:
        queue_view = self.in_queue_view()
        self.table.set_queue_order(queue_view)
        if self.sidebar.current_filter == TRASH:  # never searched: listed whole
            self.show_ids(self.library.trash_ids())  # the most recently thrown away first
            return
        if self.search.query:
            self.search.run()
            return
        saved = self.sidebar.current_saved_search()
        if saved is not None:  # its view, the box emptied of its query
            key, descending = self.table.sort_request()
            self.show_ids(self.library.search_ids("", saved.view, key, descending))
            return
        if queue_view:
            ids = self.library.queue_ids()
            self.show_ids(ids, queue=True)
            if not ids:
                self.statusBar().showMessage(
                    "The reading queue is empty: queue papers with q in triage mode "
                    "(Ctrl+T) or with the Queued status", 8000)
            return
        status, tag, year = filter_args(self.sidebar.current_filter)
        key, descending = self.table.sort_request()
        self.show_ids(self.library.list_ids(
            status, tag, key, descending, year,
            last_import=self.sidebar.current_filter == LAST_IMPORT))

    def show_ids(self, ids: list[int], hits: Any = (), query: str = "",
                 queue: bool = False) -> None:
        """List these papers, keeping the current one selected if it is among them."""
        current = self.current_paper_id()
        self.model.set_ids(ids, hits, query, queue=queue)
        self.table.set_hit_rows(bool(hits))
        self.count_label.setText(
            f"{len(ids)} in the Trash" if self.sidebar.current_filter == TRASH else
            f"{len(ids)} of {self.library.count()} papers")
        row = self.model.row_of(current) if current is not None else None
        if row is None and ids:
            row = 0
        if row is not None:
            self.select_row(row)
        else:
            self.detail.show_paper(None)

    def select_row(self, row: int) -> None:
        if self.table.select_row(row):
            # Already current, so no currentRowChanged (the row's paper may still be new,
            # after a reload); otherwise _row_changed has shown the paper already.
            self.show_detail(self.model.paper_id(row))

    def current_paper_id(self) -> int | None:
        return self.table.current_paper_id()

    def _row_changed(self, current: Any, _previous: Any) -> None:
        self.show_detail(self.model.paper_id(current.row()) if current.isValid() else None)

    def show_detail(self, paper_id: int | None, reload: bool = False) -> None:
        """Show a paper in the detail pane; `reload` re-reads the one shown (changed)."""
        spans: list[tuple[int, int]] = []
        query = self.search.query
        if paper_id is not None and query and self.model.hit(paper_id):
            try:
                spans = self.library.match_spans(query, paper_id).get("abstract", [])
            except QueryError:
                spans = []
        same = paper_id is not None and self.detail.paper and self.detail.paper.id == paper_id
        if same and not reload:
            self.detail.set_highlights(spans)  # the paper stays; the search changed
        else:
            self.detail.show_paper(paper_id, spans)

    def apply_changes(self, changes: Changes) -> None:
        """What a write changed, shown: the table repaints its rows itself; here, the list
        is redone when papers came or went (or, in the queue view, moved), and the counts
        once edits pause. Edits made in this window leave the list standing (a triaged
        paper stays where it was until the view is chosen again), as in Zotero."""
        if self.closed:
            return
        self.model.apply_changes(changes)
        relist = changes.membership or (changes.elsewhere and bool(changes.papers)) or (
            changes.queue and self.in_queue_view()) or (
            changes.last_import and self.sidebar.current_filter == LAST_IMPORT)
        if changes.membership:
            self._show_page()
        if relist and not self.triage.active:
            self.refresh_list()
        if changes.membership or changes.last_import:
            if not self.search.query:
                self.refresh_sidebar()  # papers came or went: the counts at once
        elif changes.counts and not self.search.query:
            self._sidebar_timer.start()  # one recount for a burst of edits (autosave, keys)
        if changes.elsewhere:
            self.statusBar().showMessage("The library was changed by another program; "
                                         "the list is up to date", 5000)

    def say(self, message: str, timeout: int = 5000) -> None:
        """A message in the status bar."""
        self.statusBar().showMessage(message, timeout)

    def shown_ids(self) -> list[int]:
        return self.model.ids

    def select_paper(self, paper_id: int) -> bool:
        """Select this paper if the list shows it."""
        row = self.model.row_of(paper_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _recount(self) -> None:
        if not self.closed and not self.search.query:  # a search shows its own facets
            self.refresh_sidebar()

    def show_filter(self, flt: Filter) -> None:
        """List a sidebar view (it is selected, without notifying), leaving any search."""
        self.search.clear()
        self.refresh_sidebar()
        self.sidebar.select(flt, notify=False)
        self.refresh_list()

    def open_paper(self, paper_id: int) -> None:
        """Select a paper, leaving the search and filter if they hide it."""
        row = self.model.row_of(paper_id)
        if row is None:
            self.search.clear()
            self.sidebar.select(("all", None), notify=False)
            self.refresh_sidebar()
            self.refresh_list()
            row = self.model.row_of(paper_id)
        if row is not None:
            self.select_row(row)

    # -- the pieces' methods, also offered by the window (triage keys, menus, tests) -------

    def run_search(self) -> None:
        self.search.run()

    @property
    def suggestion(self) -> str | None:
        """The corrected query offered for a search that found nothing."""
        return self.search.suggestion

    def set_status(self, status: Status) -> bool:
        return self.paper_actions.set_status(status)

    def set_rating(self, rating: int | None) -> bool:
        return self.paper_actions.set_rating(rating)

    def read_next(self) -> None:
        self.paper_actions.read_next()

    def show_column(self, column: int, shown: bool) -> None:
        self.table.show_column(column, shown)

    def hidden_columns(self) -> list[str]:
        return self.table.hidden_columns()

    # -- importing and exporting -----------------------------------------------------------

    def import_files(self, paths: list[Path], options: ImportOptions | None = None) -> None:
        """Import without asking: with `options`, or the defaults for these files."""
        self.transfer.import_paths(paths, options=options or ImportOptions.for_paths(paths))

    @property
    def last_import(self) -> ImportReport | None:
        return self.transfer.last_import

    def view_label(self) -> str:
        """What the table shows, in words: 'search “lora”', 'tag llm', 'all papers'."""
        if self.search.shown_query:
            return f"search “{self.search.shown_query}”"
        if self.in_queue_view():
            return "the reading queue"
        kind, value = self.sidebar.current_filter
        if kind == "import":
            return "the last import"
        if kind in ("trash", "saved"):
            return "the Trash" if kind == "trash" else f"the saved search “{value}”"
        return "all papers" if kind == "all" else f"{kind} {value}"

    def load_sample(self) -> None:
        self.transfer.import_sample()

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
            self.transfer.import_paths(paths)  # asks for the import options first

    # -- triage mode (triage.py) -----------------------------------------------------------

    def triage_status(self, status: Status) -> None:
        """What a triage status key does (set, then go on to the next paper)."""
        self.triage.status_key(status)

    # -- layout, closing -------------------------------------------------------------------

    def show_details(self, shown: bool) -> None:
        """Show or hide the detail pane (View > Details pane, Ctrl+Shift+D)."""
        self.detail.setVisible(shown)
        QSettings().setValue("main/detailsShown", shown)

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            fit_into_screen(self)  # saved on a bigger screen, or at another scale
        else:
            screen = self.screen().availableGeometry()
            self.resize(
                min(1440, int(screen.width() * 0.92)), min(880, int(screen.height() * 0.92))
            )
        state = settings.value("main/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        # A narrow screen may do without the detail pane; the choice is remembered.
        self.details_action.setChecked(settings.value("main/detailsShown", True, bool) is True)
        self.table.restore_columns(settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detail.flush()  # no lost keystrokes
        if self.detail.unsaved_note:
            message_box(self, QMessageBox.Icon.Warning, "Note not saved",
                        "The note could not be saved (see the status bar). The window stays "
                        "open so that the text is not lost; copy it or try again.").open()
            event.ignore()
            return
        self.closed = True
        self.bridge.watch_elsewhere(False)
        self.transfer.closed = True
        self.index_status.stop()  # also cancels a rebuild
        self.search.stop()
        self._sidebar_timer.stop()
        self.sidebar_menus.stop()
        self.paper_actions.stop()
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/splitter", self.splitter.saveState())
        self.table.save_columns(settings)
        # No background work after this: the library may be closed right after (the app
        # switching libraries or quitting); a job reading it then would crash the process.
        self.detail.stop()
        self.runner.shut_down()
        super().closeEvent(event)
