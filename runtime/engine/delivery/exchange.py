"""One HTTP request and its answer as a :class:`Delivery`, shared by the channels.

A fresh client per call keeps the adapters free of state the worker has to
manage; the TLS context, the expensive part, is built once. Redirects are not
followed: a webhook or robot that moved is a configuration to fix, not
something to chase with a signed body. The answer is read only up to
:data:`BODY_LIMIT` so a huge reply cannot exhaust the worker.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from functools import cache
from typing import Any

import httpx

from .result import BODY_LIMIT, Delivery, retryable_status

__all__ = ["exchange"]


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def exchange(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    content: bytes | None,
    timeout_seconds: float,
) -> Delivery:
    """Send one request; never raises for network trouble, it answers with it."""
    try:
        with (
            httpx.Client(verify=_tls(), timeout=timeout_seconds, follow_redirects=False) as client,
            client.stream(method, url, headers=dict(headers), content=content) as response,
        ):
            raw = _read_limited(response)
            status = response.status_code
            body = _decode(raw, response)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeEncodeError) as exc:
        # The request cannot be built (bad URL, a header that is not ASCII):
        # a configuration to fix, the same attempt will fail again.
        return Delivery(False, None, None, f"invalid request: {_describe(exc)}", False)
    except httpx.TimeoutException as exc:
        return Delivery(False, None, None, f"timeout: {_describe(exc)}", True)
    except httpx.TransportError as exc:
        return Delivery(False, None, None, f"network: {_describe(exc)}", True)
    if 200 <= status < 300:
        return Delivery(True, status, body, "", False)
    return Delivery(False, status, body, f"HTTP {status}", retryable_status(status))


def _read_limited(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > BODY_LIMIT:
            break
    return b"".join(chunks)


def _decode(raw: bytes, response: httpx.Response) -> Any:
    """Parsed JSON when the whole answer is JSON, else (truncated) text."""
    text = raw[:BODY_LIMIT].decode(response.encoding or "utf-8", errors="replace")
    if len(raw) > BODY_LIMIT:
        return text
    looks_json = "json" in response.headers.get("content-type", "") or text.lstrip()[:1] in (
        "{",
        "[",
    )
    if looks_json:
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def _describe(exc: Exception) -> str:
    # httpx messages name the failure, not the URL, so robot tokens in the
    # URL's query do not end up in the outbox log.
    return str(exc) or type(exc).__name__
