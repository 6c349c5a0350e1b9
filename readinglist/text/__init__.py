"""Pure text helpers: normalising identifiers and titles, citation keys, people's names,
BibTeX text, and finding a highlight's passage again (no I/O)."""
