"""Field values several importers read the same way: people's names, arXiv ids in running
text, years in dates, page ranges, HTML notes, and URL or file fields (web links, files to
attach). Shared by the RIS, CSL-JSON, CSV and Web of Science importers."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from ..domain import EntryProblem, PaperRecord
from ..system.attachment_paths import not_regular
from ..text.normalize import normalize_arxiv_id
from .base import ParseResult

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_ARXIV_IN_TEXT = re.compile(
    r"arxiv(?:\.org/(?:abs|pdf)/|\s*:\s*|\.)\s*"
    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)")


def display_name(name: str) -> str:
    """ "Last, First" -> "First Last"; "King, Martin Luther, Jr." and BibTeX's
    "King, Jr., Martin Luther" -> "Martin Luther King Jr."; a name without a comma, or
    an organisation in braces ("{Google DeepMind}"), is kept as written."""
    name = " ".join(name.split()).strip(" ,;")
    if not name or (name.startswith("{") and name.endswith("}")) or "," not in name:
        return name
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and parts[1].lower() in _SUFFIXES:
        return f"{parts[0]} {parts[1]}"  # "Martin Luther King, Jr."
    if len(parts) == 2:
        last, first, suffix = parts[0], parts[1], ""
    elif parts[1].lower() in _SUFFIXES:
        last, suffix, first = parts[0], parts[1], " ".join(parts[2:])
    else:
        last, first, suffix = parts[0], parts[1], " ".join(parts[2:])
    return " ".join(p for p in (first, last, suffix) if p)


def find_arxiv_id(text: str) -> str:
    """The arXiv id named in a URL, a 10.48550 DOI or "arXiv:2401.12345" text, or ""."""
    match = _ARXIV_IN_TEXT.search(text or "")
    return normalize_arxiv_id(match.group(1)) if match else ""


def year_of(text: str) -> int | None:
    """The first plausible four-digit year in a date string, or None."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def pages_range(start: str, end: str = "") -> str:
    """BibTeX page range: ("12", "19") or "12-19" or "12–19" -> "12--19"."""
    start, end = start.strip(), end.strip()
    if start and end and start != end:
        return f"{start}--{end}"
    pages = start or end
    return re.sub(r"(?<=\w)\s*(?:-+|–|—)\s*(?=\w)", "--", pages)


def classify_location(value: str, base_dir: Path | None = None) -> tuple[str, str]:
    """What a URL/file field holds: ("web", url), ("file", absolute path), ("unresolved",
    value) for a file reference we cannot locate (a relative path without `base_dir`,
    EndNote's internal-pdf://), or ("other", value)."""
    value = value.strip()
    lower = value.lower()
    if lower.startswith(("http://", "https://")):
        return "web", value
    if lower.startswith("file:"):
        parsed = urlparse(value)
        path = url2pathname(parsed.path) if parsed.path else ""
        if parsed.netloc and parsed.netloc != "localhost":
            path = f"//{parsed.netloc}{path}"
        return ("file", path) if path else ("unresolved", value)
    if lower.startswith("internal-pdf:") or "\x00" in value:
        return "unresolved", value  # a NUL byte: no file on any system has that name
    if value.startswith("~"):
        try:
            value = str(Path(value).expanduser())
        except RuntimeError:  # ~someone who has no account here (found by fuzzing)
            return "unresolved", value
    if value.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", value):
        return "file", value
    if re.search(r"\.(pdf|epub|djvu|html?|docx?)$", lower) and "://" not in value:
        if base_dir is not None:
            return "file", str(base_dir / value)
        return "unresolved", value  # a relative path: relative to what, we cannot know
    return "other", value


def plain_note(note: str, paragraphs: bool = False) -> str:
    """Zotero exports notes as HTML ("<p>Comment: 12 pages</p>"): keep the text. With
    `paragraphs`, paragraphs stay apart by a blank line and lines keep their indentation,
    so a Markdown note written by our RIS export comes back as it was."""
    if not re.search(r"</?[a-zA-Z][^>]*>", note):
        return note
    ends = (r"</p>\s*|</div>\s*", "\n\n") if paragraphs else (r"</p>|</div>", "\n")
    text = re.sub(r"(?i)<br\s*/?>|</li>", "\n", re.sub(*ends, note, flags=re.IGNORECASE))
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    if not paragraphs:
        return "\n".join(ln.strip() for ln in text.splitlines() if ln.strip())
    text = "\n".join(ln.rstrip() for ln in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def expanded(written: str) -> Path:
    """`written` as a path, ``~`` expanded where it can be (``~someone`` with no account
    here, or a NUL byte, stays as written: found by fuzzing, both raised)."""
    try:
        return Path(written).expanduser()
    except (RuntimeError, ValueError):
        return Path(written)


def attach_file(record: PaperRecord, where: str, result: ParseResult, source: str,
                line: int | None) -> None:
    """Attach a local file named by an entry, or warn that it is not there."""
    # not_regular, not Path.is_file: a name too long or holding a NUL byte raised there
    if not_regular(Path(where)) is None:
        record.files.append(where)
    else:
        result.warnings.append(EntryProblem(
            source, line, f"attached file not found, not attached: {where}"))
