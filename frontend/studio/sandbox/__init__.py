"""The Sandbox screens: set a simulation up, follow it, read its report and its cases.

Importing the package joins its labels to the studio's label table."""

from studio.sandbox import labels as _labels  # noqa: F401  (the labels join the table)

SANDBOX_ROUTE = "/sandbox"
RUN_ROUTE = "/sandbox/[id]"

__all__ = ["RUN_ROUTE", "SANDBOX_ROUTE"]
