"""The Find duplicates and Export dialogs, and undoable merges, driven as a user would."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from readinglist import Library
from readinglist.domain import PaperNotFound
from readinglist.gui.app import make_app
from readinglist.gui.commands.undo_commands import MergeCommand
from readinglist.gui.dialogs.duplicates_dialog import (
    COL_CHECK,
    COL_KEEP,
    COL_OTHER,
    COL_REASON,
    IMPORT_TITLE,
    NO_DUPLICATES,
    DuplicatesDialog,
    plan_merges,
    short_authors,
)
from readinglist.gui.dialogs.export_dialog import (
    SCOPE_LIBRARY,
    SCOPE_SELECTED,
    SCOPE_VIEW,
    ExportDialog,
    export_formats,
    write_atomically,
)

# Ids of the papers `library` adds, in order.
RESNET, RESNET_ARXIV, SCALING, SCALING_TYPO, SOUPS, GRAPHS, GRAPHS_DOI, GRAPHS_ARXIV = range(1, 9)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """Eight papers: four likely duplicate pairs (one a chain 6 <- 7 <- 8) and a loner."""
    make_app()
    lib = Library.open(tmp_path / "lib")
    lib.add("Deep Residual Learning for Image Recognition",
            authors=["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren"], year=2016,
            doi="10.1109/CVPR.2016.90", tags=["vision"])
    lib.add("Deep residual learning for image  recognition", authors=["Kaiming He"],
            year=2015, arxiv_id="1512.03385", note="Skip connections!", tags=["classic"],
            status="read")
    lib.add("Scaling Laws for Neural Language Models",
            authors=["Jared Kaplan", "Sam McCandlish"], year=2020, arxiv_id="2001.08361")
    lib.add("Scaling laws for neural language model", authors=["Jared Kaplan"], year=2020)
    lib.add("Model soups: averaging weights of many fine-tuned models improves accuracy",
            authors=["Mitchell Wortsman"], year=2022)
    lib.add("Über <b>Graphen</b> & Netze", authors=["Jörg Müller", "{Google DeepMind}"],
            year=2021, doi="10.1000/xyz", tags=["graphs"])
    lib.add("Graph networks as learnable physics engines", authors=["Jörg Müller"],
            year=2021, doi="https://doi.org/10.1000/XYZ", arxiv_id="1806.01242",
            note="Physics!")
    lib.add("Relational inductive biases", authors=["Peter Battaglia"], year=2018,
            arxiv_id="arXiv:1806.01242v2", tags=["graphs", "theory"])
    yield lib
    lib.close()


def snapshot(lib: Library) -> dict:
    """Everything the library holds, minus the export's own time stamp."""
    document = json.loads(lib.export("json"))
    document.pop("exported")
    return document


def ids(lib: Library) -> list[int]:
    return lib.select_ids()


# -- MergeCommand ------------------------------------------------------------------------


def test_merge_command_merges_undoes_and_redoes(qtbot, library):
    before = snapshot(library)
    stack = QUndoStack()
    changes: list[int] = []
    stack.push(MergeCommand(library, RESNET, [RESNET_ARXIV], lambda: changes.append(1)))
    assert stack.count() == 1
    assert stack.undoText() == "Merge 1 paper into #1"
    assert RESNET_ARXIV not in ids(library)
    merged = library.get(RESNET)
    assert set(merged.tags) == {"vision", "classic"}
    assert merged.arxiv_id == "1512.03385"

    stack.undo()
    assert snapshot(library) == before  # both papers back as they were, ids included
    stack.redo()
    assert ids(library) == [1, 3, 4, 5, 6, 7, 8]
    assert library.get(RESNET).note.count("Skip connections!") == 1
    assert len(changes) == 3  # merge, undo, redo: each told the owner


def test_merge_command_that_fails_leaves_the_stack_usable(qtbot, library):
    stack = QUndoStack()
    errors: list[str] = []
    stack.push(MergeCommand(library, SOUPS, [RESNET], None))
    stack.push(MergeCommand(library, SCALING, [99], None, errors.append))
    assert stack.count() == 1  # the failed merge is not a step to undo
    assert errors == ["Could not merge into #3: no paper with id 99"]
    assert SCALING in ids(library)
    stack.undo()  # the step before it still undoes
    assert RESNET in ids(library)


def test_plan_merges_follows_chains_and_skips_missing_papers():
    assert plan_merges([(1, 2), (2, 3)]) == [(1, [2, 3])]
    assert plan_merges([(2, 3), (1, 2)]) == [(1, [2, 3])]
    # Each pair's own choice wins: 2 already went into 1, so 1 (with 2) goes into 3.
    assert plan_merges([(1, 2), (3, 2)]) == [(3, [1, 2])]
    assert plan_merges([(1, 2), (4, 5), (2, 1)]) == [(1, [2]), (4, [5])]
    assert plan_merges([(1, 2), (2, 3)], existing={2, 3}) == [(2, [3])]


def test_short_authors_uses_family_names_and_keeps_organisations_whole():
    assert short_authors(["Jörg Müller"]) == "Müller"
    assert short_authors(["{Google DeepMind}", "Jörg Müller"]) == "Google DeepMind & Müller"
    assert short_authors(["A Aa", "B Bb", "C Cc"]) == "Aa et al."
    assert short_authors([]) == ""


# -- DuplicatesDialog --------------------------------------------------------------------


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def dialog(qtbot, library, stack) -> Iterator[DuplicatesDialog]:
    dlg = DuplicatesDialog(library, stack)
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.listRefreshed, timeout=10000):
        dlg.show()
    yield dlg
    dlg.runner.wait()


def shown(dlg: DuplicatesDialog) -> list[tuple[str, str, str]]:
    model = dlg.model
    return [
        tuple(model.data(model.index(r, c)) for c in (COL_REASON, COL_KEEP, COL_OTHER))
        for r in range(model.rowCount())
    ]


def check(dlg: DuplicatesDialog, keep: int, other: int) -> None:
    """Tick the box of the pair shown as (keep, other), as a click would."""
    row = next(i for i, r in enumerate(dlg.model.rows) if (r.keep, r.other) == (keep, other))
    assert dlg.model.setData(dlg.model.index(row, COL_CHECK), Qt.CheckState.Checked.value,
                             Qt.ItemDataRole.CheckStateRole)


def select(dlg: DuplicatesDialog, keep: int, other: int) -> None:
    row = next(i for i, r in enumerate(dlg.model.rows) if {r.keep, r.other} == {keep, other})
    dlg.table.setCurrentIndex(dlg.model.index(row, COL_KEEP))


def merge(qtbot, dlg: DuplicatesDialog, button) -> None:
    """Click a merge button and wait until the list was found again."""
    with qtbot.waitSignal(dlg.listRefreshed, timeout=10000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


STRONG_REASONS = ["same DOI; titles differ", "similar titles (98%), same first author and year"]
WEAK_REASONS = ["same arXiv id; titles differ, different first authors",
                "same title and first author; years differ (2016/2015)"]


def test_duplicates_are_listed_strongest_first_with_reasons(dialog):
    rows = shown(dialog)
    assert [r[0] for r in rows] == STRONG_REASONS + WEAK_REASONS
    assert rows[3][1] == "Deep Residual Learning for Image Recognition #1, 2016, He et al."
    # The title's extra space is not shown; its markup is shown as typed, never rendered.
    assert rows[3][2] == "Deep residual learning for image recognition #2, 2015, He"
    assert rows[0][1] == "Über <b>Graphen</b> & Netze #6, 2021, Müller & Google DeepMind"
    assert dialog.summary_label.text().startswith("4 likely duplicate pairs (2 strong)")
    assert dialog.windowTitle() == "Find duplicates"
    assert not dialog.merge_checked_button.isEnabled()  # nothing checked yet
    assert not dialog.undo_button.isEnabled()


def test_check_all_checks_only_strong_pairs_and_a_second_click_unchecks(qtbot, dialog):
    def checked() -> list[bool]:
        return [r.checked for r in dialog.model.rows]

    model = dialog.model
    assert [r.pair.strong for r in model.rows] == [True, True, False, False]
    # Weak pairs are shown in italics, and their tooltip says why they are not checked.
    assert model.data(model.index(3, COL_KEEP), Qt.ItemDataRole.FontRole).italic()
    assert model.data(model.index(0, COL_KEEP), Qt.ItemDataRole.FontRole) is None
    assert "weak" in model.data(model.index(3, COL_REASON), Qt.ItemDataRole.ToolTipRole)
    check(dialog, RESNET, RESNET_ARXIV)  # the user's own choice of a weak pair...
    dialog.check_all_button.click()
    assert checked() == [True, True, False, True]  # ...survives Check all
    assert model.checked_pairs() == [(GRAPHS, GRAPHS_DOI), (SCALING, SCALING_TYPO),
                                     (RESNET, RESNET_ARXIV)]
    dialog.check_all_button.click()
    assert checked() == [False, False, False, False]
    assert not dialog.merge_checked_button.isEnabled()


def test_opened_on_an_imports_papers_it_lists_only_their_pairs(qtbot, library, stack):
    dlg = DuplicatesDialog(library, stack, None, only_ids=[GRAPHS_DOI])
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.listRefreshed, timeout=10000) as blocker:
        dlg.show()
    assert blocker.args == [2]
    assert dlg.windowTitle() == IMPORT_TITLE
    assert [(r.keep, r.other) for r in dlg.model.rows] == [(GRAPHS, GRAPHS_DOI),
                                                           (GRAPHS_DOI, GRAPHS_ARXIV)]
    select(dlg, GRAPHS, GRAPHS_DOI)
    merge(qtbot, dlg, dlg.merge_button)
    # Found again after the merge: still only pairs of the papers it was opened on (7 is
    # gone, so none), although the library still has other pairs.
    assert shown(dlg) == [] and dlg.summary_label.text() == NO_DUPLICATES
    assert library.find_duplicates()
    dlg.runner.wait()


def test_merging_the_current_pair_removes_the_other_paper(qtbot, dialog, library, stack):
    select(dialog, SCALING, SCALING_TYPO)
    with qtbot.waitSignal(dialog.libraryChanged, timeout=10000):
        merge(qtbot, dialog, dialog.merge_button)
    assert SCALING_TYPO not in ids(library)
    assert SCALING in ids(library)
    assert dialog.status_label.text() == "Merged 1 paper; Undo with Ctrl+Z"
    assert [r[0] for r in shown(dialog)] == STRONG_REASONS[:1] + WEAK_REASONS
    assert stack.count() == 1
    assert dialog.undo_button.isEnabled()


def test_merging_a_chained_selection_ends_in_one_paper(qtbot, dialog, library):
    check(dialog, GRAPHS, GRAPHS_DOI)
    check(dialog, GRAPHS_DOI, GRAPHS_ARXIV)
    merge(qtbot, dialog, dialog.merge_checked_button)
    assert ids(library) == [1, 2, 3, 4, 5, 6]
    survivor = library.get(GRAPHS)
    assert survivor.arxiv_id == "1806.01242"
    assert set(survivor.tags) == {"graphs", "theory"}
    assert "Physics!" in survivor.note
    assert dialog.status_label.text() == "Merged 2 papers; Undo with Ctrl+Z"


def test_one_undo_restores_a_whole_merged_selection_and_redo_merges_again(
    qtbot, dialog, library, stack
):
    before = snapshot(library)
    dialog.check_all_button.click()  # the strong pairs; the weak ones by hand
    check(dialog, GRAPHS_DOI, GRAPHS_ARXIV)
    check(dialog, RESNET, RESNET_ARXIV)
    merge(qtbot, dialog, dialog.merge_checked_button)
    assert ids(library) == [RESNET, SCALING, SOUPS, GRAPHS]
    assert dialog.summary_label.text() == NO_DUPLICATES
    assert dialog.pages.currentWidget() is dialog.empty
    assert stack.count() == 1  # three groups, one undo step
    merged = snapshot(library)

    with qtbot.waitSignal(dialog.libraryChanged, timeout=10000):
        merge(qtbot, dialog, dialog.undo_button)
    assert snapshot(library) == before
    assert len(shown(dialog)) == 4
    assert dialog.status_label.text().startswith("Undone: Merge 4 duplicate papers")

    with qtbot.waitSignal(dialog.listRefreshed, timeout=10000):
        stack.redo()  # Edit > Redo in the main window
    assert ids(library) == [RESNET, SCALING, SOUPS, GRAPHS]
    again = snapshot(library)
    for paper, expected in zip(again["papers"], merged["papers"], strict=True):
        for field in ("id", "title", "authors", "tags", "note", "doi", "arxiv_id", "status"):
            assert paper[field] == expected[field]


def test_swap_keeps_the_other_paper(qtbot, dialog, library):
    select(dialog, RESNET, RESNET_ARXIV)
    dialog.swap_button.click()
    row = dialog.model.rows[dialog.current_row()]
    assert (row.keep, row.other) == (RESNET_ARXIV, RESNET)
    assert shown(dialog)[dialog.current_row()][1].endswith("#2, 2015, He")
    merge(qtbot, dialog, dialog.merge_button)
    assert RESNET not in ids(library)
    assert library.get(RESNET_ARXIV).doi == "10.1109/cvpr.2016.90"


def test_swapping_inside_a_chain_changes_the_survivor(qtbot, dialog, library):
    select(dialog, GRAPHS, GRAPHS_DOI)
    dialog.swap_button.click()
    check(dialog, GRAPHS_DOI, GRAPHS)
    check(dialog, GRAPHS_DOI, GRAPHS_ARXIV)
    merge(qtbot, dialog, dialog.merge_checked_button)
    assert ids(library) == [1, 2, 3, 4, 5, GRAPHS_DOI]


def test_pairs_whose_papers_were_deleted_meanwhile_are_skipped(qtbot, dialog, library, stack):
    check(dialog, RESNET, RESNET_ARXIV)
    check(dialog, SCALING, SCALING_TYPO)
    # Another window merges the Scaling pair while the list still shows it.
    library.merge_papers(SCALING, [SCALING_TYPO])
    merge(qtbot, dialog, dialog.merge_checked_button)
    assert RESNET_ARXIV not in ids(library)
    assert dialog.status_label.text() == "Merged 1 paper; Undo with Ctrl+Z"
    assert stack.count() == 1
    assert dialog.error_box is None  # nothing to complain about


def test_no_duplicates_says_so(qtbot, tmp_path):
    make_app()
    with Library.open(tmp_path / "lonely") as lib:
        lib.add("A paper alone", authors=["Ada Lovelace"], year=1843)
        dlg = DuplicatesDialog(lib, QUndoStack())
        qtbot.addWidget(dlg)
        with qtbot.waitSignal(dlg.listRefreshed, timeout=10000) as blocker:
            dlg.show()
        assert blocker.args == [0]
        assert dlg.summary_label.text() == NO_DUPLICATES
        assert dlg.empty.text() == NO_DUPLICATES
        assert not dlg.merge_button.isEnabled()
        dlg.runner.wait()


def test_undo_from_elsewhere_while_hidden_still_tells_the_window(qtbot, dialog, library, stack):
    select(dialog, RESNET, RESNET_ARXIV)
    merge(qtbot, dialog, dialog.merge_button)
    dialog.close()
    with qtbot.waitSignal(dialog.libraryChanged, timeout=10000):
        stack.undo()  # Edit > Undo in the main window, the dialog closed
    assert RESNET_ARXIV in ids(library)


def test_merge_that_fails_is_reported_not_raised(qtbot, dialog, library, monkeypatch):
    def refuse(keep, others):
        raise PaperNotFound(keep)

    monkeypatch.setattr(library, "merge_papers", refuse)
    select(dialog, RESNET, RESNET_ARXIV)
    with qtbot.waitSignal(dialog.mergeFinished, timeout=10000) as blocker:
        dialog.merge_button.click()
    assert blocker.args == [0]
    assert dialog.error_box is not None
    assert dialog.error_box.text() == "#1: no paper with id 1"
    assert dialog.undo_stack.count() == 0
    assert ids(library) == list(range(1, 9))
    dialog.error_box.close()


# -- ExportDialog ------------------------------------------------------------------------


def count_papers(fmt: str, text: str) -> int:
    if fmt == "json":
        return len(json.loads(text)["papers"])
    if fmt == "csljson":
        return len(json.loads(text))
    if fmt == "bibtex":
        return len(re.findall(r"^@", text, re.MULTILINE))
    if fmt == "csv":
        return len(list(csv.DictReader(io.StringIO(text))))
    if fmt == "ris":
        return len(re.findall(r"^TY  - ", text, re.MULTILINE))
    assert fmt == "markdown"
    return len(re.findall(r"^### ", text, re.MULTILINE))


def open_export(qtbot, library: Library, selected: list[int], view: list[int],
                label: str = "tag: graphs") -> ExportDialog:
    dlg = ExportDialog(library, selected, view, label)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def run_export(qtbot, dlg: ExportDialog) -> list:
    with qtbot.waitSignal(dlg.exportFinished, timeout=10000) as blocker:
        qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    dlg.runner.wait()
    return blocker.args


def test_export_formats_are_all_offered_with_an_extension():
    names = {name: ext for name, ext, _desc in export_formats()}
    assert names == {"bibtex": ".bib", "csljson": ".json", "csv": ".csv", "json": ".json",
                     "markdown": ".md", "ris": ".ris"}


@pytest.mark.parametrize("fmt", ["bibtex", "csljson", "csv", "json", "markdown", "ris"])
@pytest.mark.parametrize(
    ("scope", "expected"), [(SCOPE_SELECTED, 1), (SCOPE_VIEW, 3), (SCOPE_LIBRARY, 8)]
)
def test_export_writes_each_format_for_each_scope(qtbot, library, tmp_path, fmt, scope,
                                                  expected):
    dlg = open_export(qtbot, library, [SOUPS], [GRAPHS, GRAPHS_DOI, GRAPHS_ARXIV])
    dlg.set_format(fmt)
    dlg.set_scope(scope)
    target = tmp_path / "out" / f"list{dlg.extension()}"
    target.parent.mkdir()
    dlg.set_target(target)
    ok, message = run_export(qtbot, dlg)
    assert ok
    assert message == f"Exported {expected} paper{'s' if expected > 1 else ''} to {target}"
    assert count_papers(fmt, target.read_text("utf-8")) == expected
    assert list(target.parent.iterdir()) == [target]  # no temporary file left behind
    assert dlg.result() == dlg.DialogCode.Accepted
    assert dlg.result_box is not None and dlg.result_box.text() == message
    dlg.result_box.close()


def test_export_replaces_an_existing_file_whole(qtbot, library, tmp_path):
    target = tmp_path / "reading-list.csv"
    target.write_text("old content that is much longer than nothing\n" * 100, "utf-8")
    dlg = open_export(qtbot, library, [SOUPS], [])
    dlg.set_format("csv")
    dlg.set_target(target)
    assert run_export(qtbot, dlg)[0]
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"))))
    assert [r["title"] for r in rows] == [library.get(SOUPS).title]
    dlg.result_box.close()


def test_scopes_without_papers_are_disabled_and_labelled_with_counts(qtbot, library):
    dlg = open_export(qtbot, library, [], [GRAPHS, GRAPHS_DOI], "R&D papers")
    buttons = dlg.scope_buttons
    assert buttons[SCOPE_SELECTED].text() == "Selected papers (0)"
    assert not buttons[SCOPE_SELECTED].isEnabled()
    assert buttons[SCOPE_VIEW].text() == "Current view: R&&D papers (2)"  # "&" shown as typed
    assert buttons[SCOPE_LIBRARY].text() == "Whole library (8)"
    assert dlg.scope() == SCOPE_VIEW  # the first scope that has papers
    with pytest.raises(ValueError):
        dlg.set_scope(SCOPE_SELECTED)


def test_changing_format_changes_the_file_extension(qtbot, library, tmp_path):
    dlg = open_export(qtbot, library, [SOUPS], [])
    assert dlg.format_name() == "bibtex"
    assert dlg.target().name == "reading-list.bib"
    dlg.set_target(tmp_path / "mine.bib")
    dlg.set_format("markdown")
    assert dlg.target() == tmp_path / "mine.md"
    dlg.set_target(tmp_path / "notes.txt")  # a name the user chose stays
    dlg.set_format("csv")
    assert dlg.target() == tmp_path / "notes.txt"


@pytest.mark.parametrize("where", ["parent_is_a_file", "a_folder"])
def test_export_to_an_unwritable_place_shows_an_error(qtbot, library, tmp_path, where):
    blocker_file = tmp_path / "not-a-folder.txt"
    blocker_file.write_text("I am a file", "utf-8")
    target = blocker_file / "list.bib" if where == "parent_is_a_file" else tmp_path
    before = sorted(tmp_path.iterdir())
    dlg = open_export(qtbot, library, [SOUPS], [])
    dlg.set_target(target)
    ok, message = run_export(qtbot, dlg)
    assert not ok
    assert str(target if where == "a_folder" else blocker_file) in message
    assert dlg.isVisible()  # still open, to choose another file
    assert dlg.result_box.icon() == QMessageBox.Icon.Warning
    assert message in dlg.result_box.text()
    assert dlg.export_button.isEnabled()
    assert sorted(tmp_path.iterdir()) == before
    assert blocker_file.read_text("utf-8") == "I am a file"
    dlg.result_box.close()


def test_write_atomically_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "list.bib"
    target.write_text("@article{old}\n", "utf-8")

    def no_rename(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("readinglist.system.files.os.replace", no_rename)
    with pytest.raises(Exception, match="Permission denied"):
        write_atomically(target, "@article{new}\n")
    assert target.read_text("utf-8") == "@article{old}\n"
    assert list(tmp_path.iterdir()) == [target]
