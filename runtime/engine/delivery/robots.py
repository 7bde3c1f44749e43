"""Group robots of WeCom (企业微信) and DingTalk (钉钉): a text message to a chat.

Both answer HTTP 200 for most failures and say what went wrong in the JSON
``errcode`` / ``errmsg``, so success is ``errcode == 0``, not the status.
Their rate limits (20 messages a minute per robot) and "system busy" come
back the same way; those are worth a retry, a wrong key or a missing keyword
are not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from .exchange import exchange
from .result import Delivery

__all__ = ["dingtalk_sign", "dingtalk_timestamp_ms", "send_dingtalk", "send_wecom"]

_JSON = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Trellis"}
# -1: system busy. WeCom 45009: api freq out of limit. DingTalk 130101 and
# 410100: sending too fast, throttled.
_WECOM_RETRYABLE = frozenset({-1, 45009})
_DINGTALK_RETRYABLE = frozenset({-1, 130101, 410100})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def send_wecom(
    url: str,
    text: str,
    *,
    mentioned_mobiles: Sequence[str] = (),
    timeout_seconds: float = 10,
) -> Delivery:
    """Post a text message to a WeCom group robot's webhook URL (``...?key=...``)."""
    message = {
        "msgtype": "text",
        "text": {"content": text, "mentioned_mobile_list": list(mentioned_mobiles)},
    }
    return _errcode_zero(_post(url, message, timeout_seconds), _WECOM_RETRYABLE)


def dingtalk_timestamp_ms(now: datetime) -> int:
    """Milliseconds since the epoch, exact (no float rounding); ``now`` must be aware."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return (now - _EPOCH) // timedelta(milliseconds=1)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: URL-encoded base64 HMAC-SHA256 of ``"{timestamp}\\n{secret}"``.

    Keyed by the secret itself (the ``SEC...`` string of the robot's security
    settings), UTF-8 throughout, as DingTalk documents it. DingTalk refuses a
    timestamp more than an hour from its clock.
    """
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest))


def send_dingtalk(
    url: str,
    text: str,
    *,
    secret: str | None,
    now: datetime,
    at_mobiles: Sequence[str] = (),
    timeout_seconds: float = 10,
) -> Delivery:
    """Post a text message to a DingTalk group robot (``...?access_token=...``).

    With a secret, the URL gets ``&timestamp=<ms>&sign=<sign>`` from ``now``.
    """
    if secret:
        timestamp = dingtalk_timestamp_ms(now)
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    message = {
        "msgtype": "text",
        "text": {"content": text},
        "at": {"atMobiles": list(at_mobiles), "isAtAll": False},
    }
    return _errcode_zero(_post(url, message, timeout_seconds), _DINGTALK_RETRYABLE)


def _post(url: str, message: dict[str, Any], timeout_seconds: float) -> Delivery:
    content = json.dumps(message, ensure_ascii=False).encode()
    return exchange("POST", url, headers=_JSON, content=content, timeout_seconds=timeout_seconds)


def _errcode_zero(delivery: Delivery, retryable: frozenset[int]) -> Delivery:
    """Success is an answer whose ``errcode`` is 0; HTTP failures pass through."""
    if not delivery.ok:
        return delivery
    body = delivery.body
    errcode = body.get("errcode") if isinstance(body, dict) else None
    if not isinstance(errcode, int):
        return Delivery(False, delivery.status, body, "answer has no errcode", False)
    if errcode == 0:
        return delivery
    error = f"errcode {errcode}: {body.get('errmsg', '')}".rstrip(": ")
    return Delivery(False, delivery.status, body, error, errcode in retryable)
