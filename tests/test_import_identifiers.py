"""The `ids` importer: one arXiv id, arXiv URL or DOI per line, parsed offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from lookup_server import FIXTURES

from readinglist import lookup
from readinglist.importers import detect_format, identifiers

FOLDER = FIXTURES / "identifiers"
QUEUE = FOLDER / "reading-queue.ids"


def _parse(path: Path):
    return identifiers.parse(path.read_text(encoding="utf-8"), path.name)


def test_module_contract() -> None:
    assert identifiers.FORMAT == "ids"
    assert identifiers.EXTENSIONS == (".ids",)


def test_good_lines_become_placeholder_records() -> None:
    result = _parse(QUEUE)
    assert [(r.line, r.title) for r in result.records] == [
        (4, "arXiv:1706.03762"),
        (5, "arXiv:2203.05482"),  # the trailing " # comment" is not part of it
        (6, "arXiv:hep-th/9711200"),
        (7, "doi:10.1038/nature14539"),
        (8, "doi:10.1145/3292500.3330701"),
        (10, "arXiv:2401.04088"),
        (13, "arXiv:2310.06825"),
        (15, "doi:10.1007/978-3-319-24574-4_28"),  # the full stop after it dropped
        (16, "arXiv:2106.09685"),  # tab, spaces and .pdf around it
        (17, "arXiv:2312.00752"),  # '#S3' right after a URL is its fragment
    ]


def test_records_are_minimal_and_normalised() -> None:
    records = {r.line: r for r in _parse(QUEUE).records}
    arxiv, doi = records[5], records[7]
    assert (arxiv.arxiv_id, arxiv.doi) == ("2203.05482", "")
    assert arxiv.url == "https://arxiv.org/abs/2203.05482"
    assert (doi.doi, doi.arxiv_id) == ("10.1038/nature14539", "")
    assert doi.url == "https://doi.org/10.1038/nature14539"
    for record in records.values():
        assert record.source == lookup.MINIMAL_SOURCE
        assert record.key == record.title  # messages can name the entry
        assert record.authors == [] and record.abstract == ""


def test_bad_lines_are_reported_with_their_numbers() -> None:
    result = _parse(QUEUE)
    assert [(p.source, p.line, p.reason) for p in result.problems] == [
        ("reading-queue.ids", 11,
         "not an arXiv id or DOI: 'Mixtral paper, the one Anna mentioned'"),
        ("reading-queue.ids", 14, "not an arXiv id or DOI: '2401.1234'"),
        ("reading-queue.ids", 19,
         "not an arXiv id or DOI: 'see https://arxiv.org/abs/2305.18290 for DPO'"),
    ]
    assert str(result.problems[1]) == "reading-queue.ids:14: not an arXiv id or DOI: '2401.1234'"


def test_duplicates_are_listed_once_with_a_warning() -> None:
    result = _parse(QUEUE)
    # The arXiv DOI names the same paper as line 4; line 18 repeats line 7's DOI.
    assert [(w.line, w.reason) for w in result.warnings] == [
        (12, "arXiv:1706.03762 is already on line 4; listed once"),
        (18, "doi:10.1038/nature14539 is already on line 7; listed once"),
    ]
    titles = [r.title for r in result.records]
    assert len(titles) == len(set(titles))


def test_parse_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse must not fetch")

    monkeypatch.setattr(lookup, "_get", no_network)
    assert len(_parse(QUEUE).records) == 10


def test_crlf_text_and_comments_only() -> None:
    result = _parse(FOLDER / "shortlist.txt")
    assert [(r.line, r.title) for r in result.records] == [
        (2, "arXiv:2307.09288"),
        (3, "arXiv:2302.13971"),
        (4, "doi:10.18653/v1/n19-1423"),
        (6, "arXiv:2005.14165"),
    ]
    assert [p.line for p in result.problems] == [1]  # the heading line
    empty = identifiers.parse("# nothing yet\n\n   \n# still nothing\n", "empty.ids")
    assert (empty.records, empty.problems, empty.warnings) == ([], [], [])


def test_long_bad_line_is_shortened_in_the_message() -> None:
    result = identifiers.parse("x" * 300 + "\n", "long.ids")
    reason = result.problems[0].reason
    assert len(reason) < 120
    assert reason.endswith("\u2026'")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.12345\n", True),
        ("# my queue\nhttps://arxiv.org/abs/2401.12345\n\ndoi:10.1038/nature14539\n", True),
        ("Shortlist\n2401.12345\n10.1038/nature14539\n", True),  # 2 of 3 lines
        ("Shortlist\nfor Friday\n2401.12345\n", False),  # 1 of 3 lines
        ("2401.12345\nnot an id\n", False),  # half is not most
        ("", False),
        ("# only\n# comments\n", False),
        ("@article{lecun2015,\n  doi = {10.1038/nature14539},\n}\n", False),  # BibTeX
        ("TY  - JOUR\nDO  - 10.1038/nature14539\nER  - \n", False),  # RIS
        ('[{"DOI": "10.1038/nature14539"}]', False),  # CSL-JSON
    ],
)
def test_looks_like(text: str, expected: bool) -> None:
    assert identifiers.looks_like(text) is expected


def test_looks_like_fixture_files(seed_path: Path) -> None:
    assert identifiers.looks_like(QUEUE.read_text(encoding="utf-8"))
    assert identifiers.looks_like((FOLDER / "shortlist.txt").read_text(encoding="utf-8"))
    # Notes that mention an id in passing, and the Daily Papers page, are not lists.
    assert not identifiers.looks_like((FOLDER / "meeting-notes.txt").read_text(encoding="utf-8"))
    assert not identifiers.looks_like(seed_path.read_text(encoding="utf-8"))


def test_detected_by_extension_and_by_content() -> None:
    text = QUEUE.read_text(encoding="utf-8")
    assert detect_format(QUEUE, text) == "ids"
    shortlist = FOLDER / "shortlist.txt"
    assert detect_format(shortlist, shortlist.read_text(encoding="utf-8")) == "ids"
