"""Exporters: BibTeX, CSL-JSON, CSV and Markdown from hand-built papers.

The papers carry what real libraries carry: accents, LaTeX's special characters in titles,
organisations as authors, several papers whose generated keys collide, an arXiv-only
preprint, Markdown notes over several lines and highlights with comments.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import bibtexparser
import pytest
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from pylatexenc.latex2text import LatexNodes2Text

from readinglist.domain import Annotation, Attachment, Paper, Priority, Status, StatusChange
from readinglist.exporters import FORMATS, ExportContext, bibtex, csljson, csv_table, markdown

ADDED = datetime(2026, 11, 2, 9, 30)

SPECIAL = Paper(
    id=1,
    title="Q&A 100% {braces} $x$_1: Tuning BERT with LoRA à la Müller",
    authors=("Jörg Müller", "Ludwig van Beethoven", "{Google DeepMind}",
             "Martin Luther King Jr.", "Zoë O'Brien-Ñúñez"),
    year=2024,
    venue="Journal of Q&A Research",
    doi="10.1145/3571730.3571731",
    url="https://example.org/paper?id=7&lang=en",
    abstract="We measure ~40% gains on C# and F#_2 code.\n\nA second paragraph, with\\n a "
             "backslash and an e-mail: a@b.org.",
    tags=("nlp", "peft & adapters"),
    status=Status.READ,
    note="# First pass\n\nLooks **solid**; check _Table 2_.\n\n@todo{rerun} at line start\n"
         "- 50% of runs",
    added=ADDED,
    entry_type="article",
    citation_key="mueller2024qa",
    extra={"volume": "12", "number": "3", "pages": "101--117", "month": "June",
           "publisher": "ACM & Sons", "readstatus": "skimmed"},
    attachments=(Attachment("/home/ana/Papers/Müller 2024; final.pdf"),),
    annotations=(
        Annotation(id=1, paper_id=1, start=0, end=25, quote="We measure ~40% gains",
                   colour="green", comment="compare with *our* 35%"),
        Annotation(id=2, paper_id=1, start=0, end=9, quote="an old sentence",
                   anchored=False),
    ),
)
# Three papers whose author-year-word keys all come out as "vaswani2017attention".
ATTENTION = [
    Paper(id=10 + i, title=title, authors=("Ashish Vaswani", "Noam Shazeer"), year=2017)
    for i, title in enumerate(("Attention Is All You Need", "Attention, again",
                               "The attention sequel"))
]
# Claims the key the second collision would otherwise get.
CLAIMS_A = Paper(id=20, title="Anything", authors=("Someone Else",), year=2001,
                 citation_key="vaswani2017attentiona")
# Its own key is taken by SPECIAL, which comes first in the export.
DUPLICATE_KEY = Paper(id=21, title="Different paper", authors=("Jörg Müller",), year=2024,
                      citation_key="mueller2024qa")
ARXIV_ONLY = Paper(
    id=30,
    title="Scaling Laws for Neural Language Models",
    authors=("Jared Kaplan", "Sam McCandlish", "OpenAI"),
    year=2020,
    arxiv_id="2001.08361",
    status=Status.READING,
    extra={"primaryclass": "cs.LG"},
    tags=("scaling",),
)
PROCEEDINGS = Paper(
    id=40,
    title="Deep Residual Learning for Image Recognition",
    authors=("Kaiming He", "Xiangyu Zhang"),
    year=2016,
    venue="CVPR",
    entry_type="inproceedings",
    citation_key="he2016deep",
    extra={"pages": "770--778", "address": "Las Vegas"},
)
RATED = Paper(id=50, title="iPhone Usage in 3D Scenes", authors=("Ana Silva",),
              year=2022, priority=Priority.HIGH, rating=4, status=Status.INBOX,
              note="Line one\r\nline two")

PAPERS = [SPECIAL, *ATTENTION, CLAIMS_A, DUPLICATE_KEY, ARXIV_ONLY, PROCEEDINGS, RATED]
HISTORY = {
    SPECIAL.id: [
        StatusChange(Status.INBOX, datetime(2026, 11, 2, 9, 30)),
        StatusChange(Status.READING, datetime(2026, 11, 3, 20, 0)),
        StatusChange(Status.READ, datetime(2026, 11, 5, 8, 15)),
    ]
}

to_text = LatexNodes2Text().latex_to_text


def parsed(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return {e.key: {f.key: f.value for f in e.fields} | {"@type": e.entry_type}
            for e in library.entries}


def display_names(author_field: str) -> list[str]:
    """BibTeX author field -> "First von Last Jr" display names, LaTeX decoded."""
    return [to_text(parse_single_name_into_parts(n).merge_first_name_first)
            for n in split_multiple_persons_names(author_field)]


# --- BibTeX ------------------------------------------------------------------------------

def test_bibtex_round_trips_keys_titles_authors_and_dois() -> None:
    entries = parsed(bibtex.export(PAPERS))
    assert list(entries) == [
        "mueller2024qa", "vaswani2017attention", "vaswani2017attentionb",
        "vaswani2017attentionc", "vaswani2017attentiona", "muller2024different",
        "kaplan2020scaling",
        "he2016deep", "silva2022iphone",
    ]
    for paper, fields in zip(PAPERS, entries.values(), strict=True):
        assert to_text(fields["title"]) == paper.title
        expected = [a.strip("{}") for a in paper.authors]
        assert display_names(fields["author"]) == expected
        assert fields.get("doi", "") == paper.doi


def test_bibtex_escapes_latex_specials_and_keeps_unicode() -> None:
    fields = parsed(bibtex.export([SPECIAL]))["mueller2024qa"]
    assert fields["title"] == (
        r"{Q\&A} 100\% \{braces\} \$x\$\_1: Tuning {BERT} with {LoRA} à la Müller"
    )
    assert fields["author"] == (
        "Müller, Jörg and van Beethoven, Ludwig and {Google DeepMind} and "
        "King, Jr., Martin Luther and O'Brien-Ñúñez, Zoë"
    )
    assert fields["journal"] == r"Journal of Q\&A Research"
    assert to_text(fields["abstract"]) == SPECIAL.abstract
    assert to_text(fields["annote"]) == SPECIAL.note
    assert fields["publisher"] == r"ACM \& Sons"
    # Identifiers are verbatim: a URL's "&" is not LaTeX.
    assert fields["url"] == SPECIAL.url


def test_bibtex_braces_stay_balanced_for_bibtex() -> None:
    odd = Paper(id=2, title="Left { only and a tilde~ and caret^", abstract="}{ reversed",
                citation_key="odd")
    text = bibtex.export([odd])
    fields = parsed(text)["odd"]
    assert r"\textbraceleft{}" in fields["title"]
    assert r"\textasciicircum{}" in fields["title"]
    # BibTeX counts every brace, escaped or not: each value must balance on its own.
    for value in (fields["title"], fields["abstract"]):
        assert value.count("{") == value.count("}")
    assert fields["abstract"] == r"\textbraceright{}\textbraceleft{} reversed"


def test_bibtex_keys_are_unique_and_stable() -> None:
    first = bibtex.export(PAPERS)
    assert bibtex.export(list(PAPERS)) == first
    keys = list(parsed(first))
    assert len({k.casefold() for k in keys}) == len(keys)
    # A paper keeps its own key whatever else is exported with it.
    assert list(parsed(bibtex.export([PROCEEDINGS]))) == ["he2016deep"]
    assert list(parsed(bibtex.export([ARXIV_ONLY, *PAPERS])))[:2] == [
        "kaplan2020scaling", "mueller2024qa"]


def test_bibtex_readinglist_state_fields() -> None:
    entries = parsed(bibtex.export(PAPERS))
    special = entries["mueller2024qa"]
    assert special["readstatus"] == "read"
    assert special["readinglist-status"] == "read"
    assert special["readinglist-added"] == "2026-11-02T09:30:00"
    assert to_text(special["keywords"]) == "nlp, peft & adapters"
    assert special["file"] == r":/home/ana/Papers/Müller 2024\; final.pdf:PDF"
    assert special["month"] == "jun"  # the macro, unquoted
    assert special["pages"] == "101--117"

    rated = entries["silva2022iphone"]
    assert rated["readinglist-status"] == "inbox"
    assert "readstatus" not in rated
    assert rated["priority"] == "prio1"
    assert rated["readinglist-priority"] == "high"
    assert rated["ranking"] == "rank4"
    assert rated["readinglist-rating"] == "4"
    assert rated["title"] == "{iPhone} Usage in {3D} Scenes"
    # A default priority and no rating write nothing.
    plain = parsed(bibtex.export([Paper(id=1, title="T", citation_key="t")]))["t"]
    assert not {"priority", "ranking", "readinglist-priority", "readinglist-rating"} & set(plain)


def test_bibtex_library_state_wins_over_stale_imported_fields() -> None:
    stale = Paper(id=3, title="Old", status=Status.INBOX, citation_key="old",
                  extra={"readstatus": "read", "readinglist-status": "read",
                         "keywords": "gone", "annote": "old note", "isbn": "978-3-16"})
    fields = parsed(bibtex.export([stale]))["old"]
    assert fields["readinglist-status"] == "inbox"
    assert "readstatus" not in fields
    assert "keywords" not in fields and "annote" not in fields
    assert fields["isbn"] == "978-3-16"


def test_bibtex_entry_types_and_venues() -> None:
    entries = parsed(bibtex.export(PAPERS))
    arxiv = entries["kaplan2020scaling"]
    assert arxiv["@type"] == "misc"
    assert arxiv["eprint"] == "2001.08361"
    assert arxiv["archiveprefix"] == "arXiv"
    assert arxiv["primaryclass"] == "cs.LG"
    assert arxiv["author"].endswith("and {OpenAI}")
    assert entries["he2016deep"]["@type"] == "inproceedings"
    assert entries["he2016deep"]["booktitle"] == "CVPR"
    assert entries["mueller2024qa"]["@type"] == "article"


def test_bibtex_line_start_at_sign_does_not_start_an_entry() -> None:
    entries = parsed(bibtex.export([SPECIAL, PROCEEDINGS]))
    assert len(entries) == 2
    assert "\n{@}todo" in entries["mueller2024qa"]["annote"]


def test_bibtex_odd_input_still_gives_a_readable_file() -> None:
    odd = Paper(id=5, title="", authors=("", "{"), entry_type="Journal Article",
                doi="10.1/a}b\\", extra={"bad key": "dropped", "Note": "kept"})
    entries = parsed(bibtex.export([odd, odd]))
    assert list(entries) == ["paper", "papera"]
    fields = entries["paper"]
    assert fields["@type"] == "misc"
    assert fields["note"] == "kept"
    assert fields["doi"] == "10.1/a%7Db%5C"
    assert "bad key" not in fields and "title" not in fields


# --- CSL-JSON ----------------------------------------------------------------------------

def test_csljson_items() -> None:
    items = json.loads(csljson.export(PAPERS))
    assert isinstance(items, list) and len(items) == len(PAPERS)
    csl_types = {"article", "article-journal", "paper-conference", "book", "chapter", "thesis",
                 "report", "webpage", "manuscript", "document", "patent", "dataset", "software"}
    for item, paper in zip(items, PAPERS, strict=True):
        assert {"id", "type", "title"} <= set(item)
        assert item["type"] in csl_types
        assert item["title"] == paper.title
    # The same keys as the BibTeX export, so either file can be cited.
    assert [i["id"] for i in items] == list(parsed(bibtex.export(PAPERS)))

    by_id = {i["id"]: i for i in items}
    special = by_id["mueller2024qa"]
    assert special["type"] == "article-journal"
    assert special["author"][:4] == [
        {"family": "Müller", "given": "Jörg"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"literal": "Google DeepMind"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
    ]
    assert special["issued"] == {"date-parts": [[2024, 6]]}
    assert special["container-title"] == "Journal of Q&A Research"
    assert special["page"] == "101-117"
    assert special["issue"] == "3"
    assert special["volume"] == "12"
    assert special["DOI"] == SPECIAL.doi
    assert special["keyword"] == "nlp, peft & adapters"
    assert special["note"] == SPECIAL.note.strip()

    arxiv = by_id["kaplan2020scaling"]
    assert arxiv["type"] == "article"
    assert arxiv["note"].splitlines()[-1] == "arXiv: 2001.08361"
    assert arxiv["author"][-1] == {"literal": "OpenAI"}
    conference = by_id["he2016deep"]
    assert conference["type"] == "paper-conference"
    assert conference["container-title"] == "CVPR"
    assert conference["publisher-place"] == "Las Vegas"
    assert "issued" not in csljson.item(Paper(id=9, title="Undated"), "k")


def test_csljson_keeps_unicode_readable() -> None:
    text = csljson.export([SPECIAL])
    assert "Müller" in text and "\\u00fc" not in text


# --- CSV ---------------------------------------------------------------------------------

def test_csv_rereads_to_the_same_columns_and_values() -> None:
    text = csv_table.export(PAPERS)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows and list(rows[0]) == list(csv_table.COLUMNS)
    assert len(rows) == len(PAPERS)
    special = rows[0]
    assert special == {
        "id": "1",
        "title": SPECIAL.title,
        "authors": "; ".join(SPECIAL.authors),
        "year": "2024",
        "venue": SPECIAL.venue,
        "doi": SPECIAL.doi,
        "arxiv_id": "",
        "url": SPECIAL.url,
        "abstract": SPECIAL.abstract,
        "tags": "nlp; peft & adapters",
        "status": "read",
        "priority": "normal",
        "rating": "",
        "note": SPECIAL.note,  # several lines, one cell
        "added": "2026-11-02T09:30:00",
    }
    rated = rows[-1]
    assert (rated["priority"], rated["rating"]) == ("high", "4")
    assert rated["note"] == "Line one\nline two"  # CRLF inside a cell becomes LF
    assert rows[1]["year"] == "2017" and rows[4]["status"] == "inbox"


# --- Markdown ----------------------------------------------------------------------------

def md(papers: list[Paper], **context: object) -> str:
    defaults: dict[str, object] = {"history": HISTORY, "generated": datetime(2026, 11, 6)}
    return markdown.export(papers, ExportContext(**(defaults | context)))  # type: ignore[arg-type]


def test_markdown_outline_and_grouping() -> None:
    text = md(PAPERS)
    assert text.startswith("# Reading list\n\nExported 2026-11-06 · 9 papers\n")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == ["Inbox (7)", "Reading (1)", "Read (1)"]  # Status order, present ones
    # Each paper under its status.
    assert text.index("## Reading (1)") < text.index("### Scaling Laws") < text.index("## Read (1)")
    empty = md([], title="Summer papers")
    assert empty == "# Summer papers\n\nExported 2026-11-06 · 0 papers\n"


def test_markdown_paper_details() -> None:
    text = md(PAPERS)
    assert (r"### Q\&A 100% {braces} \$x\$\_1: Tuning BERT with LoRA à la Müller"
            in text.splitlines())
    assert ("Jörg Müller, Ludwig van Beethoven, Google DeepMind, Martin Luther King Jr., "
            "Zoë O'Brien-Ñúñez · Journal of Q\\&A Research · 2024 · "
            "[DOI:10.1145/3571730.3571731](https://doi.org/10.1145/3571730.3571731)") in text
    assert "[arXiv:2001.08361](https://arxiv.org/abs/2001.08361)" in text
    assert "`#nlp` `#peft & adapters`" in text
    assert "added 2026-11-02 · started 2026-11-03 · finished 2026-11-05" in text
    assert "`#scaling`" in text
    assert "★★★★☆ · high priority" in text


def test_markdown_notes_and_highlights() -> None:
    text = md([SPECIAL])
    notes = text.index("#### Notes")
    highlights = text.index("#### Highlights")
    assert notes < highlights
    assert SPECIAL.note.strip() in text[notes:highlights]  # verbatim: it is Markdown already
    assert "> We measure \\~40% gains\n\n— *compare with \\*our\\* 35%* (green)" in text
    assert "> an old sentence\n\n(yellow) (no longer found in the abstract)" in text


def test_markdown_abstracts_only_when_asked() -> None:
    assert "#### Abstract" not in md([SPECIAL])
    text = md([SPECIAL], include_abstracts=True)
    assert "#### Abstract\n\nWe measure \\~40% gains on C\\# and F\\#\\_2 code.\n\nA second" in text


def test_markdown_closes_a_code_fence_the_note_left_open() -> None:
    paper = Paper(id=1, title="Fenced", note="```python\nprint(1)", citation_key="f",
                  annotations=(Annotation(1, 1, 0, 1, "quote"),))
    text = md([paper])
    assert text.count("```") == 2
    assert text.index("```", text.index("```") + 1) < text.index("#### Highlights")


# --- Registry ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["bibtex", "csljson", "csv", "markdown"])
def test_formats_registry(name: str) -> None:
    fmt = FORMATS[name]
    assert fmt.extension.startswith(".") and fmt.description
    text = fmt.export(PAPERS, ExportContext())
    assert isinstance(text, str) and "Attention" in text
    assert fmt.export(iter(PAPERS), None) == text  # any iterable, context optional
