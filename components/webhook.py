"""``webhook``: calls an HTTP endpoint and maps its answer to variables."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from components.component import Component, ConfigBase, Text

__all__ = ["COMPONENT", "WebhookConfig"]


class WebhookConfig(ConfigBase):
    url: Annotated[str, msgspec.Meta(pattern=r"^https?://", max_length=2000)]
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    body: Annotated[str, msgspec.Meta(max_length=20000)] | None = None
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=120)] = 10.0
    retries: Annotated[int, msgspec.Meta(ge=0, le=10)] = 3
    secret: (
        Annotated[
            str, msgspec.Meta(description="Name of the stored secret used for the HMAC signature.")
        ]
        | None
    ) = None
    response: dict[str, str] = msgspec.field(default_factory=dict)


COMPONENT = Component(
    type="webhook",
    category="integration",
    label=Text("Webhook", "Webhook 调用"),
    description=Text(
        "Calls an HTTP endpoint with retries and a signature.", "调用 HTTP 接口，带重试与签名。"
    ),
    icon="globe",
    config=WebhookConfig,
    keywords=("http", "api", "call", "integration"),
)
