"""Reading statistics on a hand-built library with answers worked out by hand."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from readinglist.domain import Paper, Status, StatusChange
from readinglist.reading.statistics import TIME_BUCKETS, ReadingStats, compute, format_text

# Thursday of ISO week 2026-W47, 15:00 UTC. "Today" is 2026-11-19, yesterday the 18th.
NOW = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
WEEKS, MONTHS = 6, 4  # W42 (Oct 12-18) .. W47 (Nov 16-22); 2026-08 .. 2026-11


def at(text: str) -> datetime:
    """ "2026-10-01 09:00" as a UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def make(paper_id: int, changes: list[tuple[str, str]], tags: tuple[str, ...] = (),
         keep_finished: bool = True) -> tuple[Paper, list[StatusChange]]:
    """A paper added at its first change (in the inbox) with that status history; its
    current status is the last change. `finished` is set as the store sets it (last
    change to read/skimmed while it is so) unless `keep_finished` is False."""
    history = [StatusChange(Status(s), at(t)) for s, t in changes]
    status = history[-1].status
    finished = history[-1].at if status.done and keep_finished else None
    paper = Paper(id=paper_id, title=f"Paper {paper_id}", status=status, tags=tags,
                  added=history[0].at, finished=finished)
    return paper, history


def fixture() -> tuple[list[Paper], dict[int, list[StatusChange]]]:
    """Thirteen papers. Per paper: status now, when finished (UTC date, ISO week),
    whole days from added to finished, and whether it is in the backlog at the end of
    W42 (Oct 18) / W43 (Oct 25) / W44 (Nov 1) / W45 (Nov 8) / W46 (Nov 15) / now."""
    built = [
        # 1 read Oct 14 (W42), 13 days (Oct 1 -> 14). Backlog: never at a week end.
        make(1, [("inbox", "2026-10-01 09:00"), ("queued", "2026-10-02 10:00"),
                 ("reading", "2026-10-13 08:00"), ("read", "2026-10-14 20:00")],
             ("llm", "transformers")),
        # 2 read yesterday Nov 18 (W47), added the same day: 0 days. Backlog: never.
        make(2, [("inbox", "2026-11-18 08:00"), ("read", "2026-11-18 22:30")], ("llm",)),
        # 3 skimmed Nov 17 (W47): 15 days, but skimmed papers are not in time-to-read
        #   nor in top tags. Backlog: added Nov 2 -> W45, W46 yes; now no.
        make(3, [("inbox", "2026-11-02 10:00"), ("skimmed", "2026-11-17 09:00")],
             ("vision",)),
        # 4 read Oct 21 then reopened Nov 5 (reading now): finished nowhere.
        #   Backlog: W43, W44 no (read then); W45, W46, now yes.
        make(4, [("inbox", "2026-10-20 10:00"), ("read", "2026-10-21 11:00"),
                 ("reading", "2026-11-05 09:00")], ("llm",)),
        # 5 abandoned Oct 28. Backlog: W42, W43 yes; from W44 no.
        make(5, [("inbox", "2026-10-10 12:00"), ("abandoned", "2026-10-28 12:00")]),
        # 6 queued Nov 11. Backlog: added Nov 10 -> W46, now yes.
        make(6, [("inbox", "2026-11-10 12:00"), ("queued", "2026-11-11 12:00")]),
        # 7 in the inbox, added today at 14:00. Backlog: now only.
        make(7, [("inbox", "2026-11-19 14:00")]),
        # 8 read Sep 5 (month 2026-09, before the weeks), 16 days (Aug 20 -> Sep 5).
        #   Paper.finished missing: the date comes from the history.
        make(8, [("inbox", "2026-08-20 10:00"), ("read", "2026-09-05 10:00")],
             ("vision", "llm"), keep_finished=False),
        # 9 read Mon Nov 16 (W47), added Jun 1: 168 days ("longer").
        #   Backlog: queued/reading W42..W46 yes; now no.
        make(9, [("inbox", "2026-06-01 10:00"), ("queued", "2026-07-01 10:00"),
                 ("reading", "2026-11-10 09:00"), ("read", "2026-11-16 07:00")], ("Graphs",)),
        # 10 read Nov 3 (W45), 9 days (Oct 25 -> Nov 3). Backlog: W43, W44 yes.
        make(10, [("inbox", "2026-10-25 10:00"), ("read", "2026-11-03 18:00")], ("théorie",)),
        # 11 read Nov 4 (W45), 5 days (Oct 30 -> Nov 4). Backlog: W44 yes.
        make(11, [("inbox", "2026-10-30 10:00"), ("read", "2026-11-04 09:00")], ("vision",)),
        # 12 read Nov 5 (W45), 56 days (Sep 10 -> Nov 5). Backlog: W42, W43, W44 yes.
        make(12, [("inbox", "2026-09-10 10:00"), ("read", "2026-11-05 09:00")]),
        # 13 read Nov 6 (W45), same day: 0 days. Backlog: never at a week end.
        make(13, [("inbox", "2026-11-06 08:00"), ("reading", "2026-11-06 09:00"),
                  ("read", "2026-11-06 12:00")], ("llm",)),
    ]
    return [p for p, _h in built], {p.id: h for p, h in built}


@pytest.fixture
def stats() -> ReadingStats:
    papers, histories = fixture()
    return compute(papers, histories, NOW, weeks=WEEKS, months=MONTHS)


def test_totals(stats: ReadingStats) -> None:
    totals = stats.totals
    assert totals.papers == 13
    # read: 1 2 8 9 10 11 12 13; skimmed: 3; reading: 4; abandoned: 5; queued: 6; inbox: 7
    assert dict(totals.by_status) == {"inbox": 1, "queued": 1, "reading": 1, "read": 8,
                                      "skimmed": 1, "abandoned": 1}
    assert list(totals.by_status) == [s.value for s in Status]
    assert totals.queue == 1
    assert totals.backlog == 3  # 4 reading, 6 queued, 7 inbox
    # This week (W47): 9 and 2 read, 3 skimmed. This month: 10 11 12 13 9 2 read.
    assert (totals.read_this_week, totals.skimmed_this_week) == (2, 1)
    assert (totals.read_this_month, totals.skimmed_this_month) == (6, 1)
    assert not stats.empty


def test_read_per_week_includes_empty_weeks_oldest_first(stats: ReadingStats) -> None:
    assert [p.label for p in stats.per_week] == [
        "2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    # W42: 1. W43: only paper 4, which was reopened. W44, W46: nothing.
    # W45: 10 11 12 13. W47: 9 and 2 read, 3 skimmed.
    assert [(p.read, p.skimmed) for p in stats.per_week] == [
        (1, 0), (0, 0), (0, 0), (4, 0), (0, 0), (2, 1)]
    assert stats.per_week[0].start == date(2026, 10, 12)  # a Monday
    assert stats.per_week[0].end == date(2026, 10, 18)  # the Sunday after
    assert stats.per_week[-1].start == date(2026, 11, 16)


def test_read_per_month(stats: ReadingStats) -> None:
    assert [p.label for p in stats.per_month] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    # Sep: 8 (date from its history). Oct: 1 (4 was reopened). Nov: six read, 3 skimmed.
    assert [(p.read, p.skimmed) for p in stats.per_month] == [(0, 0), (1, 0), (1, 0), (6, 1)]
    assert stats.per_month[1].end == date(2026, 9, 30)


def test_reopened_paper_counts_nowhere(stats: ReadingStats) -> None:
    papers, histories = fixture()
    without = compute([p for p in papers if p.id != 4], histories, NOW, WEEKS, MONTHS)
    # Paper 4 changes the status counts and the backlog, but no reading figure.
    assert [p.finished for p in without.per_week] == [p.finished for p in stats.per_week]
    assert without.time_to_read == stats.time_to_read
    assert without.top_tags == stats.top_tags  # its "llm" is not counted
    assert without.streaks == stats.streaks  # Oct 21 is not a reading day


def test_backlog_over_time(stats: ReadingStats) -> None:
    # Week ends, from the per-paper comments in fixture():
    # W42 Oct 18: 5 9 12 | W43 Oct 25: 5 9 10 12 | W44 Nov 1: 9 10 11 12
    # W45 Nov 8: 3 4 9   | W46 Nov 15: 3 4 6 9   | now: 4 6 7
    assert [p.size for p in stats.backlog] == [3, 4, 4, 3, 4, 3]
    assert [p.label for p in stats.backlog] == [p.label for p in stats.per_week]
    assert stats.backlog[0].at == datetime(2026, 10, 18, 23, 59, 59, 999999, tzinfo=UTC)
    assert stats.backlog[-1].at == NOW  # today's value
    assert stats.backlog[-1].size == stats.totals.backlog


def test_time_from_added_to_read(stats: ReadingStats) -> None:
    ttr = stats.time_to_read
    # Read papers' days: 0 (2), 0 (13), 5 (11), 9 (10), 13 (1), 16 (8), 56 (12), 168 (9)
    assert ttr.count == 8
    assert ttr.median_days == 11.0  # (9 + 13) / 2
    assert ttr.mean_days == pytest.approx(267 / 8)  # 33.375
    assert (ttr.min_days, ttr.max_days) == (0, 168)
    assert [label for label, _n in ttr.histogram] == [label for label, _ in TIME_BUCKETS]
    # same day: 2, 13 | within a week: 11 | within a month: 10 1 8 (not skimmed 3)
    # within 3 months: 12 | longer: 9
    assert [n for _label, n in ttr.histogram] == [2, 1, 3, 1, 1]


def test_top_tags_among_read_papers(stats: ReadingStats) -> None:
    # llm: 1 2 8 13 (not reopened 4); vision: 8 11 (not skimmed 3); then ties by name.
    assert stats.top_tags == (("llm", 4), ("vision", 2), ("Graphs", 1), ("théorie", 1),
                              ("transformers", 1))


def test_top_tags_keeps_ten() -> None:
    papers = [Paper(id=i, title=f"P{i}", status=Status.READ, tags=(f"tag{i:02d}",),
                    added=at("2026-11-01 10:00"), finished=at("2026-11-02 10:00"))
              for i in range(1, 13)]
    papers.append(Paper(id=13, title="P13", status=Status.READ, tags=("tag12",),
                        added=at("2026-11-01 10:00"), finished=at("2026-11-02 10:00")))
    stats = compute(papers, {}, NOW)
    assert stats.top_tags[0] == ("tag12", 2)
    assert [t for t, _n in stats.top_tags[1:]] == [f"tag{i:02d}" for i in range(1, 10)]


def test_streak_ends_yesterday_and_longest_is_broken_by_a_gap(stats: ReadingStats) -> None:
    # Finished days: Sep 5, Oct 14, Nov 3 4 5 6, (gap), Nov 16 17 18; nothing today yet.
    assert stats.streaks.current == 3  # Nov 16, 17 (skimmed counts), 18
    assert stats.streaks.current_end == date(2026, 11, 18)
    assert stats.streaks.longest == 4  # Nov 3-6, broken by the Nov 7-15 gap
    assert stats.streaks.longest_end == date(2026, 11, 6)


def test_streak_including_today() -> None:
    papers, histories = fixture()
    today, history = make(14, [("inbox", "2026-11-19 08:00"), ("read", "2026-11-19 12:00")])
    stats = compute([*papers, today], {**histories, 14: history}, NOW, WEEKS, MONTHS)
    assert stats.streaks.current == 4  # Nov 16 .. 19
    assert stats.streaks.current_end == date(2026, 11, 19)
    assert stats.streaks.longest == 4
    assert stats.streaks.longest_end == date(2026, 11, 19)  # a tie goes to the later run


def test_streak_broken_when_a_whole_day_passes() -> None:
    papers, histories = fixture()
    # Saturday Nov 21: nothing finished on the 20th or the 21st.
    stats = compute(papers, histories, at("2026-11-21 09:00"), WEEKS, MONTHS)
    assert stats.streaks.current == 0
    assert stats.streaks.current_end is None
    assert stats.streaks.longest == 4


def test_empty_library() -> None:
    stats = compute([], {}, NOW)
    assert stats.empty
    assert stats.totals.papers == 0 and stats.totals.backlog == 0
    assert len(stats.per_week) == 26 and len(stats.per_month) == 12
    assert all(p.finished == 0 for p in (*stats.per_week, *stats.per_month))
    assert [p.size for p in stats.backlog] == [0] * 26
    ttr = stats.time_to_read
    assert (ttr.count, ttr.median_days, ttr.mean_days, ttr.min_days, ttr.max_days) == (
        0, None, None, None, None)
    assert [n for _label, n in ttr.histogram] == [0] * len(TIME_BUCKETS)
    assert stats.top_tags == ()
    assert (stats.streaks.current, stats.streaks.longest) == (0, 0)
    assert "No papers" in format_text(stats)
    assert json.loads(json.dumps(stats.to_dict()))["time_to_read"]["median_days"] is None


def test_library_with_nothing_read() -> None:
    papers = [Paper(id=1, title="New", added=at("2026-11-18 10:00"))]
    stats = compute(papers, {1: [StatusChange(Status.INBOX, at("2026-11-18 10:00"))]}, NOW)
    assert stats.time_to_read.count == 0
    assert [p.size for p in stats.backlog][-2:] == [0, 1]  # added this week
    assert "no read papers yet" in format_text(stats)


def test_default_series_lengths_and_labels() -> None:
    stats = compute([], {}, NOW)
    assert stats.per_week[0].label == "2026-W22"  # 25 weeks before W47
    assert stats.per_week[0].start == date(2026, 5, 25)
    assert stats.per_week[-1].label == "2026-W47"
    assert stats.per_month[0].label == "2025-12"
    assert stats.per_month[-1].label == "2026-11"


def test_labels_across_the_year_end() -> None:
    # Saturday 2 January 2027 is in ISO week 53 of 2026.
    stats = compute([], {}, at("2027-01-02 12:00"), weeks=2, months=2)
    assert [p.label for p in stats.per_week] == ["2026-W52", "2026-W53"]
    assert [p.label for p in stats.per_month] == ["2026-12", "2027-01"]


def test_days_are_utc_days() -> None:
    # 23:30 in New York on Nov 18 is 04:30 UTC on Nov 19: a finish today, in UTC.
    new_york = timezone(timedelta(hours=-5))
    finished = datetime(2026, 11, 18, 23, 30, tzinfo=new_york)
    paper = Paper(id=1, title="Late", status=Status.READ, added=at("2026-11-18 10:00"),
                  finished=finished)
    stats = compute([paper], {}, NOW)
    assert stats.streaks.current_end == date(2026, 11, 19)
    assert stats.time_to_read.min_days == 1  # Nov 18 -> Nov 19 in UTC


def test_missing_history_and_undated_finish() -> None:
    # No history at all: paper 1 has been queued since it was added; paper 2 is read
    # but nothing says when, so it is in the totals only, and the report says so.
    papers = [
        Paper(id=1, title="Queued", status=Status.QUEUED, added=at("2026-11-10 10:00")),
        Paper(id=2, title="Read", status=Status.READ, added=at("2026-11-10 10:00")),
    ]
    stats = compute(papers, {}, NOW, WEEKS, MONTHS)
    assert [p.size for p in stats.backlog] == [0, 0, 0, 0, 1, 1]
    assert stats.totals.by_status["read"] == 1
    assert stats.time_to_read.count == 0
    assert stats.notes and "1 finished paper has no date" in stats.notes[0]
    assert "Note: 1 finished paper" in format_text(stats)


def test_to_dict_is_json_ready(stats: ReadingStats) -> None:
    data = json.loads(json.dumps(stats.to_dict()))
    assert data["now"] == "2026-11-19T15:00:00+00:00"
    assert data["totals"]["by_status"]["read"] == 8
    assert data["read_per_week"][3] == {"period": "2026-W45", "start": "2026-11-02",
                                        "end": "2026-11-08", "read": 4, "skimmed": 0}
    assert data["read_per_month"][-1]["read"] == 6
    assert data["backlog"][-1] == {"week": "2026-W47", "at": "2026-11-19T15:00:00+00:00",
                                   "size": 3}
    assert data["time_to_read"]["median_days"] == 11.0
    assert data["time_to_read"]["mean_days"] == 33.38
    assert data["time_to_read"]["histogram"][0] == {"bucket": "same day", "count": 2}
    assert data["top_tags"][0] == {"tag": "llm", "count": 4}
    assert data["streaks"] == {"current": 3, "current_end": "2026-11-18", "longest": 4,
                               "longest_end": "2026-11-06"}


def test_format_text(stats: ReadingStats) -> None:
    text = format_text(stats)
    assert "13 papers (inbox 1, queued 1, reading 1, read 8, skimmed 1, abandoned 1)" in text
    assert "Backlog:   3 to read" in text
    assert "This week: 2 read, 1 skimmed; this month: 6 read, 1 skimmed" in text
    assert "Streak:    3 days (to 2026-11-18); longest 4 days (ended 2026-11-06)" in text
    assert "median 11 days, mean 33.4, min 0, max 168 (8 read papers)" in text
    assert "llm 4, vision 2, Graphs 1" in text
    assert "2026-W45     4       0       3  ####################" in text
    assert "2026-W43     0       0       4\n" in text  # an empty week, no bar


def test_rejects_empty_series() -> None:
    with pytest.raises(ValueError):
        compute([], {}, NOW, weeks=0)
