"""Identifier parsing and arXiv / Crossref lookups against a local server that serves
hand-written recorded responses (tests/fixtures/lookup/)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lookup_server import FIXTURES, closed_port_url, serve_recorded

from readinglist import lookup
from readinglist.domain import ReadinglistError
from readinglist.lookup import (
    Identifier,
    LookupFailed,
    fetch,
    fetch_arxiv,
    fetch_doi,
    minimal_record,
    parse_identifier,
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own settings (or an HTTP proxy) must not leak into these tests.
    for name in (lookup.ARXIV_ENV, lookup.CROSSREF_ENV, lookup.CONTACT_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def seen() -> list[dict[str, str]]:
    return []


@pytest.fixture(scope="module")
def server(seen: list[dict[str, str]]) -> Iterator[str]:
    with serve_recorded(FIXTURES, requests=seen) as base_url:
        yield base_url


# --- parse_identifier ---------------------------------------------------------------

ACCEPTED = [
    # bare new-style ids, with and without version, padding and prefix
    ("2401.12345", "arxiv", "2401.12345"),
    ("2401.12345v2", "arxiv", "2401.12345"),
    ("  2401.12345v12 \n", "arxiv", "2401.12345"),
    ("arXiv:2401.12345", "arxiv", "2401.12345"),
    ("arxiv:2401.12345v3", "arxiv", "2401.12345"),
    ("ARXIV: 2401.12345", "arxiv", "2401.12345"),
    ("0704.0001", "arxiv", "0704.0001"),  # the very first new-style id
    ("1412.6980", "arxiv", "1412.6980"),  # 4 digits until the end of 2014
    ("1501.00001", "arxiv", "1501.00001"),  # 5 digits from 2015
    # old-style ids; the subject class is not part of the canonical id
    ("hep-th/9901001", "arxiv", "hep-th/9901001"),
    ("hep-th/9901001v2", "arxiv", "hep-th/9901001"),
    ("math.GT/0309136", "arxiv", "math/0309136"),
    ("arXiv:hep-th/9711200v3", "arxiv", "hep-th/9711200"),
    ("cond-mat/0102536", "arxiv", "cond-mat/0102536"),
    ("HEP-TH/9711200", "arxiv", "hep-th/9711200"),
    # arXiv and mirror URLs
    ("https://arxiv.org/abs/2401.12345", "arxiv", "2401.12345"),
    ("https://arxiv.org/abs/2401.12345v2", "arxiv", "2401.12345"),
    ("http://arxiv.org/pdf/2401.12345", "arxiv", "2401.12345"),
    ("https://arxiv.org/pdf/2401.12345v1.pdf", "arxiv", "2401.12345"),
    ("https://arxiv.org/html/2401.12345v2", "arxiv", "2401.12345"),
    ("https://arxiv.org/html/2401.12345v2/#S3", "arxiv", "2401.12345"),
    ("https://export.arxiv.org/abs/2401.12345", "arxiv", "2401.12345"),
    ("https://www.arxiv.org/abs/2401.12345?context=cs.LG", "arxiv", "2401.12345"),
    ("arxiv.org/abs/2401.12345", "arxiv", "2401.12345"),
    ("https://arxiv.org/abs/hep-th/9711200v3", "arxiv", "hep-th/9711200"),
    ("http://arxiv.org/pdf/math.GT/0309136v1.pdf", "arxiv", "math/0309136"),
    ("https://www.alphaxiv.org/abs/2401.12345", "arxiv", "2401.12345"),
    ("https://alphaxiv.org/overview/2401.12345v1", "arxiv", "2401.12345"),
    ("https://huggingface.co/papers/2401.12345", "arxiv", "2401.12345"),
    ("huggingface.co/papers/2401.12345", "arxiv", "2401.12345"),
    # DOIs: lower case, without resolver
    ("10.1145/3292500.3330701", "doi", "10.1145/3292500.3330701"),
    ("doi:10.1038/nature14539", "doi", "10.1038/nature14539"),
    ("DOI: 10.1038/NATURE14539", "doi", "10.1038/nature14539"),
    ("https://doi.org/10.1038/nature14539", "doi", "10.1038/nature14539"),
    ("https://dx.doi.org/10.1007/978-3-319-24574-4_28", "doi", "10.1007/978-3-319-24574-4_28"),
    ("http://doi.org/10.1000%2F182", "doi", "10.1000/182"),
    ("https://www.doi.org/10.1000/182", "doi", "10.1000/182"),
    ("doi.org/10.1038/nature14539", "doi", "10.1038/nature14539"),
    ("10.1038/nature14539.", "doi", "10.1038/nature14539"),  # copied with the full stop
    (
        "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        "doi",
        "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
    ),
    # DOIs minted by arXiv are arXiv ids
    ("10.48550/arXiv.2401.12345", "arxiv", "2401.12345"),
    ("https://doi.org/10.48550/ARXIV.1706.03762", "arxiv", "1706.03762"),
    ("doi:10.48550/arXiv.hep-th/9711200", "arxiv", "hep-th/9711200"),
]

REJECTED = [
    "",
    "   ",
    "foo",
    "Attention Is All You Need",
    "2401.123",  # too short
    "2401.123456",  # too long
    "2413.12345",  # month 13
    "0612.1234",  # new-style ids began in April 2007
    "1501.1234",  # 2015 ids have 5 digits
    "1412.12345",  # 2014 ids have 4
    "2401",
    "foo/9901001",  # no such archive
    "hep-th/990100",  # 6 digits
    "hep-th/9913001",  # month 13
    "hep-th/1001001",  # old-style ids ended in 2007
    "arXiv:",
    "arXiv:foo",
    "https://example.com/abs/2401.12345",
    "https://arxiv.org/list/cs.LG/recent",
    "https://arxiv.org/abs/",
    "ftp://arxiv.org/abs/2401.12345",
    "https://github.com/mlfoundations/model-soups",
    "https://huggingface.co/datasets/2401.12345",
    "10.1234",  # no suffix
    "10.12/abc",  # registrant code too short
    "doi:",
    "https://doi.org/",
    "10.48550/arXiv.garbage",
    "see 2401.12345 for details",  # ids are not picked out of prose
    "2401.12345 2401.12346",
    "doi:10.1038/ nature14539",
]


@pytest.mark.parametrize(("text", "kind", "value"), ACCEPTED)
def test_parse_identifier_accepts(text: str, kind: str, value: str) -> None:
    assert parse_identifier(text) == Identifier(kind, value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", REJECTED)
def test_parse_identifier_rejects(text: str) -> None:
    assert parse_identifier(text) is None


def test_identifier_text_and_url() -> None:
    arxiv = parse_identifier("https://arxiv.org/pdf/1706.03762v7.pdf")
    doi = parse_identifier("https://doi.org/10.1038/NATURE14539")
    assert arxiv is not None and doi is not None
    assert (str(arxiv), arxiv.url) == ("arXiv:1706.03762", "https://arxiv.org/abs/1706.03762")
    assert (str(doi), doi.url) == ("doi:10.1038/nature14539", "https://doi.org/10.1038/nature14539")
    # The text form parses back to the same identifier.
    assert parse_identifier(str(arxiv)) == arxiv
    assert parse_identifier(str(doi)) == doi


# --- fetch_arxiv --------------------------------------------------------------------


def test_fetch_arxiv_all_fields(server: str) -> None:
    record = fetch_arxiv("1706.03762", base_url=server)
    assert record.title == "Attention Is All You Need"
    assert record.authors == [
        "Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit",
        "Llion Jones", "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin",
    ]
    assert record.year == 2017
    assert record.arxiv_id == "1706.03762"
    assert record.doi == ""
    assert record.venue == ""
    assert record.url == "https://arxiv.org/abs/1706.03762"
    # Whitespace folded: no leading spaces, no hard line breaks.
    assert record.abstract.startswith("The dominant sequence transduction models are based on ")
    assert record.abstract.endswith("both with large and limited training data.")
    assert "\n" not in record.abstract and "  " not in record.abstract
    assert record.tags == []
    assert record.entry_type == "misc"
    assert record.extra == {
        "eprint": "1706.03762", "archiveprefix": "arXiv", "primaryclass": "cs.CL",
    }
    assert record.source == "arXiv API"


def test_fetch_arxiv_newer_feed_layout_and_folded_title(server: str) -> None:
    record = fetch_arxiv("2203.05482", base_url=server)
    assert record.title == (
        "Model soups: averaging weights of multiple fine-tuned models improves accuracy "
        "without increasing inference time"
    )
    assert record.authors[0] == "Mitchell Wortsman"
    assert record.authors[-1] == "Ludwig Schmidt"
    assert len(record.authors) == 11
    assert record.year == 2022
    assert record.extra["primaryclass"] == "cs.LG"
    assert record.links == ["https://github.com/mlfoundations/model-soups"]


def test_fetch_arxiv_old_style_with_doi_and_journal_ref(server: str) -> None:
    record = fetch_arxiv("arXiv:hep-th/9711200v2", base_url=server)
    assert record.title == "The Large N Limit of Superconformal Field Theories and Supergravity"
    assert record.authors == ["Juan M. Maldacena"]
    assert record.year == 1997  # from <published>, not the later <updated>
    assert record.arxiv_id == "hep-th/9711200"
    assert record.doi == "10.1023/a:1026654312961"
    assert record.venue == (
        "Adv.Theor.Math.Phys.2:231-252,1998; Int.J.Theor.Phys.38:1113-1133,1999"
    )
    assert record.entry_type == "article"  # it has a journal reference
    assert record.url == "https://arxiv.org/abs/hep-th/9711200"
    assert record.extra["eprint"] == "hep-th/9711200"
    assert record.extra["primaryclass"] == "hep-th"


def test_fetch_arxiv_asks_for_the_id_without_version(
    server: str, seen: list[dict[str, str]]
) -> None:
    seen.clear()
    record = fetch_arxiv("https://arxiv.org/pdf/1706.03762v5.pdf", base_url=server)
    assert record.arxiv_id == "1706.03762"
    assert seen[-1]["path"] == "/api/query?id_list=1706.03762&max_results=1"


def test_fetch_arxiv_http_404(server: str) -> None:
    with pytest.raises(LookupFailed, match=r"no arXiv paper with id 2401\.55555") as caught:
        fetch_arxiv("2401.55555", base_url=server)
    assert caught.value.offline is False
    assert "HTTP 404" in str(caught.value)


def test_fetch_arxiv_empty_feed(server: str) -> None:
    with pytest.raises(LookupFailed) as caught:
        fetch_arxiv("2401.99999", base_url=server)
    assert str(caught.value) == "no arXiv paper with id 2401.99999"
    assert not caught.value.offline


@pytest.mark.parametrize("bad_id", ["1234.5678", "2401.1234"])  # served with 400 / 200
def test_fetch_arxiv_error_entry(server: str, bad_id: str) -> None:
    with pytest.raises(LookupFailed) as caught:
        fetch_arxiv(bad_id, base_url=server)
    message = str(caught.value)
    assert message.startswith(f"no arXiv paper with id {bad_id}")
    assert f"incorrect id format for {bad_id}" in message
    assert not caught.value.offline


@pytest.mark.parametrize(
    ("arxiv_id", "detail"),
    [
        ("2401.00001", "expected an Atom feed, got a document with a DTD"),  # HTML page
        ("2401.00002", "not XML (no element found"),  # cut off
        ("2401.00003", "expected an Atom feed, got <OAI-PMH>"),
        ("2401.00004", "expected an Atom feed, got a document with a DTD"),  # entity bomb
    ],
)
def test_fetch_arxiv_unreadable_answers(server: str, arxiv_id: str, detail: str) -> None:
    with pytest.raises(LookupFailed) as caught:
        fetch_arxiv(arxiv_id, base_url=server)
    assert str(caught.value).startswith("unreadable answer from 127.0.0.1:")
    assert detail in str(caught.value)
    assert not caught.value.offline


# --- fetch_doi ----------------------------------------------------------------------


def test_fetch_doi_journal_article(server: str, seen: list[dict[str, str]]) -> None:
    seen.clear()
    record = fetch_doi("https://doi.org/10.1038/NATURE14539", base_url=server)
    assert seen[-1]["path"] == "/works/10.1038%2Fnature14539"
    assert record.title == "Deep learning"
    assert record.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    assert record.year == 2015
    assert record.venue == "Nature"
    assert record.doi == "10.1038/nature14539"
    assert record.url == "https://doi.org/10.1038/nature14539"
    assert record.arxiv_id == ""
    # The JATS markup is gone, the text is whole.
    assert record.abstract.startswith("Deep learning allows computational models that are")
    assert record.abstract.endswith("shone light on sequential data such as text and speech.")
    assert "<" not in record.abstract
    assert record.entry_type == "article"
    assert record.extra == {
        "volume": "521",
        "number": "7553",
        "pages": "436--444",
        "publisher": "Springer Science and Business Media LLC",
        "issn": "0028-0836, 1476-4687",
    }
    assert record.source == "Crossref"
    assert record.tags == []


def test_fetch_doi_proceedings_article(server: str) -> None:
    record = fetch_doi("10.1145/3292500.3330701", base_url=server)
    # ACM deposits the subtitle separately; the container title carries "&amp;".
    assert record.title == "Optuna: A Next-generation Hyperparameter Optimization Framework"
    assert record.venue == (
        "Proceedings of the 25th ACM SIGKDD International Conference on Knowledge "
        "Discovery & Data Mining"
    )
    assert record.authors == [
        "Takuya Akiba", "Shotaro Sano", "Toshihiko Yanase", "Takeru Ohta", "Masanori Koyama",
    ]
    assert record.year == 2019
    assert record.entry_type == "inproceedings"
    assert record.abstract == ""
    assert record.extra == {"pages": "2623--2631", "publisher": "ACM", "isbn": "9781450362016"}


def test_fetch_doi_book_chapter(server: str) -> None:
    record = fetch_doi("doi:10.1007/978-3-319-24574-4_28", base_url=server)
    assert record.title == "U-Net: Convolutional Networks for Biomedical Image Segmentation"
    assert record.authors == ["Olaf Ronneberger", "Philipp Fischer", "Thomas Brox"]
    assert record.year == 2015  # date-parts with the year alone
    assert record.entry_type == "incollection"
    assert record.venue == "Lecture Notes in Computer Science"
    assert record.extra["isbn"] == "9783319245737, 9783319245744"
    assert record.extra["issn"] == "0302-9743, 1611-3349"
    assert record.extra["pages"] == "234--241"
    assert "volume" not in record.extra


def test_fetch_doi_odd_record(server: str) -> None:
    """The synthetic preprint: organisation author, suffix, accents, markup, no issued
    year, an abstract with a heading and two paragraphs."""
    record = fetch_doi("10.5555/readinglist.preprint.001", base_url=server)
    assert record.title == (
        "Self-supervised in situ segmentation of C. elegans neurons & glia: a benchmark"
    )
    assert record.authors == ["José Müller-Šimić", "{The OpenWorm Consortium}", "Robert Smith Jr."]
    assert record.year == 2023  # issued is [[null]]; published-online has it
    assert record.venue == ""
    assert record.entry_type == "misc"
    assert record.abstract == (
        "We segment C. elegans neurons & glia without labels, using $k<10$ views."
        "\n\nCode: https://github.com/example/segment."
    )
    assert record.links == ["https://github.com/example/segment"]


def test_fetch_doi_not_in_crossref(server: str) -> None:
    with pytest.raises(LookupFailed) as caught:
        fetch_doi("10.1234/does-not-exist", base_url=server)
    assert str(caught.value).startswith("no DOI 10.1234/does-not-exist in Crossref")
    assert not caught.value.offline


@pytest.mark.parametrize(
    ("doi", "detail"),
    [
        ("10.5555/readinglist.truncated", "not JSON ("),
        ("10.5555/readinglist.list", "expected a Crossref work, got 'work-list'"),
    ],
)
def test_fetch_doi_unreadable_answers(server: str, doi: str, detail: str) -> None:
    with pytest.raises(LookupFailed) as caught:
        fetch_doi(doi, base_url=server)
    assert str(caught.value).startswith("unreadable answer from 127.0.0.1:")
    assert detail in str(caught.value)
    assert not caught.value.offline


# --- trouble on the wire ------------------------------------------------------------

FETCHERS = [(fetch_arxiv, "1706.03762"), (fetch_doi, "10.1038/nature14539")]


@pytest.mark.parametrize(("fetcher", "identifier"), FETCHERS)
def test_timeout_is_offline(server: str, fetcher, identifier: str) -> None:
    with pytest.raises(LookupFailed, match=r"did not answer within 0\.2 seconds") as caught:
        fetcher(identifier, base_url=f"{server}/_slow", timeout=0.2)
    assert caught.value.offline is True


@pytest.mark.parametrize(("fetcher", "identifier"), FETCHERS)
def test_connection_refused_is_offline(fetcher, identifier: str) -> None:
    with pytest.raises(LookupFailed, match=r"cannot reach 127\.0\.0\.1") as caught:
        fetcher(identifier, base_url=closed_port_url(), timeout=5)
    assert caught.value.offline is True
    assert "internet connection" in str(caught.value)


@pytest.mark.parametrize(("fetcher", "identifier"), FETCHERS)
def test_server_error_is_not_offline(server: str, fetcher, identifier: str) -> None:
    with pytest.raises(LookupFailed, match="answered HTTP 500 Internal Server Error") as caught:
        fetcher(identifier, base_url=f"{server}/_status/500")
    assert caught.value.offline is False
    assert "try again later" in str(caught.value)


@pytest.mark.parametrize(("fetcher", "identifier"), FETCHERS)
def test_garbage_is_not_offline(server: str, fetcher, identifier: str) -> None:
    with pytest.raises(LookupFailed, match="unreadable answer from") as caught:
        fetcher(identifier, base_url=f"{server}/_garbage")
    assert caught.value.offline is False


def test_lookup_failed_is_a_readinglist_error() -> None:
    assert issubclass(LookupFailed, ReadinglistError)
    assert LookupFailed("x").offline is False


# --- configuration ------------------------------------------------------------------


def test_env_vars_override_service_addresses(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read at call time: set after the module was imported.
    monkeypatch.setenv("READINGLIST_ARXIV_API", server + "/")
    monkeypatch.setenv("READINGLIST_CROSSREF_API", server)
    assert fetch_arxiv("1706.03762").title == "Attention Is All You Need"
    assert fetch_doi("10.1038/nature14539").title == "Deep learning"
    # An explicit base_url wins over the environment.
    with pytest.raises(LookupFailed) as caught:
        fetch_arxiv("1706.03762", base_url=closed_port_url())
    assert caught.value.offline


def test_bad_env_address_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINGLIST_ARXIV_API", "localhost:8080")
    with pytest.raises(LookupFailed, match="READINGLIST_ARXIV_API") as caught:
        fetch_arxiv("1706.03762")
    assert not caught.value.offline


def test_user_agent_with_and_without_contact(
    server: str, seen: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen.clear()
    fetch_doi("10.1038/nature14539", base_url=server)
    plain = seen[-1]["user-agent"]
    assert plain.startswith("Readinglist/")
    assert "mailto:" not in plain
    monkeypatch.setenv("READINGLIST_CONTACT_EMAIL", "reader@example.org")
    fetch_arxiv("1706.03762", base_url=server)
    assert "(desktop reading-list manager; mailto:reader@example.org)" in seen[-1][
        "user-agent"
    ]
    # Something that is not an address never reaches the header.
    monkeypatch.setenv("READINGLIST_CONTACT_EMAIL", "me@example.org\r\nX-Evil: 1")
    fetch_arxiv("1706.03762", base_url=server)
    assert "mailto" not in seen[-1]["user-agent"]
    assert "x-evil" not in seen[-1]


# --- fetch and minimal_record -------------------------------------------------------


def test_fetch_dispatches_and_prefers_arxiv_for_arxiv_dois(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINGLIST_ARXIV_API", server)
    # Crossref is unreachable: an arXiv DOI must not go there.
    monkeypatch.setenv("READINGLIST_CROSSREF_API", closed_port_url())
    by_doi = fetch("https://doi.org/10.48550/arXiv.1706.03762")
    assert (by_doi.title, by_doi.source) == ("Attention Is All You Need", "arXiv API")
    by_hand = fetch(Identifier("doi", "10.48550/arxiv.1706.03762"))
    assert by_hand.arxiv_id == "1706.03762"
    with pytest.raises(LookupFailed) as caught:
        fetch(parse_identifier("10.1038/nature14539"))  # type: ignore[arg-type]
    assert caught.value.offline  # it did go to (unreachable) Crossref
    monkeypatch.setenv("READINGLIST_CROSSREF_API", server)
    assert fetch("doi:10.1038/nature14539").source == "Crossref"


def test_fetch_rejects_what_is_not_an_identifier() -> None:
    with pytest.raises(LookupFailed, match="not an arXiv id or DOI: 'Deep learning'"):
        fetch("Deep learning")


def test_minimal_record_for_arxiv_id() -> None:
    record = minimal_record(parse_identifier("https://arxiv.org/abs/2401.12345v2"))  # type: ignore[arg-type]
    assert record.title == "arXiv:2401.12345"
    assert record.arxiv_id == "2401.12345"
    assert record.doi == ""
    assert record.url == "https://arxiv.org/abs/2401.12345"
    assert record.source == "identifier (details not fetched yet)"
    assert record.authors == [] and record.year is None and record.abstract == ""


def test_minimal_record_for_doi() -> None:
    record = minimal_record("https://dx.doi.org/10.1145/3292500.3330701")
    assert record.title == "doi:10.1145/3292500.3330701"
    assert record.doi == "10.1145/3292500.3330701"
    assert record.arxiv_id == ""
    assert record.url == "https://doi.org/10.1145/3292500.3330701"
    assert record.source == lookup.MINIMAL_SOURCE
