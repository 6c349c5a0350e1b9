"""Small list models shared by dialogs (the import report, duplicate pairs)."""
