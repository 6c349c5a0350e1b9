"""One name per read status everywhere: 'inbox' is what the library stores, prints and
exports; 'unread' (the inbox's name before schema 10) and 'new' are still understood
wherever a status comes in (CLI arguments, queries, files, saved views, the API)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from readinglist import Library, Status
from readinglist.cli import main
from readinglist.domain import View

CANONICAL = ["inbox", "queued", "reading", "read", "skimmed", "abandoned"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A library of three papers about soups: 1 and 2 in the inbox, 3 queued."""
    folder = tmp_path / "lib"
    with Library.open(folder) as lib:
        for title in ("Inbox soup", "Another inbox soup", "Queued soup"):
            lib.add(title, year=2024)
        lib.set_status(3, "queued")
    return folder


def cli(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["--library", str(folder), *args]) == 0
    return capsys.readouterr().out


def test_status_parse_takes_aliases_and_lists_only_the_names() -> None:
    assert [s.value for s in Status] == CANONICAL
    assert [s.label for s in Status] == [name.capitalize() for name in CANONICAL]
    assert Status.UNREAD is Status.INBOX  # code written before keeps working
    for alias in ("unread", "UNREAD", " Unread ", "new", "inbox", "Inbox"):
        assert Status.parse(alias) is Status.INBOX
    assert Status("unread") is Status.INBOX
    with pytest.raises(ValueError, match="choose one of: inbox, queued") as error:
        Status.parse("to-do")
    assert "unread" not in str(error.value)
    # A view saved before schema 10 (JSON) reads with today's name.
    assert View.from_dict({"status": "unread"}).status == "inbox"
    assert View.from_dict({"status": "mystery"}).status == "mystery"  # named when listed


def test_the_cli_takes_unread_and_prints_inbox(folder, capsys) -> None:
    assert cli(folder, capsys, "status", "3", "unread") == "#3 status: inbox\n"
    assert cli(folder, capsys, "status", "3", "New") == "#3 status: inbox\n"  # no change
    listed = json.loads(cli(folder, capsys, "list", "--status", "UNREAD", "--json"))
    assert [(p["id"], p["status"]) for p in listed] == [(1, "inbox"), (2, "inbox"),
                                                        (3, "inbox")]
    assert "inbox" in cli(folder, capsys, "list", "--status", "inbox").splitlines()[0]
    shown = json.loads(cli(folder, capsys, "show", "3", "--json"))
    assert [h["status"] for h in shown["history"]] == ["inbox", "queued", "inbox"]
    assert "Status:   inbox" in cli(folder, capsys, "show", "3")
    info = json.loads(cli(folder, capsys, "info", "--json"))
    assert info["status"] == dict.fromkeys(CANONICAL, 0) | {"inbox": 3}
    stats = json.loads(cli(folder, capsys, "stats", "--json"))
    assert stats["totals"]["by_status"] == dict.fromkeys(CANONICAL, 0) | {"inbox": 3}
    assert "(inbox 3)" in cli(folder, capsys, "stats")
    found = json.loads(cli(folder, capsys, "search", "status:unread", "--json"))
    assert found["total"] == 3 and found["facets"]["status"] == {"inbox": 3}
    cli(folder, capsys, "saved", "add", "Soups to see", "soup", "--status", "unread")
    [saved] = json.loads(cli(folder, capsys, "saved", "--json"))
    assert saved["view"]["status"] == "inbox"


def test_the_cli_refuses_an_unknown_status_naming_the_choices(folder, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--library", str(folder), "status", "1", "done-ish"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "choose one of: inbox, queued, reading, read, skimmed, abandoned" in error
    with pytest.raises(SystemExit):
        main(["status", "--help"])
    shown = capsys.readouterr().out
    assert "{inbox,queued,reading,read,skimmed,abandoned}" in shown
    assert "unread" not in shown


def test_exports_say_inbox(folder, capsys) -> None:
    with Library.open(folder) as lib:
        lib.set_status(3, "inbox")  # queued, then back to the inbox
    rows = list(csv.DictReader(io.StringIO(
        cli(folder, capsys, "export", "--format", "csv", "--status", "unread"))))
    assert [(r["title"], r["status"]) for r in rows] == [
        ("Inbox soup", "inbox"), ("Another inbox soup", "inbox"), ("Queued soup", "inbox")]
    document = json.loads(cli(folder, capsys, "export", "--format", "json"))
    assert {p["status"] for p in document["papers"]} == {"inbox"}
    assert [h["status"] for h in document["papers"][2]["history"]] == ["inbox", "queued",
                                                                      "inbox"]
    markdown = cli(folder, capsys, "export", "--format", "markdown")
    assert "## Inbox (3)" in markdown and "back to the inbox" in markdown
    assert "unread" not in markdown.lower()
    bibtex = cli(folder, capsys, "export", "--format", "bibtex")
    assert bibtex.count("readinglist-status = {inbox}") == 3 and "unread" not in bibtex


def test_files_from_before_say_unread_and_come_in_as_inbox(tmp_path, capsys) -> None:
    old_json = tmp_path / "old.json"
    old_json.write_text(json.dumps({"format": "readinglist", "version": 1, "papers": [
        {"id": 1, "title": "From an old export", "status": "unread",
         "added": "2025-01-01T00:00:00+00:00",
         "history": [{"status": "unread", "at": "2025-01-01T00:00:00+00:00"},
                     {"status": "queued", "at": "2025-01-02T00:00:00+00:00"},
                     {"status": "unread", "at": "2025-01-03T00:00:00+00:00"}]}]}),
        encoding="utf-8")
    old_bib = tmp_path / "old.bib"
    old_bib.write_text("@misc{old2024, title = {An old BibTeX export},\n"
                       "  readinglist-status = {unread}}\n", encoding="utf-8")
    plain = tmp_path / "plain.bib"
    plain.write_text("@misc{plain2024, title = {A plain entry}}\n", encoding="utf-8")
    folder = tmp_path / "lib"
    cli(folder, capsys, "import", str(old_json), str(old_bib), "--no-fetch")
    cli(folder, capsys, "import", str(plain), "--status", "unread", "--no-fetch")
    with Library.open(folder) as lib:
        papers = {p.title: p for p in lib.list()}
        assert {p.status for p in papers.values()} == {Status.INBOX} and len(papers) == 3
        restored = papers["From an old export"].id
        assert [c.status.value for c in lib.history(restored)] == ["inbox", "queued", "inbox"]
        # The old status field is read, not kept as an extra field.
        assert not papers["An old BibTeX export"].extra
        assert lib.search_ids("status:inbox") == lib.search_ids("status:unread") == [1, 2, 3]


def test_unread_written_by_another_tool_is_stored_as_inbox(folder) -> None:
    """A script inserting a paper without a status gets the column's old default, and
    one may set 'unread' by hand: the library stores 'inbox' either way."""
    with Library.open(folder) as lib:
        db = lib.store.db
        with lib.store.transaction():
            db.execute("INSERT INTO papers (id, title, title_key, added, modified) "
                       "VALUES (9, 'Scripted', 'scripted', '2025-01-01', '2025-01-01')")
            db.execute("UPDATE papers SET status = 'unread' WHERE id = 3")
        assert lib.store._q("SELECT id, status FROM papers WHERE id IN (3, 9)") == [
            (3, "inbox"), (9, "inbox")]
        assert lib.status_counts()["inbox"] == 4 and "unread" not in lib.status_counts()
