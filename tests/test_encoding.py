"""Decoding imported files: BOMs, UTF-8, declared encodings, the Windows-1252 fallback,
and refusing what cannot be read with confidence."""

from __future__ import annotations

import codecs

import pytest

from readinglist.domain import ImportFailed
from readinglist.importers.encoding import decode

ENTRY = (
    "@article{goedel1931,\n"
    "  author = {Gödel, Kurt},\n"
    "  title = {Über formal unentscheidbare Sätze},\n"
    "}\n"
)


def test_utf8_is_read_without_warnings():
    text, warnings = decode(ENTRY.encode("utf-8"), "refs.bib")
    assert text == ENTRY
    assert warnings == []


def test_utf8_bom_is_dropped():
    text, warnings = decode(codecs.BOM_UTF8 + ENTRY.encode("utf-8"), "refs.bib")
    assert text == ENTRY
    assert not text.startswith("\ufeff")
    assert warnings == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(codec):
    data = ENTRY.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    text, warnings = decode(data, "refs.bib")
    assert text == ENTRY
    assert warnings == []


def test_utf16_without_bom_is_recognised_by_its_nul_bytes():
    text, _ = decode(ENTRY.encode("utf-16-le"), "refs.bib")
    assert text == ENTRY


def test_bom_wins_over_a_declared_encoding():
    text, _ = decode(codecs.BOM_UTF8 + ENTRY.encode("utf-8"), "refs.bib", declared="latin-1")
    assert "Gödel" in text


def test_valid_utf8_wins_over_a_declared_encoding():
    # Reading these bytes as Latin-1 would give "GÃ¶del".
    text, _ = decode(ENTRY.encode("utf-8"), "refs.bib", declared="latin-1")
    assert "Gödel" in text


@pytest.mark.parametrize("declared", ["latin-1", "ISO-8859-1", "windows-1252", "cp1252"])
def test_declared_encoding_is_used_for_non_utf8_bytes(declared):
    text, warnings = decode(ENTRY.encode("latin-1"), "refs.bib", declared=declared)
    assert text == ENTRY
    assert warnings == []


def test_declared_latin1_reads_windows_quotes_as_quotes():
    data = "title = {The \u201cblue book\u201d \u2013 revised}".encode("cp1252")
    text, _ = decode(data, "refs.bib", declared="latin-1")
    assert text == "title = {The \u201cblue book\u201d \u2013 revised}"


@pytest.mark.parametrize(
    "header",
    [
        "% Encoding: windows-1252\n",
        "% Encoding: ISO8859_1\n",
        "% -*- coding: latin-1 -*-\n",
        "% vim: set fileencoding=cp1252 :\n",
    ],
)
def test_encoding_declared_in_the_file(header):
    # "¤" (0xa4) is no letter: without the declaration this would be refused.
    body = ENTRY + "@misc{price, title = {Price in ¤}}\n"
    text, warnings = decode((header + body).encode("cp1252"), "refs.bib")
    assert text == header + body
    assert warnings == []


def test_jabref_meta_encoding_at_the_end_of_the_file():
    body = (
        ENTRY + "@misc{price, title = {Price in ¤}}\n"
        "@comment{jabref-meta: encoding:ISO8859_1;}\n"
    )
    text, warnings = decode(body.encode("latin-1"), "refs.bib")
    assert "Price in ¤" in text
    assert warnings == []


def test_undeclared_latin1_is_read_as_windows_1252_with_a_warning():
    data = ("% saved by an old editor\n" + ENTRY).encode("cp1252")
    text, warnings = decode(data, "refs.bib")
    assert "Gödel" in text and "Über formal unentscheidbare Sätze" in text
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.reason.startswith("read as Windows-1252 (Latin-1); ")
    assert warning.source == "refs.bib"
    assert warning.line == 3  # the first line with a non-UTF-8 byte
    assert "Gödel" in warning.reason  # the user sees a sample to judge


def test_wrong_utf8_declaration_falls_back_with_a_warning():
    data = ("% Encoding: UTF-8\n" + ENTRY).encode("cp1252")
    text, warnings = decode(data, "refs.bib")
    assert "Gödel" in text
    assert "declares 'UTF-8'" in warnings[0].reason


def test_shift_jis_is_refused_not_misread():
    text = "@article{tanaka,\n  title = {日本語の自然言語処理に関する研究},\n}\n"
    data = text.encode("shift_jis")
    with pytest.raises(ImportFailed) as info:
        decode(data, "tanaka.bib")
    message = str(info.value)
    assert message.startswith("tanaka.bib:2:")
    assert "byte 0x" in message
    assert "UTF-8" in message and "--encoding" in message


def test_binary_garbage_is_refused():
    garbage = bytes(range(128, 256)) * 4
    with pytest.raises(ImportFailed, match=r"garbage\.bib:1: not UTF-8 text \(byte 0x80\)"):
        decode(garbage, "garbage.bib")


def test_binary_file_with_nul_bytes_is_refused():
    with pytest.raises(ImportFailed, match="NUL byte"):
        decode(b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary", "paper.bib")


def test_unknown_declared_encoding_is_named():
    with pytest.raises(ImportFailed, match="unknown encoding 'klingon-8'"):
        decode(b"@misc{a, title={A}}", "refs.bib", declared="klingon-8")


def test_non_text_codec_is_not_an_encoding():
    with pytest.raises(ImportFailed, match="unknown encoding 'base64'"):
        decode(b"@misc{a, title={A}}", "refs.bib", declared="base64")


def test_declared_encoding_that_does_not_fit_the_bytes_fails_clearly():
    with pytest.raises(ImportFailed) as info:
        decode(ENTRY.encode("latin-1"), "refs.bib", declared="ascii")
    assert "refs.bib:2:" in str(info.value)
    assert "ascii" in str(info.value)
