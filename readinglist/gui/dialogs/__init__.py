"""Windows opened from the menus: import options and report, export, duplicates,
annotations, reading statistics."""
