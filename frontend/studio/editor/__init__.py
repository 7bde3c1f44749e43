"""The canvas editor of one workflow: graph view, edits, canvas, panels."""
