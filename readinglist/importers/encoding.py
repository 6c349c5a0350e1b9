"""Turning an imported file's bytes into text without silent mojibake.

Order of evidence: a byte-order mark; then valid UTF-8 (what nearly every tool writes
today); then an encoding the user passed (``--encoding``) or the file declares (JabRef's
``% Encoding: windows-1252`` header or ``@comment{jabref-meta: encoding:...}``, an Emacs
or Python style ``coding: latin-1`` line); then, only when the bytes read as
Western European text, Windows-1252 with a warning. Anything else is refused with the
line and byte that gave it away.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..domain import EntryProblem, ImportFailed

# Longest BOMs first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Declarations are ASCII whatever the encoding, so they are found in the raw bytes.
_JABREF_HEADER = re.compile(rb"^%\s*Encoding:\s*([\w.:\-]+)", re.IGNORECASE | re.MULTILINE)
_JABREF_META = re.compile(rb"jabref-meta:\s*encoding:\s*([\w.:\-]+)", re.IGNORECASE)
# PEP 263 / Emacs: "-*- coding: latin-1 -*-", "coding=utf-8", "vim: set fileencoding=...".
_CODING_LINE = re.compile(rb"\b(?:file)?(?:en)?coding[:=]\s*([\w.\-]+)", re.IGNORECASE)
_HEADER_LINES = 5  # declarations are only honoured near the top (except jabref-meta)

# Typographic punctuation and symbols found in real Western European text. Windows-1252
# maps almost every byte to *something*, so only text made of letters and these counts
# as evidence that the file really is Windows-1252.
_WESTERN_PUNCTUATION = frozenset(
    "\u00a0’‘“”„‚–—…•«»‹›°§©®™€£¥¢·±×÷µ²³¹¼½¾¡¿†‡‰¶"
)
# Accented letters in Western text sit inside ASCII words ("Müller", "Grüße"); long runs
# of non-ASCII characters are what other multi-byte encodings (Shift-JIS, GBK) look like
# when misread as Windows-1252.
_MAX_NON_ASCII_RUN = 3
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


def decode(
    data: bytes, source: str, declared: str | None = None
) -> tuple[str, list[EntryProblem]]:
    """The text of a file's bytes, and warnings about how it was read.

    `declared` is an encoding the user chose (the CLI's ``--encoding``); it is used when
    the bytes are not UTF-8. Raises ImportFailed, naming the file, line and byte, when
    the text cannot be read with confidence.
    """
    if declared is not None:
        declared_codec = _lookup(declared)
        if declared_codec is None:
            raise ImportFailed(
                f"{source}: unknown encoding {declared!r}; use a name such as utf-8, "
                "windows-1252, latin-1 or utf-16"
            )
    else:
        declared_codec = None

    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], codec, source, f"{codec} (from its byte-order mark)")

    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise ImportFailed(
                f"{source}:{line}: contains a NUL byte (0x00); this looks like a binary "
                "file, not text"
            )
        return _strict(data, utf16, source, f"{utf16} (no byte-order mark)")

    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start

    if declared_codec is not None:
        # The user said so explicitly: failing is more honest than guessing further.
        return _strict(data, _western(declared_codec, data), source, f"{declared} (--encoding)")

    in_file = _declared_in_file(data)
    declaration = " and declares no encoding"
    if in_file is not None:
        file_codec = _lookup(in_file)
        if file_codec is None:
            declaration = f" and declares an unknown encoding ({in_file!r})"
        else:
            try:
                return data.decode(_western(file_codec, data)), []
            except UnicodeDecodeError:
                # A wrong declaration (often "UTF-8" on an older file): keep looking.
                declaration = f" although it declares {in_file!r}"

    line = data[:first_bad].count(b"\n") + 1
    text = _as_western_text(data)
    if text is not None:
        # Show the first word read this way, so the user can judge it at a glance
        # (one byte is one character in Windows-1252).
        sample = _word_at(text, first_bad)
        return text, [
            EntryProblem(
                source,
                line,
                f"read as Windows-1252 (Latin-1); the file is not UTF-8{declaration}. "
                f"First such text, on line {line}: '{sample}'. If accented letters look "
                "wrong, import it again with --encoding.",
            )
        ]
    raise ImportFailed(
        f"{source}:{line}: not UTF-8 text (byte 0x{data[first_bad]:02x}){declaration}, "
        "and not recognisably Western European (Windows-1252) text either; save the file "
        "as UTF-8, or pass its encoding with --encoding."
    )


def _lookup(name: str) -> str | None:
    """Python's codec name for an encoding name as tools write it, or None if unknown.

    Java names (JabRef: ISO8859_1, Cp1252) are Python aliases already; Emacs adds an
    end-of-line suffix (utf-8-unix) and some tools an "x-" prefix (x-mac-roman).
    """
    candidate = name.strip().strip("\"';").lower()
    candidate = re.sub(r"-(unix|dos|mac)$", "", candidate)
    candidate = re.sub(r"^x-", "", candidate)
    for attempt in (candidate, candidate.replace("-", ""), candidate.replace("_", "-")):
        try:
            "a".encode(attempt)  # refuses codecs that are not text encodings (base64)
        except LookupError:
            continue
        return codecs.lookup(attempt).name
    return None


def _western(codec: str, data: bytes) -> str:
    """Windows-1252 in place of a declared Latin-1 when it decodes the bytes.

    Files labelled Latin-1 almost always come from Windows, whose curly quotes and
    dashes (0x80-0x9f) Latin-1 would turn into invisible control characters; browsers
    read the label the same way.
    """
    if codec == "iso8859-1":
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return codec
        return "cp1252"
    return codec


def _declared_in_file(data: bytes) -> str | None:
    head = b"\n".join(data.split(b"\n", _HEADER_LINES)[:_HEADER_LINES])
    for pattern in (_JABREF_HEADER, _CODING_LINE):
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii")
    match = _JABREF_META.search(data)
    return match.group(1).decode("ascii") if match else None


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le/-be when the NUL bytes fall where UTF-16 puts them for mostly-ASCII text."""
    sample = data[:4096]
    if len(sample) < 2:
        return None
    half = len(sample) // 2
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    if odd_nuls > 0.8 * half and even_nuls < 0.1 * half:
        return "utf-16-le"
    if even_nuls > 0.8 * half and odd_nuls < 0.1 * half:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str, source: str, how: str) -> tuple[str, list[EntryProblem]]:
    try:
        return data.decode(codec), []
    except UnicodeDecodeError as exc:
        line = _line_of_byte(data, exc.start, codec)
        if exc.end >= len(data) and exc.reason in ("truncated data", "unexpected end of data"):
            # An odd number of bytes in UTF-16: a cut-off copy or download.
            raise ImportFailed(
                f"{source}:{line}: not valid {how} text: the file ends in the middle of a "
                f"character ({len(data):,} bytes); it may be cut short"
            ) from None
        raise ImportFailed(
            f"{source}:{line}: not valid {how} text (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8, or pass the right encoding with --encoding"
        ) from None


def _line_of_byte(data: bytes, index: int, codec: str) -> int:
    """1-based line of byte `index`, decoding what precedes it (newlines differ in UTF-16)."""
    try:
        return data[:index].decode(codec, errors="replace").count("\n") + 1
    except LookupError:
        return data[:index].count(b"\n") + 1


def _word_at(text: str, index: int) -> str:
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1
    ends = [i for i in (text.find(" ", index), text.find("\n", index)) if i >= 0]
    end = min(ends) if ends else len(text)
    word = text[start:end].strip()
    return word if len(word) <= 40 else word[:39] + "\u2026"


def _as_western_text(data: bytes) -> str | None:
    """The bytes as Windows-1252 if the result reads like Western European text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes Windows-1252 leaves undefined: not that encoding
    if any(ord(c) < 32 and c not in _ALLOWED_CONTROLS for c in text):
        return None
    for run in _NON_ASCII_RUN.finditer(text):
        chars = run.group(0)
        if len(chars) > _MAX_NON_ASCII_RUN:
            return None
        for char in chars:
            if char not in _WESTERN_PUNCTUATION and not unicodedata.category(char).startswith("L"):
                return None
    return text
