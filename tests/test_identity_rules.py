"""The identity rules of imports (readinglist/identity.py), one row per rule."""

from __future__ import annotations

from typing import Any

import pytest

from readinglist.matching.identity import Verdict, facts, judge, recurring_title

BASE: dict[str, Any] = {
    "title": "Editorial comments", "authors": ["Barbara Beeton"], "year": 1985,
    "venue": "TUGboat", "extra": {"volume": "6", "number": "1", "pages": "1--2"},
    "entry_type": "article", "doi": "", "arxiv_id": "", "citation_key": "Beeton:TB6-1-1",
}


def pair(old: dict[str, Any], new: dict[str, Any]) -> tuple[Any, Any]:
    return facts(**{**BASE, **new}), facts(**{**BASE, **old})


CASES = [
    # (name, old paper's changes, new record's changes, same file other key, verdict)
    ("same DOI", {"doi": "10.1/a"}, {"doi": "10.1/a", "title": "Other", "year": 2000},
     False, Verdict.MATCH),
    ("same arXiv id", {"arxiv_id": "2401.00001"}, {"arxiv_id": "2401.00001", "year": 2024},
     False, Verdict.MATCH),
    ("same arXiv id, arXiv's DOI and a journal's", {"arxiv_id": "2401.00001",
     "doi": "10.48550/arxiv.2401.00001"}, {"arxiv_id": "2401.00001", "doi": "10.1/j"},
     False, Verdict.MATCH),
    ("same DOI across keys of one file", {"doi": "10.1/a"},
     {"doi": "10.1/a", "citation_key": "other"}, True, Verdict.MATCH),
    ("same key and title", {}, {"year": 1986, "extra": {}}, False, Verdict.MATCH),
    ("same key, other title", {}, {"title": "Calendar"}, False, Verdict.DIFFERENT),
    ("same record, other key", {}, {"citation_key": "x"}, False, Verdict.MATCH),
    ("same record, pages written differently", {}, {"citation_key": "x",
     "extra": {"volume": "6", "number": "1", "pages": "pp. 1-2"}}, False, Verdict.MATCH),
    ("title, first author, year; fewer fields", {}, {"citation_key": "x", "extra": {},
     "venue": ""}, False, Verdict.MATCH),
    ("title, first author, year, but another key of the same file", {},
     {"citation_key": "x", "extra": {}}, True, Verdict.POSSIBLE),
    ("recurring column: another year of one venue", {},
     {"citation_key": "x", "year": 1986, "extra": {"volume": "7", "number": "1"}},
     False, Verdict.DIFFERENT),
    ("recurring column: another issue of the same year", {},
     {"citation_key": "x", "extra": {"volume": "6", "number": "2", "pages": "101"}},
     False, Verdict.DIFFERENT),
    ("two items of one issue on other pages", {},
     {"citation_key": "x", "extra": {"volume": "6", "number": "1", "pages": "50"}},
     False, Verdict.DIFFERENT),
    ("same venue, different DOIs", {"doi": "10.1/a"},
     {"citation_key": "x", "doi": "10.1/b"}, False, Verdict.DIFFERENT),
    ("preprint and journal version: other DOIs, venues, years", {"doi": "10.1/a"},
     {"citation_key": "x", "doi": "10.2/b", "venue": "arXiv", "year": 1984},
     False, Verdict.POSSIBLE),
    ("other venue, a year later, no identifiers", {},
     {"citation_key": "x", "venue": "Cahiers", "year": 1986, "extra": {}},
     False, Verdict.POSSIBLE),
    ("published years apart: another edition or another year's column", {},
     {"citation_key": "x", "venue": "Cahiers", "year": 1990, "extra": {}},
     False, Verdict.DIFFERENT),
    ("different first author", {}, {"citation_key": "x", "authors": ["Don Knuth"]},
     False, Verdict.DIFFERENT),
    ("book and chapter of one title", {"entry_type": "book", "venue": ""},
     {"citation_key": "x", "entry_type": "inbook", "venue": "", "extra": {}},
     False, Verdict.POSSIBLE),
    ("no authors on one side", {"authors": []}, {"citation_key": "x", "extra": {}},
     False, Verdict.POSSIBLE),
    ("no year on one side", {}, {"citation_key": "x", "year": None, "extra": {}},
     False, Verdict.POSSIBLE),
    ("a titles-and-abstracts page again, after the paper was completed",
     {"abstract": "We study soups."},
     {"citation_key": "", "authors": [], "year": None, "venue": "", "extra": {},
      "abstract": "We  study soups."}, False, Verdict.MATCH),
    ("other titles", {}, {"title": "Editorial comment"}, False, Verdict.DIFFERENT),
    ("same PubMed id", {"extra": {"pmid": "32526193"}},
     {"citation_key": "x", "title": "Other", "extra": {"pmid": "32526193"}},
     False, Verdict.MATCH),
    ("two correction notices of one journal: other Web of Science ids",
     {"authors": [], "citation_key": "", "extra": {"wos_ut": "WOS:1"}},
     {"authors": [], "citation_key": "", "extra": {"wos_ut": "WOS:2"}},
     False, Verdict.DIFFERENT),
    ("accents, case and punctuation do not count", {"title": "Über LaTeX: a tour"},
     {"title": "uber latex -- a TOUR"}, False, Verdict.MATCH),
]


@pytest.mark.parametrize(("name", "old", "new", "same_file", "verdict"), CASES,
                         ids=[c[0] for c in CASES])
def test_identity_rule(name: str, old: dict[str, Any], new: dict[str, Any],
                       same_file: bool, verdict: Verdict) -> None:
    record, paper = pair(old, new)
    judgement = judge(record, paper, same_file_other_key=same_file)
    assert judgement.verdict is verdict, judgement.reason
    assert judgement.reason


def test_identifiers_outrank_keys_and_records() -> None:
    record, paper = pair({"doi": "10.1/a"}, {"doi": "10.1/a"})
    by_doi = judge(record, paper)
    record, paper = pair({}, {})
    by_key = judge(record, paper)
    record, paper = pair({}, {"citation_key": "x"})
    by_record = judge(record, paper)
    assert by_doi.strength > by_key.strength > by_record.strength


def test_a_title_held_in_two_issues_of_one_venue_is_a_column() -> None:
    record = facts(**{**BASE, "citation_key": "new", "venue": "Cahiers", "year": 1986,
                      "extra": {}})
    one, two = (facts(**{**BASE, "extra": {"volume": v, "number": "1"}}) for v in "67")
    assert recurring_title(record, [one, two])
    # The same work written twice (no other issue): not a column.
    fuller = facts(**{**BASE, "extra": {**BASE["extra"], "note": "x"}})
    assert not recurring_title(record, [one, fuller])
    # Another author's paper of that title says nothing about this one.
    other = facts(**{**BASE, "authors": ["Don Knuth"], "extra": {"volume": "7"}})
    assert not recurring_title(record, [one, other])
