"""Which records are the same paper, and what merging them does: identity rules for
imports, duplicate ranking, merge plans, and links from notes to papers (no I/O)."""
