"""The reading workflow's data: six statuses with a history, dates derived from it, the
reading queue, priority and rating, and all of it searchable and exported."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist import Library, Status
from readinglist.domain import Paper, Priority, ReadinglistError, StatusChange
from readinglist.reading.dates import derive_dates

SOUPS = 28


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def ids(library: Library, query: str) -> list[int]:
    return sorted(library.search(query, limit=None).ids)


# -- statuses and the dates derived from their history --------------------------------------


def test_every_status_can_be_set_and_is_kept_in_the_history(seeded_library):
    for status in ("queued", "reading", "skimmed", "abandoned", "read", "inbox"):
        seeded_library.set_status(SOUPS, status)
    assert [c.status.value for c in seeded_library.history(SOUPS)] == [
        "inbox", "queued", "reading", "skimmed", "abandoned", "read", "inbox"]
    with pytest.raises(ReadinglistError, match="choose one of: inbox, queued, reading"):
        seeded_library.set_status(SOUPS, "done")


def test_started_and_finished_are_kept_with_each_change(seeded_library):
    seeded_library.set_status(SOUPS, "reading")
    first_start = seeded_library.get(SOUPS).started
    seeded_library.set_status(SOUPS, "skimmed")
    paper = seeded_library.get(SOUPS)
    assert paper.finished == seeded_library.history(SOUPS)[-1].at  # skimmed counts as done
    seeded_library.set_status(SOUPS, "reading")
    paper = seeded_library.get(SOUPS)
    assert paper.finished is None and paper.started == first_start  # the first start stays
    seeded_library.set_status(SOUPS, "abandoned")
    assert seeded_library.get(SOUPS).finished is None  # abandoned is not finished


def test_time_in_queue_adds_up_every_stay_in_the_queue():
    paper = Paper(id=1, title="T", added=at("2026-11-01"), status=Status.QUEUED)
    changes = [StatusChange(Status.INBOX, at("2026-11-01")),
               StatusChange(Status.QUEUED, at("2026-11-02")),
               StatusChange(Status.READING, at("2026-11-05")),   # 3 days queued
               StatusChange(Status.QUEUED, at("2026-11-06")),
               StatusChange(Status.QUEUED, at("2026-11-07"))]    # still queued since 11-06
    dates = derive_dates(paper, changes, now=at("2026-11-10"))
    assert dates.started == at("2026-11-05")
    assert dates.queued == at("2026-11-06")
    assert dates.time_in_queue == timedelta(days=3 + 4)
    assert dates.to_dict()["time_in_queue_days"] == 7.0
    never = derive_dates(Paper(id=2, title="U"), [StatusChange(Status.INBOX, at("2026-11-01"))],
                         now=at("2026-11-10"))
    assert never.time_in_queue is None and never.queued is None


# -- the reading queue ---------------------------------------------------------------------


def test_queueing_appends_and_leaving_the_queue_removes(seeded_library):
    for paper_id in (5, 3, 9):
        seeded_library.set_status(paper_id, "queued")
    assert seeded_library.queue_ids() == [5, 3, 9]
    seeded_library.set_status(3, "reading")
    assert seeded_library.queue_ids() == [5, 9]
    seeded_library.set_status(3, "queued")  # back at the end
    assert seeded_library.queue_ids() == [5, 9, 3]
    assert [p.id for p in seeded_library.queue()] == [5, 9, 3]


def test_queue_moves(seeded_library):
    for paper_id in (1, 2, 3, 4):
        seeded_library.set_status(paper_id, "queued")
    seeded_library.move_up(3)
    assert seeded_library.queue_ids() == [1, 3, 2, 4]
    seeded_library.move_down(1)
    assert seeded_library.queue_ids() == [3, 1, 2, 4]
    seeded_library.move_to_top(4)
    assert seeded_library.queue_ids() == [4, 3, 1, 2]
    seeded_library.move_in_queue(4, 99)
    assert seeded_library.queue_ids() == [3, 1, 2, 4]
    seeded_library.move_up(3)
    assert seeded_library.queue_ids() == [3, 1, 2, 4]  # already first
    with pytest.raises(ReadinglistError, match="not in the reading queue"):
        seeded_library.move_up(10)
    # The order is the database's: it survives reopening.
    folder = seeded_library.folder
    seeded_library.close()
    with Library.open(folder) as again:
        assert again.queue_ids() == [3, 1, 2, 4]


def test_read_next_starts_the_first_queued_paper(seeded_library):
    assert seeded_library.read_next().paper is None
    seeded_library.set_status(7, "queued")
    seeded_library.set_status(8, "queued")
    paper = seeded_library.read_next().paper
    assert paper.id == 7 and paper.status is Status.READING
    assert seeded_library.queue_ids() == [8]


def test_deleting_a_queued_paper_leaves_the_rest_in_order(seeded_library):
    for paper_id in (1, 2, 3):
        seeded_library.set_status(paper_id, "queued")
    seeded_library.delete(2)
    assert seeded_library.queue_ids() == [1, 3]
    seeded_library.set_status(4, "queued")
    assert seeded_library.queue_ids() == [1, 3, 4]


# -- priority and rating --------------------------------------------------------------------


def test_priority_and_rating_are_set_validated_and_sortable(seeded_library):
    seeded_library.set_priority(1, "high")
    seeded_library.set_priority(2, Priority.LOW)
    seeded_library.set_rating(1, 3)
    seeded_library.set_rating(2, 5)
    assert seeded_library.get(1).priority is Priority.HIGH
    assert seeded_library.sort_ids([1, 2, 3], "priority", descending=True) == [1, 3, 2]
    assert seeded_library.sort_ids([1, 2, 3], "rating", descending=True)[:2] == [2, 1]
    with pytest.raises(ReadinglistError, match="from 1 to 5"):
        seeded_library.set_rating(1, 6)
    with pytest.raises(ReadinglistError, match="unknown priority"):
        seeded_library.set_priority(1, "urgent")
    assert seeded_library.set_rating(1, None).paper.rating is None


def test_status_priority_and_rating_are_searchable(seeded_library):
    seeded_library.set_status(3, "queued")
    seeded_library.set_priority(3, "high")
    seeded_library.set_rating(3, 4)
    seeded_library.set_rating(4, 5)
    seeded_library.set_rating(5, 2)
    assert ids(seeded_library, "status:queued") == [3]
    assert ids(seeded_library, "priority:high") == [3]
    assert ids(seeded_library, "rating:>=4") == [3, 4]
    assert ids(seeded_library, "rating:4..5") == [3, 4]
    assert ids(seeded_library, "rating:<3") == [5]
    assert ids(seeded_library, "priority:high rating:>=4 status:queued") == [3]


def _import_backdated(library: Library, tmp_path: Path) -> None:
    """Papers with a reading history in the past, brought in as Readinglist JSON."""
    def paper(pid: int, added: str, history: list[tuple[str, str]], **extra) -> dict:
        status = history[-1][0] if history else "inbox"
        finished = history[-1][1] if status in ("read", "skimmed") else None
        return {"id": pid, "title": f"Backdated paper {pid}", "added": added,
                "status": status, "finished": finished,
                "history": [{"status": "inbox", "at": added}]
                + [{"status": s, "at": t} for s, t in history], **extra}

    papers = [
        paper(101, "2025-12-20T10:00:00+00:00", [("read", "2026-11-03T09:00:00+00:00")]),
        paper(102, "2026-02-01T10:00:00+00:00", [("reading", "2026-10-01T09:00:00+00:00"),
                                                 ("read", "2026-10-30T09:00:00+00:00")]),
        paper(103, "2026-03-01T10:00:00+00:00", [("skimmed", "2026-11-20T09:00:00+00:00")]),
    ]
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"format": "readinglist", "version": 1, "papers": papers}),
                    encoding="utf-8")
    report = library.import_file(path)
    assert len(report.added) == 3, report.to_dict()


def test_date_searches_read_and_added(empty_library, tmp_path):
    _import_backdated(empty_library, tmp_path)
    assert ids(empty_library, "read:2026-11") == [101, 103]
    assert ids(empty_library, "read:2026-10") == [102]
    assert ids(empty_library, "added:>2026-01-01") == [102, 103]
    assert ids(empty_library, "added:<2026-01-01") == [101]
    assert ids(empty_library, "read:2026-11-01..2026-11-10") == [101]


# -- export carries the workflow ------------------------------------------------------------


def test_json_and_markdown_exports_carry_history_ratings_priorities_and_queue(seeded_library,
                                                                              tmp_path):
    seeded_library.set_status(2, "queued")
    seeded_library.set_status(SOUPS, "queued")
    seeded_library.set_status(SOUPS, "reading")
    seeded_library.set_status(SOUPS, "read")
    seeded_library.set_rating(SOUPS, 4)
    seeded_library.set_priority(SOUPS, "high")
    seeded_library.add_annotation(SOUPS, 0, 12, "blue", "nice opening")
    data = json.loads(seeded_library.export("json"))
    soups = next(p for p in data["papers"] if p["id"] == SOUPS)
    assert [h["status"] for h in soups["history"]] == ["inbox", "queued", "reading", "read"]
    assert (soups["rating"], soups["priority"]) == (4, "high")
    assert soups["finished"] and soups["started"]
    assert next(p for p in data["papers"] if p["id"] == 2)["queue_position"] == 1
    markdown = seeded_library.export("markdown", [SOUPS])
    assert "★★★★☆" in markdown and "high priority" in markdown
    assert "nice opening" in markdown and "finished" in markdown
    # And the JSON brings the whole workflow back into an empty library.
    path = tmp_path / "all.json"
    path.write_text(seeded_library.export("json"), encoding="utf-8")
    with Library.open(tmp_path / "copy") as copy:
        copy.import_file(path)
        paper = copy.get(SOUPS)
        assert (paper.rating, paper.priority, paper.status) == (4, Priority.HIGH, Status.READ)
        assert copy.queue_ids() == [2]
        assert copy.reading_dates(SOUPS).finished == seeded_library.reading_dates(SOUPS).finished


def test_a_library_of_release_1_keeps_its_statuses_after_the_migration(tmp_path):
    import shutil

    fixture = Path(__file__).parent / "fixtures" / "library-v1.sqlite"
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(fixture, folder / "library.sqlite")
    with Library.open(folder) as library:
        papers = library.list()
        assert papers and all(p.priority is Priority.NORMAL and p.rating is None
                              for p in papers)
        for paper in papers:
            if paper.status is Status.READ:
                assert paper.finished is not None
            if paper.status is Status.READING:
                assert paper.started is not None
        counts = library.status_counts()
        assert counts["queued"] == counts["skimmed"] == counts["abandoned"] == 0


def test_library_statistics_read_from_the_history(empty_library, tmp_path):
    _import_backdated(empty_library, tmp_path)
    stats = empty_library.statistics(now=at("2026-11-21T12:00:00"))
    months = {p.label: (p.read, p.skimmed) for p in stats.per_month}
    assert months["2026-11"] == (1, 1) and months["2026-10"] == (1, 0)
    assert stats.totals.papers == 3 and stats.totals.backlog == 0
    # Read on 11-03 (101) and 10-30 (102); skimmed on 11-20 (103), the day before `now`.
    assert stats.streaks.current == 1
    assert stats.time_to_read.count == 2  # read papers only, not the skimmed one
