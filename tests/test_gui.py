"""The desktop window, driven as a user would: typing, clicking, selecting."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from readinglist import Library, Status
from readinglist.gui.app import make_app, open_library
from readinglist.gui.table.paper_table_model import COL_STATUS, COL_TAGS, COL_TITLE, PaperTableModel
from readinglist.gui.table.title_delegate import SnippetRole
from readinglist.gui.window.main_window import MainWindow
from readinglist.gui.window.sidebar import FilterRole

MODEL_SOUPS = 28  # id of "Model soups: ..." in the seed page


pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py


@pytest.fixture
def window(qtbot, seeded_library: Library) -> MainWindow:
    make_app()
    seeded_library.index_in_background()  # as the app runs it
    win = MainWindow(seeded_library)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()  # before the library closes: the window's timers stop with it
    win.runner.wait()


def titles_shown(win: MainWindow) -> list[str]:
    model = win.model
    return [model.data(model.index(r, COL_TITLE)) for r in range(model.rowCount())]


def search(qtbot, win: MainWindow, text: str) -> None:
    win.search_box.clear()
    with qtbot.waitSignal(
        win.searchFinished, timeout=5000, check_params_cb=lambda query: query == text
    ):
        qtbot.keyClicks(win.search_box, text)


def sidebar_offers(win: MainWindow, flt: tuple[str, str | None]) -> bool:
    tree = win.sidebar
    items = [tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
             for j in range(tree.topLevelItem(i).childCount())]
    return any(item.data(0, FilterRole) == flt for item in items)


def select_paper(win: MainWindow, paper_id: int) -> None:
    row = win.model.row_of(paper_id)
    assert row is not None, f"paper {paper_id} is not in the list"
    win.table.selectRow(row)
    win.table.setCurrentIndex(win.model.index(row, COL_TITLE))


def test_window_lists_every_seed_paper_in_page_order(window):
    titles = titles_shown(window)
    assert len(titles) == 68
    assert titles[0] == "Few-Shot Bot: Prompt-Based Learning for Dialogue Systems"
    assert window.count_label.text() == "68 of 68 papers"
    assert window.pages.currentWidget() is window.splitter


def test_typing_in_search_box_shows_matching_rows_with_snippets(qtbot, window):
    search(qtbot, window, 'title:"model soups"')
    assert window.model.ids == [MODEL_SOUPS]
    assert window.search_message.text() == "1 match"
    # The title cell carries the snippet of where it matched, hit words marked.
    snippet = window.model.data(window.model.index(0, COL_TITLE), SnippetRole)
    assert [s.text.lower() for s in snippet if s.hit][:2] == ["model", "soups"]
    assert window.table.rowHeight(0) > 30  # room for the snippet line
    # Clearing the box brings the whole list back, one line per paper.
    window.search_box.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 68, timeout=5000)
    assert window.model.data(window.model.index(0, COL_TITLE), SnippetRole) is None
    assert window.table.rowHeight(0) < 30


def test_prefix_search_lists_all_lora_papers(qtbot, window, seeded_library):
    search(qtbot, window, "lora*")
    assert sorted(window.model.ids) == sorted(seeded_library.search("lora*", limit=None).ids)
    assert all(
        "lora" in (seeded_library.get(i).title + seeded_library.get(i).abstract).lower()
        for i in window.model.ids
    )


def test_bad_query_is_explained_in_the_window_not_raised(qtbot, window):
    window.search_box.setText('"unclosed phrase')
    qtbot.waitUntil(lambda: "never closed" in window.search_message.text(), timeout=5000)
    assert window.search_box.property("error") is True


def test_selecting_a_row_shows_its_abstract_with_matches_highlighted(qtbot, window, seeded_library):
    search(qtbot, window, "soups")
    select_paper(window, MODEL_SOUPS)
    paper = seeded_library.get(MODEL_SOUPS)
    assert window.detail.title.text() == paper.title
    assert window.detail.abstract.toPlainText() == paper.abstract
    marked = window.detail.highlighted_text()
    assert marked and all(m.lower().startswith("soup") for m in marked)


def test_status_buttons_store_the_status_and_update_the_table(qtbot, window, seeded_library):
    select_paper(window, MODEL_SOUPS)
    qtbot.mouseClick(window.detail.status_buttons[Status.READING], Qt.MouseButton.LeftButton)
    assert seeded_library.get(MODEL_SOUPS).status is Status.READING
    row = window.model.row_of(MODEL_SOUPS)
    assert window.model.data(window.model.index(row, COL_STATUS)) == "Reading"
    assert seeded_library.wait_for_index()
    assert seeded_library.search("status:reading").ids == [MODEL_SOUPS]


def test_tags_typed_in_the_detail_pane_are_saved_and_searchable(qtbot, window, seeded_library):
    select_paper(window, MODEL_SOUPS)
    window.detail.tags_edit.setFocus()
    qtbot.keyClicks(window.detail.tags_edit, "ensembles, LLM")
    qtbot.keyClick(window.detail.tags_edit, Qt.Key.Key_Return)
    assert seeded_library.get(MODEL_SOUPS).tags == ("ensembles", "LLM")
    row = window.model.row_of(MODEL_SOUPS)
    assert window.model.data(window.model.index(row, COL_TAGS)) == "ensembles, LLM"
    assert seeded_library.wait_for_index()
    assert seeded_library.search("tag:llm").ids == [MODEL_SOUPS]
    # The sidebar now offers the tag (recounted once edits pause), and choosing it
    # filters the list.
    qtbot.waitUntil(lambda: sidebar_offers(window, ("tag", "LLM")), timeout=3000)
    window.sidebar.select(("tag", "LLM"))
    assert window.model.ids == [MODEL_SOUPS]


def test_note_is_saved_without_a_save_button_when_switching_papers(qtbot, window, seeded_library):
    select_paper(window, MODEL_SOUPS)
    window.detail.note.setFocus()
    qtbot.keyClicks(window.detail.note, "Weight averaging *works*")
    select_paper(window, 1)  # switch before the autosave delay has passed
    assert seeded_library.get(MODEL_SOUPS).note == "Weight averaging *works*"
    assert seeded_library.wait_for_index()
    assert seeded_library.search("note:averaging").ids == [MODEL_SOUPS]


def test_note_autosaves_after_a_pause_in_typing(qtbot, window, seeded_library):
    select_paper(window, 3)
    qtbot.keyClicks(window.detail.note, "read the appendix")
    qtbot.waitUntil(lambda: seeded_library.get(3).note == "read the appendix", timeout=3000)
    assert window.detail.note_state.text() == "Saved"


def test_note_is_saved_when_the_window_closes(qtbot, window, seeded_library):
    select_paper(window, 5)
    qtbot.keyClicks(window.detail.note, "closing now")
    window.close()
    assert seeded_library.get(5).note == "closing now"


def test_sidebar_status_filter_lists_only_that_status(qtbot, window, seeded_library):
    seeded_library.set_status(2, "read")
    seeded_library.set_status(7, "read")
    assert seeded_library.wait_for_index()
    window.reload()
    window.sidebar.select(("status", "read"))
    assert sorted(window.model.ids) == [2, 7]
    # Searching inside the filtered view keeps the filter.
    search(qtbot, window, "fine-tuning")
    assert set(window.model.ids) <= {2, 7}


def test_clicking_a_header_sorts_through_the_library(window):
    window.table.sortByColumn(COL_TITLE, Qt.SortOrder.AscendingOrder)
    titles = titles_shown(window)
    assert titles == sorted(titles, key=str.casefold)
    window.table.sortByColumn(COL_TITLE, Qt.SortOrder.DescendingOrder)
    assert titles_shown(window) == sorted(titles, key=str.casefold, reverse=True)


def test_empty_library_shows_first_run_page_and_loads_the_sample(qtbot, empty_library):
    make_app()
    win = MainWindow(empty_library)
    qtbot.addWidget(win)
    win.show()
    assert win.pages.currentWidget() is win.first_run
    qtbot.mouseClick(win.first_run.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.model.rowCount() == 68, timeout=10000)
    assert win.pages.currentWidget() is win.splitter
    qtbot.waitUntil(lambda: win.last_import is not None, timeout=10000)  # then the report
    assert len(win.last_import.added) == 68
    win.close()
    win.runner.wait()


def test_missing_index_is_built_in_background_while_list_works(qtbot, tmp_path):
    lib = Library.open(tmp_path / "lib")
    lib.import_sample()
    lib.close()
    shutil.rmtree(tmp_path / "lib" / "index")
    lib = open_library(tmp_path / "lib")
    assert lib.index_problem  # the window must build it
    make_app()
    win = MainWindow(lib)
    qtbot.addWidget(win)
    assert win.model.rowCount() == 68  # the table works from SQLite at once
    qtbot.waitUntil(lambda: win.search_box.isEnabled(), timeout=15000)
    search(qtbot, win, 'title:"model soups"')
    assert win.model.ids == [MODEL_SOUPS]
    win.close()
    win.runner.wait()
    lib.close()


def test_import_of_a_bad_file_reports_it_and_keeps_the_library(qtbot, window, tmp_path):
    bad = tmp_path / "garbage.txt"
    bad.write_bytes(b"Paper\n\n" + bytes(range(128, 256)) * 4)
    window.import_files([bad])
    qtbot.waitUntil(lambda: window.import_action.isEnabled(), timeout=5000)
    assert "could not be imported" in window.statusBar().currentMessage()
    assert "garbage.txt" in window.statusBar().currentMessage()
    assert window.model.rowCount() == 68


def test_table_model_passes_qt_model_checks(qtmodeltester, seeded_library):
    model = PaperTableModel(seeded_library)
    model.set_ids(seeded_library.list_ids())
    qtmodeltester.check(model)


def test_table_model_with_search_hits_passes_qt_model_checks(qtmodeltester, seeded_library):
    results = seeded_library.search("diffusion", limit=None)
    model = PaperTableModel(seeded_library)
    model.set_ids(results.ids, results.hits)
    qtmodeltester.check(model)
    tip = model.data(model.index(0, COL_TITLE), Qt.ItemDataRole.ToolTipRole)
    assert "Matched in the" in tip and "«" in tip


def test_model_reads_rows_lazily(seeded_library, monkeypatch):
    calls: list[int] = []
    original = seeded_library.table_rows

    def counting(ids):
        calls.append(len(ids))
        return original(ids)

    monkeypatch.setattr(seeded_library, "table_rows", counting)
    model = PaperTableModel(seeded_library)
    model.set_ids(seeded_library.list_ids())
    assert calls == []  # setting the list reads no rows
    model.data(model.index(3, COL_TITLE))
    model.data(model.index(4, COL_TITLE))
    assert calls == [68]  # one page, then served from the cache


def test_app_does_not_crash_without_papers_when_searching(qtbot, empty_library):
    make_app()
    win = MainWindow(empty_library)
    qtbot.addWidget(win)
    win.search_box.setText("anything")
    qtbot.waitUntil(lambda: win.search_message.text() == "0 matches", timeout=5000)
    assert QApplication.instance() is not None
    win.close()
    win.runner.wait()


def sidebar_counts(win: MainWindow) -> dict[str, str]:
    counts = {}
    for s in range(win.sidebar.topLevelItemCount()):
        section = win.sidebar.topLevelItem(s)
        for i in range(section.childCount()):
            counts[section.child(i).text(0)] = section.child(i).text(1)
    return counts


def test_sidebar_shows_counts_of_the_current_search(qtbot, window, seeded_library):
    seeded_library.set_status(MODEL_SOUPS, "read")
    seeded_library.add_tags(MODEL_SOUPS, "ensembles")
    assert seeded_library.wait_for_index()
    search(qtbot, window, "soups")
    counts = sidebar_counts(window)
    assert counts["All papers"] == "2"
    assert counts["Read"] == "1" and counts["Inbox"] == "1"
    assert counts["ensembles"] == "1"
    window.search_box.clear()
    qtbot.waitUntil(lambda: sidebar_counts(window).get("All papers") == "68", timeout=5000)


def test_misspelt_search_offers_a_suggestion_that_can_be_clicked(qtbot, window):
    search(qtbot, window, "difusion rewrd")
    assert window.model.rowCount() == 0
    assert "did you mean" in window.search_message.text()
    assert window.suggestion == "diffusion rewards"
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_message.linkActivated.emit("suggestion")
    assert window.search_box.text() == "diffusion rewards"
    assert window.model.rowCount() > 0


def test_similar_papers_are_listed_and_open_on_click(qtbot, window):
    select_paper(window, 24)  # LoRA-Pro
    qtbot.waitUntil(lambda: len(window.detail.similar_ids()) > 0, timeout=5000)
    similar = window.detail.similar_ids()
    assert 24 not in similar
    assert 65 in similar  # "Computational Limits of Low-Rank Adaptation (LoRA) ..."
    window.detail.similar.itemClicked.emit(window.detail.similar.item(similar.index(65)))
    assert window.current_paper_id() == 65
    assert window.detail.paper.id == 65


def test_a_search_follows_edits_once_the_index_has_them(qtbot, window, seeded_library):
    search(qtbot, window, "status:reading")
    assert window.model.ids == []
    seeded_library.set_status(5, "reading")  # an edit made through the library, not the pane
    qtbot.waitUntil(lambda: window.model.ids == [5], timeout=5000)


def test_markup_in_a_title_is_shown_as_text_in_tooltips(seeded_library):
    paper = seeded_library.add("Scaling <b>laws</b> <img src=x>", abstract="laws of scaling").paper
    model = PaperTableModel(seeded_library)
    model.set_ids([paper.id])
    tip = model.data(model.index(0, COL_TITLE), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;laws&lt;/b&gt;" in tip and "<img" not in tip


def test_highlights_land_on_the_word_after_an_emoji(qtbot, window, seeded_library):
    paper = seeded_library.add("Emoji paper", abstract="🤗 Hugging faces 🤗 love zebras.").paper
    assert seeded_library.wait_for_index()
    window.reload()
    search(qtbot, window, "zebras")
    select_paper(window, paper.id)
    assert window.detail.highlighted_text() == ["zebras"]


def test_detail_pane_shows_when_a_paper_was_started_and_finished(qtbot, window):
    select_paper(window, MODEL_SOUPS)
    assert window.detail.timeline.text().startswith("Added ")
    assert "started" not in window.detail.timeline.text()
    qtbot.mouseClick(window.detail.status_buttons[Status.READING], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.detail.status_buttons[Status.READ], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "finished" in window.detail.timeline.text(), timeout=2000)
    text = window.detail.timeline.text()
    assert "started" in text and "finished" in text
    assert "Reading" in window.detail.timeline.toolTip()


def test_a_hit_in_a_highlight_says_so_in_its_snippet(qtbot, window):
    window.library.add_annotation(MODEL_SOUPS, 0, 16, "green", "zanzibarian remark")
    window.library.wait_for_index()
    search(qtbot, window, "zanzibarian")
    assert window.model.ids == [MODEL_SOUPS]
    segments = window.model.data(window.model.index(0, COL_TITLE), SnippetRole)
    assert segments[0].text == "In your highlights: "
    assert any(s.hit and s.text.lower() == "zanzibarian" for s in segments)
    search(qtbot, window, "soups")  # a match in the abstract needs no label
    first = window.model.data(window.model.index(0, COL_TITLE), SnippetRole)
    assert not first[0].text.startswith("In your")


def test_the_qt_binding_does_not_drop_references_to_none(qtbot, window):
    """PySide6 6.12.0 took a reference to None away on every Qt call returning nothing;
    on Python 3.11 the app then aborted after a few hundred paper switches. Switching
    papers many times must leave None's reference count alone (on 3.12+ it is fixed)."""
    import sys

    before = sys.getrefcount(None)
    for paper_id in list(range(1, 69)) * 2:
        select_paper(window, paper_id)
    assert sys.getrefcount(None) >= before - 50


def test_status_and_rating_clicks_in_the_detail_pane_can_be_undone(qtbot, window,
                                                                  seeded_library):
    select_paper(window, MODEL_SOUPS)
    qtbot.mouseClick(window.detail.status_buttons[Status.READ], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.detail.star_buttons[3], Qt.MouseButton.LeftButton)  # 4 stars
    paper = seeded_library.get(MODEL_SOUPS)
    assert (paper.status, paper.rating) == (Status.READ, 4)
    window.undo_stack.undo()
    assert seeded_library.get(MODEL_SOUPS).rating is None
    window.undo_stack.undo()
    assert seeded_library.get(MODEL_SOUPS).status is Status.INBOX
    qtbot.waitUntil(lambda: window.detail.status_buttons[Status.INBOX].isChecked(),
                    timeout=2000)


def test_the_tag_field_completes_from_the_library_tags(qtbot, window, seeded_library):
    seeded_library.change_tags(3, add=["ensembles"])
    select_paper(window, MODEL_SOUPS)
    window.detail.tags_edit.setFocus()
    qtbot.waitUntil(window.detail.tags_edit.hasFocus, timeout=2000)
    completer = window.detail.tags_edit.completer()
    assert "ensembles" in completer.model().stringList()
