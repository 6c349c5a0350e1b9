"""Every status change is kept with its time; dates are derived from it."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import pytest

from readinglist import Library, Status
from readinglist.cli import cmd_show

SOUPS = 28
FIXTURES = Path(__file__).parent / "fixtures"


def statuses(lib: Library, paper_id: int) -> list[str]:
    return [change.status.value for change in lib.history(paper_id)]


def test_a_new_paper_starts_its_history_in_the_inbox_when_added(seeded_library):
    paper = seeded_library.get(SOUPS)
    [first] = seeded_library.history(SOUPS)
    assert first.status is Status.INBOX and first.at == paper.added


def test_each_change_is_recorded_once_in_order(seeded_library):
    seeded_library.set_status(SOUPS, "reading")
    seeded_library.set_status(SOUPS, "reading")  # no change: nothing recorded
    seeded_library.set_status(SOUPS, "read")
    seeded_library.set_status(SOUPS, "reading")  # re-reading
    assert statuses(seeded_library, SOUPS) == ["inbox", "reading", "read", "reading"]


def test_dates_started_and_finished_come_from_the_history(seeded_library):
    dates = seeded_library.reading_dates(SOUPS)
    assert (dates.started, dates.finished) == (None, None)
    seeded_library.set_status(SOUPS, "reading")
    seeded_library.set_status(SOUPS, "read")
    history = seeded_library.history(SOUPS)
    dates = seeded_library.reading_dates(SOUPS)
    assert dates.added == seeded_library.get(SOUPS).added
    assert dates.started == history[1].at
    assert dates.finished == history[2].at
    seeded_library.set_status(SOUPS, "reading")  # not finished any more
    assert seeded_library.reading_dates(SOUPS).finished is None


def test_a_failed_write_leaves_no_history_behind(seeded_library, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(seeded_library.store, "enqueue_index", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        seeded_library.set_status(SOUPS, "read")
    monkeypatch.undo()
    assert statuses(seeded_library, SOUPS) == ["inbox"]
    assert seeded_library.get(SOUPS).status is Status.INBOX


def test_libraries_from_release_1_get_a_history_from_what_they_knew(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(FIXTURES / "library-v1.sqlite", folder / "library.sqlite")
    with Library.open(folder) as lib:
        assert statuses(lib, SOUPS) == ["inbox", "read"]  # read there, before history
        assert statuses(lib, 1) == ["inbox"]
        assert lib.reading_dates(SOUPS).finished == lib.get(SOUPS).modified


def test_show_prints_the_timeline_and_json_has_it(seeded_library, capsys):
    seeded_library.set_status(SOUPS, "reading")
    cmd_show(seeded_library, argparse.Namespace(id=SOUPS, json=False), sys.stdout)
    text = capsys.readouterr().out
    assert "Timeline:" in text and "reading" in text and "inbox" in text
    cmd_show(seeded_library, argparse.Namespace(id=SOUPS, json=True), sys.stdout)
    data = json.loads(capsys.readouterr().out)
    assert [h["status"] for h in data["history"]] == ["inbox", "reading"]
    assert data["dates"]["started"] == data["history"][1]["at"]
