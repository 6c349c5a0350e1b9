"""Running Readinglist in another process, as a user's second terminal or script would:
the command line on a library folder, and what its output must (not) hold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from readinglist import Library


def env() -> dict[str, str]:
    """This environment, without a library chosen by the variable, Qt offscreen."""
    variables = {k: v for k, v in os.environ.items() if k != "READINGLIST_LIBRARY"}
    variables["QT_QPA_PLATFORM"] = "offscreen"
    variables["PYTHONIOENCODING"] = "utf-8"
    return variables


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "readinglist", "--library", str(folder), *args],
                          capture_output=True, text=True, encoding="utf-8", env=env(),
                          stdin=subprocess.DEVNULL, timeout=120)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def ids(lib: Library, query: str) -> list[int]:
    return sorted(lib.search(query, limit=None).ids)
