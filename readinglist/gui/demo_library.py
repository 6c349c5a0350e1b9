"""The demo library: the bundled Daily Papers page as someone would have it after five
months of use, so that `readinglist --demo` shows what the app does (and the README's
screenshots show the same library).

About 45% of the papers read or skimmed (rated, finished on days spread over five months,
the last few days in a row, so the dashboard has weeks, months and a streak to show), a
reading queue of eight in order, two papers being read, a few abandoned, the rest in the
Inbox; tags from a small vocabulary; three Markdown notes that link to other papers;
highlights in several colours, some with comments; two saved searches. Everything is made
from a seed, so the same seed gives the same library.

Only the public `Library` API is used: the backdated status histories go in through the
import of Readinglist's own JSON (the lossless format, which keeps them), the rest through
ordinary edits. No Qt here: the module sits in the GUI package because the GUI opens the
demo, and the service layer's modules are a closed list.
"""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..domain import ReadinglistError, Status, View
from ..library.service import Library

# Tags from the words of a paper's title and abstract: (tag, words that call for it).
# The most specific first: a paper gets the first one or two that fit.
TAG_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("diffusion", ("diffusion",)),
    ("lora", ("lora", "low-rank")),
    ("rl", ("reinforcement", "reward", "preference")),
    ("theory", ("theoretic", "we prove", "complexity", "implicitly")),
    ("llm", ("language model", "llm", "gpt", "in-context")),
    ("efficiency", ("efficient", "memory", "quantiz", "sparse", "compression")),
    ("vision", ("image", "vision", "visual", "caption")),
)
DONE = 0.45  # share of the papers read or skimmed
QUEUE_LENGTH = 8
READING = 2
ABANDONED = 3
STREAK_DAYS = 4  # a paper finished on each of the last days: a current streak
HISTORY_DAYS = 150  # how far back the reading goes (five months)


@dataclass(frozen=True)
class Featured:
    """A paper the demo gives a fixed part (found by the start of its title)."""

    title: str
    status: Status
    rating: int | None
    tags: tuple[str, ...]
    priority: str = "normal"


# The paper the README's screenshot shows, the first of the queue, and the papers with
# notes and highlights. Other papers are referred to in notes as {name}: their ids.
FEATURED: dict[str, Featured] = {
    "soups": Featured("Model soups:", Status.READING, 5, ("ensembles", "efficiency"), "high"),
    "lion": Featured("Symbolic Discovery of Optimization", Status.READ, 5,
                     ("efficiency", "theory")),
    "icl": Featured("Why Can GPT Learn In-Context?", Status.READ, 4, ("llm", "theory")),
    "lines": Featured("LiNeS:", Status.READ, 4, ("ensembles", "vision")),
    "lora_pro": Featured("LoRA-Pro:", Status.QUEUED, None, ("lora", "llm"), "high"),
}

NOTES: dict[str, str] = {
    "soups": (
        "## Why it works\n\n"
        "Fine-tuned models share one **loss basin**, so their weights can be averaged.\n\n"
        "- the *greedy* soup beats the uniform one\n"
        "- no extra inference cost, unlike an ensemble\n"
        "- compare with #{lines} (LiNeS), which merges fine-tuned checkpoints too, "
        "and #{lora_pro} (LoRA-Pro)\n"
    ),
    "lion": (
        "## Lion in one line\n\n"
        "`update = sign(β1·m + (1 − β1)·g)`: only the momentum is kept, so it needs "
        "**half the memory** of Adam.\n\n"
        "1. use a learning rate 3–10× smaller than Adam's\n"
        "2. the gain grows with the batch size\n"
        "3. small or no gain on some tasks (see the limitations)\n\n"
        "Try it for the fine-tuning runs of #{soups}.\n"
    ),
    "icl": (
        "## In-context learning as implicit fine-tuning\n\n"
        "Attention has a *dual form* of gradient descent: the demonstrations produce "
        "meta-gradients.\n\n"
        "- compared with explicit fine-tuning on real tasks, they behave alike\n"
        "- open question: does it hold beyond linear attention?\n\n"
        "Related: #{lora_pro} on what low-rank updates can do.\n"
    ),
}

# (paper, passage of its abstract, colour, comment)
HIGHLIGHTS: tuple[tuple[str, str, str, str], ...] = (
    ("soups", "averaging the weights of multiple models fine-tuned with different "
     "hyperparameter configurations often improves accuracy and robustness", "yellow",
     "The core claim: no extra inference cost, unlike an ensemble."),
    ("soups", "model soups", "green", ""),
    ("soups", "90.94% top-1 accuracy on ImageNet", "pink", "Check against the ViT-G baseline"),
    ("lion", "It is more memory-efficient than Adam as it only keeps track of the momentum",
     "yellow", ""),
    ("lion", "It also requires a smaller learning rate than Adam", "blue",
     "Start at 3e-5 where Adam used 3e-4."),
    ("icl", "we explain language models as meta-optimizers and understand in-context "
     "learning as implicit finetuning", "purple", "The paper's thesis in one sentence."),
    ("lines", "maintaining shallow layers close to their pre-trained values to preserve "
     "general features", "green", ""),
)

SAVED_SEARCHES: tuple[tuple[str, str, View], ...] = (
    ("LoRA and adapters", "lora* OR adapter*", View()),
    ("Diffusion, queued", "tag:diffusion", View(status=Status.QUEUED.value)),
)

TAG_COLOURS = (("llm", "blue"), ("diffusion", "purple"), ("efficiency", "green"))


def fill_demo(library: Library, seed: int = 7, now: datetime | None = None) -> None:
    """Fill an empty library with the demo: the sample page, read and organised as
    described above, the history ending at `now` (default: now). ReadinglistError if the
    library holds any paper (the Trash included): the demo never mixes with a library."""
    if library.count() or library.trash_count():
        raise ReadinglistError(f"the demo only fills an empty library; {library.folder} "
                               "has papers")
    now = now or datetime.now(UTC)
    papers = sample_papers()
    ids = _import_with_history(library, papers, random.Random(seed), now)
    for name, text in NOTES.items():
        if name in ids:
            library.set_note(ids[name], text.format_map(ids))
    for name, passage, colour, comment in HIGHLIGHTS:
        if name in ids:
            abstract = library.get(ids[name]).abstract
            start = abstract.find(passage)
            if start >= 0:
                library.add_annotation(ids[name], start, start + len(passage), colour, comment)
    for name, query, view in SAVED_SEARCHES:
        library.save_search(name, query, view, replace=True)
    tags = library.tag_counts()
    for tag, colour in TAG_COLOURS:  # chips in the table, dots in the sidebar
        if tag in tags:
            library.set_tag_colour(tag, colour)


def sample_papers() -> list[dict[str, Any]]:
    """The bundled sample page's papers as Readinglist JSON snapshots (imported into a
    library of their own, in a temporary folder, and exported again)."""
    with tempfile.TemporaryDirectory(prefix="readinglist-demo-") as folder, \
            Library.open(Path(folder), build_index=False) as sample:
        sample.import_sample()
        papers: list[dict[str, Any]] = json.loads(sample.export("json"))["papers"]
        return papers


def _import_with_history(library: Library, papers: list[dict[str, Any]],
                         rng: random.Random, now: datetime) -> dict[str, int]:
    """Give every paper a status, history, tags, rating, priority and queue place, import
    them as Readinglist JSON, and return the featured papers' ids by name."""
    featured = {name: _find(papers, part.title) for name, part in FEATURED.items()}
    chosen = {paper["id"]: name for name, paper in featured.items() if paper is not None}
    others = [paper for paper in papers if paper["id"] not in chosen]
    rng.shuffle(others)
    plan: list[tuple[dict[str, Any], Status]] = []
    for name, paper in featured.items():
        if paper is not None:
            plan.append((paper, FEATURED[name].status))
    counts = _status_counts(len(papers), [status for _paper, status in plan])
    position = 0
    for status, count in counts:
        for paper in others[position:position + count]:
            plan.append((paper, status))
        position += count
    plan.extend((paper, Status.parse(paper["status"])) for paper in others[position:])

    finishes = _finish_times(sum(1 for _p, s in plan if s.done), rng, now)
    queue = 1  # the featured paper first, the others after it in the plan's order
    for paper, status in plan:
        part = FEATURED[chosen[paper["id"]]] if paper["id"] in chosen else None
        inbox = paper["status"]  # the status a new paper has (the Inbox)
        history = _history(status, inbox, rng, now, finishes.pop() if status.done else None)
        paper["status"] = history[-1]["status"]
        paper["history"] = history
        paper["added"] = history[0]["at"]
        paper["modified"] = history[-1]["at"]
        paper["tags"] = list(part.tags) if part else _tags(paper, status, inbox, rng)
        paper["rating"] = part.rating if part else _rating(status, rng)
        paper["priority"] = part.priority if part else _priority(status, rng)
        if status is Status.QUEUED:
            paper["queue_position"] = queue
            queue += 1
    with tempfile.TemporaryDirectory(prefix="readinglist-demo-") as folder:
        path = Path(folder) / "demo-library.json"
        path.write_text(json.dumps({"format": "readinglist", "version": 1,
                                    "exported": now.isoformat(), "papers": papers}),
                        encoding="utf-8")
        report = library.import_file(path, "json")
    if report.failed or report.unreadable:
        problems = [str(p) for p in report.failed] + report.unreadable
        raise ReadinglistError("the demo library could not be made: " + "; ".join(problems))
    by_title = {title: paper_id for paper_id, title in report.added}
    return {name: by_title[paper["title"]] for name, paper in featured.items()
            if paper is not None and paper["title"] in by_title}


def _find(papers: list[dict[str, Any]], title_start: str) -> dict[str, Any] | None:
    return next((p for p in papers if p["title"].startswith(title_start)), None)


def _status_counts(total: int, featured: list[Status]) -> list[tuple[Status, int]]:
    """How many of the other papers get each status, the featured ones counted in."""
    wanted = {
        Status.READ: round(total * DONE * 0.8),
        Status.SKIMMED: round(total * DONE * 0.2),
        Status.QUEUED: QUEUE_LENGTH,
        Status.READING: READING,
        Status.ABANDONED: ABANDONED,
    }
    return [(status, max(0, count - featured.count(status)))
            for status, count in wanted.items()]


def _finish_times(count: int, rng: random.Random, now: datetime) -> list[datetime]:
    """When the finished papers were finished: one on each of the last STREAK_DAYS days
    (yesterday back), the rest spread over five months; popped from the end."""
    recent = [now - timedelta(days=day, hours=rng.uniform(0, 6))
              for day in range(1, STREAK_DAYS + 1)]
    spread = [now - timedelta(days=rng.uniform(STREAK_DAYS + 2, HISTORY_DAYS))
              for _ in range(max(0, count - len(recent)))]
    times = recent[:count] + spread
    rng.shuffle(times)
    return times


def _history(status: Status, inbox: str, rng: random.Random, now: datetime,
             finished: datetime | None) -> list[dict[str, str]]:
    """A plausible status history ending in `status`, oldest first."""
    if status.done:
        assert finished is not None
        # Read the same day, within a week, a month or three: the dashboard's histogram.
        wait = timedelta(days=rng.choice((0.3, 3, 6, 12, 20, 40, 75)) * rng.uniform(0.5, 1))
        added = finished - wait
        started = finished - min(timedelta(days=4), wait * rng.uniform(0.1, 0.6))
        read = [(Status.READING.value, started), (status.value, finished)]
        if rng.random() < 0.5:  # went through the queue first
            queued = added + (started - added) * rng.uniform(0.1, 0.9)
            read.insert(0, (Status.QUEUED.value, queued))
        return _dated([(inbox, added), *read])
    steps: list[tuple[str, datetime]] = []
    if status is Status.QUEUED:
        steps = [(status.value, now - timedelta(days=rng.uniform(1, 40)))]
    elif status is Status.READING:
        started = now - timedelta(days=rng.uniform(0.2, 5))
        steps = [(Status.QUEUED.value, started - timedelta(days=rng.uniform(2, 20))),
                 (status.value, started)]
    elif status is Status.ABANDONED:
        started = now - timedelta(days=rng.uniform(20, 120))
        steps = [(Status.READING.value, started),
                 (status.value, started + timedelta(days=rng.uniform(1, 6)))]
    first = steps[0][1] if steps else now
    added = first - timedelta(days=rng.uniform(0.1, 12 if steps else HISTORY_DAYS))
    return _dated([(inbox, added), *steps])


def _dated(steps: list[tuple[str, datetime]]) -> list[dict[str, str]]:
    return [{"status": value, "at": at.isoformat()} for value, at in steps]


def _tags(paper: dict[str, Any], status: Status, inbox: str,
          rng: random.Random) -> list[str]:
    """One or two tags the paper's words call for; half of the Inbox is not tagged yet."""
    if status.value == inbox and rng.random() < 0.5:
        return []
    text = f"{paper['title']} {paper.get('abstract', '')}".lower()
    fitting = [tag for tag, words in TAG_WORDS if any(w in text for w in words)]
    return fitting[:rng.choice((1, 2, 2))]


def _rating(status: Status, rng: random.Random) -> int | None:
    if status is Status.READ and rng.random() < 0.85:
        return rng.choice((2, 3, 4, 4, 4, 5, 5))
    if status is Status.SKIMMED and rng.random() < 0.5:
        return rng.choice((2, 3, 3))
    return None


def _priority(status: Status, rng: random.Random) -> str:
    if status is Status.QUEUED and rng.random() < 0.25:
        return "high"
    return rng.choice(("normal",) * 6 + ("high", "low"))
