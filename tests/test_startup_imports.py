"""Start-up imports (issue 13): `readinglist --help` imports neither the library service
nor any heavy dependency, and `search`, `list`, `show` and `info` import what opening and
searching a library need, but no importer, exporter, PDF reader, Markdown parser or
network lookup.

Each command runs in a fresh interpreter, which then prints the modules it imported. The
registries that let the CLI name formats without importing them are checked against the
modules they stand for.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import readinglist
from readinglist import exporters, importers
from readinglist.cli.parser import SORT_CHOICES
from readinglist.library.service import Library
from readinglist.system.locations import ENV_LIBRARY

# Runs `readinglist ARGS` as `python -m readinglist` does, then prints its exit status,
# its output and every module imported, as JSON on the real standard output.
_WRAPPER = """
import contextlib, io, json, runpy, sys
sys.argv = ["readinglist", *json.loads(sys.argv[1])]
out, code = io.StringIO(), None
try:
    with contextlib.redirect_stdout(out):
        runpy.run_module("readinglist", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""

# Third-party packages that no start-up may import (Qt: only the GUI).
_NEVER = ("pypdf", "markdown_it", "bibtexparser", "rispy", "pylatexenc", "PySide6")
# ... and these neither, for `--help` (opening a library needs them).
_NOT_FOR_HELP = ("whoosh", "sqlite_utils", "filelock", "urllib.request", "http.client")
# The parts of the package that `--help` leaves alone.
_NOT_FOR_HELP_PARTS = ("readinglist.library", "readinglist.store", "readinglist.search",
                       "readinglist.matching", "readinglist.lookup", "readinglist.gui")
# What the CLI's parser may import of the importers: the registry (the package), and the
# limits it names in the help (with the ParseResult they check).
_IMPORTER_HELPERS = {"readinglist.importers", "readinglist.importers.base",
                     "readinglist.importers.limits"}


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_LIBRARY}
    env["XDG_DATA_HOME"] = str(tmp / "xdg-data")  # never the user's default library
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def imported_by(args: Sequence[str], tmp: Path) -> tuple[object, str, set[str]]:
    """Exit status, standard output and the imported modules of `readinglist ARGS`."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, json.dumps(list(args))],
        capture_output=True, text=True, encoding="utf-8", env=_env(tmp), cwd=tmp,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return result["code"], result["out"], set(result["modules"])


def _within(modules: set[str], names: Sequence[str]) -> list[str]:
    """The modules that are one of `names` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def _format_modules(modules: set[str]) -> list[str]:
    """The importers' and exporters' format modules among `modules`."""
    return sorted(m for m in modules
                  if (m.startswith("readinglist.importers.") and m not in _IMPORTER_HELPERS)
                  or m.startswith("readinglist.exporters."))


@pytest.fixture(scope="module")
def small_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A closed library of three papers, two about models, its index built."""
    folder = tmp_path_factory.mktemp("startup") / "lib"
    with Library.open(folder) as library:
        library.add("Diffusion model soups", abstract="Averaging the weights of a model.",
                     year=2024)
        library.add("A language model that reads", abstract="Reading long documents.")
        library.add("Sparse attention", abstract="Attention over blocks of tokens.")
    yield folder


# -- --help -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["--help"],
    ["search", "--help"],
    ["list", "--help"],
    ["import", "--help"],
    ["export", "--help"],
    ["check", "--help"],
], ids=" ".join)
def test_help_imports_no_service_and_no_heavy_package(args: list[str], tmp_path: Path) -> None:
    code, out, modules = imported_by(args, tmp_path)
    assert code == 0 and "usage: readinglist" in out
    assert _within(modules, _NEVER + _NOT_FOR_HELP) == []
    assert _within(modules, _NOT_FOR_HELP_PARTS) == []
    assert _format_modules(modules) == []


def test_help_still_names_every_format_and_sort_key(tmp_path: Path) -> None:
    _code, out, _modules = imported_by(["import", "--help"], tmp_path)
    for fmt in importers.FORMATS:
        assert fmt in out
    _code, out, _modules = imported_by(["export", "--help"], tmp_path)
    for fmt in (*exporters.FORMATS, "json"):
        assert fmt in out
    _code, out, _modules = imported_by(["list", "--help"], tmp_path)
    assert ",".join(Library.sort_keys) in out


def test_importing_the_package_does_not_import_the_library_service(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, readinglist; print(sorted(sys.modules))"],
        capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path, timeout=120)
    modules = set(eval(done.stdout))  # a printed list of str
    assert "readinglist" in modules
    assert _within(modules, ("readinglist.library", "sqlite_utils", "whoosh")) == []


# -- commands that open a library ------------------------------------------------------------


def test_search_json_imports_no_importer_exporter_pdf_markdown_or_lookup(
        small_library: Path, tmp_path: Path) -> None:
    code, out, modules = imported_by(
        ["--library", str(small_library), "search", "model", "--json"], tmp_path)
    assert code == 0
    found = json.loads(out)
    assert sorted(hit["title"] for hit in found["hits"]) == [
        "A language model that reads", "Diffusion model soups"]
    assert "whoosh" in modules  # it did search
    assert _within(modules, _NEVER) == []
    # urllib.request and http.client are imported by Whoosh itself (whoosh.compat).
    assert _within(modules, ("readinglist.lookup", "readinglist.matching.note_links")) == []
    assert _format_modules(modules) == []


@pytest.mark.parametrize("args", [
    ["list", "--json"],
    ["show", "1"],
    ["info"],
], ids=" ".join)
def test_reading_commands_import_no_importer_exporter_pdf_markdown_or_lookup(
        args: list[str], small_library: Path, tmp_path: Path) -> None:
    code, out, modules = imported_by(["--library", str(small_library), *args], tmp_path)
    assert code == 0 and out.strip()
    assert "readinglist.library.service" in modules  # it did open the library
    assert _within(modules, _NEVER) == []
    assert _within(modules, ("readinglist.lookup",)) == []
    assert _format_modules(modules) == []


# -- the registries, against what they stand for ------------------------------------------


def _package_modules(package: object) -> list[str]:
    return [info.name for info in pkgutil.iter_modules(package.__path__)]  # type: ignore[attr-defined]


def test_importer_registry_names_each_module_by_its_format() -> None:
    by_name = {name: importlib.import_module(f"readinglist.importers.{name}")
               for name in _package_modules(importers)}
    readers = {m.FORMAT: name for name, m in by_name.items() if hasattr(m, "FORMAT")}
    assert importers.FORMATS[-1] == "pdf"
    assert {fmt: importers.format_module(fmt).__name__.rsplit(".", 1)[1]
            for fmt in importers.FORMATS} == readers
    # In sniffing order, the PDF reader (which reads files, not text) apart.
    assert [m.FORMAT for m in importers.TEXT_FORMATS] == list(importers.FORMATS[:-1])
    expected = {ext for m in by_name.values() for ext in getattr(m, "EXTENSIONS", ())}
    assert set(importers.EXTENSIONS) == expected | {".txt"}


def test_exporter_registry_exports_with_each_module() -> None:
    writers = {name for name in _package_modules(exporters)
               if hasattr(importlib.import_module(f"readinglist.exporters.{name}"), "export")}
    # Readinglist JSON is written by the library itself (Library.export("json")).
    assert {fmt.module for fmt in exporters.FORMATS.values()} == writers - {"readinglist_json"}
    for fmt in exporters.FORMATS.values():
        module = importlib.import_module(f"readinglist.exporters.{fmt.module}")
        assert fmt.export is module.export


def test_the_parsers_sort_keys_are_the_librarys() -> None:
    assert Library.sort_keys == SORT_CHOICES


def test_lazy_names_are_the_real_ones() -> None:
    assert readinglist.Library is Library
    assert "Library" in dir(readinglist)
    assert importers.pdf is importlib.import_module("readinglist.importers.pdf")
    assert exporters.ris is importlib.import_module(  # type: ignore[attr-defined]
        "readinglist.exporters.ris")
    with pytest.raises(AttributeError):
        _ = readinglist.NoSuchThing  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = importers.no_such_module  # type: ignore[attr-defined]
