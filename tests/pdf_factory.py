"""Write small but real PDF files for tests, with no dependency beyond pypdf.

`pdf_bytes` writes a PDF by hand (objects, cross-reference table, trailer): Helvetica
text lines at chosen font sizes on one or more pages, an optional Info dictionary and an
optional XMP metadata stream. The other helpers derive awkward files from it: encrypted
(with and without a real user password), truncated, and not a PDF at all.

Text is encoded as WinAnsi (Latin-1 in practice): characters outside Latin-1 are not
supported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter

PAGE_WIDTH = 612  # US Letter, in points
PAGE_HEIGHT = 792
_MARGIN = 72


@dataclass(frozen=True)
class Text:
    """One line of text. `rotated` draws it upwards along the left margin, the way arXiv
    stamps its id on page 1; `bold` uses Helvetica-Bold."""

    text: str
    size: float = 10.0
    bold: bool = False
    rotated: bool = False


# A line is plain text (10 pt), (text, size), or a Text.
Line = str | tuple[str, float] | Text


def _as_text(line: Line) -> Text:
    if isinstance(line, Text):
        return line
    if isinstance(line, tuple):
        return Text(line[0], float(line[1]))
    return Text(line)


def _pdf_string(text: str) -> bytes:
    """A literal string in WinAnsi bytes, with delimiters and non-ASCII bytes escaped."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode()
    return bytes(out + b")")


def _info_string(text: str) -> bytes:
    """An Info dictionary string: PDFDocEncoding when Latin-1 will do, else UTF-16BE."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"
    return _pdf_string(text)


def _content(lines: Sequence[Line], scaled: bool) -> bytes:
    """The content stream of one page: one BT..ET block per line, top to bottom."""
    if not lines:
        # A page with no text, like a scan: a grey rectangle standing in for the image.
        return b"0.5 g 72 72 468 648 re f\n"
    parts: list[bytes] = []
    y = PAGE_HEIGHT - _MARGIN
    for raw in lines:
        line = _as_text(raw)
        font = b"/F2" if line.bold else b"/F1"
        string = _pdf_string(line.text)
        if line.rotated:
            # Rotated 90 degrees counter-clockwise, near the left edge, like arXiv's stamp.
            s = line.size
            parts.append(
                b"BT %s 1 Tf 0 %.2f %.2f 0 32 200 Tm %s Tj ET\n" % (font, s, -s, string)
            )
            continue
        y -= line.size * 1.4
        if scaled:
            # Unit font size scaled by the text matrix, as many generators write it.
            parts.append(
                b"BT %s 1 Tf %.2f 0 0 %.2f %d %.2f Tm %s Tj ET\n"
                % (font, line.size, line.size, _MARGIN, y, string)
            )
        else:
            parts.append(
                b"BT %s %.2f Tf %d %.2f Td %s Tj ET\n" % (font, line.size, _MARGIN, y, string)
            )
    return b"".join(parts)


def pdf_bytes(
    pages: Sequence[Sequence[Line]],
    info: Mapping[str, str] | None = None,
    xmp: str | None = None,
    scaled: bool = False,
) -> bytes:
    """A PDF with one page per item of `pages`, each a list of lines drawn top-down.

    `info` fills the Info dictionary ({"Title": ..., "Author": ..., "CreationDate":
    "D:20230514120000Z"}); `xmp` is an XMP packet stored as the catalog's /Metadata;
    `scaled` draws text at 1 pt scaled up by the text matrix instead of with Tf's size.
    An empty page (no lines) gets a filled rectangle and no text, like a scanned page.
    """
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree and metadata exist
    page_tree = add(b"")
    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                  b"/Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
               b"/Encoding /WinAnsiEncoding >>")
    kids: list[int] = []
    for lines in pages:
        stream = _content(lines, scaled)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
            % (page_tree, PAGE_WIDTH, PAGE_HEIGHT, regular, bold, content)
        ))
    objects[page_tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids)
    )
    metadata = b""
    if xmp is not None:
        packet = xmp.encode("utf-8")
        number = add(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream"
                     % (len(packet), packet))
        metadata = b" /Metadata %d 0 R" % number
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (page_tree, metadata)
    info_ref = b""
    if info:
        entries = b" ".join(
            b"/%s %s" % (key.encode("ascii"), _info_string(value)) for key, value in info.items()
        )
        info_ref = b" /Info %d 0 R" % add(b"<< " + entries + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, info_ref, xref
    )
    return bytes(out)


def write_pdf(path: Path, pages: Sequence[Sequence[Line]], **options: object) -> Path:
    """Write `pdf_bytes(pages, **options)` to `path`, creating folders; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf_bytes(pages, **options))  # type: ignore[arg-type]
    return path


def _encrypted(pages: Sequence[Sequence[Line]], user_password: str,
               info: Mapping[str, str] | None) -> bytes:
    writer = PdfWriter(clone_from=BytesIO(pdf_bytes(pages, info=info)))
    # RC4-128 needs no extra package (AES would need `cryptography` to read back).
    writer.encrypt(user_password=user_password, owner_password="owner-secret",
                   algorithm="RC4-128")
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write_encrypted_pdf(path: Path, pages: Sequence[Sequence[Line]],
                        user_password: str = "secret",
                        info: Mapping[str, str] | None = None) -> Path:
    """A PDF that cannot be opened without `user_password`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encrypted(pages, user_password, info))
    return path


def write_empty_password_pdf(path: Path, pages: Sequence[Sequence[Line]],
                             info: Mapping[str, str] | None = None) -> Path:
    """An encrypted PDF whose user password is empty: any reader opens it (only the
    owner's permissions are restricted), so it should import like any other PDF."""
    return write_encrypted_pdf(path, pages, user_password="", info=info)


def write_truncated_pdf(path: Path, pages: Sequence[Sequence[Line]],
                        keep: float = 0.1) -> Path:
    """The first `keep` fraction of a PDF, as a download cut short leaves it."""
    data = pdf_bytes(pages)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: max(16, int(len(data) * keep))])
    return path


def write_non_pdf(path: Path) -> Path:
    """An HTML page saved under a .pdf name (what a paywall or login page gives)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n"
        "<body><p>Please sign in to download this article.</p></body></html>\n",
        encoding="utf-8",
    )
    return path


def extract_all_text(path: Path) -> str:
    """Every page's text as pypdf extracts it (for checking the factory itself)."""
    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join(page.extract_text() for page in reader.pages)
