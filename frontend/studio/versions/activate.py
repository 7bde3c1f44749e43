"""Making a version live for a variant, or rolling back: the confirmation dialog.

The dialog names what changes before anything does ("Variant default: version 3 →
version 2") and what it means for cases. A new variant's name is checked by the
API (its key rules); its message is shown as it is. Moving a pointer never
rewrites history: the API records every move, and the page lists them.

A variant may go live only with a sandbox report of exactly the content made live
(its gate): the dialog says so before the move, and a move the API refuses for it
(409) is shown as that, with the way to the Sandbox page, not as a concurrent change.
Publishers and admins switch a variant's gate here. Rolling back is never gated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.failure import failure_callout
from studio.labels import text
from studio.session import LOGIN_ROUTE, SessionState, cause_key
from studio.versions import gate
from studio.versions.choice import DEFAULT_VARIANT, move_kind
from studio.versions.state import Option, VersionsState, require_sandbox, variant_name

__all__ = ["NEW_VARIANT", "ActivateState", "activate_button", "activate_dialog"]

# The variant choice that asks for a name (never a variant: "_" is not allowed in one).
NEW_VARIANT = "__new__"


class ActivateState(VersionsState):
    activate_open: bool = False
    chosen_version: str = ""
    chosen_variant: str = DEFAULT_VARIANT
    new_variant: str = ""
    reason: str = ""
    busy: bool = False
    error: str = ""  # a label key
    cause: str = ""  # a label key: why, in the user's words
    detail: str = ""  # the API's own message (the variant rules, say)
    problems: list[str] = []
    refused: bool = False  # the API refused the move for want of a sandbox report
    gate_busy: bool = False

    @rx.var
    def version_options(self) -> list[Option]:
        return [
            Option(value=str(v.version), label=text(self.lang, "versions.number", n=v.version))
            for v in self._versions
        ]

    @rx.var
    def variant_options(self) -> list[Option]:
        """The variants that exist (the default one even before anything is live)."""
        names = sorted({DEFAULT_VARIANT, *self._active}, key=lambda v: (v != DEFAULT_VARIANT, v))
        return [Option(value=v, label=variant_name(v, self.lang)) for v in names]

    def _variant(self) -> str:
        if self.chosen_variant == NEW_VARIANT:
            return self.new_variant.strip()
        return self.chosen_variant

    def _kind(self) -> str:
        if not self._variant() or not self.chosen_version.isdigit():
            return ""
        return move_kind(self._active.get(self._variant()), int(self.chosen_version))

    @rx.var
    def move_text(self) -> str:
        """What changes, named: "Variant default: version 3 → version 2"."""
        kind = self._kind()
        if not kind:
            return ""
        variant = self._variant()
        fields: dict[str, Any] = {
            "variant": variant_name(variant, self.lang),
            "from": self._active.get(variant),
            "to": self.chosen_version,
        }
        label = {"first": "versions.move_first", "same": "versions.move_same"}.get(
            kind, "versions.move"
        )
        return text(self.lang, label, **fields)

    @rx.var
    def effect_text(self) -> str:
        kind = self._kind()
        if kind in ("", "same"):
            return ""
        return text(self.lang, "versions.move_effect", to=self.chosen_version)

    @rx.var
    def is_rollback(self) -> bool:
        return self._kind() == "rollback"

    @rx.var
    def can_confirm(self) -> bool:
        return self._kind() not in ("", "same") and not self.busy

    def _gated(self) -> bool:
        """Whether the chosen move waits for the variant's sandbox gate."""
        return (
            self._gate is not None
            and self._kind() in ("first", "forward")
            and self._gate.requires(self._variant())
        )

    @rx.var
    def gate_note(self) -> str:
        """ "Going live in east needs a sandbox report …" for a gated move, else ""."""
        if not self._gated():
            return ""
        name = gate.variant_label(self._variant(), self.lang)
        return text(self.lang, "gate.required", variants=name)

    @rx.var
    def gate_run_note(self) -> str:
        """The known run of exactly the chosen version's content, for a gated move."""
        if self._gate is None or not self._gated() or not self.chosen_version.isdigit():
            return ""
        number = int(self.chosen_version)
        digest = next((v.hash for v in self._versions if v.version == number), "")
        return gate.has_run_text(self._gate, digest, self.lang)

    @rx.var
    def gate_known(self) -> bool:
        """The gate status is read (the switch shows its state only then)."""
        return self._gate is not None

    @rx.var
    def gate_on(self) -> bool:
        return self._gate is not None and self._gate.requires(self._variant())

    @rx.var
    def gate_settable(self) -> bool:
        """A variant that exists can have its gate switched (a new one once it does)."""
        return self.chosen_variant != NEW_VARIANT and bool(self.chosen_variant)

    @rx.var
    def gate_help(self) -> str:
        name = gate.variant_label(self._variant(), self.lang)
        return text(self.lang, "gate.toggle_help", variant=name)

    @rx.var
    def refusal_text(self) -> str:
        if not self.refused:
            return ""
        name = gate.variant_label(self._variant(), self.lang)
        return text(self.lang, "gate.refused", n=self.chosen_version, variant=name)

    @rx.var
    def sandbox_link(self) -> str:
        return gate.sandbox_route(self.key)

    @rx.var
    def confirm_text(self) -> str:
        label = "versions.rollback_confirm" if self.is_rollback else "versions.activate_confirm"
        return text(self.lang, label, n=self.chosen_version)

    def _clear(self) -> None:
        self.error = self.cause = self.detail = ""
        self.problems = []
        self.refused = False

    @rx.event
    async def open_for(self, number: int) -> AsyncIterator[Any]:
        """Open the dialog for version ``number`` (0: the newest), then read the gates."""
        if not self._versions:
            return
        chosen = int(number) or self._versions[0].version
        self.chosen_version = str(chosen)
        self.chosen_variant = DEFAULT_VARIANT
        self.new_variant = self.reason = ""
        self._clear()
        self._gate = None
        self.activate_open = True
        yield
        await self._load_gate()

    @rx.event
    async def set_require_sandbox(self, required: bool) -> AsyncIterator[Any]:
        """Switch the chosen variant's gate (the API lets publishers and admins)."""
        variant = self._variant()
        if not variant or self.gate_busy:
            return
        self.gate_busy = True
        yield
        try:
            self._gate = await require_sandbox(self.token, self.key, variant, bool(required))
        except api.ApiError as problem:
            self.gate_busy = False
            if problem.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
                return
            self.error = "gate.toggle_failed"
            self.cause = cause_key(problem)
            self.detail = problem.detail
            self.problems = problem.messages(self.lang)
            await self._load_gate()  # the switch shows what holds
            return
        self.gate_busy = False
        self._clear()  # an earlier refusal was under the old setting
        label = "gate.toggle_on" if required else "gate.toggle_off"
        yield rx.toast.info(text(self.lang, label, variant=variant_name(variant, self.lang)))

    @rx.event
    def set_activate_open(self, is_open: bool) -> None:
        self.activate_open = is_open

    @rx.event
    def set_chosen_version(self, value: str) -> None:
        self.chosen_version = value
        self._clear()

    @rx.event
    def set_chosen_variant(self, value: str) -> None:
        self.chosen_variant = value
        self._clear()

    @rx.event
    def set_new_variant(self, value: str) -> None:
        self.new_variant = value
        self._clear()

    @rx.event
    def set_reason(self, value: str) -> None:
        self.reason = value

    @rx.event
    async def confirm(self) -> AsyncIterator[Any]:
        variant = self._variant()
        self._clear()
        if not variant:
            self.error = "versions.variant_missing"
            return
        if not self.can_confirm:
            return
        number = int(self.chosen_version)
        self.busy = True
        yield
        try:
            live = await api.activate(self.token, self.key, variant, number, self.reason.strip())
        except api.ApiError as problem:
            self.busy = False
            if problem.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
                return
            if gate.refused_by_gate(problem.status, problem.detail, problem.errors):
                # Not a concurrent change: this content has no sandbox report yet.
                self.refused, self.detail = True, problem.detail
                await self._load_gate()
                return
            self.error = "versions.activate_failed"
            # A refused name (400/422) is explained by the API's own message.
            self.cause = cause_key(problem)
            self.detail = problem.detail
            self.problems = problem.messages(self.lang)
            return
        self.busy = False
        self.activate_open = False
        self._active, self._history = live.variants, live.history
        yield rx.toast.success(
            text(
                self.lang,
                "versions.activate_done",
                variant=variant_name(variant, self.lang),
                n=number,
            )
        )
        if self.published == number:
            self.published = 0  # it is live now: the "not live yet" banner is done


def activate_button(number: rx.Var[int] | int, *, primary: bool = False) -> rx.Component:
    """Opens the dialog for a version; nothing for roles that may not change what is live."""
    look: dict[str, Any] = (
        {"variant": "outline", "size": "3", "id": "activate-open"}
        if primary
        else {"variant": "soft", "size": "1", "class_name": "version-activate"}
    )
    return rx.cond(
        SessionState.may_activate,
        rx.button(
            rx.icon("radio-tower", size=15),
            SessionState.t["versions.activate"],
            on_click=ActivateState.open_for(number),
            **look,
        ),
    )


def _select(
    label: str,
    value: rx.Var[str],
    options: rx.Var[list[Option]],
    on_change: Any,
    ident: str,
    *extra: rx.Component,
) -> rx.Component:
    return rx.vstack(
        rx.text(SessionState.t[label], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id=ident),
            rx.select.content(
                rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value)), *extra
            ),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
        width="100%",
    )


def _new_variant() -> rx.Component:
    return rx.vstack(
        rx.text(
            SessionState.t["versions.variant_name"],
            as_="label",
            html_for="activate-new-variant",
            size="2",
            weight="medium",
        ),
        rx.input(
            value=ActivateState.new_variant,
            on_change=ActivateState.set_new_variant,
            placeholder="east",
            auto_complete="off",
            width="100%",
            id="activate-new-variant",
        ),
        rx.text(SessionState.t["versions.variant_help"], size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def _consequence() -> rx.Component:
    return rx.cond(
        ActivateState.move_text != "",
        rx.callout.root(
            rx.callout.icon(rx.icon(rx.cond(ActivateState.is_rollback, "undo-2", "arrow-right"))),
            rx.vstack(
                rx.text(ActivateState.move_text, weight="bold", id="activate-move"),
                rx.cond(ActivateState.effect_text != "", rx.text(ActivateState.effect_text)),
                rx.cond(
                    ActivateState.is_rollback,
                    rx.text(SessionState.t["versions.move_rollback"], size="1"),
                ),
                spacing="1",
            ),
            color_scheme=rx.cond(ActivateState.is_rollback, "amber", "blue"),
            width="100%",
            id="activate-consequence",
        ),
    )


def _gate_notes() -> rx.Component:
    """Before a gated move: that it needs a report, and the known run of this content."""
    return rx.cond(
        ActivateState.gate_note != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("flask-conical")),
            rx.vstack(
                rx.text(ActivateState.gate_note, id="activate-gate-note"),
                rx.cond(
                    ActivateState.gate_run_note != "",
                    rx.text(ActivateState.gate_run_note, size="1", id="activate-gate-run"),
                ),
                spacing="1",
            ),
            color_scheme="gray",
            size="1",
            width="100%",
        ),
    )


def _gate_switch() -> rx.Component:
    """The chosen variant's gate; for the roles that may publish, an existing variant."""
    return rx.cond(
        SessionState.may_publish & ActivateState.gate_settable,
        rx.vstack(
            rx.hstack(
                rx.switch(
                    checked=ActivateState.gate_on,
                    on_change=ActivateState.set_require_sandbox,
                    disabled=~ActivateState.gate_known | ActivateState.gate_busy,
                    id="activate-gate-toggle",
                    custom_attrs={"data-known": ActivateState.gate_known},
                ),
                rx.text(
                    SessionState.t["gate.toggle"],
                    as_="label",
                    html_for="activate-gate-toggle",
                    size="2",
                    weight="medium",
                ),
                align="center",
                spacing="2",
            ),
            rx.text(ActivateState.gate_help, size="1", color_scheme="gray"),
            spacing="1",
            width="100%",
            id="activate-gate",
        ),
    )


def _refusal() -> rx.Component:
    """The API's refusal for want of a sandbox report, and the way to run one."""
    return rx.cond(
        ActivateState.refused,
        rx.callout.root(
            rx.callout.icon(rx.icon("flask-conical")),
            rx.vstack(
                rx.text(ActivateState.refusal_text, weight="medium"),
                # The API's own words name the content hash: long, and unbroken.
                rx.text(ActivateState.detail, size="1", overflow_wrap="anywhere"),
                rx.link(
                    SessionState.t["gate.open_sandbox"],
                    href=ActivateState.sandbox_link,
                    size="2",
                    id="activate-refused-link",
                ),
                spacing="1",
            ),
            color_scheme="amber",
            role="alert",
            width="100%",
            id="activate-refused",
        ),
    )


def _error() -> rx.Component:
    return failure_callout(
        ActivateState.error != "",
        SessionState.t[ActivateState.error],
        ActivateState.cause,
        ActivateState.detail,
        ActivateState.problems,
        ident="activate-error",
    )


def activate_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(SessionState.t["versions.activate_title"]),
            rx.vstack(
                rx.hstack(
                    _select(
                        "versions.activate_version",
                        ActivateState.chosen_version,
                        ActivateState.version_options,
                        ActivateState.set_chosen_version,
                        "activate-version",
                    ),
                    _select(
                        "versions.activate_variant",
                        ActivateState.chosen_variant,
                        ActivateState.variant_options,
                        ActivateState.set_chosen_variant,
                        "activate-variant",
                        rx.select.separator(),
                        rx.select.item(SessionState.t["versions.variant_new"], value=NEW_VARIANT),
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(ActivateState.chosen_variant == NEW_VARIANT, _new_variant()),
                _gate_switch(),
                _consequence(),
                _gate_notes(),
                rx.vstack(
                    rx.text(
                        SessionState.t["versions.activate_reason"],
                        as_="label",
                        html_for="activate-reason",
                        size="2",
                        weight="medium",
                    ),
                    rx.input(
                        value=ActivateState.reason,
                        on_change=ActivateState.set_reason,
                        width="100%",
                        id="activate-reason",
                    ),
                    spacing="1",
                    width="100%",
                ),
                _error(),
                _refusal(),
                rx.hstack(
                    rx.dialog.close(
                        rx.button(
                            SessionState.t["versions.cancel"],
                            variant="soft",
                            color_scheme="gray",
                            id="activate-cancel",
                        )
                    ),
                    rx.button(
                        ActivateState.confirm_text,
                        on_click=ActivateState.confirm,
                        loading=ActivateState.busy,
                        disabled=~ActivateState.can_confirm,
                        color_scheme=rx.cond(ActivateState.is_rollback, "amber", "indigo"),
                        id="activate-confirm",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="560px",
            id="activate-dialog",
        ),
        open=ActivateState.activate_open,
        on_open_change=ActivateState.set_activate_open,
    )
