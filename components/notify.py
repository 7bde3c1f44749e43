"""``notify``: sends a message (in-app, e-mail, WeCom, DingTalk, SMS)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from components.component import Component, ConfigBase, Text
from components.parts import Assignee
from schemas.base import Label

__all__ = ["COMPONENT", "NotifyConfig"]


class NotifyConfig(ConfigBase):
    message: Label
    channel: Literal["inbox", "email", "wecom", "dingtalk", "sms"] = "inbox"
    to: list[Assignee] = msgspec.field(default_factory=list)
    robot_url: Annotated[str, msgspec.Meta(pattern=r"^https?://", max_length=2000)] | None = None
    subject: Label | None = None


COMPONENT = Component(
    type="notify",
    category="integration",
    label=Text("Notify", "通知"),
    description=Text(
        "Sends a message by inbox, e-mail, WeCom, DingTalk or SMS.",
        "通过站内信、邮件、企业微信、钉钉或短信发送消息。",
    ),
    icon="bell",
    config=NotifyConfig,
    keywords=("message", "email", "wecom", "dingtalk", "sms", "cc"),
)
