"""What the two launchers share: `readinglist` (cli.py) and `readinglist-gui` (gui/app.py).

Kept apart from both so that neither has to import the other for its arguments.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .system.locations import ENV_LIBRARY, default_library_path, demo_library_path

GUI_HELP = "open the desktop app"


def library_option() -> argparse.ArgumentParser:
    """A parent parser with the --library option every command takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"library folder (default: ${ENV_LIBRARY} or {default_library_path()})",
    )
    return common


def chosen_library(args: argparse.Namespace) -> Path:
    """--library if given, else the demo library with --demo, else the default one."""
    if getattr(args, "library", None):
        return Path(args.library).expanduser()
    if getattr(args, "demo", False):
        return demo_library_path()
    return default_library_path()
