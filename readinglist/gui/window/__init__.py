"""The main window and what lives in it: menus, sidebar, search box, triage keys, the
undoable paper actions, imports started from the window, the index status."""
