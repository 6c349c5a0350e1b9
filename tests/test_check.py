"""`readinglist check [--repair] [--json]` (issue 12): every kind of problem is found, the
repair fixes what it can after taking a backup and says what it did; exit 0 when sound,
1 when problems remain, 2 when the check cannot run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from readinglist import Library, ReadinglistError
from readinglist.cli import main
from readinglist.library.service import INDEX_DIR
from readinglist.store import backups
from readinglist.system.locations import sample_page_path

SEED = sample_page_path()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "lib"
    with Library.open(folder, daily_backup=False) as lib:
        assert len(lib.import_file(SEED).added) == 68
        lib.delete(60)  # one paper in the Trash: it must not be found by search
    return folder


def raw(folder: Path, *statements: str) -> None:
    conn = sqlite3.connect(folder / "library.sqlite")
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def check(folder: Path, *args: str, capsys: pytest.CaptureFixture[str]
          ) -> tuple[int, dict]:
    code = main(["--library", str(folder), "check", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def kinds(report: dict) -> set[str]:
    return {finding["kind"] for finding in report["findings"]}


def test_a_sound_library_checks_clean(folder: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    code, report = check(folder, capsys=capsys)
    assert code == 0 and report["clean"] and report["findings"] == []
    assert report["checked"] == ["database file", "references", "text", "search index",
                                 "attached files"]
    assert main(["--library", str(folder), "check"]) == 0
    assert "No problems found." in capsys.readouterr().out


def test_orphan_rows_are_found_and_deleted(folder: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    raw(folder, "INSERT INTO paper_tags VALUES (9999, 'ghost')",
        "INSERT INTO annotations (paper_id, start, end, quote, created, modified) "
        "VALUES (9999, 0, 4, 'gone', '2026-01-01', '2026-01-01')",
        "INSERT INTO status_history (paper_id, status, changed) "
        "VALUES (9999, 'read', '2026-01-01')")
    code, report = check(folder, capsys=capsys)
    assert code == 1 and kinds(report) == {"orphans"}
    assert report["findings"][0]["items"] == [
        "paper_tags: 1 row(s)", "annotations: 1 row(s)", "status_history: 1 row(s)"]
    code, repaired = check(folder, "--repair", capsys=capsys)
    assert code == 0 and repaired["clean"]
    assert "deleted 1 orphan row(s) of paper_tags" in repaired["repaired"]
    assert repaired["backup"] and Path(repaired["backup"]).exists()
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("SELECT count(*) FROM paper_tags WHERE tag = 'ghost'").fetchone() \
        == (0,)
    conn.close()


def test_damaged_text_is_listed_then_re_encoded(folder: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    raw(folder, "UPDATE papers SET title = CAST(x'4d6f64656cff20736f757073' AS TEXT) "
        "WHERE id = 3", "UPDATE papers SET note = CAST(x'41ff42' AS TEXT) WHERE id = 5")
    code, report = check(folder, capsys=capsys)
    assert code == 1 and kinds(report) == {"text"}
    assert report["findings"][0]["items"] == ["paper #3, title: 'Model\ufffd soups'",
                                              "paper #5, note: 'A\ufffdB'"]
    code, repaired = check(folder, "--repair", capsys=capsys)
    assert code == 0
    assert "re-encoded paper #3, title: 'Model\ufffd soups'" in repaired["repaired"]
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("SELECT title FROM papers WHERE id = 3").fetchone() == (
        "Model\ufffd soups",)  # now valid UTF-8: the default decoder reads it
    conn.close()
    with Library.open(folder) as lib:  # and search finds it as it reads now
        assert 3 in lib.search("soups", limit=None).ids


def test_a_damaged_search_index_is_found_and_rebuilt(folder: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    for column in (folder / INDEX_DIR).glob("*.id.col"):
        column.unlink()  # every search would fail
    code, report = check(folder, capsys=capsys)
    assert code == 1 and kinds(report) == {"index"}
    code, repaired = check(folder, "--repair", capsys=capsys)
    assert code == 0 and "rebuilt the search index" in repaired["repaired"]
    with Library.open(folder) as lib:
        assert 28 in lib.search('"model soups"').ids


def test_a_paper_missing_from_the_index_is_found_by_the_sample(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Library.open(folder) as lib:
        lib.index.apply([], [10], lib.sync._stamp(lib.store.last_seq()))  # dropped behind
        lib.index.apply([(lib.get(60), "")], [], lib.sync._stamp(lib.store.last_seq()))
    code, report = check(folder, capsys=capsys)
    assert code == 1 and kinds(report) == {"index"}
    items = " ".join(item for f in report["findings"] for item in f["items"])
    summary = " ".join(f["summary"] for f in report["findings"])
    assert "paper #10: missing" in items or "holds 67 papers" in summary
    assert check(folder, "--repair", capsys=capsys)[0] == 0


def test_a_damaged_database_index_is_rebuilt(folder: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(folder / "library.sqlite")
    conn.execute("PRAGMA journal_mode = DELETE")
    root, = conn.execute("SELECT rootpage FROM sqlite_master "
                         "WHERE name = 'idx_papers_year'").fetchone()
    size, = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with (folder / "library.sqlite").open("r+b") as handle:  # half its entries lost
        handle.seek((root - 1) * size)
        page = bytearray(handle.read(size))
        page[3:5] = (int.from_bytes(page[3:5], "big") // 2).to_bytes(2, "big")
        handle.seek((root - 1) * size)
        handle.write(page)
    code, report = check(folder, capsys=capsys)
    assert code == 1 and "database" in kinds(report)
    assert any("missing from index idx_papers_year" in item
               for f in report["findings"] for item in f["items"])
    code, repaired = check(folder, "--repair", capsys=capsys)
    assert code == 0, repaired
    assert any("REINDEX" in action for action in repaired["repaired"])


def test_missing_and_stray_files_are_listed_never_deleted(
        folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with Library.open(folder, daily_backup=False) as lib:
        lib.attach_file(28, pdf)
        lib.attach_file(29, pdf, attach="link")
    copied = next((folder / "files").rglob("*.pdf"))
    copied.unlink()
    pdf.unlink()
    stray = folder / "files" / "left-behind.pdf"
    stray.write_bytes(b"%PDF-1.4")
    code, report = check(folder, capsys=capsys)
    assert code == 1 and kinds(report) == {"missing_files", "stray_files"}
    missing = next(f for f in report["findings"] if f["kind"] == "missing_files")
    assert len(missing["items"]) == 2 and not missing["repairable"]
    code, after = check(folder, "--repair", capsys=capsys)
    assert code == 1 and after["repaired"] == []  # nothing it can do: says so by exit 1
    assert stray.exists()


def test_the_text_report_says_what_to_do(folder: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    raw(folder, "INSERT INTO paper_tags VALUES (9999, 'ghost')")
    assert main(["--library", str(folder), "check"]) == 1
    out = capsys.readouterr().out
    assert "Problem: 1 row(s) belong to papers that no longer exist" in out
    assert "readinglist check --repair" in out
    assert main(["--library", str(folder), "check", "--repair"]) == 0
    captured = capsys.readouterr()
    assert "Backup before the repair:" in captured.out
    assert "Repaired: deleted 1 orphan row(s) of paper_tags" in captured.out
    assert "backing up the library" in captured.err


def test_a_repair_always_backs_up_first(folder: Path) -> None:
    raw(folder, "INSERT INTO paper_tags VALUES (9999, 'ghost')")
    with Library.open(folder, daily_backup=False) as lib:
        report = lib.repair()
    kept = [b for b in backups.list_backups(folder) if b.reason == "before-repair"]
    assert len(kept) == 1 and report.backup == str(kept[0].path)
    conn = sqlite3.connect(f"file:{kept[0].path}?immutable=1", uri=True)
    assert conn.execute("SELECT count(*) FROM paper_tags WHERE tag = 'ghost'").fetchone() \
        == (1,)  # the state before the repair
    conn.close()


def test_check_exits_2_when_the_library_cannot_be_opened(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "library.sqlite").write_bytes(b"")
    assert main(["--library", str(folder), "check"]) == 2
    assert "cannot be checked" in capsys.readouterr().err


def test_a_read_only_library_is_checked_not_repaired(folder: Path) -> None:
    raw(folder, "INSERT INTO paper_tags VALUES (9999, 'ghost')")
    with Library.open(folder, read_only=True) as lib:
        assert lib.check().exit_code == 1
        with pytest.raises(ReadinglistError, match="read-only"):
            lib.repair()
