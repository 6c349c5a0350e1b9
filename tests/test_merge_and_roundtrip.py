"""Duplicates merged on import, the "find duplicates" merge with undo, Readinglist's own
JSON round trip, and imports that are cancelled or fail half way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.domain import PaperRecord, ReadinglistError
from readinglist.library.service import Library


def _export_without_stamp(library: Library) -> dict:
    data = json.loads(library.export("json"))
    data.pop("exported")
    return data


@pytest.fixture
def rich_library(tmp_path: Path, seed_path: Path) -> Library:
    """The seed page plus everything only Readinglist knows: tags, statuses, notes,
    highlights, an attachment (linked) and a PDF's full text."""
    library = Library.open(tmp_path / "rich")
    library.import_file(seed_path)
    library.change_tags(28, add=["ensembles", "LLM"])
    library.set_status(28, "reading")
    library.set_status(28, "read")
    library.set_note(28, "# Soups\n\nAveraging *works*; see #24.")
    abstract = library.get(28).abstract
    library.add_annotation(28, 0, 20, "green", "the claim")
    library.add_annotation(28, 30, 60)
    pdf = tmp_path / "soups.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really")
    with library.store.transaction():
        library.store.add_attachment(28, pdf, "link")
        library.store.set_fulltext(28, "weight averaging in the loss basin " * 3)
    library.update(24, venue="ICML", extra={"pages": "1--10", "publisher": "PMLR"},
                   entry_type="inproceedings")
    assert library.get(28).abstract == abstract
    yield library
    library.close()


# -- Readinglist JSON: a lossless round trip ---------------------------------------------


def test_json_export_then_import_into_an_empty_library_reproduces_it(rich_library, tmp_path):
    exported = tmp_path / "library.json"
    exported.write_text(rich_library.export("json"), encoding="utf-8")
    with Library.open(tmp_path / "copy") as copy:
        report = copy.import_file(exported)
        assert len(report.added) == 68 and not report.failed
        assert _export_without_stamp(copy) == _export_without_stamp(rich_library)
        # And what the copy knows is usable, not just equal on paper.
        paper = copy.get(28)
        assert paper.status.value == "read" and set(paper.tags) == {"ensembles", "LLM"}
        assert [c.status.value for c in copy.history(28)] == ["inbox", "reading", "read"]
        assert [a.colour for a in paper.annotations] == ["green", "yellow"]
        assert copy.search("fulltext:basin").ids == [28]
        assert copy.search("annotation:claim").ids == [28]


def test_json_import_into_a_library_that_has_the_papers_adds_nothing(rich_library, tmp_path):
    exported = tmp_path / "library.json"
    exported.write_text(rich_library.export("json"), encoding="utf-8")
    before = _export_without_stamp(rich_library)
    report = rich_library.import_file(exported)
    assert report.added == [] and len(report.duplicates) == 68
    assert _export_without_stamp(rich_library) == before


def test_a_bad_paper_in_a_json_file_is_reported_and_the_rest_imported(empty_library, tmp_path):
    document = {
        "format": "readinglist", "version": 1, "exported": "2026-11-28T00:00:00+00:00",
        "papers": [
            {"id": 5, "title": "Good paper", "status": "read",
             "history": [{"status": "unread", "at": "2026-01-01T00:00:00+00:00"},
                         {"status": "read", "at": "2026-02-01T00:00:00+00:00"}]},
            {"id": 6, "title": "Bad year", "year": "soon"},
            {"id": 7, "title": "Bad highlight", "annotations": [{"start": "x", "end": 3}]},
            "not an object",
        ],
    }
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = empty_library.import_file(path)
    assert [t for _, t in report.added] == ["Good paper"]
    reasons = [str(p) for p in report.failed]
    assert any("paper 2" in r and "year" in r for r in reasons), reasons
    assert any("paper 3" in r and "start and end" in r for r in reasons), reasons
    assert any("paper 4" in r for r in reasons), reasons
    assert empty_library.count() == 1  # the bad highlight's paper left no trace
    assert empty_library.get(5).status.value == "read"
    assert empty_library.reading_dates(5).finished.month == 2


def test_json_from_a_newer_version_is_refused_with_a_clear_message(empty_library, tmp_path):
    path = tmp_path / "future.json"
    path.write_text('{"format": "readinglist", "version": 99, "papers": []}', encoding="utf-8")
    with pytest.raises(ReadinglistError, match="newer Readinglist"):
        empty_library.import_file(path)


# -- duplicates merged on import ---------------------------------------------------------


def test_an_imported_duplicate_fills_empty_fields_and_keeps_what_the_user_wrote(
    seeded_library,
):
    title = seeded_library.get(28).title
    # A first author and a year on both sides: the same title alone would be too little.
    seeded_library.update(28, authors=["Wortsman, M."], year=2022)
    seeded_library.set_note(28, "my own words")
    seeded_library.set_status(28, "reading")
    seeded_library.change_tags(28, add=["mine"])
    record = PaperRecord(
        title=title.upper(), authors=["Mitchell Wortsman", "Gabriel Ilharco"], year=2022,
        venue="ICML", doi="https://doi.org/10.5555/ABC", note="their note",
        tags=["Mine", "averaging"], status="read", extra={"pages": "23965--23998"},
    )
    report = seeded_library.import_records([record])
    assert report.added == [] and len(report.merged) == 1
    paper_id, _, filled = report.merged[0]
    assert paper_id == 28
    assert {"venue", "doi", "pages", "tags"} <= set(filled)
    paper = seeded_library.get(28)
    assert paper.title == title  # not overwritten
    assert paper.note == "my own words" and paper.status.value == "reading"
    assert paper.doi == "10.5555/abc" and paper.year == 2022
    assert sorted(t.lower() for t in paper.tags) == ["averaging", "mine"]
    assert paper.extra["pages"] == "23965--23998"
    # Importing the same record again brings nothing new.
    again = seeded_library.import_records([record])
    assert again.merged == [] and [i for i, _ in again.duplicates] == [28]
    assert "1 already present" in again.summary()


def test_same_title_but_a_different_first_author_or_doi_is_a_different_paper(empty_library):
    empty_library.add("Deep learning", authors=["Yann LeCun"], doi="10.1038/nature14539")
    report = empty_library.import_records([
        PaperRecord(title="Deep Learning", authors=["Ian Goodfellow"]),
        PaperRecord(title="Deep learning", authors=["Yann LeCun"], doi="10.1000/other"),
        PaperRecord(title="Deep learning.", authors=["LeCun, Yann"]),
    ])
    assert len(report.added) == 2
    assert [i for i, _ in report.duplicates] == [1]


def test_arxiv_ids_in_any_version_or_url_form_are_the_same_paper(empty_library):
    empty_library.add("A paper", arxiv_id="2401.12345")
    report = empty_library.import_records([
        PaperRecord(title="Retitled", arxiv_id="https://arxiv.org/abs/2401.12345v3"),
        PaperRecord(title="Other", arxiv_id="arXiv:2401.12345v1"),
    ])
    assert report.added == [] and len(report.merged) + len(report.duplicates) == 2


# -- find duplicates, merge, undo -----------------------------------------------------------


def test_find_duplicates_lists_identifier_and_near_identical_title_pairs(empty_library):
    a = empty_library.add("Model soups: averaging weights of fine-tuned models", doi="10.1/x").paper
    b = empty_library.add("Something else entirely", doi="10.1/x").paper
    c = empty_library.add("Model soups: averaging weights of fine tuned model").paper
    d = empty_library.add("Scaling laws for neural language models", authors=["Jared Kaplan"]).paper
    e = empty_library.add("Scaling laws for neural language model", authors=["Someone Else"]).paper
    pairs = {(p.keep, p.other): p.reason for p in empty_library.find_duplicates()}
    assert pairs[(a.id, b.id)] == "same DOI; titles differ"
    assert pairs[(a.id, c.id)].startswith("similar titles")
    assert (d.id, e.id) not in pairs  # different first authors: two works


def test_merge_moves_everything_and_undo_restores_both_papers_exactly(rich_library):
    other = rich_library.add(
        rich_library.get(28).title + " (v2)", authors=["Mitchell Wortsman"], year=2022,
        note="second note", tags=["soup"], abstract=rich_library.get(28).abstract,
    ).paper
    rich_library.add_annotation(other.id, 0, 5, "pink", "on the copy")
    before = _export_without_stamp(rich_library)
    undo = rich_library.merge_papers(28, [other.id])
    merged = rich_library.get(28)
    assert not rich_library.store.paper_exists(other.id)
    assert merged.year == 2022 and merged.authors == ("Mitchell Wortsman",)
    assert "second note" in merged.note and merged.note.startswith("# Soups")
    assert "soup" in merged.tags and "LLM" in merged.tags
    assert [a.colour for a in merged.annotations].count("pink") == 1
    assert merged.status.value == "read"
    rich_library.undo_merge(undo)
    assert _export_without_stamp(rich_library) == before


def test_merging_a_selection_into_one_paper_and_undoing_it(seeded_library):
    dupes = [seeded_library.add(seeded_library.get(1).title + f" {n}").paper.id for n in (2, 3)]
    before = _export_without_stamp(seeded_library)
    undo = seeded_library.merge_papers(1, dupes)
    assert seeded_library.count() == 68
    seeded_library.undo_merge(undo)
    assert _export_without_stamp(seeded_library) == before
    assert seeded_library.count() == 70


# -- imports that fail or are cancelled change nothing -----------------------------------


def test_cancelled_import_leaves_the_library_and_its_folder_as_they_were(
    empty_library, tmp_path
):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    records = [PaperRecord(title=f"Paper {n}", files=[str(pdf)]) for n in range(120)]
    calls = []
    report = empty_library.import_records(records, progress=lambda d, t: calls.append(d),
                                          cancelled=lambda: len(calls) >= 2)
    assert report.cancelled and report.added == []
    assert empty_library.count() == 0
    files = empty_library.folder / "files"
    assert not files.exists() or list(files.iterdir()) == []


def test_an_error_half_way_rolls_the_whole_import_back(empty_library):
    def explode(done: int, total: int) -> None:
        if done >= 100:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        empty_library.import_records(
            [PaperRecord(title=f"Paper {n}") for n in range(150)], progress=explode)
    assert empty_library.count() == 0


def test_attachments_are_copied_into_the_library_folder(empty_library, tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4 content")
    report = empty_library.import_records(
        [PaperRecord(title="With file", files=[str(pdf)]),
         PaperRecord(title="Linked", files=[str(pdf)], attach_mode="link"),
         PaperRecord(title="Missing file", files=[str(tmp_path / "gone.pdf")])])
    assert len(report.added) == 3
    copy = empty_library.get(report.added[0][0]).attachments[0]
    assert copy.kind == "copy" and Path(copy.path).parent == empty_library.folder / "files"
    assert Path(copy.path).read_bytes() == b"%PDF-1.4 content"
    link = empty_library.get(report.added[1][0]).attachments[0]
    assert link.kind == "link" and link.path == str(pdf.resolve())
    assert any("gone.pdf" in str(w) for w in report.warnings)


# -- regressions from the review of issue 4/5 ------------------------------------------------


def test_ids_of_deleted_papers_are_never_reused_so_undo_cannot_hit_a_new_paper(empty_library):
    a = empty_library.add("Attention is all you need").paper
    b = empty_library.add("Attention is all you need.", authors=["A. Vaswani"]).paper
    undo = empty_library.merge_papers(a.id, [b.id])
    c = empty_library.add("A totally different paper").paper
    assert c.id not in (a.id, b.id)
    empty_library.undo_merge(undo)
    assert sorted(p.title for p in empty_library.list()) == [
        "A totally different paper", "Attention is all you need",
        "Attention is all you need."]


def test_undo_of_a_merge_is_refused_when_the_paper_changed_since(empty_library):
    a = empty_library.add("Paper A").paper
    b = empty_library.add("Paper A v2").paper
    undo = empty_library.merge_papers(a.id, [b.id])
    empty_library.set_note(a.id, "written after the merge")
    with pytest.raises(ReadinglistError, match="changed after the merge"):
        empty_library.undo_merge(undo)
    assert empty_library.get(a.id).note == "written after the merge"
    assert empty_library.count() == 1


def test_merging_keeps_the_queue_dates_rating_and_priority_consistent(empty_library):
    a = empty_library.add("Kept paper").paper
    b = empty_library.add("Queued copy").paper
    c = empty_library.add("Read copy").paper
    empty_library.set_status(b.id, "queued")
    empty_library.set_rating(b.id, 5)
    empty_library.set_priority(b.id, "high")
    empty_library.merge_papers(a.id, [b.id])
    kept = empty_library.get(a.id)
    assert kept.status.value == "queued" and empty_library.queue_ids() == [a.id]
    assert (kept.rating, kept.priority.value) == (5, "high")
    d = empty_library.add("Unread one").paper
    empty_library.set_status(c.id, "reading")
    empty_library.set_status(c.id, "read")
    empty_library.merge_papers(d.id, [c.id])
    merged = empty_library.get(d.id)
    assert merged.status.value == "read"
    assert merged.finished == empty_library.reading_dates(d.id).finished is not None
    assert merged.started is not None


def test_malformed_entries_in_a_json_file_fail_alone(empty_library, tmp_path):
    good = {"id": 1, "title": "Good paper"}
    bad = [
        {"id": 2, "title": "Bad annotation id", "abstract": "abcdef",
         "annotations": [{"id": "x", "start": 0, "end": 3}]},
        {"id": 3, "title": "Bad history", "history": ["read"]},
        {"id": 4, "title": "Bad attachment", "attachments": ["/tmp/a.pdf"]},
        {"id": "seven", "title": "Bad id"},
        {"id": 2**70, "title": "Huge id"},
        {"id": 6, "title": "Existing X", "authors": "Jane Smith"},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "readinglist", "version": 1,
                                "papers": [good, *bad]}), encoding="utf-8")
    report = empty_library.import_file(path)
    assert [t for _, t in report.added] == ["Good paper"]
    assert len(report.failed) == len(bad), [str(p) for p in report.failed]


def test_bad_workflow_values_in_a_record_are_warnings_not_failures(empty_library):
    report = empty_library.import_records([
        PaperRecord(title="One", priority="urgent"), PaperRecord(title="Two", rating=9),
        PaperRecord(title="Three", status="done", rating=4)])
    assert len(report.added) == 3 and len(report.warnings) == 3
    assert empty_library.get(report.added[2][0]).rating == 4


def test_a_pdf_with_a_very_long_name_is_copied(empty_library, tmp_path):
    pdf = tmp_path / ("L" * 250 + ".pdf")
    pdf.write_bytes(b"%PDF-1.4 long")
    report = empty_library.import_records([PaperRecord(title="Long", files=[str(pdf)])])
    [attachment] = empty_library.get(report.added[0][0]).attachments
    assert Path(attachment.path).read_bytes() == b"%PDF-1.4 long"


def test_json_round_trip_keeps_duplicates_the_user_kept(empty_library, tmp_path):
    empty_library.add("Same title")
    empty_library.add("Same title", note="the second copy's note")
    path = tmp_path / "dupes.json"
    path.write_text(empty_library.export("json"), encoding="utf-8")
    with Library.open(tmp_path / "copy") as copy:
        copy.import_file(path)
        assert _export_without_stamp(copy) == _export_without_stamp(empty_library)


def test_restored_papers_get_dates_from_their_history_and_normalised_ids(empty_library,
                                                                       tmp_path):
    # 'unread': the inbox's name in files written before schema 10.
    paper = {"id": 1, "title": "Old export", "status": "read",
             "doi": "https://doi.org/10.1000/ABC", "arxiv_id": "arXiv:2401.00001v2",
             "tags": ["  ML  "],
             "history": [{"status": "unread", "at": "2024-01-01T00:00:00+00:00"},
                         {"status": "reading", "at": "2024-02-01T00:00:00+00:00"},
                         {"status": "read", "at": "2024-03-01T00:00:00+00:00"}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "readinglist", "version": 1, "papers": [paper]}),
                    encoding="utf-8")
    empty_library.import_file(path)
    restored = empty_library.get(1)
    assert [c.status.value for c in empty_library.history(1)] == ["inbox", "reading", "read"]
    assert restored.started.month == 2 and restored.finished.month == 3
    assert (restored.doi, restored.arxiv_id, restored.tags) == ("10.1000/abc", "2401.00001",
                                                               ("ML",))
    assert empty_library.search("read:2024").ids == [1]
    assert empty_library.add_identifier("10.1000/ABC", fetch=False)[0].id == 1


def test_importing_the_same_pdf_again_does_not_attach_it_twice(empty_library, tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4 same bytes")
    record = PaperRecord(title="With a file", files=[str(pdf)])
    empty_library.import_records([record, PaperRecord(title="With a file", files=[str(pdf)])])
    again = empty_library.import_records([PaperRecord(title="With a file", files=[str(pdf)])])
    assert len(empty_library.list()[0].attachments) == 1
    assert again.merged == [] and len(again.duplicates) == 1


def test_an_identifier_of_another_paper_is_not_filled_in(empty_library):
    one = empty_library.add("First", arxiv_id="2401.00001").paper
    two = empty_library.add("Second", doi="10.1/one").paper
    report = empty_library.import_records(
        [PaperRecord(title="First", arxiv_id="2401.00001", doi="10.1/one")])
    assert empty_library.get(one.id).doi == "" and empty_library.get(two.id).doi == "10.1/one"
    assert any("is paper #" in str(w) for w in report.warnings)


def test_arxiv_dois_and_urls_name_the_same_paper(empty_library):
    empty_library.add("A paper", arxiv_id="2401.00001")
    report = empty_library.import_records([
        PaperRecord(title="Other title", doi="10.48550/arXiv.2401.00001"),
        PaperRecord(title="Third title", url="https://arxiv.org/abs/2401.00001v2")])
    assert report.added == []
