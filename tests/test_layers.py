"""Architecture guards: the core never needs Qt, the import contracts and the types hold
(pyproject.toml's [tool.importlinter] and [tool.mypy]), and the code stays ruff-clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_core_and_cli_never_import_qt():
    code = (
        "import readinglist, readinglist.library.service, readinglist.cli; import sys; "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_code_is_ruff_clean():
    ruff = Path(sys.executable).parent / "ruff"
    assert ruff.exists(), f"ruff is not installed next to {sys.executable}"
    done = subprocess.run(
        [str(ruff), "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _tool(name: str) -> Path:
    tool = Path(sys.executable).parent / name
    assert tool.exists(), f"{name} is not installed next to {sys.executable} (the test extras)"
    return tool


def test_import_contracts_hold():
    """Layers, the GUI away from store and search, Qt in the GUI only, no cycles."""
    done = subprocess.run(
        [str(_tool("lint-imports")), "--no-cache"], cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_package_type_checks():
    """mypy over the whole package, as configured in pyproject.toml."""
    done = subprocess.run(
        [str(_tool("mypy")), "--cache-dir", os.devnull], cwd=REPO, capture_output=True,
        text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_both_launchers_open_the_library_their_arguments_name(monkeypatch, tmp_path):
    """`readinglist` (no command or `gui`) and `readinglist-gui` share their options through
    readinglist.launch; the GUI's launcher no longer goes through the CLI's."""
    from readinglist import cli
    from readinglist.gui import app
    from readinglist.system.locations import demo_library_path

    opened: list[tuple[Path | None, bool]] = []

    def run(library_path: Path | None = None, demo: bool = False) -> int:
        opened.append((library_path, demo))
        return 0

    monkeypatch.setattr(app, "run", run)
    monkeypatch.setenv("READINGLIST_LIBRARY", str(tmp_path / "default"))
    named = tmp_path / "named"
    assert cli.main([]) == 0
    assert cli.main(["--demo"]) == 0
    assert cli.main(["gui", "--library", str(named)]) == 0
    assert app.main(["--library", str(named)]) == 0
    assert app.main([]) == 0
    assert opened == [
        (tmp_path / "default", False),
        (demo_library_path(), True),
        (named, False),
        (named, False),
        (tmp_path / "default", False),
    ]


def test_every_package_is_installed():
    """A wheel holds only the packages pyproject.toml lists: a new folder of the package
    that is not listed would be missing from an installed app."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    folders = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "readinglist").rglob("__init__.py")
    }
    assert folders - listed == set()
