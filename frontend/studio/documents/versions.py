"""The versions page of a form or a permission matrix: its State mixin.

The workflow versions page (``studio.versions``) in a smaller frame: the versions
with author, time, message and hash; the draft and whether it may be published;
what changed between any two (the API's own diff, in its words, and for a matrix
also who gains or loses what); publish with a message, naming the draft revision
looked at, and make a version live (``publishing.py``). The API decides who may do
what.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.documents.content import localized
from studio.labels import text
from studio.session import LOGIN_ROUTE, error_key
from studio.versions.choice import DEFAULT_VARIANT, DRAFT, default_pair, still_there
from studio.versions.state import OP_COLORS, OP_LABELS, HistoryRow, LiveRow, Option, VersionRow
from studio.versions.state import variant_name as variant_words

__all__ = ["ChangeLine", "VersionsMixin"]


@dataclasses.dataclass
class ChangeLine:
    op: str
    op_label: str
    color: str
    text: str
    layout: bool


class VersionsMixin(rx.State, mixin=True):
    key: str = ""
    loading: bool = False
    load_error: str = ""
    _versions: list[api.VersionSummary] = []
    _active: dict[str, int] = {}
    _history: list[api.Move] = []
    _draft: api.DraftStatus | None = None
    _title: dict[str, str] = {}
    diff_from: str = ""
    diff_to: str = ""
    diffing: bool = False
    diff_error: str = ""
    _changes: list[dict[str, Any]] = []
    _access: list[dict[str, Any]] = []  # a matrix's changes as who gains or loses what
    published: int = 0

    def _kind(self) -> str:
        raise NotImplementedError

    def _words(self) -> str:
        raise NotImplementedError

    # ---- what the page shows -------------------------------------------------

    @rx.var
    def title(self) -> str:
        return localized(self._title, self.lang) or self.key

    @rx.var
    def rows(self) -> list[VersionRow]:
        live: dict[int, list[str]] = {}
        for variant, number in sorted(self._active.items()):
            live.setdefault(number, []).append(variant_words(variant, self.lang))
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
    def has_draft(self) -> bool:
        return self._draft is not None

    @rx.var
    def draft_text(self) -> str:
        if self._draft is None:
            return text(self.lang, "draft.none")
        label = text(self.lang, "versions.option_draft", revision=self._draft.revision)
        count = len(self._draft.errors)
        if self._draft.valid:
            state = text(self.lang, "draft.valid")
        elif count == 1:
            state = text(self.lang, "draft.error_one")
        else:
            state = text(self.lang, "draft.errors", n=count)
        return f"{label} · {state}"

    @rx.var
    def draft_valid(self) -> bool:
        return self._draft is not None and self._draft.valid

    @rx.var
    def live_rows(self) -> list[LiveRow]:
        order = sorted(self._active, key=lambda v: (v != DEFAULT_VARIANT, v))
        return [
            LiveRow(
                variant=v,
                name=variant_words(v, self.lang),
                version=text(self.lang, "versions.number", n=self._active[v]),
            )
            for v in order
        ]

    @rx.var
    def history_rows(self) -> list[HistoryRow]:
        rows = []
        for move in sorted(self._history, key=lambda m: m.at, reverse=True):
            if move.from_version is None:
                key = "versions.history_first"
            elif move.action == "rollback":
                key = "versions.history_rollback"
            else:
                key = "versions.history_forward"
            fields = {
                "actor": move.actor,
                "variant": variant_words(move.variant, self.lang),
                "from": move.from_version,
                "to": move.to_version,
            }
            words = text(self.lang, key, **fields)
            rows.append(HistoryRow(move.at, words, move.reason, move.action == "rollback"))
        return rows

    @rx.var
    def options(self) -> list[Option]:
        found = [
            Option(value=str(v.version), label=text(self.lang, "versions.number", n=v.version))
            for v in self._versions
        ]
        if self._draft is not None:
            label = text(self.lang, "versions.option_draft", revision=self._draft.revision)
            found.insert(0, Option(value=DRAFT, label=label))
        return found

    @rx.var
    def change_lines(self) -> list[ChangeLine]:
        lines = []
        for change in self._changes:
            op = str(change.get("op", "changed"))
            summary = localized(change.get("summary"), self.lang) or str(change.get("path", ""))
            lines.append(
                ChangeLine(
                    op=op,
                    op_label=text(self.lang, OP_LABELS[op]) if op in OP_LABELS else op,
                    color=OP_COLORS.get(op, "gray"),
                    text=summary,
                    layout=change.get("aspect") == "layout",
                )
            )
        return lines

    @rx.var
    def access_lines(self) -> list[str]:
        return [localized(c.get("words"), self.lang) for c in self._access]

    @rx.var
    def no_changes(self) -> bool:
        comparing = bool(self.diff_from) and bool(self.diff_to) and self.diff_from != self.diff_to
        return comparing and not self.diffing and not self.diff_error and not self._changes

    # ---- loading -------------------------------------------------------------

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        self.key = str(self.router.page.params.get("key", ""))
        if not self.token or not self.key:
            return
        self.loading, self.load_error, self.published = True, "", 0
        self.diff_from = self.diff_to = ""
        self._changes, self._access = [], []
        yield
        if await self._load():
            await self._compare()
        self.loading = False
        if self.load_error == "error.session":
            yield rx.redirect(LOGIN_ROUTE)

    async def _load(self) -> bool:
        kind = self._kind()
        try:
            found, live, draft = await asyncio.gather(
                api.document_versions(self.token, kind, self.key),
                api.document_active(self.token, kind, self.key),
                api.document_draft_status(self.token, kind, self.key),
            )
            self._versions, self._active, self._history = found, live.variants, live.history
            self._draft = draft
            if draft is not None:
                self._title = dict(draft.content.get("title") or {})
            elif found:
                newest = await api.document_version(self.token, kind, self.key, found[0].version)
                self._title = dict(newest.content.get("title") or {})
        except api.ApiError as problem:
            missing = f"{self._words()}.not_found"
            self.load_error = missing if problem.status == 404 else error_key(problem)
            if problem.status == 401:
                self._forget()
            return False
        self.load_error = ""
        numbers = [v.version for v in self._versions]
        has_draft = draft is not None
        if not (
            still_there(self.diff_from, numbers, has_draft)
            and still_there(self.diff_to, numbers, has_draft)
        ):
            self.diff_from, self.diff_to = default_pair(numbers, self._active, has_draft)
        return True

    async def _compare(self) -> None:
        self.diff_error = ""
        self._changes, self._access = [], []
        if not self.diff_from or not self.diff_to or self.diff_from == self.diff_to:
            return
        try:
            found = await api.document_diff(
                self.token, self._kind(), self.key, self.diff_from, self.diff_to
            )
            self._changes = found.changes
            if self._kind() == "permission_matrix":
                self._access = await api.permission_diff(
                    self.token, self.key, self.diff_from, self.diff_to
                )
        except api.ApiError as problem:
            self.diff_error = error_key(problem)

    @rx.event
    async def choose_from(self, reference: str) -> AsyncIterator[Any]:
        self.diff_from, self.diffing = reference, True
        yield
        await self._compare()
        self.diffing = False

    @rx.event
    async def choose_to(self, reference: str) -> AsyncIterator[Any]:
        self.diff_to, self.diffing = reference, True
        yield
        await self._compare()
        self.diffing = False

    @rx.event
    async def show_version(self, number: int) -> AsyncIterator[Any]:
        self.diff_from, self.diff_to, self.diffing = str(int(number) - 1), str(number), True
        yield
        await self._compare()
        self.diffing = False
