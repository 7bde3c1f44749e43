"""``webhook``: calls an HTTP endpoint and maps its answer to variables."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from components.component import Component, ConfigBase, Text
from components.engine import CallWebhook, Event, JobFinished, Step, Token
from components.human import release
from components.text import fill
from schemas.base import Expression

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
    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


def _pointed(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (``/data/id``) of the answer, or None."""
    value = document
    for part in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


class Call:
    """The worker makes the call (outbox: retries with backoff, signed); the
    token waits for the answer, whose parts ``response`` maps to variables."""

    def enter(self, step: Step, token: Token) -> None:
        config: WebhookConfig = step.node(token).config
        record = step.state.record.data if step.state.record is not None else {}
        values = {**record, **step.state.variables}
        job = step.new_id("job")
        token.wait["job"] = job
        step.emit(
            CallWebhook(
                job=job,
                token=token.id,
                node=token.node,
                url=config.url,
                method=config.method,
                headers=dict(config.headers),
                body=fill(config.body, values) if config.body is not None else None,
                timeout_seconds=config.timeout_seconds,
                retries=config.retries,
                secret=config.secret,
            )
        )

    def react(self, step: Step, token: Token, event: Event) -> None:
        if not isinstance(event, JobFinished):
            return
        config: WebhookConfig = step.node(token).config
        token.wait.pop("job", None)
        if not event.ok:
            step.incident(token, "webhook_failed", event.error or "the call failed")
            return
        answer = event.outputs.get("body")
        kept = {name: _pointed(answer, pointer) for name, pointer in config.response.items()}
        step.state.variables.update(kept)
        step.note("webhook_done", token, status=event.outputs.get("status"), kept=kept)
        step.leave(token)

    def withdraw(self, step: Step, token: Token) -> None:
        release(step, token)


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
    behaviour=Call(),
)
