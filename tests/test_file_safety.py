"""Never touch a file the user did not choose (issue 12).

Attachments named in imported data (BibTeX ``file``, RIS ``L1``, a CSV column, Readinglist
JSON) are attached only when they are documents inside the imported file's folder;
``readinglist attach`` takes regular files anywhere; nothing is read from a FIFO or a
device; exports and copies never write through a file or symlink planted in their way.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from pdf_factory import write_pdf

from readinglist import Library
from readinglist.cli import main
from readinglist.domain import ReadinglistError
from readinglist.system.attachment_paths import check_imported, inside_library

PDF = b"%PDF-1.4 a paper\n"


def _bib(folder: Path, *entries: tuple[str, str]) -> Path:
    """A .bib in `folder`: one entry per (key, file field)."""
    text = "".join(f"@article{{{key}, title = {{Paper {key}}}, file = {{{field}}}}}\n"
                   for key, field in entries)
    path = folder / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def _library_files(library: Library) -> list[str]:
    files = library.folder / "files"
    return sorted(p.name for p in files.iterdir()) if files.exists() else []


def _warnings(report) -> str:
    return "\n".join(str(w) for w in report.warnings)


@pytest.fixture
def download(tmp_path: Path) -> Path:
    """A folder a .bib from the web was saved into, with a secret beside it."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 the user's own secret")
    return folder


# -- BibTeX, RIS, CSV: paths the file names ------------------------------------------------


def test_a_bib_naming_files_outside_its_folder_imports_its_entries_without_them(
        empty_library, download, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "Papers").mkdir(parents=True)
    (home / "Papers" / "private.pdf").write_bytes(PDF)
    monkeypatch.setenv("HOME", str(home))
    (download / "link.pdf").symlink_to(tmp_path / "secret.pdf")
    bib = _bib(download,
               ("abs", ":/etc/passwd:PDF"),
               ("dots", ":../secret.pdf:PDF"),
               ("tilde", ":~/Papers/private.pdf:PDF"),
               ("proc", ":/proc/self/environ:"),
               ("symlink", ":link.pdf:PDF"))
    report = empty_library.import_files([bib])
    assert len(report.added) == 5 and not report.failed
    assert all(not p.attachments for p in empty_library.list())
    assert _library_files(empty_library) == []
    warnings = _warnings(report)
    for key, path, reason in (
            ("abs", "/etc/passwd", "outside"),
            ("dots", str(tmp_path / "secret.pdf"), "outside"),
            ("tilde", str(home / "Papers" / "private.pdf"), "outside"),
            ("proc", "/proc/", "a system file, never attached"),
            ("symlink", str(tmp_path / "secret.pdf"), "outside")):
        assert any(key in line and path in line and reason in line
                   for line in warnings.splitlines()), (key, warnings)


def test_files_in_the_folder_of_the_bib_are_still_attached(empty_library, download):
    (download / "pdfs").mkdir()
    (download / "pdfs" / "a.pdf").write_bytes(PDF)
    (download / "b.pdf").symlink_to(download / "pdfs" / "a.pdf")  # a link that stays in
    bib = _bib(download, ("a", "Full text:pdfs/a.pdf:PDF"), ("b", ":b.pdf:PDF"))
    report = empty_library.import_files([bib])
    assert not report.warnings, _warnings(report)
    for paper in empty_library.list():
        [attachment] = paper.attachments
        assert attachment.kind == "copy" and Path(attachment.path).read_bytes() == PDF


def test_folders_the_user_names_are_allowed_too(empty_library, download, tmp_path):
    elsewhere = tmp_path / "my papers"
    elsewhere.mkdir()
    (elsewhere / "x.pdf").write_bytes(PDF)
    bib = _bib(download, ("x", f":{elsewhere / 'x.pdf'}:PDF"))
    report = empty_library.import_files([bib], attachments_from=[elsewhere])
    assert not report.warnings, _warnings(report)
    assert len(empty_library.list()[0].attachments) == 1


@pytest.mark.parametrize("name, make, reason", [
    ("fifo.pdf", lambda p: os.mkfifo(p), "is a FIFO (named pipe), not a regular file"),
    ("folder.pdf", lambda p: p.mkdir(), "is a folder, not a regular file"),
    ("library.sqlite", lambda p: p.write_bytes(b"SQLite"), "not a document"),
    (".ssh/notes.txt", lambda p: (p.parent.mkdir(), p.write_text("key")),
     "a hidden file or in a hidden folder"),
])
def test_what_is_not_a_document_file_in_the_folder_is_not_attached(
        empty_library, download, name, make, reason):
    make(download / name)
    report = empty_library.import_files([_bib(download, ("k", f":{name}:"))])
    assert len(report.added) == 1
    assert not empty_library.list()[0].attachments
    assert reason in _warnings(report) or "file not found" in _warnings(report)


def test_ris_l1_and_a_csv_file_column_outside_the_folder_are_not_attached(
        empty_library, download, tmp_path):
    (download / "a.ris").write_text(
        f"TY  - JOUR\nTI  - From RIS\nL1  - file://{tmp_path / 'secret.pdf'}\nER  - \n",
        encoding="utf-8")
    (download / "a.csv").write_text("Title,File Attachments\nFrom CSV,/etc/passwd\n",
                                    encoding="utf-8")
    report = empty_library.import_files([download / "a.ris", download / "a.csv"])
    assert len(report.added) == 2
    assert all(not p.attachments for p in empty_library.list())
    assert _library_files(empty_library) == []
    assert "secret.pdf not attached: outside" in _warnings(report)
    assert "/etc/passwd not attached: outside" in _warnings(report)


# -- Readinglist JSON ---------------------------------------------------------------------


def _json(folder: Path, attachments: list[dict]) -> Path:
    path = folder / "shared.json"
    path.write_text(json.dumps({"format": "readinglist", "version": 1, "papers": [
        {"title": "Shared paper", "attachments": attachments}]}), encoding="utf-8")
    return path


def test_a_shared_json_cannot_link_local_files_or_claim_copies(empty_library, download,
                                                               tmp_path):
    library_folder = empty_library.folder
    (download / "kept.pdf").write_bytes(PDF)
    shared = _json(download, [
        {"path": "/etc/passwd", "kind": "link"},
        {"path": str(tmp_path / "secret.pdf"), "kind": "link"},
        {"path": f"{library_folder}/../secret.pdf", "kind": "copy"},
        {"path": str(download / "kept.pdf"), "kind": "link"},
    ])
    report = empty_library.import_files([shared])
    assert len(report.added) == 1
    [attachment] = empty_library.list()[0].attachments
    assert attachment.path == str((download / "kept.pdf").resolve())
    rows = empty_library.store.db.execute("SELECT path FROM attachments").fetchall()
    assert all(".." not in row[0] for row in rows)
    warnings = _warnings(report)
    assert "/etc/passwd not attached" in warnings
    assert "../secret.pdf not attached" in warnings


def test_a_json_backup_restored_into_its_library_keeps_its_copies(empty_library, download,
                                                                  tmp_path):
    (download / "a.pdf").write_bytes(PDF)
    empty_library.import_files([_bib(download, ("a", ":a.pdf:PDF"))])
    backup = tmp_path / "backup.json"
    backup.write_text(empty_library.export("json"), encoding="utf-8")
    report = empty_library.import_files([backup], merge=False)
    assert len(report.added) == 1 and not report.warnings, _warnings(report)
    restored = empty_library.get(report.added[0][0]).attachments
    assert [a.kind for a in restored] == ["copy"]
    assert Path(restored[0].path).parent == empty_library.folder / "files"


def test_copies_of_another_library_come_along_only_from_a_folder_the_user_names(
        tmp_path, download):
    (download / "a.pdf").write_bytes(PDF)
    with Library.open(tmp_path / "first") as first:
        first.import_files([_bib(download, ("a", ":a.pdf:PDF"))])
        (tmp_path / "backups").mkdir()
        backup = tmp_path / "backups" / "first.json"
        backup.write_text(first.export("json"), encoding="utf-8")
    with Library.open(tmp_path / "second") as second:
        report = second.import_files([backup])
        assert not second.list()[0].attachments
        assert "not attached: outside" in _warnings(report)
    with Library.open(tmp_path / "third") as third:
        report = third.import_files([backup], attachments_from=[tmp_path / "first" / "files"])
        [attachment] = third.list()[0].attachments
        assert attachment.kind == "link" and Path(attachment.path).read_bytes() == PDF


# -- stored paths -------------------------------------------------------------------------


def test_paths_stored_relative_to_the_library_never_leave_it(tmp_path):
    assert inside_library(tmp_path, "files/1-a.pdf") == tmp_path / "files" / "1-a.pdf"
    assert inside_library(tmp_path, "../secret.pdf") is None
    assert inside_library(tmp_path, "files/../../x") is None


def test_the_gate_resolves_before_it_checks(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "out.pdf").write_bytes(PDF)
    assert check_imported(tmp_path / "in" / ".." / "out.pdf", [tmp_path / "in"])[0] is None
    assert check_imported("relative.pdf", [tmp_path])[1] == "not an absolute path"


# -- attach, copy: the user's own files; never through a planted symlink ---------------------


def test_attach_takes_regular_files_anywhere_and_refuses_the_rest(seeded_library, tmp_path):
    elsewhere = tmp_path / "far" / "away.pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(PDF)
    paper = seeded_library.attach_file(28, elsewhere)
    assert Path(paper.attachments[-1].path).read_bytes() == PDF
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "dir.pdf").mkdir()
    with pytest.raises(ReadinglistError):
        _without_blocking(lambda: seeded_library.attach_file(28, tmp_path / "pipe.pdf"),
                          tmp_path / "pipe.pdf")
    for path, message in (
            (tmp_path / "pipe.pdf", "is a FIFO (named pipe), not a regular file"),
            (Path("/dev/zero"), "is a device, not a regular file"),
            (tmp_path / "dir.pdf", "is a folder, not a regular file")):
        with pytest.raises(ReadinglistError) as caught:
            seeded_library.attach_file(28, path)
        assert str(caught.value) == f"{path}: {message}; only regular files can be attached"
    assert len(seeded_library.get(28).attachments) == 1


def test_a_copy_never_writes_through_a_symlink_planted_in_files(empty_library, download,
                                                                tmp_path):
    victim = tmp_path / "victim.txt"  # not there yet: a symlink to it dangles
    files = empty_library.folder / "files"
    files.mkdir()
    (files / "1-a.pdf").symlink_to(victim)  # where the copy of paper 1's a.pdf would go
    (download / "a.pdf").write_bytes(PDF)
    report = empty_library.import_files([_bib(download, ("a", ":a.pdf:PDF"))])
    assert not victim.exists()
    [attachment] = empty_library.get(report.added[0][0]).attachments
    assert Path(attachment.path).name == "1-2-a.pdf"
    assert Path(attachment.path).read_bytes() == PDF
    assert not [p for p in files.iterdir() if p.name.endswith(".tmp")]


# -- FIFOs and devices are never read -----------------------------------------------------


def _without_blocking(call, fifo: Path):
    """call() in a thread; if it blocks opening `fifo`, release it and fail (a guard: the
    suite must not hang if this ever comes back)."""
    result: list = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:  # handed to the test's thread
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():  # blocked opening the FIFO: give it an end so the thread ends
        with open(fifo, "wb"):
            pass
        worker.join(30)
        pytest.fail(f"blocked on the FIFO {fifo}")
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


def test_importing_a_fifo_is_refused_with_a_message(empty_library, tmp_path):
    fifo = tmp_path / "stuck.pdf"
    os.mkfifo(fifo)
    report = _without_blocking(lambda: empty_library.import_files([fifo]), fifo)
    assert report.unreadable == [
        f"{fifo}: is a FIFO (named pipe), not a regular file; only files and folders are "
        "imported"]


def test_importing_a_device_is_refused_with_a_message(empty_library):
    report = empty_library.import_files([Path("/dev/zero")], "bibtex")
    assert report.unreadable == ["/dev/zero: is a device, not a regular file; only files "
                                 "and folders are imported"]


def test_a_folder_import_skips_a_fifo_named_like_a_pdf(empty_library, tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    os.mkfifo(folder / "stuck.pdf")
    report = _without_blocking(lambda: empty_library.import_files([folder]),
                               folder / "stuck.pdf")
    assert report.added == []
    [problem] = report.failed
    assert problem.source == "stuck.pdf" and "FIFO" in problem.reason


def test_a_folder_import_does_not_take_a_pdf_linked_from_outside(empty_library, tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "outside.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    write_pdf(tmp_path / "elsewhere.pdf", [["A private paper", "Its secret text"]])
    report = empty_library.import_files([folder])
    assert report.added == [] and empty_library.count() == 0
    [problem] = report.failed
    assert problem.source == "outside.pdf"
    assert "outside" in problem.reason and "skipped" in problem.reason


# -- exports ------------------------------------------------------------------------------


def test_export_never_writes_through_a_planted_part_file(seeded_library, tmp_path, capsys):
    folder = seeded_library.folder
    seeded_library.close()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "out.bib.part").symlink_to(victim)
    assert main(["--library", str(folder), "export", "--format", "bibtex",
                 "-o", str(shared / "out.bib")]) == 0
    assert victim.read_text() == "untouched"
    assert (shared / "out.bib").read_text(encoding="utf-8").count("@") == 68
    assert not (shared / "out.bib").is_symlink()
    assert sorted(p.name for p in shared.iterdir()) == ["out.bib", "out.bib.part"]
    assert "exported 68 paper(s)" in capsys.readouterr().err


def test_the_cli_says_which_attachment_was_skipped_and_why(download, tmp_path, capsys):
    bib = _bib(download, ("stolen", ":/etc/passwd:PDF"))
    assert main(["--library", str(tmp_path / "lib"), "import", str(bib)]) == 0
    out = capsys.readouterr().out
    assert f"{bib.name}: 1 added" in out
    assert (f"  warning: refs.bib:1: stolen: attachment /etc/passwd not attached: outside "
            f"{download}; only files in the imported file's folder are attached") in out
