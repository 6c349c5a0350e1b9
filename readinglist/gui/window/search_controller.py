"""The main window's search: the query box, and running its query in the background.

Typing (re)starts a short timer, so a search runs once the user pauses; each run gets a
generation number and results of an older run are dropped when they come back late. A
query error shows next to the box instead of results, and a query that finds nothing may
offer a corrected one ("did you mean …?") as a link. When the index catches up with edits
the shown search is run again, unless that would move the list under the user.
"""

from __future__ import annotations

import html
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QWidget

from ...domain import SavedSearch, View, ViewSearch
from ...library.service import Library
from ..detail.detail_pane import DetailPane
from ..table.paper_table import PaperTable
from ..table.paper_table_model import SNIPPET_PAGE
from ..tasks import TaskRunner
from .sidebar import LAST_IMPORT, QUEUE, TRASH, Filter, Sidebar
from .triage import TriageController


class SearchListing(Protocol):
    """The window's list, as far as the search needs it (MainWindow has it): no more."""

    def refresh_list(self) -> None: ...  # the sidebar's view, without a search

    def refresh_sidebar(self) -> None: ...  # the library-wide counts

    def show_ids(self, ids: list[int], hits: Any = (), query: str = "",
                 queue: bool = False) -> None: ...


SEARCH_DELAY_MS = 150
SEARCH_PLACEHOLDER = "Search titles, authors, abstracts, notes, tags…  (Ctrl+F)"
SEARCH_HELP = (
    'Words must all match. Try: lora*  ·  "model soups"  ·  title:diffusion  ·  '
    "author:smith  ·  tag:llm  ·  status:reading  ·  year:2024  ·  a OR b  ·  -word"
)


def filter_args(flt: Filter) -> tuple[str | None, str | None, int | None]:
    """A sidebar filter as the library's (status, tag, year) arguments."""
    kind, value = flt
    return (
        value if kind == "status" else None,
        value if kind == "tag" else None,
        int(value) if kind == "year" and value else None,
    )


def filter_view(flt: Filter, saved: SavedSearch | None = None) -> View:
    """The view a sidebar filter looks through; a saved search's is the one it was saved
    in (`saved`). The Trash has none: searches never look there."""
    if saved is not None:
        return saved.view
    status, tag, year = filter_args(flt)
    return View(status, tag, year, flt == LAST_IMPORT, queue=flt == QUEUE)


class SearchController(QObject):
    """The search box (`box`) and its message (`message`) of one window.

    `finished(query)` is emitted once the results (or the error) of `query` are shown.
    Given what it uses: the library and the task runner, the sidebar (the view searched
    in, and the facets), the table (its order), the detail pane and triage (when not to
    move the list), and the window's list (SearchListing)."""

    finished = Signal(str)
    queryChanged = Signal(str)  # what the box holds, stripped (typed, or put there)

    def __init__(self, library: Library, runner: TaskRunner, sidebar: Sidebar,
                 table: PaperTable, detail: DetailPane, triage: TriageController,
                 listing: SearchListing, parent: QWidget) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = runner
        self.sidebar = sidebar
        self.table = table
        self.detail = detail
        self.triage = triage
        self._listing = listing
        self._parent = parent  # dialogs open over it
        self._stopped = False  # the window closed: late results are dropped
        self._generation = 0
        self.query = ""  # what the box holds, stripped
        self.shown_query = ""  # the query whose results the table shows
        self.suggestion: str | None = None
        self._saved_query: str | None = None  # what choosing a saved search put in the box
        self.box = QLineEdit()
        self.box.setObjectName("searchBox")
        self.box.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.box.setClearButtonEnabled(True)
        self.box.setToolTip(SEARCH_HELP)
        # A steady width: the match count beside it comes and goes without moving it.
        self.box.setMaximumWidth(self.box.fontMetrics().averageCharWidth() * 64)
        self.box.textChanged.connect(self._edited)
        self.box.returnPressed.connect(self.run)
        # Esc empties the box (and shows the view again); Esc on an empty box goes back
        # to the list, as in Zotero's and a browser's search fields.
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.box)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._escape)
        self.message = QLabel()
        self.message.setObjectName("searchMessage")
        self.message.setTextFormat(Qt.TextFormat.RichText)  # escaped text + one link
        self.message.linkActivated.connect(lambda _link: self.accept_suggestion())
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run)
        self.type_to_search = True

    def stop(self) -> None:
        """The window closes: a search waiting for the user to pause does not start, and
        one running shows nothing when it ends."""
        self._stopped = True
        self._timer.stop()

    def clear(self) -> None:
        """Empty the box without searching (the caller shows the list it wants)."""
        self.box.blockSignals(True)
        self.box.clear()
        self.box.blockSignals(False)
        self.query = ""
        self._saved_query = None
        self.message.setText("")
        self.queryChanged.emit("")

    def set_query(self, text: str) -> None:
        """Put a query in the box without searching (the caller lists what it wants)."""
        self.box.blockSignals(True)
        self.box.setText(text)
        self.box.blockSignals(False)
        self.query = text.strip()
        self.message.setText("")
        self.queryChanged.emit(self.query)

    def current_view(self) -> View:
        """The view the sidebar's choice looks through (a saved search's own view)."""
        flt = self.sidebar.current_filter
        return filter_view(flt, self.sidebar.current_saved_search())

    def filter_chosen(self, flt: Filter) -> None:
        """A sidebar entry was chosen (before the list is redone): a saved search puts its
        query in the box; leaving one (unchanged) or going to the Trash empties it."""
        saved = self.sidebar.saved_search(flt[1]) if flt[0] == "saved" else None
        if saved is not None:
            self._saved_query = saved.query
            self.set_query(saved.query)
            return
        if flt == TRASH or (self._saved_query is not None and self.query == self._saved_query):
            self.clear()
        self._saved_query = None

    def focus(self) -> None:
        self.box.setFocus()
        self.box.selectAll()

    def _escape(self) -> None:
        if self.box.text():
            self.box.clear()  # textChanged: the view is shown again after the pause
            self.run()
        else:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_help(self) -> None:
        QMessageBox.information(self._parent, "Search syntax",
                                SEARCH_HELP.replace("  ·  ", "\n"))

    def set_type_to_search(self, on: bool) -> None:
        """Search as the user types (after a pause), or only on Enter (Preferences)."""
        self.type_to_search = on
        self.box.setToolTip(SEARCH_HELP if on else f"Press Enter to search. {SEARCH_HELP}")

    def _edited(self, text: str) -> None:
        self.query = text.strip()
        self.queryChanged.emit(self.query)
        # Searching on Enter: an emptied box still shows the view again at once.
        if self.type_to_search or not self.query:
            self._timer.start()

    def run(self) -> None:
        """Search in the background; a newer query makes older results obsolete."""
        self._timer.stop()
        query = self.query
        self._generation += 1
        generation = self._generation
        in_trash = self.sidebar.current_filter == TRASH
        if not query or in_trash:
            self.shown_query = ""
            self._set_error(False)  # a bad query cleared: the box is plain again
            # The index holds no paper of the Trash: it is listed whole, never searched.
            self.message.setText("The Trash is not searched" if query else "")
            self._listing.refresh_sidebar()
            self._listing.refresh_list()
            return
        first_page = SNIPPET_PAGE
        view = self.current_view()
        queue_view = view.queue
        library = self.library

        def work() -> ViewSearch:
            # Every match (for the table and the facets), snippets only for the first page:
            # the table fetches the others as their rows are drawn.
            return library.search_view(query, view, snippet_limit=first_page)

        self.runner.run(
            work,
            on_success=lambda found: self._done(generation, found, queue_view=queue_view),
            on_failure=lambda msg: self._failed(generation, msg),
        )

    def _done(self, generation: int, found: ViewSearch, queue_view: bool = False) -> None:
        if generation != self._generation or self._stopped:
            return  # the user has typed on since, or closed the window
        results, hits, imported = found.results, list(found.hits), found.in_last_import
        self._set_error(False)
        self._show_match_count(len(hits), results.suggestion)
        facets = results.facets  # counts among the matches
        self.sidebar.refresh(results.total or 0, facets["status"], facets["tag"],
                             facets["year"], imported)
        refresh = results.query == self.shown_query  # the same search, run again
        self.shown_query = results.query
        ids = [h.paper_id for h in hits]
        if queue_view:
            self._listing.show_ids(ids, hits, results.query, queue=True)
        else:
            if not refresh:
                self.table.show_relevance_order()  # until the user clicks a header
            self._listing.show_ids(ids, hits, results.query)
            if refresh:
                self.table.resort()
        self.finished.emit(results.query)

    def _show_match_count(self, count: int, suggestion: str | None) -> None:
        text = f"{count} match{'es' if count != 1 else ''}"
        self.suggestion = suggestion
        if count == 0 and suggestion:
            # A link, but built from escaped text: nothing the user typed becomes markup.
            text += f' — did you mean <a href="suggestion">{html.escape(suggestion)}</a>?'
        self.message.setText(text)

    def accept_suggestion(self) -> None:
        if self.suggestion:
            self.box.setText(self.suggestion)
            self.run()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation or self._stopped:
            return
        self._set_error(True)
        self.message.setText(html.escape(message))
        self.finished.emit(self.query)

    def _set_error(self, error: bool) -> None:
        """Mark the box as holding a bad query (the style sheet colours it)."""
        self.box.setProperty("error", error)
        self._restyle(self.box)

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def index_changed(self) -> None:
        """The index caught up with edits: the shown search may now find other papers."""
        if not self.query or self._timer.isActive():
            return
        if not self.type_to_search and self.query != self.shown_query:
            return  # typed but not entered yet: Enter runs it
        if self.triage.active:
            return  # the list stays put while the user works down it; redone on leaving
        focus = QApplication.focusWidget()
        if focus is not None and self.detail.isAncestorOf(focus):
            return  # the user is editing this paper: do not move the list under them
        self._timer.start()
