"""Reading statistics: what the dashboard and ``readinglist stats`` show (pure, no I/O).

Definitions used throughout (every figure below follows them):

* Days, weeks and months are UTC calendar days, ISO weeks (Monday to Sunday, labelled
  "2026-W47" with the ISO year) and calendar months ("2026-11"). "Today" is the UTC date
  of `now`. Naive datetimes are taken to be UTC.
* A paper is *finished* when its current status is read or skimmed; it was finished at
  ``Paper.finished`` (its last change to that status), or, when that is missing, at the
  last change to its current status in its history. A paper finished and later reopened
  (set back to reading, queued ...) is not finished and counts nowhere, whenever it was
  finished before.
* A finished paper is *read* when its status is read, *skimmed* when it is skimmed. The
  per-week and per-month series report both, separately; "read" figures (read this week
  or month, time from added to read, top tags) count read papers only. Streaks count
  days with any finished paper, read or skimmed: skimming a paper is reading that day.
* The *backlog* is what is still to read: papers in the library whose status is inbox,
  queued or reading (not read, skimmed or abandoned). Past backlogs are reconstructed
  from the status histories: a paper counts from the time it was added, with the status
  in force then (its last change at or before that time). Deleted papers are gone from
  the library and from its past backlogs too.
"""

from __future__ import annotations

import statistics as pystats
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ..domain import Paper, Status, StatusChange

WEEKS = 26
MONTHS = 12
TOP_TAGS = 10
NOT_BACKLOG = frozenset({Status.READ, Status.SKIMMED, Status.ABANDONED})
# Time from added to read, in whole UTC days: (label, largest number of days in it).
# "A month" is 30 days and "3 months" 90, so every bucket is a fixed span of days.
TIME_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("same day", 0),
    ("within a week", 7),
    ("within a month", 30),
    ("within 3 months", 90),
    ("longer", None),
)


# -- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodCount:
    """Papers finished in one week or month (see the module docstring for "finished")."""

    label: str  # "2026-W47" or "2026-11"
    start: date  # first day
    end: date  # last day (inclusive)
    read: int
    skimmed: int

    @property
    def finished(self) -> int:
        return self.read + self.skimmed

    def to_dict(self) -> dict:
        return {"period": self.label, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "read": self.read, "skimmed": self.skimmed}


@dataclass(frozen=True)
class BacklogPoint:
    """The backlog size at one instant: the end of a week (Sunday 23:59:59.999999 UTC),
    or `now` for the current week."""

    label: str  # the week, "2026-W47"
    at: datetime
    size: int

    def to_dict(self) -> dict:
        return {"week": self.label, "at": self.at.isoformat(), "size": self.size}


@dataclass(frozen=True)
class TimeToRead:
    """Whole UTC days from added to finished, over read papers (skimmed ones excluded).

    A paper added and read on the same UTC day took 0 days; a finish recorded before the
    paper's added time (clock changes, hand-edited data) counts as 0. Median, mean, min
    and max are None when no paper is read. `histogram` has one (label, count) per
    bucket of TIME_BUCKETS, in that order, including empty buckets.
    """

    count: int
    median_days: float | None
    mean_days: float | None
    min_days: int | None
    max_days: int | None
    histogram: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict:
        return {
            "count": self.count,
            "median_days": self.median_days,
            "mean_days": round(self.mean_days, 2) if self.mean_days is not None else None,
            "min_days": self.min_days,
            "max_days": self.max_days,
            "histogram": [{"bucket": label, "count": n} for label, n in self.histogram],
        }


@dataclass(frozen=True)
class Streaks:
    """Runs of consecutive UTC days with at least one paper finished (read or skimmed).

    The current streak ends today if a paper was finished today; otherwise it ends
    yesterday (today is not over, so a streak is not broken until a whole day passes
    without a finished paper); otherwise it is 0. `current_end` is its last day (None
    when 0). The longest streak is the longest run ever (finishes after today included,
    should a clock make them); `longest_end` is its last day, the latest one on a tie.
    """

    current: int
    current_end: date | None
    longest: int
    longest_end: date | None

    def to_dict(self) -> dict:
        return {
            "current": self.current,
            "current_end": self.current_end.isoformat() if self.current_end else None,
            "longest": self.longest,
            "longest_end": self.longest_end.isoformat() if self.longest_end else None,
        }


@dataclass(frozen=True)
class Totals:
    """The library now: its size, papers by status (every status, in Status order, zeros
    included), the reading queue's length (queued papers), the backlog now, and papers
    read and skimmed in the current ISO week and calendar month."""

    papers: int
    by_status: Mapping[str, int]
    queue: int
    backlog: int
    read_this_week: int
    skimmed_this_week: int
    read_this_month: int
    skimmed_this_month: int

    def to_dict(self) -> dict:
        return {
            "papers": self.papers,
            "by_status": dict(self.by_status),
            "queue": self.queue,
            "backlog": self.backlog,
            "read_this_week": self.read_this_week,
            "skimmed_this_week": self.skimmed_this_week,
            "read_this_month": self.read_this_month,
            "skimmed_this_month": self.skimmed_this_month,
        }


@dataclass(frozen=True)
class ReadingStats:
    """Every reading figure as of `now` (see the module docstring for the definitions).

    `per_week` holds the last `weeks` ISO weeks and `per_month` the last `months`
    calendar months, oldest first, the current one last, empty ones included. `backlog`
    has one point per week of `per_week`, the current week's taken at `now`. `top_tags`
    are the tags most used among read papers, (tag, papers), most used first and ties by
    name, at most TOP_TAGS of them.
    """

    now: datetime
    totals: Totals
    per_week: tuple[PeriodCount, ...]
    per_month: tuple[PeriodCount, ...]
    backlog: tuple[BacklogPoint, ...]
    time_to_read: TimeToRead
    top_tags: tuple[tuple[str, int], ...]
    streaks: Streaks
    notes: tuple[str, ...] = field(default=())  # caveats about the data, for the reader

    @property
    def empty(self) -> bool:
        return self.totals.papers == 0

    def to_dict(self) -> dict:
        return {
            "now": self.now.isoformat(),
            "totals": self.totals.to_dict(),
            "read_per_week": [p.to_dict() for p in self.per_week],
            "read_per_month": [p.to_dict() for p in self.per_month],
            "backlog": [p.to_dict() for p in self.backlog],
            "time_to_read": self.time_to_read.to_dict(),
            "top_tags": [{"tag": tag, "count": n} for tag, n in self.top_tags],
            "streaks": self.streaks.to_dict(),
            "notes": list(self.notes),
        }


# -- computing them ------------------------------------------------------------------------


def compute(
    papers: Sequence[Paper],
    histories: Mapping[int, Sequence[StatusChange]],
    now: datetime,
    weeks: int = WEEKS,
    months: int = MONTHS,
) -> ReadingStats:
    """Reading statistics of `papers` as of `now`; `histories` maps a paper id to its
    status changes (any order; a paper missing from it is taken to have had its current
    status since it was added). `weeks` and `months` (at least 1) size the series."""
    if weeks < 1 or months < 1:
        raise ValueError("weeks and months must be at least 1")
    now = _utc(now)
    today = now.date()
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)

    finishes = {p.id: _finished_at(p, histories.get(p.id, ())) for p in papers}
    finished = [(p, at) for p in papers if (at := finishes[p.id]) is not None]
    undated = sum(1 for p in papers if p.status.done and finishes[p.id] is None)

    week_starts = [week_start - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    month_starts = [_add_months(month_start, -k) for k in range(months - 1, -1, -1)]
    per_week = tuple(
        _count(finished, start, start + timedelta(days=6), _week_label(start))
        for start in week_starts
    )
    per_month = tuple(
        _count(finished, start, _add_months(start, 1) - timedelta(days=1), start.strftime("%Y-%m"))
        for start in month_starts
    )

    timelines = [_timeline(p, histories.get(p.id, ())) for p in papers]
    backlog = []
    for start in week_starts:
        end = datetime.combine(start + timedelta(days=7), time(), UTC) - timedelta(microseconds=1)
        at = min(end, now)
        backlog.append(BacklogPoint(_week_label(start), at, _backlog_at(timelines, at)))

    by_status = Counter(p.status for p in papers)
    this_week, this_month = per_week[-1], per_month[-1]
    totals = Totals(
        papers=len(papers),
        by_status={s.value: by_status.get(s, 0) for s in Status},
        queue=by_status.get(Status.QUEUED, 0),
        backlog=sum(n for s, n in by_status.items() if s not in NOT_BACKLOG),
        read_this_week=this_week.read,
        skimmed_this_week=this_week.skimmed,
        read_this_month=this_month.read,
        skimmed_this_month=this_month.skimmed,
    )
    read = [(p, at) for p, at in finished if p.status is Status.READ]
    notes: tuple[str, ...] = ()
    if undated:
        notes = (f"{undated} finished paper{'s have' if undated != 1 else ' has'} no date "
                 "finished and count only in the totals",)
    return ReadingStats(
        now=now,
        totals=totals,
        per_week=per_week,
        per_month=per_month,
        backlog=tuple(backlog),
        time_to_read=_time_to_read(read, timelines, papers),
        top_tags=_top_tags(p for p, _at in read),
        streaks=_streaks({at.date() for _p, at in finished}, today),
        notes=notes,
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _finished_at(paper: Paper, history: Sequence[StatusChange]) -> datetime | None:
    if not paper.status.done:
        return None
    if paper.finished is not None:
        return _utc(paper.finished)
    # A status imported with the paper (a reference list imported as read) says it was
    # read, not when: counted in the totals, not in any week.
    times = [_utc(c.at) for c in history if c.status is paper.status and not c.imported]
    return max(times) if times else None


def _count(finished: Sequence[tuple[Paper, datetime]], first: date, last: date,
           label: str) -> PeriodCount:
    days = [p.status for p, at in finished if first <= at.date() <= last]
    return PeriodCount(label, first, last, days.count(Status.READ), days.count(Status.SKIMMED))


def _week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _add_months(first_of_month: date, count: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class _Timeline:
    """When a paper joined the library and its statuses since, oldest first."""

    added: datetime | None  # None: unknown, taken as always there
    changes: tuple[tuple[datetime, Status], ...]
    current: Status

    def status_at(self, moment: datetime) -> Status | None:
        """The status in force at `moment`; None before the paper was added."""
        if self.added is not None and self.added > moment:
            return None
        if not self.changes:
            return self.current
        status = self.changes[0][1]  # added with its first recorded status
        for at, change in self.changes:
            if at > moment:
                break
            status = change
        return status


def _timeline(paper: Paper, history: Sequence[StatusChange]) -> _Timeline:
    # A stable sort keeps changes recorded at the same instant in their recorded order
    # (an import with status "read" records inbox and read at the same time).
    changes = tuple(sorted(((_utc(c.at), c.status) for c in history), key=lambda c: c[0]))
    added = _utc(paper.added) if paper.added else (changes[0][0] if changes else None)
    return _Timeline(added, changes, paper.status)


def _backlog_at(timelines: Sequence[_Timeline], moment: datetime) -> int:
    count = 0
    for timeline in timelines:
        status = timeline.status_at(moment)
        if status is not None and status not in NOT_BACKLOG:
            count += 1
    return count


def _time_to_read(read: Sequence[tuple[Paper, datetime]], timelines: Sequence[_Timeline],
                  papers: Sequence[Paper]) -> TimeToRead:
    added = {p.id: t.added for p, t in zip(papers, timelines, strict=True)}
    days = sorted(
        max((at.date() - start.date()).days, 0)
        for p, at in read if (start := added[p.id]) is not None
    )
    in_bucket = Counter(_bucket(d) for d in days)
    histogram = [(label, in_bucket[i]) for i, (label, _upper) in enumerate(TIME_BUCKETS)]
    if not days:
        return TimeToRead(0, None, None, None, None, tuple(histogram))
    return TimeToRead(len(days), float(pystats.median(days)), pystats.fmean(days), days[0],
                      days[-1], tuple(histogram))


def _bucket(days: int) -> int:
    """The index in TIME_BUCKETS of the first bucket that holds `days`."""
    return next(i for i, (_label, upper) in enumerate(TIME_BUCKETS)
                if upper is None or days <= upper)


def _top_tags(read: Iterable[Paper]) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    for paper in read:
        counts.update(set(paper.tags))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))
    return tuple(ranked[:TOP_TAGS])


def _streaks(days: set[date], today: date) -> Streaks:
    longest, longest_end = 0, None
    for day in sorted(days):
        if day - timedelta(days=1) in days:
            continue  # not the first day of a run
        end = day
        while end + timedelta(days=1) in days:
            end += timedelta(days=1)
        length = (end - day).days + 1
        if length >= longest:  # on a tie, the later run
            longest, longest_end = length, end
    end = today if today in days else today - timedelta(days=1)
    current = 0
    while end - timedelta(days=current) in days:
        current += 1
    return Streaks(current, end if current else None, longest, longest_end)


# -- the terminal report -------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _days(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def format_text(stats: ReadingStats) -> str:
    """A compact plain-text (ASCII) report for the terminal."""
    totals = stats.totals
    if stats.empty:
        return "No papers in the library yet: nothing to count.\n"
    status_text = ", ".join(
        f"{Status(s).label.lower()} {n}" for s, n in totals.by_status.items() if n)
    streaks = stats.streaks
    current = _plural(streaks.current, "day")
    if streaks.current_end is not None:
        current += f" (to {streaks.current_end.isoformat()})"
    longest = _plural(streaks.longest, "day")
    if streaks.longest_end is not None:
        longest += f" (ended {streaks.longest_end.isoformat()})"
    lines = [
        f"Reading statistics as of {stats.now:%Y-%m-%d %H:%M} UTC",
        f"Library:   {_plural(totals.papers, 'paper')} ({status_text})",
        f"Backlog:   {totals.backlog} to read (inbox, queued, reading); "
        f"queue {totals.queue}",
        f"This week: {totals.read_this_week} read, {totals.skimmed_this_week} skimmed; "
        f"this month: {totals.read_this_month} read, {totals.skimmed_this_month} skimmed",
        f"Streak:    {current}; longest {longest}",
    ]
    ttr = stats.time_to_read
    if ttr.count:
        lines.append(
            f"Added to read: median {_days(ttr.median_days)} days, mean "
            f"{_days(ttr.mean_days)}, min {ttr.min_days}, max {ttr.max_days} "
            f"({_plural(ttr.count, 'read paper')})")
        lines.append("  " + ", ".join(f"{label} {n}" for label, n in ttr.histogram))
    else:
        lines.append("Added to read: no read papers yet")
    if stats.top_tags:
        lines.append("Top tags among read papers: "
                     + ", ".join(f"{tag} {n}" for tag, n in stats.top_tags))
    lines += ["", "Week      read skimmed backlog"]
    peak = max((p.finished for p in stats.per_week), default=0)
    for period, point in zip(stats.per_week, stats.backlog, strict=True):
        bar = "#" * round(20 * period.finished / peak) if peak else ""
        lines.append(f"{period.label:<9} {period.read:>4} {period.skimmed:>7} "
                     f"{point.size:>7}  {bar}".rstrip())
    lines += ["", "Month     read skimmed"]
    lines += [f"{p.label:<9} {p.read:>4} {p.skimmed:>7}" for p in stats.per_month]
    lines += [f"Note: {note}" for note in stats.notes]
    return "\n".join(lines) + "\n"
