"""`readinglist --install-desktop` and `--uninstall-desktop`: Readinglist in the desktop's
application menu, with its icon, for the current user (see system/desktop.py). They need
no library, so they take the arguments alone."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ..domain import ReadinglistError
from ..system.desktop import install_desktop_entry, uninstall_desktop_entry
from .output import PROG


def install_desktop(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        written = install_desktop_entry()
    except ReadinglistError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}", file=out)
    print("Readinglist is in the application menu (a menu that is open may show it only "
          "after logging in again).", file=out)
    return 0


def uninstall_desktop(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        removed = uninstall_desktop_entry()
    except ReadinglistError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    for path in removed:
        print(f"removed {path}", file=out)
    if not removed:
        print("no desktop entry of Readinglist was installed", file=out)
    return 0
