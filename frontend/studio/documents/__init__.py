"""What the form designer and the matrix editor share: editing a draft of any kind
(load, validate, save with If-Match, conflicts, unsaved work kept in the browser),
the document lists, and the versions page of a form or a matrix."""
