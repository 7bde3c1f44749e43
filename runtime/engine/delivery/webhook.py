"""Outbound webhooks: a signed HTTP call and the retry schedule around it.

The receiver can check that a call came from us and was not replayed: with a
secret, ``X-Trellis-Signature`` is ``sha256=`` and the hex HMAC-SHA256 of
``"{timestamp}.{body}"`` where the timestamp is ``X-Trellis-Timestamp`` (unix
seconds). Signing the timestamp with the body lets a receiver refuse old
calls without keeping a list of the ones it has seen. ``Idempotency-Key`` is
the same on every retry of one outbox job, so a receiver that did get a call
whose answer we lost can recognise the retry.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta

from .exchange import exchange
from .result import Delivery

__all__ = [
    "BACKOFF_CAP",
    "BACKOFF_FIRST",
    "SIGNATURE_TOLERANCE",
    "backoff",
    "call_webhook",
    "sign_webhook",
    "unix_seconds",
    "verify_signature",
]

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
# How far a receiver's clock and the signed timestamp may differ.
SIGNATURE_TOLERANCE = timedelta(minutes=5)
_BACKOFF_FACTOR = 4


def unix_seconds(now: datetime) -> int:
    """Whole seconds since the epoch; a naive ``now`` is refused, not guessed."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return int(now.timestamp())


def sign_webhook(secret: bytes, timestamp: int | str, body: str | None) -> str:
    """The ``X-Trellis-Signature`` value for a body sent at ``timestamp``."""
    message = f"{timestamp}.{body or ''}".encode()
    return "sha256=" + hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: bytes,
    timestamp: int | str,
    body: str | None,
    header: str,
    *,
    now: datetime | None = None,
    tolerance: timedelta = SIGNATURE_TOLERANCE,
) -> bool:
    """Whether ``header`` signs ``body`` at ``timestamp`` with ``secret``.

    Given ``now``, a timestamp further than ``tolerance`` from it fails too:
    that is what stops a captured call from being replayed later.
    """
    try:
        seconds = int(timestamp)
    except ValueError:
        return False
    if now is not None and abs(unix_seconds(now) - seconds) > tolerance.total_seconds():
        return False
    return hmac.compare_digest(sign_webhook(secret, seconds, body), header)


def call_webhook(
    url: str,
    *,
    method: str,
    headers: Mapping[str, str],
    body: str | None,
    timeout_seconds: float,
    secret: bytes | None,
    idempotency_key: str,
    now: datetime,
) -> Delivery:
    """Make one call; any 2xx is success, see :class:`Delivery` for the rest.

    Our headers win over the configured ones of the same name (case-blind),
    so a workflow cannot forge or blank the signature. A body without a
    configured ``Content-Type`` is sent as JSON, which is what the engine
    renders.
    """
    ours = {"User-Agent": "Trellis", "Idempotency-Key": idempotency_key}
    if secret is not None:
        timestamp = unix_seconds(now)
        ours["X-Trellis-Timestamp"] = str(timestamp)
        ours["X-Trellis-Signature"] = sign_webhook(secret, timestamp, body)
    taken = {name.lower() for name in ours}
    merged = {name: value for name, value in headers.items() if name.lower() not in taken}
    if body is not None and not any(name.lower() == "content-type" for name in merged):
        merged["Content-Type"] = "application/json"
    merged.update(ours)
    return exchange(
        method.upper(),
        url,
        headers=merged,
        content=None if body is None else body.encode(),
        timeout_seconds=timeout_seconds,
    )


def backoff(attempt: int) -> timedelta:
    """How long to wait after failed attempt ``attempt`` (1 = the first).

    30 s, 2 min, 8 min, 32 min, then 1 h for every later one. No jitter: the
    schedule is data the sandbox and the tests can predict; outbox jobs are
    spread out already by when they were created.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    # Past the cap the exponent only grows the number, never the wait.
    steps = min(attempt - 1, 16)
    return min(BACKOFF_FIRST * int(_BACKOFF_FACTOR**steps), BACKOFF_CAP)
