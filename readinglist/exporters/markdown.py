"""Markdown export: a reading list to read, share or keep in a notes folder.

Outline: ``# Reading list`` (date, count), then one ``##`` section per status in the order
of ``Status`` (only statuses that have papers), one ``###`` heading per paper, and ``####``
sections for its abstract, notes and highlights. Paper titles and every other plain-text
field are escaped so they render as written; the user's note is Markdown already and is
copied verbatim. Control characters (ESC, BEL ...: a title from the web could otherwise
retitle or clear the terminal that shows the file) are escaped everywhere, the note
included: shown as their Unicode pictures (ESC as U+241B), line endings made LF.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from ..domain import Annotation, Paper, Status, StatusChange
from ..text.normalize import visible_controls
from . import ExportContext, paper_value, plain_author

MAX_AUTHORS = 8  # longer author lists end in "et al."
# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# start markup inline (emphasis, code, links, HTML, entities, strikethrough, superscript
# and math in GFM and pandoc).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#~^$&|])")
_CR = re.compile(r"\r\n?")  # Windows and classic Mac line endings (a note set by a script)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
# What the timeline says for each status a paper moved to.
_VERBS = {
    "inbox": "back to the inbox",
    "queued": "queued",
    "reading": "started",
    "read": "finished",
    "skimmed": "skimmed",
    "abandoned": "abandoned",
}


def export(papers: Iterable[Paper], context: ExportContext | None = None) -> str:
    """The papers as one Markdown document, grouped by status."""
    context = context or ExportContext()
    papers = list(papers)
    count = f"{len(papers)} paper" + ("" if len(papers) == 1 else "s")
    header = f"Exported {context.generated:%Y-%m-%d} · {count}" if context.generated else count
    blocks = [f"# {escape(context.title)}", header]
    groups: dict[Status | str, list[Paper]] = {status: [] for status in Status}
    for paper in papers:
        # A status this module does not know yet still gets a section (after the others).
        groups.setdefault(paper.status, []).append(paper)
    for status, group in groups.items():
        if not group:
            continue
        blocks.append(f"## {escape(status_label(status))} ({len(group)})")
        for paper in group:
            blocks.extend(paper_blocks(paper, context))
    return visible_controls(_CR.sub("\n", "\n\n".join(blocks) + "\n"))


def paper_blocks(paper: Paper, context: ExportContext) -> list[str]:
    """The Markdown blocks (paragraphs, headings) of one paper."""
    blocks = [f"### {escape(paper.title) or '(untitled)'}"]
    byline = " · ".join(part for part in (
        authors_line(paper.authors),
        escape(paper.venue),
        str(paper.year) if paper.year is not None else "",
        links_line(paper),
    ) if part)
    if byline:
        blocks.append(byline)
    facts = [" ".join(code("#" + tag) for tag in paper.tags)]
    rating = paper_value(paper, "rating")
    if rating in ("1", "2", "3", "4", "5"):
        facts.append("★" * int(rating) + "☆" * (5 - int(rating)))
    priority = paper_value(paper, "priority")
    if priority and priority != "normal":  # normal is the default: not worth a word
        facts.append(f"{escape(priority)} priority")
    if any(facts):
        blocks.append(" · ".join(f for f in facts if f))
    timeline = timeline_line(paper, context.history.get(paper.id, ()))
    if timeline:
        blocks.append(timeline)
    if context.include_abstracts and paper.abstract.strip():
        paragraphs = re.split(r"\n\s*\n", paper.abstract.strip())
        blocks += ["#### Abstract", *(escape(p) for p in paragraphs)]
    if paper.note.strip():
        blocks += ["#### Notes", verbatim_markdown(paper.note)]
    if paper.annotations:
        blocks.append("#### Highlights")
        blocks.extend(highlight(a) for a in paper.annotations)
    return blocks


def authors_line(authors: Sequence[str]) -> str:
    names = [escape(plain_author(a)) for a in authors if a.strip()]
    if len(names) > MAX_AUTHORS:
        names = [*names[: MAX_AUTHORS - 1], "et al."]
    return ", ".join(names)


def links_line(paper: Paper) -> str:
    links = []
    if paper.arxiv_id:
        links.append(link(f"arXiv:{paper.arxiv_id}", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    if paper.doi:
        links.append(link(f"DOI:{paper.doi}", f"https://doi.org/{paper.doi}"))
    if paper.url and not links:
        links.append(link("link", paper.url))
    return " · ".join(links)


def timeline_line(paper: Paper, history: Sequence[StatusChange]) -> str:
    """The status history in words: "added 2026-11-02 · started 2026-11-03 · finished ..."."""
    parts = []
    added = paper.added or (history[0].at if history else None)
    if added:
        parts.append(f"added {_day(added)}")
    started = False
    for i, change in enumerate(history):
        status = change.status.value
        if i == 0 and status == Status.INBOX:
            continue  # the status every paper starts with: "added" says it
        verb = _VERBS.get(status, status)
        if status == "reading":
            verb = "reading again" if started else "started"
            started = True
        parts.append(f"{verb} {_day(change.at)}")
    return " · ".join(parts)


def highlight(annotation: Annotation) -> str:
    """A highlight as a blockquote, with its colour, comment and whether it still anchors."""
    lines = annotation.quote.strip().splitlines() or [""]
    quote = "\n".join(f"> {escape(line)}".rstrip() for line in lines)
    under = []
    if annotation.comment.strip():
        under.append(f"— *{escape(' '.join(annotation.comment.split()))}*")
    under.append(f"({escape(annotation.colour)})" if annotation.colour else "")
    if not annotation.anchored:
        under.append("(no longer found in the abstract)")
    tail = " ".join(u for u in under if u)
    return f"{quote}\n\n{tail}" if tail else quote


def status_label(status: Status | str) -> str:
    if isinstance(status, Status):
        with contextlib.suppress(KeyError):  # a status added before its label
            return status.label
    return str(status).capitalize()


def escape(text: str) -> str:
    """Plain text -> Markdown that renders as that text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code(text: str) -> str:
    """Inline code, with a fence longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link(label: str, url: str) -> str:
    # Link destinations with spaces, parentheses or angle brackets (DOIs have them) go
    # between < > with the brackets percent-encoded.
    if re.search(r"[\s()<>]", url):
        url = "<" + url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20") + ">"
    return f"[{escape(label)}]({url})"


def verbatim_markdown(note: str) -> str:
    """The user's Markdown note as written, with a code fence it left open closed, so the
    rest of the document does not end up inside it."""
    note = note.strip("\n").rstrip()
    fences = _FENCE.findall(note)
    if len(fences) % 2:
        note += "\n" + fences[-1]
    return note


def _day(when: datetime) -> str:
    return when.strftime("%Y-%m-%d")
