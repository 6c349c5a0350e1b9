"""`import --files-from DIR` and `import --yes` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from readinglist.cli import main
from readinglist.importers.limits import MAX_IDENTIFIERS


def _papers(library: Path, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["--library", str(library), "list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_files_from_lets_entries_attach_files_of_another_folder(tmp_path, capsys) -> None:
    bib_dir, pdf_dir = tmp_path / "refs", tmp_path / "pdfs"
    bib_dir.mkdir()
    pdf_dir.mkdir()
    pdf = pdf_dir / "soups.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    bib = bib_dir / "refs.bib"
    bib.write_text("@article{a, title={Model soups}, year={2022}, file={" + str(pdf) + "}}\n")
    plain, chosen = tmp_path / "plain", tmp_path / "chosen"
    assert main(["--library", str(plain), "import", str(bib)]) == 0
    assert not _papers(plain, capsys)[0]["attachments"]  # outside the .bib's folder
    assert main(["--library", str(chosen), "import", str(bib), "--files-from",
                 str(pdf_dir)]) == 0
    attached = _papers(chosen, capsys)[0]["attachments"]
    assert len(attached) == 1 and attached[0]["path"].endswith(".pdf")


def test_a_long_identifier_list_to_look_up_needs_yes(tmp_path, capsys, offline) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(f"arXiv:2401.{n:05d}" for n in range(MAX_IDENTIFIERS + 1)))
    library = tmp_path / "lib"
    assert main(["--library", str(library), "import", str(ids)]) == 1
    said = capsys.readouterr()
    assert str(MAX_IDENTIFIERS) in said.err + said.out
    assert main(["--library", str(library), "import", str(ids), "--no-fetch"]) == 0  # no lookup
    assert main(["--library", str(library), "import", str(ids), "--yes"]) == 0
    assert len(_papers(library, capsys)) == MAX_IDENTIFIERS + 1
