"""Editing the draft of a form or a permission matrix: a State mixin.

The same contract as the workflow editor (``studio.editor.state``): the
document lives here (Python); each edit makes a new document (pure functions in
``forms/model.py``, ``matrices/model.py``), keeps the old one for undo and asks
the API to validate the new one, so the errors follow the user. Saving is a PUT
with the revision the edit started from; someone else's save in between is a
409, nothing is overwritten and the user chooses to reload theirs or overwrite
with this one. Until saved, ``draft_box`` keeps the document in the browser
(``browser.jsx``), so a reload restores it.

A mixin (not a parent State) so that the form designer and the matrix editor
each hold their own document, and ``_kind`` answers for the screen at hand.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.documents.content import Problem, localized, problems
from studio.labels import text
from studio.session import LOGIN_ROUTE, error_key

__all__ = ["DraftMixin"]

HISTORY = 100  # undo steps kept


class DraftMixin(rx.State, mixin=True):
    key: str = ""
    loading: bool = False
    load_error: str = ""  # a label key
    _document: dict[str, Any] = {}
    _saved: dict[str, Any] = {}
    _problems: list[dict[str, Any]] = []
    _undo: list[dict[str, Any]] = []
    _redo: list[dict[str, Any]] = []
    base_revision: int = -1  # the draft revision edits start from; -1: no draft yet
    dirty: bool = False
    ready: bool = False  # the draft and any local copy are in
    storage_ready: bool = False  # unsaved work may be kept in (and cleared from) the browser
    restored_at: str = ""
    saving: bool = False
    conflict: bool = False
    checking: bool = False  # an edit is being validated

    # ---- what each screen says about itself ------------------------------------

    def _kind(self) -> str:
        """The document kind this screen edits (``form``, ``permission_matrix``)."""
        raise NotImplementedError

    def _words(self) -> str:
        """The label prefix of this screen (``forms``, ``matrices``)."""
        raise NotImplementedError

    async def _loaded(self) -> None:
        """Called once the draft is in: fetch what the screen needs besides it."""

    def _opened(self) -> None:
        """Called as the screen opens, before anything is fetched: reset its choices."""

    async def _after_save(self) -> None:
        """Called once a save went through (the screen may refresh what depends on it)."""

    # ---- what the page shows -------------------------------------------------

    @rx.var
    def read_only(self) -> bool:
        return "documents.edit" not in self.actions

    @rx.var
    def title(self) -> str:
        return localized(self._document.get("title"), self.lang) or self.key

    @rx.var
    def error_count(self) -> int:
        return len(self._problems)

    @rx.var
    def can_undo(self) -> bool:
        return bool(self._undo)

    @rx.var
    def can_redo(self) -> bool:
        return bool(self._redo)

    @rx.var
    def draft_box(self) -> dict[str, Any]:
        """What ``TrellisDraftKeeper`` keeps in the browser."""
        return {
            "key": self._storage_key() if self.storage_ready else "",
            "dirty": self.dirty,
            "document": self._document if self.dirty else None,
            "base_revision": self.base_revision,
        }

    def _localized_problems(self) -> list[Problem]:
        return problems(self._problems, self.lang)

    def _storage_key(self) -> str:
        # Per user: in a shared browser one person's unsaved work is not another's.
        return f"trellis-draft:{self.username}:{self._kind()}:{self.key}"

    # ---- loading -------------------------------------------------------------

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the draft (or newest version), what the screen needs besides,
        then any unsaved local copy from the browser."""
        self.key = str(self.router.page.params.get("key", ""))
        if not self.token or not self.key:
            return
        self.loading, self.load_error = True, ""
        self.ready = self.storage_ready = False
        self._undo, self._redo, self.conflict, self.restored_at = [], [], False, ""
        self._opened()
        yield
        try:
            opened = await api.draft(self.token, self.key, self._kind())
            self._take(opened)
            await self._loaded()
        except api.ApiError as error:
            self.loading = False
            missing = f"{self._words()}.not_found"
            self.load_error = error_key(error) if error.status != 404 else missing
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self.loading = False
        yield rx.call_script(
            f"window.localStorage.getItem({json.dumps(self._storage_key())})",
            callback=type(self).restore_local,
        )

    def _take(self, opened: api.Draft) -> None:
        """The server's draft becomes what is edited, with nothing unsaved."""
        self._document = opened.content
        self._saved = opened.content
        self._problems = opened.errors
        self.base_revision = opened.revision if opened.revision is not None else -1
        self.dirty = False

    @rx.event
    async def restore_local(self, stored: str | None) -> AsyncIterator[Any]:
        """Unsaved work found in the browser is brought back (never for a role that may
        not edit: it neither restores nor clears what an editor left there)."""
        self.ready = True
        if self.read_only:
            return
        self.storage_ready = True
        if not stored:
            return
        try:
            kept = json.loads(stored)
            document = kept["document"]
            base = int(kept.get("base_revision", -1))
        except (ValueError, KeyError, TypeError):
            return
        if not isinstance(document, dict) or document == self._saved:
            return
        self._document = document
        self.base_revision = base  # a stale base becomes a conflict at the next save
        self.dirty = True
        self.restored_at = str(kept.get("at", ""))
        self.checking = True
        yield
        await self._validate()

    @rx.event
    async def discard_local(self) -> AsyncIterator[Any]:
        """Drop the restored unsaved changes and reopen what the server has."""
        self.restored_at = ""
        self.dirty = False
        yield
        async for update in self.reload():
            yield update

    # ---- editing ---------------------------------------------------------------

    async def _validate(self) -> None:
        try:
            if not self.read_only:
                self._problems = await api.validate(self.token, self._document)
        except api.ApiError:
            pass  # validation is advice while editing; saving reports what the server says
        finally:
            self.checking = False

    def _change(self, document: dict[str, Any]) -> bool:
        """Make ``document`` the current one, keeping the previous for undo."""
        if self.read_only or document == self._document:
            return False
        self._undo = [*self._undo[-(HISTORY - 1) :], self._document]
        self._redo = []
        self._document = document
        self.dirty = document != self._saved
        self.checking = True
        return True

    async def _apply(self, document: dict[str, Any]) -> AsyncIterator[Any]:
        """One edit: the new document on screen at once, its errors a moment later."""
        if self._change(document):
            yield
            await self._validate()

    @rx.event
    async def undo(self) -> AsyncIterator[Any]:
        if self.read_only or not self._undo:
            return
        document = self._undo[-1]
        self._undo, self._redo = self._undo[:-1], [*self._redo, self._document]
        async for update in self._restore(document):
            yield update

    @rx.event
    async def redo(self) -> AsyncIterator[Any]:
        if self.read_only or not self._redo:
            return
        document = self._redo[-1]
        self._redo, self._undo = self._redo[:-1], [*self._undo, self._document]
        async for update in self._restore(document):
            yield update

    async def _restore(self, document: dict[str, Any]) -> AsyncIterator[Any]:
        self._document = document
        self.dirty = document != self._saved
        self.checking = True
        yield
        await self._validate()

    # ---- saving ------------------------------------------------------------------

    @rx.event
    async def save(self) -> AsyncIterator[Any]:
        if self.read_only or self.saving:
            return
        self.saving = True
        yield
        try:
            await self._put(self.base_revision)
        except api.ApiError as error:
            if error.status in (409, 412):
                self.conflict = True
            else:
                yield rx.toast.error(
                    f"{text(self.lang, 'editor.save_failed')} {text(self.lang, error_key(error))}"
                )
        else:
            yield rx.toast.success(text(self.lang, "editor.saved"))
        finally:
            self.saving = False

    async def _put(self, revision: int) -> None:
        document = self._document
        new_revision, errors = await api.save_document(
            self.token, self._kind(), self.key, document, revision if revision >= 0 else None
        )
        self.base_revision = new_revision
        self._saved = document
        self._problems = errors
        self.dirty = self._document != document
        self.restored_at = ""
        await self._after_save()

    @rx.event
    async def overwrite(self) -> AsyncIterator[Any]:
        """Conflict resolved by saving this document over the other person's save."""
        self.conflict = False
        self.saving = True
        yield
        try:
            current = await api.draft(self.token, self.key, self._kind())
            await self._put(current.revision if current.revision is not None else -1)
        except api.ApiError as error:
            yield rx.toast.error(
                f"{text(self.lang, 'editor.save_failed')} {text(self.lang, error_key(error))}"
            )
        else:
            yield rx.toast.success(text(self.lang, "editor.saved"))
        finally:
            self.saving = False

    @rx.event
    async def reload(self) -> AsyncIterator[Any]:
        """Conflict resolved by taking the other person's save; this edit is dropped."""
        self.conflict = False
        try:
            opened = await api.draft(self.token, self.key, self._kind())
        except api.ApiError as error:
            yield rx.toast.error(text(self.lang, error_key(error)))
            return
        self._undo, self._redo = [], []
        self._take(opened)
        self.restored_at = ""

    @rx.event
    def keep_editing(self) -> None:
        self.conflict = False
