"""The reading workflow's figures: a paper's dates from its status history, and the
library's reading statistics (no I/O)."""
