"""``notify``: sends a message (in-app, e-mail, WeCom, DingTalk, SMS)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from components.behaviours import Passing
from components.component import Component, ConfigBase, Text
from components.engine import Notify, Step, Token
from components.human import unique
from components.parts import Assignee
from schemas.base import Expression, Label

__all__ = ["COMPONENT", "NotifyConfig"]


class NotifyConfig(ConfigBase):
    message: Label
    channel: Literal["inbox", "email", "wecom", "dingtalk", "sms"] = "inbox"
    to: list[Assignee] = msgspec.field(default_factory=list)
    robot_url: Annotated[str, msgspec.Meta(pattern=r"^https?://", max_length=2000)] | None = None
    subject: Label | None = None
    secret: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=r"^[A-Za-z0-9_]{1,64}$",
                description="Name of the stored secret a DingTalk robot signs with.",
            ),
        ]
        | None
    ) = None
    lock: Expression | None = None  # hand-off lock: the case stays here until it holds


class Send(Passing):
    """Resolves the recipients now and hands the message to the runtime, which
    renders it per recipient through their field permissions."""

    def enter(self, step: Step, token: Token) -> None:
        config: NotifyConfig = step.node(token).config
        people = unique(person for who in config.to for person in step.resolve(who, token))
        subject = (
            {"en": config.subject.en, "zh-CN": config.subject.zh_CN or ""} if config.subject else {}
        )
        step.emit(
            Notify(
                notice=step.new_id("notice"),
                node=token.node,
                channel=config.channel,
                to=people,
                message={"en": config.message.en, "zh-CN": config.message.zh_CN or ""},
                subject=subject,
                robot_url=config.robot_url,
                robot_secret=config.secret,
            )
        )
        step.note("notified", token, channel=config.channel, to=people)
        step.leave(token)


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
    behaviour=Send(),
)
