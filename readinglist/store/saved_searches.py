"""Saved searches: a query under a name, with the view it was made in."""

from __future__ import annotations

import json

from ..domain import ReadinglistError, SavedSearch, View
from .paper_store import PaperStore
from .rows import utc_now


def all_saved(store: PaperStore) -> list[SavedSearch]:
    """Every saved search, by name (without case)."""
    return [SavedSearch(name, query, View.from_dict(json.loads(view or "{}")))
            for name, query, view in store._q(
                "SELECT name, query, view FROM saved_searches ORDER BY name COLLATE NOCASE")]


def save(store: PaperStore, saved: SavedSearch, replace: bool = False) -> None:
    """Store a saved search; a name already used is refused unless `replace`. Inside a
    write."""
    name = " ".join(saved.name.split())
    if not name:
        raise ReadinglistError("a saved search needs a name")
    if not saved.query.strip() and not saved.view.filtered:
        raise ReadinglistError("a saved search needs a query or a view to keep")
    taken = store.db.execute("SELECT name FROM saved_searches WHERE name = ?",
                             [name]).fetchone()
    if taken and not replace:
        raise ReadinglistError(f"there is a saved search named {taken[0]!r} already")
    store.db.execute(
        "INSERT INTO saved_searches (name, query, view, created) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET name = excluded.name, query = excluded.query, "
        "view = excluded.view",
        [name, saved.query.strip(), json.dumps(saved.view.to_dict()), utc_now().isoformat()])


def delete(store: PaperStore, name: str) -> SavedSearch:
    """Delete a saved search (returned, for an undo). Inside a write."""
    found = [s for s in all_saved(store) if s.name.casefold() == name.strip().casefold()]
    if not found:
        raise ReadinglistError(f"no saved search named {name.strip()!r}")
    store.db.execute("DELETE FROM saved_searches WHERE name = ?", [found[0].name])
    return found[0]
