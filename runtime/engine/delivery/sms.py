"""Text messages through a provider a deployment chooses.

SMS has no common protocol: every carrier and cloud (Aliyun, Tencent Cloud,
an in-house gateway) has its own API and signing. So the runtime depends on
:class:`SmsProvider` only; :class:`HttpSmsProvider` covers a generic JSON
gateway, and a deployment plugs in its own provider by name with
:func:`register_sms_provider` and ``TRELLIS_SMS_PROVIDER``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from .exchange import exchange
from .result import Delivery

__all__ = [
    "HttpSmsProvider",
    "SmsProvider",
    "SmsProviderFactory",
    "provider_from_env",
    "register_sms_provider",
]


@runtime_checkable
class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> Delivery:
        """Send ``text`` to ``phone``; answer with the outcome, never raise for I/O."""
        ...


# Builds a provider from the environment (its own keys, e.g. ALIYUN_SMS_*).
SmsProviderFactory = Callable[[Mapping[str, str]], SmsProvider]


@dataclass(frozen=True)
class HttpSmsProvider:
    """A gateway taking ``POST {"to": phone, "text": text}`` with a bearer token.

    Any 2xx answer is success.
    """

    url: str
    token: str | None = field(default=None, repr=False)
    timeout_seconds: float = 10

    def send(self, phone: str, text: str) -> Delivery:
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Trellis"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        content = json.dumps({"to": phone, "text": text}, ensure_ascii=False).encode()
        return exchange(
            "POST", self.url, headers=headers, content=content, timeout_seconds=self.timeout_seconds
        )


def _http_from_env(env: Mapping[str, str]) -> SmsProvider:
    url = env.get("TRELLIS_SMS_URL", "").strip()
    if not url:
        raise ValueError("TRELLIS_SMS_PROVIDER=http needs TRELLIS_SMS_URL")
    return HttpSmsProvider(url, env.get("TRELLIS_SMS_TOKEN") or None)


_PROVIDERS: dict[str, SmsProviderFactory] = {"http": _http_from_env}


def register_sms_provider(name: str, factory: SmsProviderFactory) -> None:
    """Make ``TRELLIS_SMS_PROVIDER=<name>`` build a provider with ``factory(env)``.

    Registering a second, different factory under a taken name is refused:
    two plug-ins silently replacing each other is worse than a start-up error.
    """
    if not name:
        raise ValueError("an SMS provider needs a name")
    known = _PROVIDERS.get(name)
    if known is not None and known is not factory:
        raise ValueError(f"SMS provider {name!r} is registered already")
    _PROVIDERS[name] = factory


def provider_from_env(env: Mapping[str, str]) -> SmsProvider | None:
    """The provider named by ``TRELLIS_SMS_PROVIDER``, else the HTTP gateway
    when ``TRELLIS_SMS_URL`` is set, else ``None`` (SMS is off).

    An unknown name is an error at start-up rather than messages that
    quietly never leave.
    """
    name = env.get("TRELLIS_SMS_PROVIDER", "").strip()
    if not name:
        return _http_from_env(env) if env.get("TRELLIS_SMS_URL", "").strip() else None
    factory = _PROVIDERS.get(name)
    if factory is None:
        known = ", ".join(sorted(_PROVIDERS))
        raise ValueError(f"TRELLIS_SMS_PROVIDER={name!r} is not registered (known: {known})")
    return factory(env)
