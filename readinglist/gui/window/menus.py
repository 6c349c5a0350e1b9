"""The main window's menus, shortcuts and reading toolbar.

Every menu entry is also added to the window itself, so its shortcut works wherever the
focus is in the window; the paste entry is the exception (see below).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from ...library.service import Library
from ..dialogs.check_dialog import open_check_dialog
from ..table.paper_table import PaperTable
from ..tasks import TaskRunner
from .index_status import IndexStatus
from .paper_actions import PaperActions
from .paper_editing import PaperEditing
from .search_controller import SearchController
from .settings_actions import SettingsActions
from .sidebar import QUEUE, Sidebar
from .sidebar_menus import SidebarMenus
from .transfer import Transfer
from .triage import TriageController


class MenuTargets(Protocol):
    """What the menu entries call (MainWindow has it): its parts and its dialogs."""

    library: Library
    runner: TaskRunner
    transfer: Transfer
    index_status: IndexStatus
    triage: TriageController
    paper_actions: PaperActions
    paper_editing: PaperEditing
    undo_stack: QUndoStack
    search: SearchController
    table: PaperTable
    sidebar: Sidebar
    sidebar_menus: SidebarMenus
    settings_actions: SettingsActions

    def load_sample(self) -> None: ...

    def open_export(self) -> None: ...

    def paste_identifiers(self) -> None: ...

    def open_annotations(self) -> None: ...

    def open_dashboard(self) -> None: ...

    def open_duplicates(self) -> None: ...

    def show_key_help(self) -> None: ...

    details_action: QAction

    def show_details(self, shown: bool) -> None: ...


@dataclass
class WindowActions:
    """The actions the window (and its tests) use after the menus are built."""

    import_files: QAction
    reindex: QAction
    triage: QAction
    read_next: QAction
    move_up: QAction
    move_down: QAction
    move_top: QAction


def _add(window: QMainWindow, menu: QMenu, text: str, slot: Callable[..., Any],
         shortcut: Any = None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.triggered.connect(slot)
    menu.addAction(action)
    window.addAction(action)
    return action


def build_menus(window: QMainWindow, parts: MenuTargets) -> WindowActions:
    """Fill the window's menu bar and add the reading toolbar; the entries call `parts`
    (the window's pieces and dialogs)."""
    transfer = parts.transfer
    papers = parts.paper_actions
    file_menu = window.menuBar().addMenu("&File")
    import_action = _add(window, file_menu, "&Import files…", transfer.choose_files,
                         QKeySequence("Ctrl+I"))
    folder_action = _add(window, file_menu, "Import a &folder of PDFs…", transfer.choose_folder)
    add_action = _add(window, file_menu, "&Add by arXiv id or DOI…", transfer.ask_identifiers,
                      QKeySequence("Ctrl+Shift+A"))
    sample_action = _add(window, file_menu, "Load &sample papers", parts.load_sample)
    _add(window, file_menu, "Add a paper by &hand…", parts.paper_editing.add,
         QKeySequence("Ctrl+N"))
    # Copying or linking PDFs is chosen in the import options, asked at each import.
    transfer.busy_actions = [import_action, folder_action, add_action, sample_action]
    file_menu.addSeparator()
    libraries = parts.settings_actions.library_menu
    _add(window, file_menu, "&Open library…", libraries.choose_existing)
    _add(window, file_menu, "&New library…", libraries.choose_new)
    file_menu.addMenu(libraries.recent_menu)
    file_menu.addSeparator()
    _add(window, file_menu, "&Export…", parts.open_export, QKeySequence("Ctrl+E"))
    file_menu.addSeparator()
    reindex_action = _add(window, file_menu, "&Rebuild search index",
                          parts.index_status.build)
    parts.index_status.busy_actions = [reindex_action]  # disabled while the index builds
    file_menu.addSeparator()
    _add(window, file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    edit_menu = window.menuBar().addMenu("&Edit")
    undo = parts.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = parts.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    edit_menu.addActions([undo, redo])
    edit_menu.addSeparator()
    _add(window, edit_menu, "&Edit paper…", parts.paper_editing.edit_current,
         QKeySequence("Ctrl+Shift+E"))
    _add(window, edit_menu, "&Find", parts.search.focus, QKeySequence.StandardKey.Find)
    edit_menu.addSeparator()
    prefs = _add(window, edit_menu, "Pre&ferences…", parts.settings_actions.open_preferences,
                 QKeySequence("Ctrl+,"))
    prefs.setMenuRole(QAction.MenuRole.PreferencesRole)  # the app menu on macOS
    edit_menu.addSeparator()
    paste = QAction("&Paste arXiv ids or DOIs", window)
    paste.setShortcut(QKeySequence.StandardKey.Paste)
    # Only in the table: text fields keep their own paste.
    paste.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    paste.triggered.connect(parts.paste_identifiers)
    parts.table.addAction(paste)
    edit_menu.addAction(paste)

    view_menu = window.menuBar().addMenu("&View")
    triage_action = parts.triage.action  # the mode's own (triage.py)
    view_menu.addAction(triage_action)
    window.addAction(triage_action)
    view_menu.addSeparator()
    save_search = parts.sidebar_menus.save_action  # enabled while there is a query
    view_menu.addAction(save_search)
    window.addAction(save_search)
    view_menu.addSeparator()
    details = QAction("&Details pane", window, checkable=True, checked=True)
    details.setShortcut(QKeySequence("Ctrl+Shift+D"))
    details.setToolTip("Show or hide the paper's details beside the list (remembered)")
    details.toggled.connect(parts.show_details)
    view_menu.addAction(details)
    window.addAction(details)
    parts.details_action = details
    _add(window, view_menu, "&Annotations…", parts.open_annotations)
    _add(window, view_menu, "Reading &statistics…", parts.open_dashboard)

    queue_menu = window.menuBar().addMenu("&Queue")
    read_next_action = _add(window, queue_menu, "&Read next", papers.read_next,
                            QKeySequence("Ctrl+Shift+N"))
    read_next_action.setToolTip(
        "Read next (Ctrl+Shift+N): open the first paper of the queue and set it to Reading")
    _add(window, queue_menu, "&Show the queue", lambda: parts.sidebar.select(QUEUE))
    queue_menu.addSeparator()
    move_up = _add(window, queue_menu, "Move &up", lambda: papers.move_queued(-1),
                   QKeySequence("Alt+Up"))
    move_down = _add(window, queue_menu, "Move &down", lambda: papers.move_queued(+1),
                     QKeySequence("Alt+Down"))
    move_top = _add(window, queue_menu, "Move to the &top", lambda: papers.move_queued(None),
                    QKeySequence("Alt+Home"))

    tools_menu = window.menuBar().addMenu("&Tools")
    _add(window, tools_menu, "Find &duplicates…", parts.open_duplicates)
    # `readinglist check`: the database, the search index and the files (Repair inside).
    _add(window, tools_menu, "&Check library…",
         lambda: open_check_dialog(parts.library, parts.runner, window))
    help_menu = window.menuBar().addMenu("&Help")
    _add(window, help_menu, "&Keyboard shortcuts", parts.show_key_help,
         QKeySequence(Qt.Key.Key_F1))
    _add(window, help_menu, "&Search syntax", parts.search.show_help)

    reading_bar = QToolBar("Reading", window)
    reading_bar.setObjectName("readingBar")
    reading_bar.setMovable(False)
    reading_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    reading_bar.addAction(read_next_action)
    reading_bar.addAction(triage_action)
    # Before the search bar: the search's message grows and shrinks with the match count
    # at the end of the row, where it moves nothing.
    search_bar = window.findChild(QToolBar, "searchBar")
    if search_bar is not None:
        window.insertToolBar(search_bar, reading_bar)
    else:
        window.addToolBar(reading_bar)
    return WindowActions(import_action, reindex_action, triage_action, read_next_action,
                         move_up, move_down, move_top)
