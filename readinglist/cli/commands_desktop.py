"""`readinglist --install-desktop` and `--uninstall-desktop`: Readinglist in the desktop's
application menu, with its icon, for the current user (see system/desktop.py). They need
no library, so they take the arguments alone."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..domain import ReadinglistError
from ..system.desktop import install_desktop_entry, uninstall_desktop_entry
from .output import PROG


def install_desktop(args: argparse.Namespace, out: TextIO | None = None) -> int:
    return _run(install_desktop_entry, "wrote", out, done=(
        "Readinglist is in the application menu (a menu that is open may show it only "
        "after logging in again)."), none="")


def uninstall_desktop(args: argparse.Namespace, out: TextIO | None = None) -> int:
    return _run(uninstall_desktop_entry, "removed", out, done="",
                none="no desktop entry of Readinglist was installed")


def _run(action: Callable[[], list[Path]], verb: str, out: TextIO | None, done: str,
         none: str) -> int:
    """Install or uninstall, saying what was written or removed; 1 and a message if not."""
    out = out or sys.stdout
    try:
        paths = action()
    except ReadinglistError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"{verb} {path}", file=out)
    message = done if paths else none or done
    if message:
        print(message, file=out)
    return 0
