"""The paper table: a lazy model over row ids (pages fetched as drawn), its view and
the title column's delegate (title plus snippet)."""
