"""What the store refuses, independent of HTTP; the API maps each to a status."""

from __future__ import annotations

from builder.errors import Error

__all__ = [
    "ConflictError",
    "InvalidError",
    "NotFoundError",
    "PreconditionError",
    "StoreError",
]


class StoreError(Exception):
    status = 400

    def __init__(self, detail: str, errors: list[Error] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFoundError(StoreError):
    status = 404


class ConflictError(StoreError):
    """Stale revision or a concurrent change: nothing was written."""

    status = 409


class PreconditionError(StoreError):
    """A condition the client set (e.g. create only) does not hold: nothing was written."""

    status = 412


class InvalidError(StoreError):
    """The content is invalid (errors carry pointers): nothing was written."""

    status = 422
