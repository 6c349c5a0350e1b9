"""Every user edit as an undoable command (QUndoCommand) calling one library method;
`PaperEdits` is the one way the GUI edits a paper."""
