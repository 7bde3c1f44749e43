"""The pure authoring toolkit: validate, diff, hash and (later) compile documents.

No I/O, no clock, no randomness: documents in, documents or errors out."""

from builder.errors import Error
from builder.references import References
from builder.validate import Checked, check, validate

__all__ = ["Checked", "Error", "References", "check", "validate"]
