"""What the paper table's rows offer: the right-click menu, Delete and Ctrl+Shift+C.

The menu acts on the selected papers (the row right-clicked becomes the selection unless
it already is part of it): open a paper's PDF or web page, copy citation keys, BibTeX or
formatted references, set a status, priority or rating, add and remove tags, find a
similar paper, move papers to the Trash. Every edit is one undoable step on the window's
stack however many papers it changes, and is refused (with a message) while an import
writes. Nothing here redraws: the views update from the library's Changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QWidget

from ...domain import Paper, Priority, Status
from ...library.service import Library
from ...text.reference import reference, web_link
from ..commands.library_commands import BatchCommand, TrashCommand
from ..commands.paper_edits import ready_to_write
from ..commands.undo_commands import FAILURES, short_title
from ..table.paper_table import PaperTable
from ..table.paper_table_model import PaperTableModel, format_rating

Say = Callable[[str, int], None]  # a message in the status bar, for so many ms


def open_url(url: QUrl) -> bool:
    """Open a file or a web page with the desktop's application (tests replace this)."""
    return QDesktopServices.openUrl(url)


def papers_text(papers: Sequence[Paper]) -> str:
    """"#28 Model soups…" for one paper, "3 papers" for more."""
    if len(papers) == 1:
        return f"#{papers[0].id} {short_title(papers[0].title)}"
    return f"{len(papers)} papers"


def plural(count: int, word: str = "paper") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class RowActions(QObject):
    """The table's row menu and its shortcuts (Delete: to the Trash; Ctrl+Shift+C: copy
    BibTeX), acting on the selected papers.

    Given what it uses: the library, the table, the window's undo stack, `say(message,
    ms)` (the status bar), `open_paper(id)` (select a paper, leaving a search that hides
    it) and the window as the parent of its actions and dialogs."""

    def __init__(self, library: Library, table: PaperTable, undo_stack: QUndoStack,
                 say: Say, parent: QWidget,
                 open_paper: Callable[[int], None] | None = None,
                 edit_paper: Callable[[int], object] | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.table = table
        model = table.model()
        assert isinstance(model, PaperTableModel)
        self.model = model
        self.undo_stack = undo_stack
        self._say = say
        self._parent = parent
        self._open_paper = open_paper or (lambda _paper_id: None)
        self._edit_paper = edit_paper  # opens the paper editor (paper_editing.py)
        # Shortcuts of the table only: in a text field Delete and Ctrl+Shift+C keep
        # their own meaning.
        self.trash_action = self._table_action("Move to &Trash", QKeySequence.StandardKey.Delete,
                                               self.trash_selection)
        self.copy_bibtex_action = self._table_action("Copy &BibTeX", "Ctrl+Shift+C",
                                                     self.copy_bibtex)
        table.customContextMenuRequested.connect(self.show_menu)

    def _table_action(self, text: str, shortcut: QKeySequence.StandardKey | str,
                      slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._parent)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.table.addAction(action)
        return action

    # -- which papers ------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """The selected papers in row order; the current one if none is selected."""
        ids = self.table.selected_ids()
        current = self.table.current_paper_id()
        return ids or ([current] if current is not None else [])

    def selected_papers(self) -> list[Paper]:
        return self.library.get_many(self.selected_ids())

    def _current_paper(self) -> Paper | None:
        """The paper Open PDF, Open link and Find similar act on: the current one (the
        row right-clicked), else the first selected."""
        current = self.table.current_paper_id()
        ids = [current] if current is not None else self.selected_ids()[:1]
        papers = self.library.get_many(ids)
        return papers[0] if papers else None

    # -- the menu ------------------------------------------------------------------------

    def show_menu(self, pos: QPoint) -> None:
        """The table asked for its context menu at `pos` (in its viewport)."""
        if not self.model.ids or not self.selected_ids():
            return
        menu = self.build_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def build_menu(self) -> QMenu:
        """The menu for the selection now (built anew each time: it names its tags)."""
        papers = self.selected_papers()
        current = self._current_paper()
        menu = QMenu(self.table)
        menu.setObjectName("rowMenu")
        many = len(papers) > 1

        pdf = self._add(menu, "Open &PDF", lambda: self.open_pdf(current))
        pdf.setEnabled(current is not None and bool(current.attachments))
        link = self._add(menu, "Open &link", lambda: self.open_link(current))
        link.setEnabled(current is not None and bool(web_link(current)))
        if self._edit_paper is not None:
            edit_paper = self._edit_paper
            edit = self._add(menu, "&Edit…", lambda: current and edit_paper(current.id))
            edit.setEnabled(current is not None and not many)
        menu.addSeparator()
        keys = self._add(menu, "Copy citation &keys" if many else "Copy citation &key",
                         self.copy_citation_keys)
        keys.setEnabled(any(p.citation_key for p in papers))
        menu.addAction(self.copy_bibtex_action)
        self._add(menu, "Copy as formatted &reference" + ("s" if many else ""),
                  self.copy_references)
        menu.addSeparator()

        statuses = menu.addMenu("&Status")
        for status in Status:
            self._add(statuses, status.label, partial(self.set_status, status),
                      checked=all(p.status is status for p in papers))
        priorities = menu.addMenu("P&riority")
        for priority in Priority:
            self._add(priorities, priority.label, partial(self.set_priority, priority),
                      checked=all(paper.priority is priority for paper in papers))
        ratings = menu.addMenu("R&ating")
        for rating in (None, 1, 2, 3, 4, 5):
            self._add(ratings, format_rating(rating) or "No rating",
                      partial(self.set_rating, rating),
                      checked=all(p.rating == rating for p in papers))
        menu.addSeparator()
        self._add(menu, "Add &tag…", self.ask_and_add_tags)
        removable = menu.addMenu("Re&move tag")
        tags = sorted({t for p in papers for t in p.tags}, key=str.casefold)
        for tag in tags:
            self._add(removable, tag, partial(self.remove_tag, tag))
        removable.setEnabled(bool(tags))
        menu.addSeparator()
        similar = self._add(menu, "Find s&imilar", lambda: self.find_similar(current))
        similar.setEnabled(current is not None)
        menu.addSeparator()
        menu.addAction(self.trash_action)
        return menu

    def _add(self, menu: QMenu, text: str, slot: Callable[[], object],
             checked: bool | None = None) -> QAction:
        action = menu.addAction(text)
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # -- opening -------------------------------------------------------------------------

    def open_pdf(self, paper: Paper | None) -> bool:
        """Open the paper's first attachment with the desktop's PDF reader."""
        if paper is None or not paper.attachments:
            self._say("This paper has no PDF attached", 5000)
            return False
        path = Path(paper.attachments[0].path)
        if not path.exists():
            self._say(f"The PDF of #{paper.id} is missing: {path}", 8000)
            return False
        if not open_url(QUrl.fromLocalFile(str(path))):
            self._say(f"No application opened {path}", 8000)
            return False
        return True

    def open_link(self, paper: Paper | None) -> bool:
        """Open the paper's page: its URL, else its DOI's, else its arXiv abstract."""
        link = web_link(paper) if paper is not None else ""
        if not link:
            self._say("This paper has no link, DOI or arXiv id", 5000)
            return False
        if not open_url(QUrl(link)):
            self._say(f"No browser opened {link}", 8000)
            return False
        return True

    # -- copying -------------------------------------------------------------------------

    def _copy(self, text: str, message: str) -> None:
        QApplication.clipboard().setText(text)
        self._say(message, 5000)

    def copy_citation_keys(self) -> None:
        """The selected papers' citation keys, comma-separated (as \\cite{a,b} takes)."""
        keys = [p.citation_key for p in self.selected_papers() if p.citation_key]
        if not keys:
            self._say("No citation key to copy", 5000)
            return
        self._copy(",".join(keys), f"Copied {', '.join(keys)}" if len(keys) <= 3
                   else f"Copied {len(keys)} citation keys")

    def copy_bibtex(self) -> None:
        """The selected papers as BibTeX entries (Ctrl+Shift+C)."""
        ids = self.selected_ids()
        if not ids:
            return
        try:
            text = self.library.export("bibtex", ids)
        except FAILURES as exc:
            self._say(f"Could not write the BibTeX: {exc}", 8000)
            return
        self._copy(text, f"Copied the BibTeX of {plural(len(ids))}")

    def copy_references(self) -> None:
        """The selected papers as formatted references, one a line."""
        papers = self.selected_papers()
        if papers:
            self._copy("\n".join(reference(p) for p in papers),
                       f"Copied {plural(len(papers), 'reference')}")

    # -- edits ---------------------------------------------------------------------------

    def _ready(self) -> bool:
        return ready_to_write(self.library, lambda message: self._say(message, 8000))

    def _failed(self, message: str) -> None:
        self._say(message, 8000)

    def _push(self, command: QUndoCommand, message: str) -> None:
        self.undo_stack.push(command)
        if not command.isObsolete():
            self._say(f"{message}   (Ctrl+Z: undo)", 6000)

    def set_status(self, status: Status) -> bool:
        """Give the selected papers a status, as one step (False if none changes)."""
        papers = [p for p in self.selected_papers() if p.status is not status]
        if not papers or not self._ready():
            return False
        self._push(BatchCommand(self.library, [p.id for p in papers], status=status,
                                on_error=self._failed),
                   f"{papers_text(papers)} → {status.label}")
        return True

    def set_priority(self, priority: Priority) -> bool:
        papers = [p for p in self.selected_papers() if p.priority is not priority]
        if not papers or not self._ready():
            return False
        self._push(BatchCommand(self.library, [p.id for p in papers], priority=priority,
                                on_error=self._failed),
                   f"{papers_text(papers)}: priority {priority.label}")
        return True

    def set_rating(self, rating: int | None) -> bool:
        papers = [p for p in self.selected_papers() if p.rating != rating]
        if not papers or not self._ready():
            return False
        self._push(BatchCommand(self.library, [p.id for p in papers], rating=rating,
                                on_error=self._failed),
                   f"{papers_text(papers)}: {format_rating(rating) or 'no rating'}")
        return True

    def ask_tags(self) -> list[str]:
        """Ask for tags to add (comma-separated; the library's tags are offered)."""
        known = sorted(self.library.tag_counts(), key=str.casefold)
        text, ok = QInputDialog.getItem(self._parent, "Add tag",
                                        "Tags to add (comma-separated):", ["", *known], 0,
                                        True)
        return [t.strip() for t in text.split(",") if t.strip()] if ok else []

    def ask_and_add_tags(self) -> None:
        tags = self.ask_tags()
        if tags:
            self.add_tags(tags)

    def add_tags(self, tags: Sequence[str]) -> bool:
        """Add tags to the selected papers that lack one of them, as one step."""
        wanted = {t.casefold() for t in tags}
        papers = [p for p in self.selected_papers()
                  if not wanted <= {t.casefold() for t in p.tags}]
        if not papers or not self._ready():
            return False
        self._push(BatchCommand(self.library, [p.id for p in papers], add_tags=tags,
                                on_error=self._failed),
                   f"{papers_text(papers)}: tagged {', '.join(tags)}")
        return True

    def remove_tag(self, tag: str) -> bool:
        """Remove a tag from the selected papers that have it, as one step."""
        papers = [p for p in self.selected_papers()
                  if tag.casefold() in {t.casefold() for t in p.tags}]
        if not papers or not self._ready():
            return False
        self._push(BatchCommand(self.library, [p.id for p in papers], remove_tags=[tag],
                                on_error=self._failed),
                   f"{papers_text(papers)}: tag {tag} removed")
        return True

    def trash_selection(self) -> bool:
        """Move the selected papers to the Trash (Delete), as one step; the row after
        them becomes current."""
        ids = self.selected_ids()
        if not ids or not self._ready():
            return False
        following = self._row_after(ids)
        command = TrashCommand(self.library, ids, on_error=self._failed)
        self.undo_stack.push(command)
        if command.isObsolete():
            return False
        if following is not None and self.model.row_of(following) is not None:
            self._open_paper(following)
        self._say(f"Moved {plural(len(ids))} to the Trash (Ctrl+Z: undo)", 8000)
        return True

    def _row_after(self, ids: Sequence[int]) -> int | None:
        """The paper listed after the last of `ids` (before the first, at the end)."""
        shown = self.model.ids
        rows = [r for r in (self.model.row_of(i) for i in ids) if r is not None]
        if not rows:
            return None
        gone = set(ids)
        after = [i for i in shown[max(rows) + 1:] if i not in gone]
        before = [i for i in shown[:min(rows)] if i not in gone]
        return after[0] if after else (before[-1] if before else None)

    # -- similar papers --------------------------------------------------------------------

    def find_similar(self, paper: Paper | None) -> int | None:
        """Open the paper most like this one (by its title and abstract's key terms)."""
        if paper is None:
            return None
        try:
            hits = self.library.more_like_this(paper.id, limit=1)
        except FAILURES as exc:
            self._say(f"Could not look for similar papers: {exc}", 8000)
            return None
        if not hits:
            self._say(f"No paper like #{paper.id} found (the search index may still be "
                      "building)", 6000)
            return None
        found = hits[0].paper_id
        self._open_paper(found)
        self._say(f"Most like #{paper.id}: #{found} "
                  f"{short_title(self.library.get(found).title)}", 8000)
        return found
