"""Files bundled with Readinglist (installed as the ``readinglist.resources`` package)."""
