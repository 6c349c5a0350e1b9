"""Tag colours: one optional colour ("#rrggbb") per tag, in the `tag_colours` table
(migration m011), whose triggers log the kind 'tag_colours' so every view learns of a
change, this process's or another's.

Tags compare without case (Python's casefold, like tag_admin), so a colour follows its
tag whatever the spelling on a paper. The writing functions run inside a write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .rows import clean_tag
from .store_base import StoreBase


def all_colours(store: StoreBase) -> dict[str, str]:
    """Every tag's colour, by tag name (as the colour was set), in name order."""
    return dict(store._q("SELECT tag, colour FROM tag_colours ORDER BY tag COLLATE NOCASE"))


def colours_of(store: StoreBase, tags: Sequence[str]) -> dict[str, str | None]:
    """The colour of each of these tags (None: it has none), keyed as given: what an
    undo gives back to :func:`put_colours`."""
    by_name = {tag.casefold(): colour for tag, colour in all_colours(store).items()}
    return {tag: by_name.get(clean_tag(tag).casefold()) for tag in tags}


def set_colour(store: StoreBase, tag: str, colour: str | None) -> None:
    """Give a tag this colour (None: take its colour away). Inside a write."""
    name = clean_tag(tag)
    _drop(store, [name])
    if colour is not None and name:
        store.db.execute("INSERT INTO tag_colours (tag, colour) VALUES (?, ?)", [name, colour])


def put_colours(store: StoreBase, colours: Mapping[str, str | None]) -> None:
    """Give tags exactly these colours (None: none), as they were before (undo)."""
    for tag, colour in colours.items():
        set_colour(store, tag, colour)


def move_colours(store: StoreBase, sources: Sequence[str], into: str | None) -> None:
    """The colours after tags `sources` became `into` (None: were deleted): a deleted
    tag's colour goes; a merge keeps the colour `into` has, else takes the first colour
    among the sources; a rename carries the colour over. Inside a write."""
    names = [clean_tag(s) for s in sources]
    if into is None:
        _drop(store, names)
        return
    target = clean_tag(into)
    found = colours_of(store, [target, *names])
    colour = next((c for c in found.values() if c), None)  # the target's first
    _drop(store, [target, *names])
    if colour is not None and target:
        store.db.execute("INSERT INTO tag_colours (tag, colour) VALUES (?, ?)",
                         [target, colour])


def _drop(store: StoreBase, tags: Sequence[str]) -> None:
    """Delete the colours of these tags, matched without case (casefold, not only
    SQLite's ASCII NOCASE)."""
    wanted = {t.casefold() for t in tags}
    doomed = [(tag,) for tag in all_colours(store) if tag.casefold() in wanted]
    if doomed:
        store.db.conn.executemany("DELETE FROM tag_colours WHERE tag = ?", doomed)
