"""The shell's notices: a bell with the number of unread in-app notices, opening the
newest ones; each can be marked read, or opened (its task or its case)."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from studio import api
from studio.labels import text
from studio.records.fields import localized
from studio.session import SessionState
from studio.tasks.model import case_route, task_route

__all__ = ["NoticesState", "notices_menu"]


@dataclasses.dataclass
class NoticeRow:
    id: int
    message: str
    subject: str
    at: str
    read: bool
    route: str  # the task, else the case ("" for neither)


class NoticesState(SessionState):
    unread: int = 0
    notices_error: str = ""  # a label key
    _notices: list[api.Notice] = []

    @rx.var
    def notices(self) -> list[NoticeRow]:
        return [
            NoticeRow(
                id=n.id,
                message=localized(n.message, self.lang),
                subject=localized(n.subject, self.lang),
                at=n.created_at,
                read=bool(n.read_at),
                route=task_route(n.task_id) if n.task_id else case_route(n.case_id),
            )
            for n in self._notices
        ]

    @rx.var
    def unread_text(self) -> str:
        return text(self.lang, "notices.unread", n=self.unread)

    @rx.event
    async def refresh(self) -> None:
        """When the shell appears: how many are unread (and the newest, for the menu)."""
        if not self.token:
            return
        try:
            found = await api.notices(self.token)
        except api.ApiError as error:
            self.notices_error = "error.unreachable" if error.status == 0 else "notices.failed"
            return
        self._notices, self.unread, self.notices_error = found.items, found.unread, ""

    @rx.event
    async def opened(self, is_open: bool) -> None:
        if is_open:
            await self.refresh()

    async def _read(self, notice_id: int) -> None:
        try:
            done = await api.read_notice(self.token, notice_id)
        except api.ApiError:
            return  # it stays unread; the next look shows it as it is
        was_unread = any(n.id == notice_id and not n.read_at for n in self._notices)
        self._notices = [done if n.id == notice_id else n for n in self._notices]
        if was_unread:
            self.unread = max(self.unread - 1, 0)

    @rx.event
    async def mark_read(self, notice_id: int) -> None:
        await self._read(notice_id)

    @rx.event
    async def follow(self, notice_id: int, route: str) -> Any:
        await self._read(notice_id)
        return rx.redirect(route) if route else None


def notice_line(row: rx.Var[NoticeRow]) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            border_radius="50%",
            margin_top="6px",
            flex="none",
            background_color=rx.cond(row.read, "transparent", rx.color("accent", 9)),
        ),
        rx.vstack(
            rx.cond(row.subject != "", rx.text(row.subject, size="2", weight="bold")),
            rx.text(row.message, size="2", class_name="notice-message"),
            rx.hstack(
                rx.moment(row.at, format="YYYY-MM-DD HH:mm", font_size="11px"),
                rx.spacer(),
                rx.cond(
                    row.route != "",
                    rx.button(
                        SessionState.t["notices.open"],
                        on_click=NoticesState.follow(row.id, row.route),
                        size="1",
                        variant="soft",
                        class_name="notice-open",
                    ),
                ),
                rx.cond(
                    row.read,
                    rx.text(SessionState.t["notices.read"], size="1", color_scheme="gray"),
                    rx.button(
                        SessionState.t["notices.mark_read"],
                        on_click=NoticesState.mark_read(row.id),
                        size="1",
                        variant="ghost",
                        class_name="notice-mark-read",
                    ),
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            spacing="1",
            width="100%",
        ),
        spacing="2",
        width="100%",
        padding_y="6px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="notice",
        custom_attrs={"data-notice-id": row.id, "data-read": rx.cond(row.read, "true", "false")},
    )


def bell() -> rx.Component:
    return rx.box(
        rx.icon_button(
            rx.icon("bell", size=18),
            variant="ghost",
            color_scheme="gray",
            aria_label=SessionState.t["notices.title"],
            id="notices-button",
        ),
        rx.cond(
            NoticesState.unread > 0,
            rx.badge(
                NoticesState.unread,
                color_scheme="red",
                variant="solid",
                radius="full",
                size="1",
                position="absolute",
                top="-6px",
                right="-8px",
                pointer_events="none",  # a click on the count opens the notices too
                id="notices-unread",
            ),
        ),
        position="relative",
        on_mount=NoticesState.refresh,
    )


def notices_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(bell()),
        rx.popover.content(
            rx.vstack(
                rx.hstack(
                    rx.heading(SessionState.t["notices.title"], size="3"),
                    rx.spacer(),
                    rx.text(NoticesState.unread_text, size="1", color_scheme="gray"),
                    align="center",
                    width="100%",
                ),
                rx.cond(
                    NoticesState.notices_error != "",
                    rx.text(
                        SessionState.t[NoticesState.notices_error], size="2", color_scheme="red"
                    ),
                ),
                rx.cond(
                    NoticesState.notices.length() > 0,
                    rx.vstack(
                        rx.foreach(NoticesState.notices, notice_line),
                        spacing="0",
                        width="100%",
                        max_height="420px",
                        overflow_y="auto",
                    ),
                    rx.text(SessionState.t["notices.empty"], size="2", color_scheme="gray"),
                ),
                spacing="2",
                width="340px",
            ),
            id="notices",
        ),
        on_open_change=NoticesState.opened,
    )
