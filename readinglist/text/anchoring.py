"""Finding a highlighted passage again after the text it was made on has changed."""

from __future__ import annotations


def reanchor(text: str, start: int, quote: str) -> tuple[int, int] | None:
    """Where `quote` (once at `start`) is in `text` now: the same place if it is still
    there, else the occurrence nearest to it; None if the passage is gone."""
    if not quote:
        return None
    if text[start:start + len(quote)] == quote:
        return start, start + len(quote)
    best: int | None = None
    found = text.find(quote)
    while found != -1:
        if best is None or abs(found - start) < abs(best - start):
            best = found
        found = text.find(quote, found + 1)
    return None if best is None else (best, best + len(quote))
