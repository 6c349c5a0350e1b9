"""A library-relative attachment path never leaves the library folder (issue 12): a row
stored as "../x" by an older import of a hostile file is never returned, so it is never
opened, attached or exported as the library's own copy."""

from __future__ import annotations


def test_a_copy_stored_outside_the_library_folder_is_not_the_librarys(empty_library,
                                                                      tmp_path):
    paper = empty_library.add("A paper").paper
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 not yours")
    (empty_library.folder / "files").mkdir()
    (empty_library.folder / "files" / "1-own.pdf").write_bytes(b"%PDF-1.4 yours")
    with empty_library.store.transaction():
        for path in ("../secret.pdf", "files/../../secret.pdf", "files/1-own.pdf"):
            empty_library.store.db.execute(
                "INSERT INTO attachments (paper_id, path, kind, added) VALUES (?, ?, ?, ?)",
                [paper.id, path, "copy", "2026-12-08T00:00:00+00:00"])
    [attachment] = empty_library.get(paper.id).attachments
    assert attachment.path == str(empty_library.folder / "files" / "1-own.pdf")
    assert "secret" not in empty_library.export("bibtex")
