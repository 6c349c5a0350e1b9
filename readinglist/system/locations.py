"""Where libraries and bundled resources live."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

from .library_choice import remembered_library

ENV_LIBRARY = "READINGLIST_LIBRARY"


def default_library_path() -> Path:
    """$READINGLIST_LIBRARY, else the library last opened in the app (File > Open
    library), else the platform's user data folder."""
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    return remembered_library() or first_library_path()


def first_library_path() -> Path:
    """Where the library lives when the user never chose one."""
    return user_data_path("readinglist", appauthor=False) / "library"


def demo_library_path() -> Path:
    return user_data_path("readinglist", appauthor=False) / "demo-library"


def resource_path(*parts: str) -> Path:
    """A file shipped in resources/ (installed as the readinglist.resources package)."""
    return Path(str(resources.files("readinglist.resources").joinpath(*parts)))


def sample_page_path() -> Path:
    return resource_path("sample", "daily_papers_sample.txt")
