"""References to papers in notes, and the HTML of a note's preview (no Qt)."""

from __future__ import annotations

import re

import pytest

from readinglist import Library
from readinglist.matching.note_links import (
    Reference,
    find_references,
    is_web_url,
    paper_id_from_url,
    render_markdown,
)

# (note text, [(reference text, kind, value), ...])
REFERENCES = [
    ("See #28 for the recipe.", [("#28", "id", "28")]),
    ("#28 opens the line", [("#28", "id", "28")]),
    ("(#4), **#5**, [#6] and - #7.", [("#4", "id", "4"), ("#5", "id", "5"),
                                      ("#6", "id", "6"), ("#7", "id", "7")]),
    ("as in paper:7 and PAPER:012", [("paper:7", "id", "7"), ("PAPER:012", "id", "12")]),
    ("arXiv:2203.05482v2 again", [("arXiv:2203.05482v2", "arxiv", "2203.05482")]),
    ("arxiv: 2203.05482", [("arxiv: 2203.05482", "arxiv", "2203.05482")]),
    ("bare 2203.05482, then", [("2203.05482", "arxiv", "2203.05482")]),
    ("old style arXiv:hep-th/9711200.", [("arXiv:hep-th/9711200", "arxiv", "hep-th/9711200")]),
    ("old style math.GT/0309136 is no prefix", []),
    ("pdf https://arxiv.org/pdf/2203.05482v1.pdf).",
     [("https://arxiv.org/pdf/2203.05482v1.pdf", "arxiv", "2203.05482")]),
    ("abs (https://arxiv.org/abs/2203.05482)",
     [("https://arxiv.org/abs/2203.05482", "arxiv", "2203.05482")]),
    ("no scheme arxiv.org/abs/2203.05482", [("arxiv.org/abs/2203.05482", "arxiv", "2203.05482")]),
    ("(doi:10.1038/nature14539).", [("doi:10.1038/nature14539", "doi", "10.1038/nature14539")]),
    ("DOI: https://doi.org/10.1145/3442188.3445922, read it",
     [("https://doi.org/10.1145/3442188.3445922", "doi", "10.1145/3442188.3445922")]),
    ("bare 10.1000/ABC-123; next", [("10.1000/ABC-123", "doi", "10.1000/abc-123")]),
    ("arXiv DOI 10.48550/arXiv.2203.05482", [("10.48550/arXiv.2203.05482", "arxiv",
                                              "2203.05482")]),
    ("Müller's note ✓ #28 — arXiv:2203.05482",
     [("#28", "id", "28"), ("arXiv:2203.05482", "arxiv", "2203.05482")]),
    ("written out [doi:10.1038/nature14539](https://example.org/x)",
     [("doi:10.1038/nature14539", "doi", "10.1038/nature14539")]),
    # Not references:
    ("# Heading", []),
    ("## 28 reasons", []),
    ("###28", []),
    ("C# is a language, so is F#; C#28 is not a link", []),
    ("page#28 and https://example.org/#28 and https://example.org/page#28", []),
    ("&#28; is an entity", []),
    ("x:#3 and #28a and #28.5 and #1234567890", []),
    ("pi is 3.14159 and 1234.5678 has no month 34; 0612.12345 is too early", []),
    ("version v2203.05482 and 12203.05482", []),
    ("doi:10.12/x has too short a registrant", []),
    ("https://example.org/paper.pdf is a web link, no paper", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), REFERENCES)
def test_find_references(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = find_references(text)
    assert [(r.text, r.kind, r.value) for r in found] == expected
    for ref in found:  # offsets point at the text
        assert text[ref.start : ref.end] == ref.text


def test_reference_query_is_what_find_paper_reads() -> None:
    assert Reference(0, 3, "#28", "id", "28").query == "#28"
    assert Reference(0, 7, "paper:7", "id", "7").query == "#7"
    assert Reference(0, 10, "2203.05482", "arxiv", "2203.05482").query == "arXiv:2203.05482"
    assert Reference(0, 5, "x", "doi", "10.1/x").query == "doi:10.1/x"


def test_paper_urls_and_web_urls() -> None:
    assert paper_id_from_url("readinglist://paper/28") == 28
    assert paper_id_from_url("readinglist://paper/28/") == 28
    assert paper_id_from_url("readinglist://paper/x") is None
    assert paper_id_from_url("https://example.org/paper/28") is None
    assert is_web_url("https://example.org/a?b=1")
    assert is_web_url("HTTP://example.org")
    assert not is_web_url("javascript:alert(1)")
    assert not is_web_url("file:///etc/passwd")
    assert not is_web_url("https://")


# -- rendering --------------------------------------------------------------------------

KNOWN = {"#28": 28, "#5": 5, "arXiv:2203.05482": 28, "doi:10.1038/nature14539": 12}


def resolve(query: str) -> int | None:
    return KNOWN.get(query)


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link in rendered HTML."""
    return re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html)


def test_markdown_is_rendered() -> None:
    html = render_markdown(
        "# Title\n\nSome *emphasis*, **strong**, `code`, ~~gone~~.\n\n- one\n- two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n", resolve)
    assert "<h1>Title</h1>" in html
    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<code>code</code>" in html
    assert "<s>gone</s>" in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html


def test_single_line_breaks_are_kept() -> None:
    assert "first<br />" in render_markdown("first\nsecond", resolve)


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown(
        'Note <script>alert("x")</script> and <img src=x onerror=alert(1)>\n\n'
        "<div onclick='steal()'>block</div>\n", resolve)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img" not in html and "<div" not in html
    assert "&lt;div onclick='steal()'&gt;block&lt;/div&gt;" in html


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>",
    "data:image/png;base64,iVBORw0KGgo=", "vbscript:msgbox", "ftp://example.org/x",
    "mailto:someone@example.org", "readinglist://paper/28", "#999",
])
def test_links_to_other_schemes_are_neutralised(target: str) -> None:
    html = render_markdown(f"[click me]({target}) and <{target}>", resolve)
    assert links(html) == []
    assert "click me" in html  # the text stays
    assert "href" not in html and "src=" not in html


def test_web_links_stay_links() -> None:
    html = render_markdown(
        "[site](https://example.org/a?b=1&c=2) <http://example.org> https://bare.example.org/x.",
        resolve)
    assert links(html) == [
        ("https://example.org/a?b=1&amp;c=2", "site"),
        ("http://example.org", "http://example.org"),
        ("https://bare.example.org/x", "https://bare.example.org/x"),
    ]


def test_images_are_not_loaded() -> None:
    html = render_markdown("![chart](https://example.org/c.png) ![local](/home/me/a.png)",
                           resolve)
    assert "<img" not in html
    assert links(html) == [("https://example.org/c.png", "[chart]")]
    assert "[local]" in html


def test_resolved_references_become_paper_links() -> None:
    asked: list[str] = []

    def counting(query: str) -> int | None:
        asked.append(query)
        return resolve(query)

    html = render_markdown(
        "Compare #28 with #999, arXiv:2203.05482, paper:5 and doi:10.1038/nature14539; "
        "again #28.", counting)
    assert links(html) == [
        ("readinglist://paper/28", "#28"),
        ("readinglist://paper/28", "arXiv:2203.05482"),
        ("readinglist://paper/5", "paper:5"),
        ("readinglist://paper/12", "doi:10.1038/nature14539"),
        ("readinglist://paper/28", "#28"),
    ]
    assert "#999" in html  # unknown: plain text
    assert sorted(asked) == sorted(set(asked))  # each reference asked about once


def test_unknown_arxiv_url_stays_a_web_link() -> None:
    html = render_markdown("https://arxiv.org/abs/2301.00001 and https://arxiv.org/abs/2203.05482",
                           resolve)
    assert links(html) == [
        ("https://arxiv.org/abs/2301.00001", "https://arxiv.org/abs/2301.00001"),
        ("readinglist://paper/28", "https://arxiv.org/abs/2203.05482"),
    ]


def test_markdown_links_to_papers() -> None:
    html = render_markdown("[Model soups](#28), [same](paper:28) and [gone](#999)", resolve)
    assert links(html) == [("readinglist://paper/28", "Model soups"),
                           ("readinglist://paper/28", "same")]
    assert "gone" in html


def test_references_in_code_and_escapes_are_not_links() -> None:
    html = render_markdown("`#28` and\n\n    #28 in a code block\n\nand \\#28 escaped", resolve)
    assert links(html) == []
    assert "<code>#28</code>" in html


def test_no_link_inside_a_link() -> None:
    html = render_markdown("[see #28 at https://example.org](https://example.org/b)", resolve)
    assert links(html) == [("https://example.org/b", "see #28 at https://example.org")]


def test_headings_are_not_references() -> None:
    html = render_markdown("# 28 reasons\n\n#28 is a paper", resolve)
    assert "<h1>28 reasons</h1>" in html
    assert links(html) == [("readinglist://paper/28", "#28")]


def test_with_the_library(seeded_library: Library) -> None:
    """The resolver the editor uses: Library.find_paper."""
    seeded_library.update(28, arxiv_id="2203.05482")
    html = render_markdown("#28, arXiv:2203.05482, #68, #69", seeded_library.find_paper)
    assert links(html) == [("readinglist://paper/28", "#28"),
                           ("readinglist://paper/28", "arXiv:2203.05482"),
                           ("readinglist://paper/68", "#68")]
