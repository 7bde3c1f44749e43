"""Semantic checks per document kind: what a schema cannot say.

Each check reads the raw JSON defensively (the document may also have
structural errors) so that a person sees every problem at once."""
