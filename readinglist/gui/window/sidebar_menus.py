"""What the sidebar's context menus do: empty the Trash, rename, merge, colour and delete
tags across the library, and save, rename, edit and delete saved searches; the saved
searches' live counts and the tags' colours; and papers dropped onto a tag.

Tag changes are undoable steps on the window's stack (TagsAcrossCommand,
TagColourCommand; papers dropped onto a tag: one BatchCommand). Emptying the
Trash is the one permanent delete: it is asked first, and cannot be undone. Saved
searches are plain writes, not undoable (a name and a query, quickly made again). Nothing
here redraws by hand: the sidebar and the list update from the library's Changes.

How the user is asked goes through attributes holding functions (`ask_text`,
`ask_choice`, `confirm`): dialogs, which tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QPoint, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox, QWidget

from ...domain.changes import Changes
from ...domain.tag_colours import TAG_PALETTE
from ...library.service import Library
from ..change_bridge import bridge_for
from ..commands.library_commands import (
    BatchCommand,
    TagColourCommand,
    TagsAcrossCommand,
    tag_papers_text,
)
from ..commands.paper_edits import ready_to_write
from ..commands.undo_commands import FAILURES
from ..table.tag_chips import swatch_icon
from .search_controller import SearchController
from .sidebar import ALL, TRASH, Filter, Sidebar, saved_filter

SAVED_DELAY_MS = 200  # saved searches are recounted once edits pause

AskText = Callable[[str, str, str], str | None]  # (title, label, text) -> text or None
AskChoice = Callable[[str, str, list[str]], str | None]  # (title, label, items)
Confirm = Callable[[str, str], bool]  # (title, question) -> yes


class SidebarViews(Protocol):
    """The window's list, as far as the sidebar's menus need it (MainWindow has it)."""

    def show_filter(self, flt: Filter) -> None: ...  # select a view and list it

    def refresh_list(self) -> None: ...


class SidebarMenus(QObject):
    """The sidebar's context menus of one window, its saved searches' counts, and the
    "Save search…" action (`save_action`, Ctrl+Shift+S: enabled while there is a query).

    Given what it uses: the library, the sidebar, the search (its query and view), the
    window's undo stack, `say(message, ms)` (the status bar) and the window's list."""

    def __init__(self, library: Library, sidebar: Sidebar, search: SearchController,
                 undo_stack: QUndoStack, say: Callable[[str, int], None],
                 views: SidebarViews, parent: QWidget) -> None:
        super().__init__(parent)
        self.library = library
        self.sidebar = sidebar
        self.search = search
        self.undo_stack = undo_stack
        self._say = say
        self._views = views
        self._parent = parent  # dialogs and menus open over it
        self._stopped = False
        self.ask_text: AskText = self._ask_text_dialog
        self.ask_choice: AskChoice = self._ask_choice_dialog
        self.confirm: Confirm = self._confirm_dialog
        self.save_action = QAction("Sa&ve search…", parent)
        self.save_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_action.setToolTip("Save the search (Ctrl+Shift+S): its query, in the "
                                    "view it is made in, listed in the sidebar")
        self.save_action.setEnabled(False)
        self.save_action.triggered.connect(self.save_current_search)
        search.queryChanged.connect(lambda query: self.save_action.setEnabled(bool(query)))
        self._timer = QTimer(self, singleShot=True, interval=SAVED_DELAY_MS)
        self._timer.timeout.connect(self.recount_saved)
        sidebar.menuRequested.connect(self._popup)
        sidebar.papersDropped.connect(self.tag_papers)
        bridge_for(library).changed.connect(self._library_changed)
        self.recount_saved()
        self.sidebar.set_tag_colours(library.tag_colours())

    def stop(self) -> None:
        """The window closes: no recount after it."""
        self._stopped = True
        self._timer.stop()

    # -- the menus -----------------------------------------------------------------------

    def menu_for(self, flt: Filter) -> QMenu | None:
        """The context menu of a sidebar entry (None: it has none)."""
        kind, value = flt
        if flt == TRASH:
            entries = [("Empty Trash…", self.empty_trash, self.library.trash_count() > 0)]
        elif kind == "tag" and value:
            entries = [
                ("Rename tag…", lambda: self.rename_tag(value), True),
                ("Merge into…", lambda: self.merge_tag(value), bool(self._other_tags(value))),
                ("Delete tag", lambda: self.delete_tag(value), True),
            ]
        elif kind == "saved" and value:
            entries = [
                ("Rename…", lambda: self.rename_saved(value), True),
                ("Edit query…", lambda: self.edit_saved_query(value), True),
                ("Delete", lambda: self.delete_saved(value), True),
            ]
        else:
            return None
        menu = QMenu(self._parent)
        for text, slot, enabled in entries:
            action = menu.addAction(text)
            action.triggered.connect(slot)
            action.setEnabled(enabled)
        if kind == "tag" and value:
            menu.insertMenu(menu.actions()[-1], self._colour_menu(value, menu))
        return menu

    def _colour_menu(self, tag: str, parent: QMenu) -> QMenu:
        """The tag's "Colour" submenu: the palette, its colour checked, and "No colour"."""
        menu = QMenu("Colour", parent)
        current = self.library.tag_colours_of([tag])[tag]
        if current is not None:
            menu.setIcon(swatch_icon(current, 14))
        for name, colour in TAG_PALETTE.items():
            action = menu.addAction(swatch_icon(colour, 14), name.capitalize())
            action.setCheckable(True)
            action.setChecked(colour == current)
            action.triggered.connect(lambda _on=False, c=colour: self.colour_tag(tag, c))
        menu.addSeparator()
        clear = menu.addAction("No colour")
        clear.setEnabled(current is not None)
        clear.triggered.connect(lambda: self.colour_tag(tag, None))
        return menu

    def _popup(self, flt: Filter, where: QPoint) -> None:
        menu = self.menu_for(flt)
        if menu is not None:
            menu.exec(where)
            menu.deleteLater()

    # -- the Trash -----------------------------------------------------------------------

    def empty_trash(self) -> bool:
        """Delete every paper of the Trash for good, once the user said yes."""
        count = self.library.trash_count()
        if not count:
            self._say("The Trash is empty", 4000)
            return False
        papers = "the paper" if count == 1 else f"the {count} papers"
        if not self.confirm("Empty Trash", f"Delete {papers} in the Trash for good, with "
                            "their notes and highlights?\n\nThis cannot be undone."):
            return False
        if not ready_to_write(self.library, self._say_long):
            return False
        try:
            self.library.empty_trash()
        except FAILURES as exc:
            self._say_long(f"Could not empty the Trash: {exc}")
            return False
        self._say(f"Deleted {papers} of the Trash for good", 6000)
        return True

    # -- tags across the library ------------------------------------------------------------

    def rename_tag(self, tag: str) -> bool:
        new = self.ask_text("Rename tag", f"New name for the tag “{tag}” (the name of "
                            "another tag merges the two):", tag)
        new = (new or "").strip()
        if not new or new == tag:
            return False
        return self._push_tags(tag, new)

    def merge_tag(self, tag: str) -> bool:
        others = self._other_tags(tag)
        if not others:
            self._say(f"No other tag to merge “{tag}” into", 5000)
            return False
        into = self.ask_choice("Merge tag", f"Merge the tag “{tag}” into:", others)
        return bool(into) and self._push_tags(tag, into or "")

    def delete_tag(self, tag: str) -> bool:
        """Take the tag off every paper (undoable: no question asked)."""
        return self._push_tags(tag, None)

    def colour_tag(self, tag: str, colour: str | None) -> bool:
        """Give the tag a colour ("#rrggbb"; None: none), as an undoable step."""
        if colour == self.library.tag_colours_of([tag])[tag]:
            return False
        if not ready_to_write(self.library, self._say_long):
            return False
        command = TagColourCommand(self.library, tag, colour, on_error=self._say_long)
        self.undo_stack.push(command)
        if command.error:
            return False
        self._say(f"{command.text()}   (Ctrl+Z: undo)", 6000)
        return True

    def tag_papers(self, ids: list[int], tag: str) -> bool:
        """Papers dropped onto a tag get it, in one undoable step (those that have it
        already are left alone; when all have it, nothing happens)."""
        folded = tag.casefold()
        try:
            papers = self.library.get_many(ids)
        except FAILURES as exc:
            self._say_long(f"Could not tag the papers: {exc}")
            return False
        untagged = [p.id for p in papers
                    if folded not in {t.casefold() for t in p.tags}]
        if not untagged:
            self._say(f"Already tagged “{tag}”", 4000)
            return False
        if not ready_to_write(self.library, self._say_long):
            return False
        command = BatchCommand(self.library, untagged, add_tags=[tag],
                               on_error=self._say_long,
                               text=tag_papers_text(self.library, untagged, tag))
        self.undo_stack.push(command)
        if command.error:
            return False
        self._say(f"{command.text()}   (Ctrl+Z: undo)", 6000)
        return True

    def _other_tags(self, tag: str) -> list[str]:
        return [t for t in self.library.tag_counts() if t.casefold() != tag.casefold()]

    def _push_tags(self, tag: str, into: str | None) -> bool:
        if not ready_to_write(self.library, self._say_long):
            return False
        command = TagsAcrossCommand(self.library, [tag], into, on_error=self._say_long)
        self.undo_stack.push(command)
        if command.error:
            return False
        self._say(f"{command.text()}   (Ctrl+Z: undo)", 6000)
        if self.sidebar.current_filter == ("tag", tag):  # the view shown is renamed or gone
            self._views.show_filter(("tag", into) if into else ALL)
        return True

    # -- saved searches ------------------------------------------------------------------

    def save_current_search(self) -> bool:
        """Save the query in the box with the view it searches in, under a name asked for
        (a name in use is replaced once the user says so); the sidebar then shows it."""
        query = self.search.query
        if not query:
            self._say("Type a search first, then save it (Ctrl+Shift+S)", 5000)
            return False
        current = self.sidebar.current_saved_search()
        name = (self.ask_text("Save search", f"Name for the search “{query}”:",
                              current.name if current else "") or "").strip()
        if not name:
            return False
        taken = self._saved_name(name)
        if taken is not None and not self.confirm(
                "Replace saved search", f"Replace the query of the saved search “{taken}” "
                f"with “{query}”?"):
            return False
        try:
            self.library.save_search(taken or name, query, self.search.current_view(),
                                     replace=taken is not None)
        except FAILURES as exc:
            self._say_long(f"Could not save the search: {exc}")
            return False
        flt = saved_filter(taken or name)
        self.sidebar.select(flt, notify=False)  # listed already (from the Changes)
        self.search.filter_chosen(flt)  # the box holds its query: leaving it empties it
        self._say(f"Saved the search “{taken or name}”", 5000)
        return True

    def rename_saved(self, name: str) -> bool:
        new = (self.ask_text("Rename saved search", f"New name for “{name}”:", name)
               or "").strip()
        if not new or new == name:
            return False
        shown = self.sidebar.current_filter == saved_filter(name)
        if shown:  # still the view shown, under its new name, when the sidebar is redone
            self.sidebar.retarget(saved_filter(new))
        try:
            self.library.rename_saved_search(name, new)
        except FAILURES as exc:
            if shown:
                self.sidebar.retarget(saved_filter(name))
            self._say_long(f"Could not rename the saved search: {exc}")
            return False
        return True

    def edit_saved_query(self, name: str) -> bool:
        saved = self.sidebar.saved_search(name)
        if saved is None:
            return False
        query = (self.ask_text("Edit saved search", f"Query of “{name}”:", saved.query)
                 or "").strip()
        if not query or query == saved.query:
            return False
        try:  # the sidebar (and the list, if it shows this search) follow from the Changes
            self.library.save_search(name, query, saved.view, replace=True)
        except FAILURES as exc:
            self._say_long(f"Could not change the saved search: {exc}")
            return False
        return True

    def delete_saved(self, name: str) -> bool:
        """Delete a saved search (its papers stay; not undoable, and not asked)."""
        try:
            self.library.delete_saved_search(name)
        except FAILURES as exc:
            self._say_long(f"Could not delete the saved search: {exc}")
            return False
        self._say(f"Deleted the saved search “{name}”", 5000)
        return True

    def _saved_name(self, name: str) -> str | None:
        """The saved search's name as stored, if `name` is taken (names ignore case)."""
        return next((n for n in self.sidebar.saved_names()
                     if n.casefold() == name.casefold()), None)

    def recount_saved(self) -> None:
        """List the saved searches with what each finds now. If the one shown is gone, all
        papers are shown; if its query changed (edited, here or elsewhere), it is rerun."""
        if self._stopped:
            return
        searches = self.library.saved_searches()
        counts = {s.name: self._count(s.name) for s in searches}
        before = self.sidebar.current_saved_search()
        if self.sidebar.set_saved(searches, counts):
            self._views.show_filter(ALL)
            return
        after = self.sidebar.current_saved_search()
        if after is not None and (before is None or after.query != before.query
                                  or after.view != before.view):
            self.search.filter_chosen(saved_filter(after.name))
            self._views.refresh_list()

    def _count(self, name: str) -> int | None:
        try:
            return len(self.library.saved_search_ids(name))
        except Exception:  # a count is a hint: a bad query or a busy index shows "?"
            return None

    def _library_changed(self, changes: Changes) -> None:
        if self._stopped:
            return
        if changes.tag_colours or changes.everything:  # here, or elsewhere (the CLI)
            self.sidebar.set_tag_colours(self.library.tag_colours())
        if changes.saved_searches:
            self._timer.stop()
            self.recount_saved()  # at once: the user just saved, renamed or deleted one
        elif self.sidebar.saved_names() and (changes.counts or changes.indexed
                                             or changes.everything):
            # What a search finds changes once the index has the edit: recount then too.
            self._timer.start()

    # -- asking ----------------------------------------------------------------------------

    def _say_long(self, message: str) -> None:
        self._say(message, 8000)

    def _ask_text_dialog(self, title: str, label: str, text: str) -> str | None:
        answer, ok = QInputDialog.getText(self._parent, title, label,
                                          QLineEdit.EchoMode.Normal, text)
        return answer if ok else None

    def _ask_choice_dialog(self, title: str, label: str, items: list[str]) -> str | None:
        answer, ok = QInputDialog.getItem(self._parent, title, label, items, 0, False)
        return answer if ok else None

    def _confirm_dialog(self, title: str, question: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self._parent)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes
