"""The versions page's State: the versions of one workflow, its draft, what is live,
and the diff between the two documents chosen.

Everything comes from the API (``studio.api``); versions never change, so their
contents are kept once fetched. The diff is the API's own (``GET .../diff``); this
State only puts it in words (``changes.group``) and colours (``changes.highlight``)
and draws the "to" document with what "from" lost put back (``changes.overlay``).
The sandbox gate (``GET /sandbox/gates/{workflow}``) is read when a dialog opens, and
put in words by ``gate``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import reflex as rx

from studio import api
from studio.editor.graph import Problem, graph, localized
from studio.labels import text
from studio.session import LOGIN_ROUTE, SessionState, error_key
from studio.versions import changes, choice, gate

__all__ = [
    "OP_COLORS",
    "OP_LABELS",
    "ChangeRow",
    "HistoryRow",
    "LiveRow",
    "Option",
    "VersionRow",
    "VersionsState",
    "gate_status",
    "require_sandbox",
    "variant_name",
]

# How each kind of change is named and coloured in the list (the canvas uses the same).
OP_LABELS = {
    "added": "versions.op_added",
    "removed": "versions.op_removed",
    "changed": "versions.op_changed",
}
OP_COLORS = {"added": "green", "removed": "red", "changed": "amber"}


@dataclasses.dataclass
class VersionRow:
    """One published version, in the user's words."""

    version: int
    name: str  # "Version 3"
    author: str
    published_at: str
    message: str
    short_hash: str
    hash: str
    live: list[str]  # the variants it is live for
    is_new: bool  # published here a moment ago
    has_previous: bool


@dataclasses.dataclass
class Option:
    value: str
    label: str


@dataclasses.dataclass
class ChangeRow:
    op: str
    op_label: str
    color: str
    text: str
    target: str


@dataclasses.dataclass
class LiveRow:
    variant: str
    name: str
    version: str


@dataclasses.dataclass
class HistoryRow:
    at: str
    text: str
    reason: str
    rollback: bool


def _segment(name: str) -> str:
    # One path segment, whatever it holds (as ``api._document`` does for keys).
    return quote(name, safe="").replace(".", "%2E")


async def gate_status(token: str, key: str) -> gate.GateStatus:
    """``GET /sandbox/gates/{key}``: the sandbox report for exactly the draft, and
    which variants go live only with one."""
    return gate.GateStatus.decode(await api._call("GET", f"/sandbox/gates/{_segment(key)}", token))


async def require_sandbox(token: str, key: str, variant: str, required: bool) -> gate.GateStatus:
    """``PUT /sandbox/gates/{key}/{variant}`` (publishers and admins): the new status."""
    body = await api._call(
        "PUT",
        f"/sandbox/gates/{_segment(key)}/{_segment(variant)}",
        token,
        json={"require_sandbox": bool(required)},
    )
    return gate.GateStatus.decode(body)


def variant_name(variant: str, language: str) -> str:
    """A variant as people read it: the default one in their language, others as named."""
    return text(language, "variant.default") if variant == choice.DEFAULT_VARIANT else variant


class VersionsState(SessionState):
    key: str = ""
    loading: bool = False
    load_error: str = ""  # a label key
    _versions: list[api.VersionSummary] = []
    _active: dict[str, int] = {}
    _history: list[api.Move] = []
    _draft: api.DraftStatus | None = None
    _catalogue: dict[str, dict[str, Any]] = {}
    _contents: dict[int, dict[str, Any]] = {}  # version -> content: versions never change
    _title: dict[str, str] = {}
    diff_from: str = ""
    diff_to: str = ""
    diffing: bool = False
    diff_error: str = ""  # a label key
    _changes: list[dict[str, Any]] = []
    _from_document: dict[str, Any] = {}
    _to_document: dict[str, Any] = {}
    revision: int = 0  # counts drawn graphs, so the canvas knows when to redraw
    selection: dict[str, Any] = {"serial": 0, "ids": []}
    show_layout: bool = False
    published: int = 0  # the version published on this page a moment ago (0: none)
    _gate: gate.GateStatus | None = None  # None: not read (or unreadable) yet

    # ---- what the page shows -------------------------------------------------

    @rx.var
    def title(self) -> str:
        return localized(self._title, self.lang) or self.key

    @rx.var
    def editor_route(self) -> str:
        return f"/workflows/{self.key}"

    def _live(self) -> dict[int, list[str]]:
        live: dict[int, list[str]] = {}
        for variant, number in sorted(self._active.items()):
            live.setdefault(number, []).append(variant_name(variant, self.lang))
        return live

    @rx.var
    def rows(self) -> list[VersionRow]:
        live = self._live()
        numbers = {v.version for v in self._versions}
        return [
            VersionRow(
                version=v.version,
                name=text(self.lang, "versions.number", n=v.version),
                author=text(self.lang, "versions.by", user=v.author),
                published_at=v.published_at,
                message=v.message,
                short_hash=v.hash.removeprefix("sha256:")[:10],
                hash=v.hash,
                live=live.get(v.version, []),
                is_new=v.version == self.published,
                has_previous=v.version - 1 in numbers,
            )
            for v in self._versions
        ]

    @rx.var
    def has_versions(self) -> bool:
        return bool(self._versions)

    @rx.var
    def has_draft(self) -> bool:
        return self._draft is not None

    @rx.var
    def draft_label(self) -> str:
        if self._draft is None:
            return ""
        return text(self.lang, "versions.option_draft", revision=self._draft.revision)

    @rx.var
    def draft_status(self) -> str:
        if self._draft is None:
            return text(self.lang, "draft.none")
        count = len(self._draft.errors)
        if self._draft.valid:
            return text(self.lang, "draft.valid")
        return (
            text(self.lang, "draft.error_one")
            if count == 1
            else text(self.lang, "draft.errors", n=count)
        )

    @rx.var
    def draft_color(self) -> str:
        return "green" if self._draft is not None and self._draft.valid else "red"

    @rx.var
    def draft_changed_at(self) -> str:
        return self._draft.updated_at if self._draft is not None else ""

    @rx.var
    def draft_changed_by(self) -> str:
        if self._draft is None or not self._draft.updated_by:
            return ""
        return text(self.lang, "changed.by", user=self._draft.updated_by)

    @rx.var
    def live_rows(self) -> list[LiveRow]:
        """Each variant and the version its new cases start on, the default first."""
        order = sorted(self._active, key=lambda v: (v != choice.DEFAULT_VARIANT, v))
        return [
            LiveRow(
                variant=variant,
                name=variant_name(variant, self.lang),
                version=text(self.lang, "versions.number", n=self._active[variant]),
            )
            for variant in order
        ]

    @rx.var
    def history_rows(self) -> list[HistoryRow]:
        rows = []
        for move in sorted(self._history, key=lambda m: m.at, reverse=True):
            fields = {
                "actor": move.actor,
                "variant": variant_name(move.variant, self.lang),
                "from": move.from_version,
                "to": move.to_version,
            }
            if move.from_version is None:
                key = "versions.history_first"
            elif move.action == "rollback":
                key = "versions.history_rollback"
            else:
                key = "versions.history_forward"
            rows.append(
                HistoryRow(
                    at=move.at,
                    text=text(self.lang, key, **fields),
                    reason=move.reason,
                    rollback=move.action == "rollback",
                )
            )
        return rows

    @rx.var
    def from_options(self) -> list[Option]:
        live = self._live()
        options = []
        for v in self._versions:
            variants = live.get(v.version)
            label = (
                text(self.lang, "versions.option_live", n=v.version, variants=", ".join(variants))
                if variants
                else text(self.lang, "versions.option_version", n=v.version)
            )
            options.append(Option(value=str(v.version), label=label))
        return options

    @rx.var
    def to_options(self) -> list[Option]:
        options = list(self.from_options)
        if self._draft is not None:
            label = text(self.lang, "versions.option_draft", revision=self._draft.revision)
            options.insert(0, Option(value=choice.DRAFT, label=label))
        return options

    @rx.var
    def comparing(self) -> bool:
        """Two different documents are chosen (so there is a diff to show)."""
        return bool(self.diff_from) and bool(self.diff_to) and self.diff_from != self.diff_to

    @rx.var
    def notice(self) -> str:
        """Why there is no diff to show, in words ("" when there is one)."""
        if self.comparing:
            return ""
        if not self._versions:
            key = "versions.draft_only" if self._draft is not None else "versions.empty"
        elif len(self._versions) == 1 and self._draft is None:
            key = "versions.single"
        else:
            key = "versions.same_choice"
        return text(self.lang, key)

    def _grouped(self) -> changes.Grouped:
        return changes.group(self._changes, self.lang)

    def _rows(self, lines: list[changes.Line]) -> list[ChangeRow]:
        return [
            ChangeRow(
                op=line.op,
                op_label=text(self.lang, OP_LABELS[line.op]) if line.op in OP_LABELS else line.op,
                color=OP_COLORS.get(line.op, "gray"),
                text=line.text,
                target=line.target,
            )
            for line in lines
        ]

    @rx.var
    def logic_rows(self) -> list[ChangeRow]:
        return self._rows(self._grouped().logic)

    @rx.var
    def layout_rows(self) -> list[ChangeRow]:
        return self._rows(self._grouped().layout)

    @rx.var
    def logic_count(self) -> str:
        return text(self.lang, "versions.logic_count", n=len(self._grouped().logic))

    @rx.var
    def layout_count(self) -> str:
        return text(self.lang, "versions.layout_count", n=len(self._grouped().layout))

    @rx.var
    def layout_title(self) -> str:
        grouped = self._grouped()
        if grouped.moved == 1 and len(grouped.layout) == 1:
            return text(self.lang, "versions.moved_one")
        if grouped.moved == len(grouped.layout):
            return text(self.lang, "versions.moved", n=grouped.moved)
        return text(self.lang, "versions.layout_other", n=len(grouped.layout))

    @rx.var
    def no_changes(self) -> bool:
        return self.comparing and not self.diffing and not self.diff_error and not self._changes

    @rx.var
    def graph(self) -> dict[str, Any]:
        marks = changes.highlight(self._changes)
        document = changes.overlay(self._from_document, self._to_document, marks)
        problems: list[Problem] = []
        if self.diff_to == choice.DRAFT and self._draft is not None:
            problems = [
                Problem(
                    pointer=str(p.get("pointer", "")),
                    message=localized(p.get("message"), self.lang) or str(p.get("code", "")),
                    code=str(p.get("code", "")),
                )
                for p in self._draft.errors
            ]
        return graph(document, self._catalogue, problems, self.lang, marks)

    @rx.var
    def has_graph(self) -> bool:
        return bool(self._to_document)

    @rx.var
    def canvas_labels(self) -> dict[str, str]:
        return {
            name: text(self.lang, f"canvas.{name}")
            for name in ("undo", "redo", "layout", "default_edge")
        }

    @rx.var
    def next_version(self) -> int:
        return (self._versions[0].version if self._versions else 0) + 1

    @rx.var
    def publish_block(self) -> str:
        """Why the draft cannot be published now, in words ("" when it can)."""
        if self._draft is None:
            return text(self.lang, "versions.blocked_no_draft")
        if self._draft.valid:
            return ""
        count = len(self._draft.errors)
        if count == 1:
            return text(self.lang, "versions.blocked_error_one")
        return text(self.lang, "versions.blocked_errors", n=count)

    @rx.var
    def published_text(self) -> str:
        return text(self.lang, "versions.published_banner", n=self.published)

    # ---- loading -------------------------------------------------------------

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the versions, what is live, the draft, then the default diff."""
        self.key = str(self.router.page.params.get("key", ""))
        if not self.token or not self.key:
            return
        self.loading, self.load_error, self.published = True, "", 0
        self.diff_from = self.diff_to = ""
        self._contents, self._changes = {}, []
        self._from_document, self._to_document = {}, {}
        yield
        if await self._load():
            await self._compare()
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    async def _load(self) -> bool:
        """Fetch the versions, the live pointers and the draft; keep the chosen pair if
        it still names something, else choose the default one."""
        try:
            if not self._catalogue:
                items = await api.components(self.token)
                self._catalogue = {str(item["type"]): item for item in items}
            found, live, draft = await asyncio.gather(
                api.versions(self.token, self.key),
                api.active(self.token, self.key),
                api.draft_status(self.token, self.key),
            )
            self._versions, self._active, self._history = found, live.variants, live.history
            self._draft = draft
            if draft is None and found:
                newest = await self._content(str(found[0].version))
                self._title = dict(newest.get("title") or {})
            elif draft is not None:
                self._title = dict(draft.content.get("title") or {})
        except api.ApiError as error:
            self.load_error = "versions.not_found" if error.status == 404 else error_key(error)
            if error.status == 401:
                self._forget()
            return False
        self.load_error = ""
        numbers = [v.version for v in self._versions]
        if not (
            choice.still_there(self.diff_from, numbers, draft is not None)
            and choice.still_there(self.diff_to, numbers, draft is not None)
        ):
            self.diff_from, self.diff_to = choice.default_pair(numbers, self._active, bool(draft))
        return True

    async def _content(self, reference: str) -> dict[str, Any]:
        if reference == choice.DRAFT:
            return self._draft.content if self._draft is not None else {}
        number = int(reference)
        if number not in self._contents:
            self._contents[number] = (await api.version(self.token, self.key, number)).content
        return self._contents[number]

    async def _compare(self) -> None:
        """Fetch the diff of the chosen pair and the two documents to draw."""
        self.diff_error, self.selection = "", {"serial": self.selection["serial"] + 1, "ids": []}
        try:
            to_document = await self._content(self.diff_to) if self.diff_to else {}
            if self.comparing:
                found = await api.diff(self.token, self.key, self.diff_from, self.diff_to)
                from_document = await self._content(self.diff_from)
                self._changes = found.changes
            else:
                from_document, self._changes = to_document, []
        except api.ApiError as error:
            self.diff_error = error_key(error) if error.status != 404 else "versions.diff_failed"
            self._changes, self._from_document, self._to_document = [], {}, {}
        else:
            self._from_document, self._to_document = from_document, to_document
        self.revision += 1

    async def _load_gate(self) -> None:
        """The sandbox gate status, read afresh (runs finish and drafts change while the
        page is open); ``None`` when it cannot be read: the dialogs then say nothing of
        it, and the API still decides whether a version may go live."""
        try:
            self._gate = await gate_status(self.token, self.key)
        except api.ApiError as error:
            self._gate = None
            if error.status == 401:
                self._forget()

    @rx.event
    async def refresh(self) -> AsyncIterator[Any]:
        self.loading = True
        yield
        if await self._load():
            await self._compare()
        self.loading = False

    # ---- choosing what to compare ------------------------------------------------

    @rx.event
    async def choose_from(self, reference: str) -> AsyncIterator[Any]:
        if reference == self.diff_from:
            return
        self.diff_from, self.diffing = reference, True
        yield
        await self._compare()
        self.diffing = False

    @rx.event
    async def choose_to(self, reference: str) -> AsyncIterator[Any]:
        if reference == self.diff_to:
            return
        self.diff_to, self.diffing = reference, True
        yield
        await self._compare()
        self.diffing = False

    @rx.event
    async def show_version(self, number: int) -> AsyncIterator[Any]:
        """What version ``number`` changed against the one before."""
        self.diff_from, self.diff_to, self.diffing = str(int(number) - 1), str(number), True
        yield
        await self._compare()
        self.diffing = False

    @rx.event
    def focus(self, target: str) -> None:
        """Select the node or edge a change is about on the canvas."""
        if target:
            self.selection = {"serial": self.selection["serial"] + 1, "ids": [target]}

    @rx.event
    def toggle_layout(self) -> None:
        self.show_layout = not self.show_layout
