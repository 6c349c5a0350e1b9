"""Every kind of edit a user makes is one step of Edit > Undo, checked the same way for
each: made through the GUI's path (PaperActions and its PaperEdits, or the command pushed
on the undo stack as the view that makes it does) it changes the library; undo gives back
what the user saw; redo makes the change again; and an undo is one transaction: when it
fails half way (after its first rows were written) the library is exactly as it was
before that undo, the step is dropped from the stack and the user is told why."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

import readinglist.library.transfers
from readinglist import Library
from readinglist.domain import Priority, Status
from readinglist.gui.commands.annotation_commands import (
    AddAnnotationCommand,
    DeleteAnnotationCommand,
    EditAnnotationCommand,
)
from readinglist.gui.commands.undo_commands import MergeCommand
from readinglist.gui.window.paper_actions import PaperActions
from readinglist.store import annotations as annotations_table
from readinglist.store import change_log
from readinglist.store.snapshots import snapshots

SOUPS, OTHER = 28, 29  # "Model soups: ..." and the paper after it in the seed page
PASSAGE = "averaging the weights of multiple models"  # in the abstract of SOUPS
LATER = "fine-tuned"  # another passage of that abstract


class Shown:
    """The window's list and selection, as PaperActions sees them."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.current: int | None = None

    def current_paper_id(self) -> int | None:
        return self.current

    def shown_ids(self) -> list[int]:
        return self.library.queue_ids()  # the queue view, showing the whole queue

    def select_paper(self, paper_id: int) -> bool:
        self.current = paper_id
        return True

    def open_paper(self, paper_id: int) -> None:
        self.current = paper_id


@dataclass
class Gui:
    """What the window gives the edits: the library, its undo stack, the paper actions,
    and the status bar (`messages`)."""

    library: Library
    actions: PaperActions
    shown: Shown
    messages: list[str]
    window: QWidget  # owns the actions (and so the stack): kept alive by the test

    @property
    def stack(self) -> QUndoStack:
        return self.actions.undo_stack

    def say(self, message: str) -> None:
        self.messages.append(message)

    def push(self, command: QUndoCommand) -> None:
        self.stack.push(command)


@pytest.fixture
def gui(qtbot, seeded_library: Library) -> Gui:
    parent = QWidget()
    qtbot.addWidget(parent)
    shown = Shown(seeded_library)
    messages: list[str] = []
    actions = PaperActions(seeded_library, shown,
                           lambda message, _ms: messages.append(message), parent)
    return Gui(seeded_library, actions, shown, messages, parent)


# -- what is compared --------------------------------------------------------------------

# Times the edit (or its undo) stamps anew: not what undo gives back, nor what the user
# reads as the paper. The status history keeps the undone change on purpose (it tells
# what happened), and the date first started follows it; the queue is compared by order.
STAMPS = frozenset({"modified", "note_modified", "history", "started", "queue_position"})
# A highlight brought back gets a new id (its AnnotationRef follows it) and a new
# creation time (see test_a_restored_highlight_keeps_its_date_and_place).
ANNOTATION_STAMPS = frozenset({"id", "modified", "created"})


def seen(library: Library, ids: list[int]) -> tuple[list[dict[str, Any]], list[int]]:
    """What the user sees of these papers: their fields, tags, note, highlights, whether
    they are finished, and the reading queue's order."""
    papers = []
    for snap in snapshots(library.store, ids):
        shown = {k: v for k, v in snap.items() if k not in STAMPS}
        shown["finished"] = snap["finished"] is not None
        shown["annotations"] = [{k: v for k, v in a.items() if k not in ANNOTATION_STAMPS}
                                for a in snap["annotations"]]
        papers.append(shown)
    return papers, library.queue_ids()


def everything(library: Library, ids: list[int]) -> tuple[Any, ...]:
    """All the library holds of these papers, to the time stamp, with the queue, every
    highlight and the position of the change log (which moves with any commit)."""
    return (snapshots(library.store, ids), library.queue_ids(),
            [a.to_dict() for a in library.annotations()], change_log.last_seq(library.store))


# -- the edits ---------------------------------------------------------------------------


def queue(library: Library, *ids: int) -> None:
    for paper_id in ids:
        library.set_status(paper_id, Status.QUEUED)
    assert library.queue_ids() == list(ids)


def highlight(library: Library, passage: str = PASSAGE, colour: str = "pink",
              comment: str = "keep this", paper_id: int = SOUPS) -> None:
    start = library.get(paper_id).abstract.index(passage)
    library.add_annotation(paper_id, start, start + len(passage), colour, comment)


def the_highlight(library: Library) -> Any:
    [note] = library.get(SOUPS).annotations
    return note


def start_status(gui: Gui) -> list[int]:
    queue(gui.library, 5, SOUPS, 7)
    return [5, SOUPS, 7]


def set_status(gui: Gui) -> None:
    gui.shown.current = SOUPS
    assert gui.actions.set_status(Status.READ)  # a triage key on the selected paper


def start_queue(gui: Gui) -> list[int]:
    queue(gui.library, 5, SOUPS, 7, 9, 11)
    return [5, SOUPS, 7, 9, 11]


def move_to_top(gui: Gui) -> None:
    gui.shown.current = 9
    gui.actions.move_queued(None)  # Alt+Home


def drop_two(gui: Gui) -> None:
    gui.actions.queue_dropped([9, 11], 1)  # dragged before SOUPS in the queue view


def start_tags(gui: Gui) -> list[int]:
    gui.library.set_tags(SOUPS, ["llm"])
    return [SOUPS]


def start_note(gui: Gui) -> list[int]:
    gui.library.set_note(SOUPS, "first thoughts")
    return [SOUPS]


def write_note(gui: Gui) -> None:
    """A writing session: three autosaves of the note editor."""
    texts = ["first thoughts", "first thoughts, more", "first thoughts, more, and the end"]
    for before, after in pairwise(texts):
        assert gui.actions.edits.change_note(SOUPS, before, after)


def start_highlight(gui: Gui) -> list[int]:
    highlight(gui.library)
    return [SOUPS]


def add_highlight(gui: Gui) -> None:
    start = gui.library.get(SOUPS).abstract.index(PASSAGE)
    gui.push(AddAnnotationCommand(gui.library, SOUPS, start, start + len(PASSAGE), "green",
                                  "why it works", on_error=gui.say))


def start_merge(gui: Gui) -> list[int]:
    library = gui.library
    library.set_note(SOUPS, "soups note")
    library.set_note(OTHER, "the other's note")
    library.set_tags(SOUPS, ["llm"])
    library.set_tags(OTHER, ["ensembles", "theory"])
    highlight(library)
    other = library.get(OTHER).abstract
    highlight(library, other[:12], "blue", "", paper_id=OTHER)
    return [SOUPS, OTHER]


def assert_(done: bool) -> None:
    assert done, "the GUI refused the edit"


@dataclass(frozen=True)
class Edit:
    """One kind of user edit: `start` prepares the library (not on the stack) and returns
    the papers involved, `make` makes the edit, `made` tells that it happened, and
    `break_at` names a store function the undo calls after writing its first rows."""

    start: Callable[[Gui], list[int]]
    make: Callable[[Gui], None]
    made: Callable[[Library], bool]
    break_at: str
    exact_undo: bool = False  # undo gives back every byte (a merge), not only what is seen


EDITS = {
    "status, back to its place in the queue": Edit(
        start_status, set_status,
        lambda lib: lib.get(SOUPS).status is Status.READ and lib.queue_ids() == [5, 7],
        "store.move_in_queue"),
    "read next": Edit(
        start_status, lambda gui: gui.actions.read_next(),
        lambda lib: lib.get(5).status is Status.READING and lib.queue_ids() == [SOUPS, 7],
        "store.move_in_queue"),
    "rating": Edit(
        lambda gui: [SOUPS], lambda gui: assert_(gui.actions.change_rating(SOUPS, 4)),
        lambda lib: lib.get(SOUPS).rating == 4, "store.enqueue_index"),
    "priority": Edit(
        lambda gui: [SOUPS],
        lambda gui: assert_(gui.actions.change_priority(SOUPS, Priority.HIGH)),
        lambda lib: lib.get(SOUPS).priority is Priority.HIGH, "store.enqueue_index"),
    "tags": Edit(
        start_tags,
        lambda gui: assert_(gui.actions.change_tags(SOUPS, ["llm", "soups", "ensembles"])),
        lambda lib: lib.get(SOUPS).tags == ("ensembles", "llm", "soups"), "store._touch"),
    "note, a writing session": Edit(
        start_note, write_note,
        lambda lib: lib.get(SOUPS).note == "first thoughts, more, and the end",
        "store.enqueue_index"),
    "queue move": Edit(
        start_queue, move_to_top, lambda lib: lib.queue_ids() == [9, 5, SOUPS, 7, 11],
        "store.enqueue_index"),
    "queue drop of several papers": Edit(
        start_queue, drop_two, lambda lib: lib.queue_ids() == [5, 9, 11, SOUPS, 7],
        "store.enqueue_index"),
    "highlight add": Edit(
        lambda gui: [SOUPS], add_highlight,
        lambda lib: [(a.quote, a.colour, a.comment) for a in lib.get(SOUPS).annotations]
        == [(PASSAGE, "green", "why it works")],
        "store._touch"),
    "highlight delete": Edit(
        start_highlight,
        lambda gui: gui.push(DeleteAnnotationCommand(gui.library, the_highlight(gui.library),
                                                     on_error=gui.say)),
        lambda lib: lib.get(SOUPS).annotations == () and lib.annotations() == [],
        "store._touch"),
    "highlight colour": Edit(
        start_highlight,
        lambda gui: gui.push(EditAnnotationCommand(gui.library, the_highlight(gui.library),
                                                   colour="blue", on_error=gui.say)),
        lambda lib: the_highlight(lib).colour == "blue", "store._touch"),
    "highlight comment": Edit(
        start_highlight,
        lambda gui: gui.push(EditAnnotationCommand(gui.library, the_highlight(gui.library),
                                                   comment="on second thought",
                                                   on_error=gui.say)),
        lambda lib: the_highlight(lib).comment == "on second thought", "store._touch"),
    "merge of duplicates": Edit(
        start_merge,
        lambda gui: gui.push(MergeCommand(gui.library, SOUPS, [OTHER], on_error=gui.say)),
        lambda lib: OTHER not in lib.select_ids()
        and set(lib.get(SOUPS).tags) == {"llm", "ensembles", "theory"}
        and len(lib.get(SOUPS).annotations) == 2,
        "transfer.restore", exact_undo=True),
}


def make(gui: Gui, edit: Edit) -> list[int]:
    """Prepare the library, make the edit; the papers it involves."""
    ids = edit.start(gui)
    edit.make(gui)
    assert gui.stack.count() == 1, "one edit, one step of Edit > Undo"
    assert not any(m.startswith("Could not") for m in gui.messages)
    return ids


# -- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_is_undone_and_redone(gui: Gui, name: str) -> None:
    edit, library = EDITS[name], gui.library
    ids = edit.start(gui)
    before, exact = seen(library, ids), everything(library, ids)
    assert not edit.made(library)
    edit.make(gui)
    assert gui.stack.count() == 1, "one edit, one step of Edit > Undo"
    assert edit.made(library)
    after = seen(library, ids)
    assert after != before

    gui.stack.undo()
    assert seen(library, ids) == before
    assert not edit.made(library)
    if edit.exact_undo:  # the papers back with their ids, times and history
        assert everything(library, ids)[:3] == exact[:3]

    gui.stack.redo()
    assert edit.made(library)
    assert seen(library, ids) == after
    assert gui.stack.count() == 1 and gui.stack.canUndo()
    assert not any(m.startswith("Could not") for m in gui.messages)


# Made anew for each test: PySide adds to the message of an exception that leaves a
# Python override called by Qt.
FAILURES = {"OSError": lambda: OSError("disk full"),
            "sqlite3": lambda: sqlite3.OperationalError("database is locked")}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("name", EDITS)
def test_an_undo_that_fails_half_way_changes_nothing(gui: Gui, name: str, failure: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    edit, library = EDITS[name], gui.library
    ids = make(gui, edit)
    edited = everything(library, ids)

    owner_name, attribute = edit.break_at.split(".")
    owner = library.store if owner_name == "store" else readinglist.library.transfers
    real = getattr(owner, attribute)
    reached: list[bool] = []
    error = FAILURES[failure]()

    def broken(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # its rows are written, inside the undo's transaction
        reached.append(True)
        raise error

    monkeypatch.setattr(owner, attribute, broken)
    gui.stack.undo()
    monkeypatch.undo()

    assert reached, f"the undo never called {edit.break_at}"
    assert everything(library, ids) == edited  # nothing of the undo committed
    assert edit.made(library)
    assert gui.stack.count() == 0 and not gui.stack.canRedo()  # the step is dropped
    assert gui.messages[-1].startswith("Could not") and str(error) in gui.messages[-1]


def test_a_restored_highlight_keeps_its_date_and_place(
        gui: Gui, monkeypatch: pytest.MonkeyPatch) -> None:
    library = gui.library
    with monkeypatch.context() as past:  # highlighted last year, one day apart
        past.setattr(annotations_table, "utc_now", lambda: datetime(2025, 3, 1, tzinfo=UTC))
        highlight(library, PASSAGE, "yellow", "older")
        past.setattr(annotations_table, "utc_now", lambda: datetime(2025, 3, 2, tzinfo=UTC))
        highlight(library, LATER, "green", "newer")
    before = [(a.quote, a.created) for a in library.annotations()]  # newest first
    older = next(a for a in library.get(SOUPS).annotations if a.comment == "older")
    gui.push(DeleteAnnotationCommand(library, older, on_error=gui.say))
    gui.stack.undo()
    assert [(a.quote, a.created) for a in library.annotations()] == before
