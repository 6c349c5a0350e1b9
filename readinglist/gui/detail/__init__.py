"""The detail pane: the paper's metadata, the abstract with highlights, and the
Markdown note editor with its preview."""
