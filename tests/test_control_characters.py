"""Text is text (issue 12): control characters in imported metadata (ESC, BEL, OSC 52
clipboard writes, C1, DEL) are removed at the import boundary, never printed by the CLI,
escaped in JSON and shown as inert pictures in the Markdown export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.cli import main
from readinglist.domain import PaperRecord
from readinglist.text.normalize import CONTROL_CHARACTERS, strip_controls

# Retitle the terminal, write "hello" to the clipboard, clear the screen, a C1 CSI, DEL.
EVIL = "\x1b]0;PWNED\x07 \x1b]52;c;aGVsbG8=\x07 \x1b[2J\x9b31m\x7f"
CLEAN = "]0;PWNED ]52;c;aGVsbG8= [2J31m"


def _stored_texts(library: Library) -> list[str]:
    """Every text the library keeps about its papers (as its JSON export has them)."""
    data = json.loads(library.export("json"))
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)

    walk(data["papers"])
    return texts


def _assert_clean(library: Library) -> None:
    dirty = [t for t in _stored_texts(library) if CONTROL_CHARACTERS.search(t)]
    assert dirty == []


def test_strip_controls_keeps_tabs_and_newlines_and_unifies_line_endings():
    assert strip_controls(f"a{EVIL}b") == f"a{CLEAN}b"
    assert strip_controls("one\ttwo\r\nthree\rfour\x0cfive\n") == \
        "one\ttwo\nthree\nfour\nfive\n"
    assert strip_controls("Schütze — “quoted” 数学") == "Schütze — “quoted” 数学"


@pytest.mark.parametrize("name, text", [
    ("evil.bib", f"@article{{k, title = {{Evil {EVIL} title}}, author = {{Doe{EVIL}, Jane}},\n"
                 f"  abstract = {{An {EVIL} abstract}}, keywords = {{tag{EVIL}}},\n"
                 f"  note = {{A {EVIL} note}}, journal = {{J{EVIL}}}}}\n"),
    ("evil.ris", f"TY  - JOUR\nTI  - Evil {EVIL} title\nAU  - Doe{EVIL}, Jane\n"
                 f"AB  - An {EVIL} abstract\nKW  - tag{EVIL}\nN1  - A {EVIL} note\nER  - \n"),
    ("evil.csv", f'Title,Author,Abstract Note,Manual Tags,Notes\n"Evil {EVIL} title",'
                 f'"Doe{EVIL}, Jane","An {EVIL} abstract","tag{EVIL}","A {EVIL} note"\n'),
    ("evil.json", json.dumps([{"type": "article-journal", "title": f"Evil {EVIL} title",
                               "author": [{"family": f"Doe{EVIL}", "given": "Jane"}],
                               "abstract": f"An {EVIL} abstract", "note": f"A {EVIL} note"}])),
])
def test_imported_metadata_is_stored_without_control_characters(empty_library, tmp_path,
                                                                 name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = empty_library.import_files([path])
    assert len(report.added) == 1, [str(p) for p in report.failed + report.unreadable]
    paper = empty_library.list()[0]
    assert paper.title == f"Evil {CLEAN} title"
    _assert_clean(empty_library)


def test_a_readinglist_json_restore_is_cleaned_too(empty_library, tmp_path):
    path = tmp_path / "shared.json"
    path.write_text(json.dumps({"format": "readinglist", "version": 1, "papers": [{
        "title": f"Evil {EVIL} title", "note": f"# Note\n\n\tindented {EVIL}",
        "abstract": f"An abstract {EVIL} here", "tags": [f"t{EVIL}"],
        "extra": {f"k{EVIL}": f"v{EVIL}"},
        "annotations": [{"start": 0, "end": 2, "quote": "An", "colour": "yellow",
                         "comment": f"c{EVIL}"}]}]}), encoding="utf-8")
    report = empty_library.import_files([path])
    assert len(report.added) == 1, [str(p) for p in report.failed]
    paper = empty_library.list()[0]
    assert paper.title == f"Evil {CLEAN} title"
    assert paper.note == f"# Note\n\n\tindented {CLEAN}"  # tabs and newlines kept
    _assert_clean(empty_library)


def test_records_from_a_script_are_cleaned(empty_library):
    empty_library.import_records([PaperRecord(title=f"Evil {EVIL} title",
                                              abstract=f"a\r\nb{EVIL}", authors=[EVIL + "X"])])
    paper = empty_library.list()[0]
    assert (paper.title, paper.abstract, paper.authors) == (
        f"Evil {CLEAN} title", f"a\nb{CLEAN}", (f"{CLEAN}X",))


# -- what the CLI prints ------------------------------------------------------------------


@pytest.fixture
def dirty_library(tmp_path: Path) -> Path:
    """A library whose paper 1 got control characters through the Python API (a script),
    which the import boundary does not see: the CLI must still never print them."""
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        paper = library.add("Soon evil").paper
        library.update(paper.id, title=f"Evil {EVIL} title",
                       abstract=f"An abstract {EVIL} about soups")
        library.set_note(paper.id, f"line one\n\tindented {EVIL}")
    return folder


def _run(capsys, *args: str) -> str:
    assert main([*args]) == 0
    out, err = capsys.readouterr()
    assert not CONTROL_CHARACTERS.search(err)
    return out


def test_list_show_and_search_never_print_control_characters(dirty_library, capsys):
    library = str(dirty_library)
    for args in (("list",), ("show", "1"), ("search", "soups"), ("search", "evil")):
        out = _run(capsys, "--library", library, *args)
        assert not CONTROL_CHARACTERS.search(out), (args, out)
        assert CLEAN in out, (args, out)
    show = _run(capsys, "--library", library, "show", "1")
    assert f"Note:\nline one\n\tindented {CLEAN}" in show  # tabs and newlines kept


def test_json_output_escapes_control_characters(dirty_library, capsys):
    out = _run(capsys, "--library", str(dirty_library), "show", "1", "--json")
    assert not CONTROL_CHARACTERS.search(out)
    assert "\\u001b]0;PWNED\\u0007" in out and "\\u009b" in out and "\\u007f" in out
    assert json.loads(out)["title"] == f"Evil {EVIL} title"  # escaped, not lost


def test_the_markdown_export_escapes_control_characters(dirty_library, capsys):
    out = _run(capsys, "--library", str(dirty_library), "export", "--format", "markdown",
               "-o", str(dirty_library.parent / "list.md"))
    text = (dirty_library.parent / "list.md").read_text(encoding="utf-8")
    assert not CONTROL_CHARACTERS.search(text)
    assert "Evil \u241b\\]0;PWNED\u2407" in text  # visible, inert pictures
    assert "line one\n\tindented \u241b" in text  # the note's tab and newline kept
    assert out == ""


def test_every_command_prints_no_control_characters(tmp_path, capsys) -> None:
    """A title a script stored with an escape sequence is printed clean by commands
    beyond list/show/search too (the queue, the Trash)."""
    from readinglist import Library
    from readinglist.cli import main

    with Library.open(tmp_path / "lib") as library:
        library.add("Evil \x1b]0;PWNED\x07 title", status="queued")
        second = library.add("Thrown \x1b[2J away")
        library.delete(second.paper.id if second.paper else 2)
    for command in (["queue"], ["trash"]):
        assert main(["--library", str(tmp_path / "lib"), *command]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out
        assert "title" in out or "away" in out
