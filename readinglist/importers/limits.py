"""Bounds on what an import reads, so that no file (hostile or broken) can make the app
run for ever or use all the memory, and what the user reads when one is exceeded.

Every importer uses these names: the file's size and kind (:func:`read_file`), the size
of one entry and of one field, JSON nesting, BibTeX ``@string`` expansion and the
number of identifiers looked up in one import. A limit that is exceeded is refused with
a message naming the file, the line and the limit: the whole file through
:class:`LimitExceeded`, one entry through its :meth:`LimitExceeded.problem`.

The figures are far above anything real (a BibTeX entry with a long abstract is 10 KB,
a book's full text 3 MB) and low enough that the work and memory stay bounded. Measured
on a 200 MB BibTeX file of 108,120 entries (benchmarks/bench_import_bibtex.py's text):
reading it peaks at 873 MB (the decoded text, 2 bytes a character once one character is
past Latin-1, and the records), the whole ``readinglist import`` at 1.5 GB (the index
build's workers). Going lower would take a reader that streams the file to the
database in batches instead of parsing it whole first.
"""

from __future__ import annotations

import dataclasses
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..domain import EntryProblem, ImportFailed, PaperRecord
from .base import ParseResult

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB  # one imported file, a PDF as well as a text file
MAX_ENTRY_CHARS = 8 * MB  # one BibTeX entry, RIS or WoS record, CSV row, JSON item
MAX_FIELD_CHARS = 4 * MB  # one field's value (a book's full text is about 3 MB)
MAX_LINE_CHARS = MAX_FIELD_CHARS  # one line of a line-based format (RIS, WoS, CSV)
MAX_NESTING = 100  # JSON arrays and objects inside each other (CSL items are 5 deep)
MAX_MACRO_CHARS = MAX_FIELD_CHARS  # one BibTeX @string value, once expanded
# Text made by BibTeX macro expansion in one file, on top of the file's own text: a
# 1 KB file of @strings that double each other would otherwise make gigabytes.
MAX_EXPANSION_CHARS = 64 * MB
MAX_IDENTIFIERS = 500  # identifiers looked up online in one import without a "yes"


class LimitExceeded(ImportFailed):
    """A file (or, through :meth:`problem`, one entry) over one of the limits above.

    `what` says what is too big and how big ("entry 'k' is 50.0 MB long"), `limit` the
    bound ("8 MB"). An ImportFailed, so a file refused whole is reported like any file
    that cannot be read, and the other files of the import go on.
    """

    def __init__(self, source: str, line: int | None, what: str, limit: str) -> None:
        self.source = source
        self.line = line
        self.what = what
        self.limit = limit
        self.reason = f"{what}; the limit is {limit}"
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {self.reason}")

    def problem(self, action: str = "skipped") -> EntryProblem:
        """The same as an entry's problem (the entry is `action`, the rest imported)."""
        return EntryProblem(self.source, self.line, f"{self.reason} ({action})")


class FileRefused(ImportFailed):
    """A path that is not read at all (missing, a folder, a device or a FIFO); `reason`
    says why without the path (for messages that name the file already)."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class TooManyIdentifiers(LimitExceeded):
    """More identifiers to look up online than one import does without a confirmation
    (thousands of requests to arXiv and Crossref, and a long wait)."""


def check_identifiers(source: str, count: int, confirmed: bool = False) -> None:
    """TooManyIdentifiers when `count` lookups are over MAX_IDENTIFIERS, unless
    `confirmed` (the CLI's ``--yes``, a dialog's answer)."""
    if count > MAX_IDENTIFIERS and not confirmed:
        raise TooManyIdentifiers(
            source, None, f"{count:,} identifiers to look up online",
            f"{MAX_IDENTIFIERS:,} without a confirmation: confirm (--yes) to look them all "
            "up, or import them without a lookup (--no-fetch)")


def size_text(count: int, unit: str = "characters") -> str:
    """A size for messages: "50.0 MB", "4,096 characters"."""
    if count >= MB:
        return f"{count / MB:.1f} MB".replace(".0 MB", " MB")
    return f"{count:,} {unit}"


def size_over(count: int, limit: int) -> str:
    """The size of something over `limit`, for messages: "50 MB"; "over 4 MB" where the
    two would read the same (a value a reader stopped gathering just past the limit)."""
    size = size_text(count)
    return f"over {size}" if size == size_text(limit) else size


def excerpt(text: str, limit: int = 60, count: bool = True) -> str:
    """The start of a value quoted in a message (a 5,000-digit year is not shown whole),
    with its length when `count`."""
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}\u2026" + (f" ({len(text):,} characters)" if count else "")


def read_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file no bigger than `limit` (MAX_FILE_BYTES).

    Devices, FIFOs and sockets are refused before they are opened (``/dev/zero`` never
    ends, a FIFO may block for ever), and the file is read at most one byte past the
    limit, so a file that grows while it is read cannot take all the memory.
    FileRefused or LimitExceeded name the file and why (their `reason` without it).
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    source = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileRefused(source, "no such file") from None
    except OSError as exc:
        raise FileRefused(source, f"cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused(source, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(source, f"not a regular file but {_kind(info.st_mode)}; only "
                                  "regular files are imported")
    if info.st_size > limit:
        raise LimitExceeded(source, None, f"the file is {size_text(info.st_size, 'bytes')}",
                            size_text(limit, "bytes"))
    try:
        with path.open("rb") as handle:
            # The size seen, and a byte more to see a file that grew: read(limit + 1)
            # reserved the whole limit (200 MB) for every file, however small.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew: read on, a MB at a time, to the limit
                parts, size = [data], len(data)
                while size <= limit and (part := handle.read(min(MB, limit + 1 - size))):
                    parts.append(part)
                    size += len(part)
                data = b"".join(parts)
    except OSError as exc:
        raise FileRefused(source, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise LimitExceeded(source, None, "the file grew past the limit while it was read",
                            size_text(limit, "bytes"))
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def check_field(source: str, line: int | None, name: str, value: str,
                limit: int | None = None) -> None:
    """LimitExceeded if field `name` is longer than `limit` (MAX_FIELD_CHARS) characters:
    for a reader to stop gathering a value (RIS continuation lines) as soon as it is."""
    limit = MAX_FIELD_CHARS if limit is None else limit
    if len(value) > limit:
        raise LimitExceeded(source, line, f"field '{name}' is {size_over(len(value), limit)} long",
                            size_text(limit))


def check_entry(source: str, line: int | None, what: str, size: int,
                limit: int | None = None) -> None:
    """LimitExceeded if the entry `what` ("entry 'k'", "record 3") is over `limit`
    (MAX_ENTRY_CHARS) characters."""
    limit = MAX_ENTRY_CHARS if limit is None else limit
    if size > limit:
        raise LimitExceeded(source, line, f"{what} is {size_over(size, limit)} long",
                            size_text(limit))


# --- records ----------------------------------------------------------------------------


def _texts(record: PaperRecord) -> Iterator[tuple[str, str]]:
    """(field name, text) of every text a record holds (lists and extra by their parts)."""
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            yield field.name, value
        elif isinstance(value, list):
            yield field.name, " ".join(str(v) for v in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield str(key), str(item)


def oversized(record: PaperRecord, source: str) -> LimitExceeded | None:
    """The limit a record is over (a field, or all of them together), or None."""
    name = f"entry '{excerpt(record.key, 40, False)}'" if record.key else (
        f"'{excerpt(record.title, 40, False)}'" if record.title else "an entry")
    total = 0
    for field, text in _texts(record):
        if len(text) > MAX_FIELD_CHARS:
            field = excerpt(field, 40, False)
            size = size_over(len(text), MAX_FIELD_CHARS)
            return LimitExceeded(source, record.line, f"{name}: field '{field}' is {size} long",
                                 size_text(MAX_FIELD_CHARS))
        total += len(text)
    if total > MAX_ENTRY_CHARS:
        size = size_over(total, MAX_ENTRY_CHARS)
        return LimitExceeded(source, record.line, f"{name} is {size} long",
                             size_text(MAX_ENTRY_CHARS))
    return None


def _snapshot_size(snapshot: Any) -> tuple[int, int]:
    """(longest text, all text) of a JSON value, walked without recursion."""
    longest = total = 0
    stack = [snapshot]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            longest, total = max(longest, len(value)), total + len(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
            stack.extend(value.keys())
        elif isinstance(value, list):
            stack.extend(value)
    return longest, total


def drop_oversized(result: ParseResult, source: str) -> None:
    """Move the records (and Readinglist snapshots) over the field or entry limit from
    `result` to its problems, each named with its line and the limit; the rest stay.
    Every importer's result goes through this, so no format can bring in a 50 MB title."""
    kept: list[PaperRecord] = []
    for record in result.records:
        error = oversized(record, source)
        if error is None:
            kept.append(record)
        else:
            result.problems.append(error.problem())
    result.records = kept
    snapshots = []
    for name, position, snapshot in result.snapshots:
        longest, total = _snapshot_size(snapshot)
        what = f"paper {position}"
        if longest > MAX_FIELD_CHARS:
            error = LimitExceeded(name, None, f"{what} has a text {size_text(longest)} long",
                                  size_text(MAX_FIELD_CHARS))
        elif total > MAX_ENTRY_CHARS:
            error = LimitExceeded(name, None, f"{what} is {size_text(total)} long",
                                  size_text(MAX_ENTRY_CHARS))
        else:
            snapshots.append((name, position, snapshot))
            continue
        result.problems.append(error.problem())
    result.snapshots = snapshots


# --- JSON ---------------------------------------------------------------------------------

# A JSON string (skipped whole) or a bracket; only brackets change the depth.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')
_LONG_NUMBER = re.compile(r"-?\d{4000,}")


def check_json_depth(text: str, source: str, limit: int = MAX_NESTING) -> None:
    """LimitExceeded, with the line, if arrays and objects nest deeper than `limit`.

    Python's json module recurses once a level: 10,000 levels end in RecursionError.
    A scan of brackets outside strings finds the depth without recursing.
    """
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        char = match.group(0)
        if char in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                raise LimitExceeded(source, line, f"JSON nested more than {limit} levels deep",
                                    f"{limit} levels")
        elif char in "]}":
            depth = max(depth - 1, 0)


def json_int(text: str) -> int | str:
    """A JSON integer, or its digits as text when it is too long to be a number of ours
    (Python refuses int() of more than 4,300 digits; a 5,000-digit year is kept as text
    and refused as a year by the field's own check)."""
    return int(text) if len(text) <= 100 else text


def load_json(text: str, source: str) -> Any:
    """JSON text as Python data: nesting bounded, long numbers kept as text, and
    ImportFailed naming the line and column of a syntax error."""
    check_json_depth(text, source)
    try:
        return json.loads(text, parse_int=json_int)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"{source}:{exc.lineno}: not valid JSON ({exc.msg}, line {exc.lineno} "
            f"column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:  # a float's text Python cannot read
        match = _LONG_NUMBER.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        where = f"{source}:{line}" if line else source
        raise ImportFailed(f"{where}: cannot read this JSON ({exc})") from None
