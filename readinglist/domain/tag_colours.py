"""Tag colours: the named palette the GUI offers (and the CLI accepts by name), how a
colour is written ("#rrggbb", lower case), and a tag as the library lists it.

Imported from readinglist.domain.tag_colours (not re-exported by the package).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ReadinglistError

# Zotero-like named colours, mid-tones so that a chip of each reads on a light and on a
# dark table alike (the chip's text is black or white, whichever contrasts more).
TAG_PALETTE: dict[str, str] = {
    "red": "#e5534b",
    "orange": "#f0883e",
    "yellow": "#d4a72c",
    "green": "#3fa45b",
    "teal": "#1b9e8f",
    "blue": "#3d7fd9",
    "purple": "#8e6cd8",
    "grey": "#8b949e",
}
# Other spellings the CLI accepts for a palette colour.
_ALIASES = {"gray": "grey", "violet": "purple", "cyan": "teal"}
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def parse_colour(text: str) -> str:
    """A tag colour from "#rrggbb" or a palette name ("red", "Grey"), as "#rrggbb" in
    lower case. ReadinglistError for anything else."""
    value = text.strip()
    name = _ALIASES.get(value.casefold(), value.casefold())
    if name in TAG_PALETTE:
        return TAG_PALETTE[name]
    if _HEX.fullmatch(value):
        return value.lower()
    names = ", ".join(TAG_PALETTE)
    raise ReadinglistError(f"not a colour: {text!r} (use #rrggbb or one of {names})")


def colour_name(colour: str) -> str | None:
    """The palette's name of a colour ("#e5534b" -> "red"), None for another colour."""
    return next((name for name, value in TAG_PALETTE.items()
                 if value == colour.lower()), None)


@dataclass(frozen=True)
class TagInfo:
    """A tag of the library: its name, how many papers have it (outside the Trash), and
    its colour ("#rrggbb", None: none)."""

    name: str
    papers: int
    colour: str | None = None
