"""Architecture guards: the core never needs Qt, and the code stays ruff-clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_core_and_cli_never_import_qt():
    code = (
        "import readinglist, readinglist.service, readinglist.cli; import sys; "
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
