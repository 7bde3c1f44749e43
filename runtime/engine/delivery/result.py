"""What one attempt to deliver something outside the process came to.

Every channel (webhook, robot, e-mail, SMS) answers with the same
:class:`Delivery`, so the worker that drains the outbox decides in one place
whether to mark a job done, retry it later or give up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["BODY_LIMIT", "Delivery", "retryable_status"]

# An answer is kept for the outbox log, not processed: 10 KB says what went
# wrong without letting a chatty receiver fill the database.
BODY_LIMIT = 10 * 1024


@dataclass(frozen=True)
class Delivery:
    """The outcome of one attempt.

    ``status`` is the HTTP status or SMTP reply code, ``None`` when no answer
    came (refused connection, timeout). ``body`` is the answer, parsed JSON
    when it is JSON, else text, at most :data:`BODY_LIMIT`. ``retryable`` says
    whether the same attempt may succeed later (network trouble, overload),
    as opposed to an answer that will not change (bad token, bad request).
    """

    ok: bool
    status: int | None
    body: Any
    error: str
    retryable: bool


def retryable_status(status: int) -> bool:
    """5xx, 408 (request timeout) and 429 (too many requests) may pass later."""
    return status >= 500 or status in (408, 429)
