"""Reading a Hugging Face Daily Papers page (and the text helpers it relies on)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist import ImportFailed
from readinglist.importers import daily_papers, detect_format, parse_file
from readinglist.text.normalize import (
    extract_links,
    fold_accents,
    normalize_arxiv_id,
    normalize_doi,
    title_key,
)

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\nJun 2\n\n"
)
HEADER_LINES = [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
    "Jun 2",
]
# Long enough (over 300 characters) to read as prose, never as a title.
ABSTRACT = (
    "We study a problem at length in a paragraph that reads like an abstract. " * 5
).strip()


@pytest.fixture(scope="module")
def seed():
    from readinglist.system.locations import sample_page_path

    return parse_file(sample_page_path())


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


# -- the seed page --------------------------------------------------------------------


def test_seed_page_holds_68_papers_without_problems(seed):
    assert len(seed.records) == 68
    assert seed.problems == []
    assert seed.warnings == []


def test_seed_first_and_last_titles(seed):
    assert seed.records[0].title == "Few-Shot Bot: Prompt-Based Learning for Dialogue Systems"
    assert seed.records[1].title == (
        "Sparse MeZO: Less Parameters for Better Performance in Zeroth-Order LLM Fine-Tuning"
    )
    assert seed.records[-1].title == (
        "A User-Friendly Framework for Generating Model-Preferred Prompts in "
        "Text-to-Image Synthesis"
    )


def test_seed_header_lines_are_not_papers(seed):
    titles = {r.title.casefold() for r in seed.records}
    for line in HEADER_LINES:
        assert line.casefold() not in titles


def test_seed_papers_all_have_abstracts_source_and_line(seed):
    for record in seed.records:
        assert len(record.abstract) > 300, record.title
        assert record.source == "Daily Papers Jun 2 (daily_papers_sample.txt)"
    assert [r.line for r in seed.records[:3]] == [11, 15, 19]
    assert seed.records[-1].line == 279


def test_seed_titles_are_unique(seed):
    assert len({title_key(r.title) for r in seed.records}) == 68


def test_links_are_taken_from_abstracts_without_trailing_punctuation(seed):
    by_title = {r.title.split(":")[0]: r for r in seed.records}
    # "... Code is available at https://github.com/mlfoundations/model-soups."
    assert by_title["Model soups"].links == ["https://github.com/mlfoundations/model-soups"]
    # "... (https://wuw2019.github.io/R-AMT/)."
    assert by_title["Regularized Mask Tuning"].links == ["https://wuw2019.github.io/R-AMT/"]
    # A LaTeX leftover: "https://github.com/SKDDJ/LoLDU{https://github.com/SKDDJ/LoLDU}."
    assert by_title["LoLDU"].links == ["https://github.com/SKDDJ/LoLDU"]
    assert by_title["Few-Shot Bot"].links == []


def test_seed_links_never_end_in_punctuation(seed):
    links = [link for r in seed.records for link in r.links]
    assert len(links) == 24  # one URL in each of 24 abstracts
    for link in links:
        assert link.startswith(("http://", "https://"))
        assert link[-1] not in ".,;:)}]'\"", link
        assert "{" not in link and "}" not in link


def test_seed_is_detected_as_daily_papers(seed_path):
    assert detect_format(seed_path, seed_path.read_text("utf-8")) == "dailypapers"


# -- odd input ------------------------------------------------------------------------


def test_title_without_abstract_is_imported_with_a_warning():
    text = HEADER + f"Paper One\n\n{ABSTRACT}\n\nLonely Title\n\nPaper Three\n\n{ABSTRACT}\n"
    result = daily_papers.parse(text, "page.txt")
    assert [r.title for r in result.records] == ["Paper One", "Lonely Title", "Paper Three"]
    assert result.records[1].abstract == ""
    assert result.records[1].line == 15
    assert result.problems == []
    [warning] = result.warnings
    assert warning.line == 15
    assert warning.source == "page.txt"
    assert "Lonely Title" in warning.reason and "no abstract" in warning.reason
    assert str(warning).startswith("page.txt:15: ")


def test_title_at_the_end_of_the_file_is_kept_with_a_warning():
    result = daily_papers.parse(HEADER + f"Paper One\n\n{ABSTRACT}\n\nLast Title\n", "p.txt")
    assert [r.title for r in result.records] == ["Paper One", "Last Title"]
    assert [w.line for w in result.warnings] == [15]


def test_paragraph_without_a_title_is_reported_with_its_line():
    text = HEADER + f"{ABSTRACT}\n\nPaper One\n\n{ABSTRACT}\n"
    result = daily_papers.parse(text, "page.txt")
    assert [r.title for r in result.records] == ["Paper One"]
    [problem] = result.problems
    assert problem.line == 11
    assert "without a title" in problem.reason
    assert str(problem).startswith("page.txt:11: ")


def test_multi_line_abstract_is_joined_into_one_paragraph():
    text = HEADER + "Paper One\n\nFirst line of the abstract\ncontinues here.\n"
    [record] = daily_papers.parse(text, "p.txt").records
    assert record.abstract == "First line of the abstract continues here."


def test_title_that_looks_like_a_short_date_is_still_a_paper():
    text = HEADER + f"Kosmos 2\n\n{ABSTRACT}\n\nJune 3\n\nPaper Two\n\n{ABSTRACT}\n"
    result = daily_papers.parse(text, "p.txt")
    assert [r.title for r in result.records] == ["Kosmos 2", "Paper Two"]
    assert result.problems == []


def test_empty_text_gives_no_papers():
    result = daily_papers.parse("", "empty.txt")
    assert (result.records, result.problems, result.warnings) == ([], [], [])


def test_empty_file_cannot_be_detected_but_parses_with_a_format(tmp_path):
    path = write(tmp_path, "empty.txt", "")
    with pytest.raises(ImportFailed, match="empty"):
        parse_file(path)
    assert parse_file(path, "dailypapers").records == []


def test_crlf_line_endings_read_like_lf(tmp_path):
    text = HEADER + f"Paper One\n\n{ABSTRACT}\n\nLonely Title\n\nPaper Three\n\n{ABSTRACT}\n"
    lf = parse_file(write(tmp_path, "lf.txt", text))
    crlf = parse_file(write(tmp_path, "crlf.txt", text.replace("\n", "\r\n")))
    assert [(r.title, r.abstract, r.line) for r in crlf.records] == [
        (r.title, r.abstract, r.line) for r in lf.records
    ]
    assert not any("\r" in r.title + r.abstract for r in crlf.records)
    assert [w.line for w in crlf.warnings] == [15]


def test_utf8_byte_order_mark_is_ignored(tmp_path):
    path = write(tmp_path, "bom.txt", "\ufeff" + HEADER + f"Über Paper\n\n{ABSTRACT}\n")
    [record] = parse_file(path).records
    assert record.title == "Über Paper"


def test_page_without_header_is_recognised_by_its_rhythm(tmp_path):
    text = "".join(f"Paper {n}\n\n{ABSTRACT}\n\n" for n in range(3))
    result = parse_file(write(tmp_path, "bare.txt", text))
    assert [r.title for r in result.records] == ["Paper 0", "Paper 1", "Paper 2"]
    assert result.records[0].source == "Daily Papers (bare.txt)"


def test_latin1_file_is_read_correctly_with_a_warning(tmp_path):
    data = (HEADER + "Paper One\n\n").encode() + ("Caf\u00e9 abstract " * 30).encode("latin-1")
    result = parse_file(write(tmp_path, "latin1.txt", data))
    assert result.records[0].abstract.startswith("Café abstract")
    assert any("Windows-1252" in w.reason for w in result.warnings)


def test_binary_file_fails_naming_the_file_and_line(tmp_path):
    data = (HEADER + "Paper One\n\n").encode() + bytes(range(128, 256)) * 4
    path = write(tmp_path, "garbage.txt", data)
    with pytest.raises(ImportFailed) as caught:
        parse_file(path)
    message = str(caught.value)
    assert "garbage.txt" in message and ":13" in message
    assert "UTF-8" in message


def test_missing_file_fails(tmp_path):
    with pytest.raises(ImportFailed, match="no such file") as caught:
        parse_file(tmp_path / "nope.txt")
    assert "nope.txt" in str(caught.value)


def test_folder_without_pdfs_fails(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ImportFailed, match="is a folder with no PDF files"):
        parse_file(tmp_path)


def test_unknown_content_fails_and_mentions_format_option(tmp_path):
    path = write(tmp_path, "table.dat", "x;y\n1;2\n")
    with pytest.raises(ImportFailed) as caught:
        parse_file(path)
    assert "--format" in str(caught.value)
    assert "table.dat" in str(caught.value)


def test_unknown_format_name_fails(seed_path):
    with pytest.raises(ImportFailed, match="unknown format 'endnote'; formats: json, "):
        parse_file(seed_path, "endnote")


# -- text helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Model Soups: Averaging Weights", "model soups - averaging  weights!"),
        ("Schütze's Über-Paper", "schutze s uber paper"),
        ("  S^{2}FT: Efficient  ", "S 2 FT efficient"),
        ("snake_case title", "snake case title"),
    ],
)
def test_title_key_ignores_case_accents_punctuation_and_spacing(a, b):
    assert title_key(a) == title_key(b)


def test_title_key_keeps_words_apart():
    assert title_key("Model Soups: Averaging Weights") == "model soups averaging weights"
    assert title_key("Model soups") != title_key("Model soup")


def test_fold_accents():
    assert fold_accents("Schütze, Érdős, Ångström") == "Schutze, Erdos, Angstrom"


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Code: https://github.com/a/b.", ["https://github.com/a/b"]),
        ("Site (https://x.org/y/).", ["https://x.org/y/"]),
        ("See https://en.wikipedia.org/wiki/Foo_(bar), ok",
         ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("one http://a.com/x?y=1&z=2; two https://b.com!", ["http://a.com/x?y=1&z=2",
                                                             "https://b.com"]),
        ("twice https://a.com/p and https://a.com/p.", ["https://a.com/p"]),
        ('quoted "https://q.com/a"', ["https://q.com/a"]),
        (r"\href{https://a.com/b}{https://a.com/b}", ["https://a.com/b"]),
        ("no links, no www.example.com either", []),
    ],
)
def test_extract_links(text, links):
    assert extract_links(text) == links


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1000/ABC.def", "10.1000/abc.def"),
        ("http://dx.doi.org/10.1/A", "10.1/a"),
        ("doi: 10.1000/XyZ", "10.1000/xyz"),
        ("  10.5/B  ", "10.5/b"),
        ("", ""),
    ],
)
def test_normalize_doi(raw, doi):
    assert normalize_doi(raw) == doi


@pytest.mark.parametrize(
    ("raw", "arxiv_id"),
    [
        ("https://arxiv.org/abs/2401.12345v2", "2401.12345"),
        ("https://arxiv.org/pdf/2401.12345v1.pdf", "2401.12345"),
        ("arXiv:2401.1234", "2401.1234"),
        ("2203.05482", "2203.05482"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("not an id", ""),
        ("12401.123456", ""),
        ("", ""),
    ],
)
def test_normalize_arxiv_id(raw, arxiv_id):
    assert normalize_arxiv_id(raw) == arxiv_id
