"""Outbound delivery channels for the worker that drains the outbox.

Pure I/O adapters, no database: each takes what to send and answers with a
:class:`Delivery` saying whether it went, and if not, whether to retry.
"""

from .email import SmtpSettings, send_email
from .result import BODY_LIMIT, Delivery, retryable_status
from .robots import dingtalk_sign, dingtalk_timestamp_ms, send_dingtalk, send_wecom
from .sms import (
    HttpSmsProvider,
    SmsProvider,
    SmsProviderFactory,
    provider_from_env,
    register_sms_provider,
)
from .webhook import backoff, call_webhook, sign_webhook, unix_seconds, verify_signature

__all__ = [
    "BODY_LIMIT",
    "Delivery",
    "HttpSmsProvider",
    "SmsProvider",
    "SmsProviderFactory",
    "SmtpSettings",
    "backoff",
    "call_webhook",
    "dingtalk_sign",
    "dingtalk_timestamp_ms",
    "provider_from_env",
    "register_sms_provider",
    "retryable_status",
    "send_dingtalk",
    "send_email",
    "send_wecom",
    "sign_webhook",
    "unix_seconds",
    "verify_signature",
]
