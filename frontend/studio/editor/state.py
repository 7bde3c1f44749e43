"""The editor's State: the document being edited, its history, errors and saving.

The document lives here (Python), the canvas draws ``graph``. Each edit makes
a new document (``edits.py``), pushes the old one on the undo stack and asks
the API to validate the new one, so errors follow the user as they work.
Saving is a PUT with the revision the edit started from: if someone else saved
in between the API answers 409, nothing is overwritten, and the user chooses
to reload theirs or overwrite with this one. Until saved, the canvas keeps the
document in the browser (``canvas_draft``), so a reload restores it.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.editor import edits
from studio.editor.graph import Problem, error_lines, graph, localized
from studio.labels import text
from studio.session import LOGIN_ROUTE, SessionState, error_key

__all__ = ["EditorState", "ErrorItem", "new_id"]

HISTORY = 100  # undo steps kept


def new_id(kind: str) -> str:
    """A fresh node or edge id: readable prefix, random tail (never a per-tab counter)."""
    return f"{kind}-{uuid.uuid4().hex[:10]}"


@dataclasses.dataclass
class ErrorItem:
    """One line of the list of all errors: what it is about, and the message."""

    target_id: str  # the node or edge id ("" for the workflow as a whole)
    target: str  # its label, for reading
    pointer: str
    message: str


class EditorState(SessionState):
    key: str = ""
    loading: bool = False
    load_error: str = ""  # a label key
    _catalogue: dict[str, dict[str, Any]] = {}
    _document: dict[str, Any] = {}
    _saved: dict[str, Any] = {}
    _problems: list[dict[str, Any]] = []
    _undo: list[dict[str, Any]] = []
    _redo: list[dict[str, Any]] = []
    _clipboard: dict[str, list[dict[str, Any]]] = {}
    _forms: dict[str, dict[str, str]] = {}
    _roles: list[str] = []
    base_revision: int = -1  # the draft revision edits start from; -1: no draft yet
    dirty: bool = False
    revision: int = 0  # counts documents, so the canvas knows when to redraw
    selection: dict[str, Any] = {"serial": 0, "ids": []}
    selected_nodes: list[str] = []
    selected_edges: list[str] = []
    ready: bool = False  # the draft and any local copy are in
    storage_ready: bool = False  # unsaved work may be kept in (and cleared from) the browser
    restored_at: str = ""
    saving: bool = False
    conflict: bool = False
    checking: bool = False  # an edit is being validated

    # ---- what the page shows -------------------------------------------------

    @rx.var
    def read_only(self) -> bool:
        return "documents.edit" not in self.actions

    @rx.var
    def title(self) -> str:
        return localized(self._document.get("title"), self.lang) or self.key

    @rx.var
    def graph(self) -> dict[str, Any]:
        return graph(self._document, self._catalogue, self._localized_problems(), self.lang)

    @rx.var
    def canvas_draft(self) -> dict[str, Any]:
        return {
            "key": self._storage_key() if self.storage_ready else "",
            "dirty": self.dirty,
            "document": self._document if self.dirty else None,
            "base_revision": self.base_revision,
        }

    @rx.var
    def canvas_labels(self) -> dict[str, str]:
        return {
            name: text(self.lang, f"canvas.{name}")
            for name in ("undo", "redo", "layout", "default_edge")
        }

    @rx.var
    def error_count(self) -> int:
        return len(self._problems)

    @rx.var
    def error_items(self) -> list[ErrorItem]:
        workflow = text(self.lang, "editor.document_error")
        lines = error_lines(self._document, self.graph, self._localized_problems(), workflow)
        return [ErrorItem(*line) for line in lines]

    @rx.event
    def focus(self, target_id: str) -> None:
        """Select the node or edge an error is about, so its panel opens."""
        edges = self._document.get("edges") or []
        is_edge = any(isinstance(e, dict) and e.get("id") == target_id for e in edges)
        self._choose([] if is_edge else [target_id], [target_id] if is_edge else [])

    @rx.var
    def can_undo(self) -> bool:
        return bool(self._undo)

    @rx.var
    def can_redo(self) -> bool:
        return bool(self._redo)

    def _localized_problems(self) -> list[Problem]:
        return [
            Problem(
                pointer=str(p.get("pointer", "")),
                message=localized(p.get("message"), self.lang) or str(p.get("code", "")),
                code=str(p.get("code", "")),
            )
            for p in self._problems
        ]

    # ---- loading -------------------------------------------------------------

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the catalogue, then the draft (or newest version), then any
        unsaved local draft of this workflow from the browser."""
        self.key = str(self.router.page.params.get("key", ""))
        if not self.token or not self.key:
            return
        self.loading, self.load_error = True, ""
        self.ready = self.storage_ready = False
        self.selected_nodes, self.selected_edges = [], []
        self._undo, self._redo, self.conflict, self.restored_at = [], [], False, ""
        yield
        try:
            await self._load_catalogue()
            opened = await api.draft(self.token, self.key)
        except api.ApiError as error:
            self.loading = False
            self.load_error = error_key(error) if error.status != 404 else "editor.not_found"
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self._take(opened)
        self.loading = False
        yield rx.call_script(
            f"window.localStorage.getItem({json.dumps(self._storage_key())})",
            callback=EditorState.restore_local,
        )

    def _storage_key(self) -> str:
        # Per user: in a shared browser one person's unsaved work is not another's.
        return f"trellis-draft:{self.username}:workflow:{self.key}"

    async def _load_catalogue(self) -> None:
        if self._catalogue:
            return
        items = await api.components(self.token)
        self._catalogue = {str(item["type"]): item for item in items}
        known = await api.choices(self.token)
        self._forms, self._roles = known.forms, known.roles

    def _take(self, opened: api.Draft) -> None:
        """The server's draft becomes what is edited, with nothing unsaved."""
        self._document = opened.content
        self._saved = opened.content
        self._problems = opened.errors
        self.base_revision = opened.revision if opened.revision is not None else -1
        self.dirty = False
        self.revision += 1

    @rx.event
    async def restore_local(self, stored: str | None) -> AsyncIterator[Any]:
        """Unsaved work found in the browser for this workflow is brought back.

        Not for a role that may not edit: it neither restores nor clears what an
        editor left unsaved in this browser."""
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
        self.revision += 1
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

    def _change(self, document: dict[str, Any], select: list[str] | None = None) -> bool:
        """Make ``document`` the current one, keeping the previous for undo."""
        if self.read_only or document == self._document:
            return False
        self._undo = [*self._undo[-(HISTORY - 1) :], self._document]
        self._redo = []
        self._document = document
        self.dirty = document != self._saved
        self.checking = True
        self.revision += 1
        if select is not None:
            self._choose(select, [])
        return True

    def _choose(self, nodes: list[str], edges: list[str]) -> None:
        """Select these on the canvas (the user's own clicks need no telling)."""
        self.selected_nodes, self.selected_edges = nodes, edges
        self.selection = {"serial": self.selection["serial"] + 1, "ids": [*nodes, *edges]}

    def _first_port(self, node_id: str) -> str | None:
        index = edits.node_index(self._document, node_id)
        if index is None:
            return None
        component = self._catalogue.get(str(self._document["nodes"][index].get("type")))
        outputs = ((component or {}).get("ports") or {}).get("outputs") or []
        return str(outputs[0]) if outputs else None

    @rx.event
    async def edit(self, change: dict[str, Any]) -> AsyncIterator[Any]:
        """One edit reported by the canvas."""
        op = change.get("op")
        document = self._document
        select: list[str] | None = None
        if op == "add" and str(change.get("type")) in self._catalogue:
            document = edits.add_node(
                document, str(change["type"]), float(change["x"]), float(change["y"]), new_id
            )
            select = [document["nodes"][-1]["id"]]
        elif op == "connect":
            source, target = str(change["source"]), str(change["target"])
            port = str(change.get("port") or "") or None
            document = edits.connect(
                document, source, target, port, self._first_port(source), new_id
            )
        elif op == "move":
            document = edits.move(document, change.get("positions") or {})
        elif op == "delete":
            document = edits.delete(document, change.get("nodes") or [], change.get("edges") or [])
        else:
            return
        if not self._change(document, select):
            return
        if op == "move":
            self.checking = False  # layout never changes what is valid
            return
        yield
        await self._validate()

    @rx.event
    async def add_from_palette(self, node_type: str) -> AsyncIterator[Any]:
        """A palette entry clicked (not dragged): the step goes right of the others."""
        drawn = self.graph["nodes"]  # positions already made safe to draw
        right = max((float(n["position"]["x"]) for n in drawn), default=-260)
        top = min((float(n["position"]["y"]) for n in drawn), default=0)
        async for update in self.edit({"op": "add", "type": node_type, "x": right + 260, "y": top}):
            yield update

    @rx.event
    def select(self, selection: dict[str, Any]) -> None:
        self.selected_nodes = [str(i) for i in selection.get("nodes") or []]
        self.selected_edges = [str(i) for i in selection.get("edges") or []]

    @rx.event
    async def command(self, name: str) -> AsyncIterator[Any]:
        """Undo, redo, copy, cut or paste (keyboard or toolbar)."""
        if self.read_only:
            return
        if name == "copy":
            self._clipboard = edits.copy_selection(self._document, self.selected_nodes)
            return
        if name == "cut":
            self._clipboard = edits.copy_selection(self._document, self.selected_nodes)
            self._change(edits.delete(self._document, self.selected_nodes, self.selected_edges))
        elif name == "paste" and self._clipboard.get("nodes"):
            document, pasted = edits.paste(self._document, self._clipboard, new_id)
            # Pasting again pastes further along, not on top of the first copy.
            self._clipboard = edits.copy_selection(document, pasted)
            self._change(document, pasted)
        elif name in ("undo", "redo"):
            if not self._step(name):
                return
        else:
            return
        yield
        await self._validate()

    def _step(self, name: str) -> bool:
        source, target = (self._undo, self._redo) if name == "undo" else (self._redo, self._undo)
        if not source:
            return False
        document = source[-1]
        if name == "undo":
            self._undo, self._redo = source[:-1], [*target, self._document]
        else:
            self._redo, self._undo = source[:-1], [*target, self._document]
        self._document = document
        self.dirty = document != self._saved
        self.revision += 1
        return True

    @rx.event
    async def update_node(self, node_id: str, changes: dict[str, Any]) -> AsyncIterator[Any]:
        """The panel changed a node's config or label."""
        if self._change(edits.update_node(self._document, node_id, changes)):
            yield
            await self._validate()

    @rx.event
    async def update_edge(self, edge_id: str, changes: dict[str, Any]) -> AsyncIterator[Any]:
        """The panel changed an edge's condition, default flag or label."""
        if self._change(edits.update_edge(self._document, edge_id, changes)):
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
        new_revision, errors = await api.save_draft(
            self.token, self.key, document, revision if revision >= 0 else None
        )
        self.base_revision = new_revision
        self._saved = document
        self._problems = errors
        self.dirty = self._document != document
        self.restored_at = ""

    @rx.event
    async def overwrite(self) -> AsyncIterator[Any]:
        """Conflict resolved by saving this document over the other person's save."""
        self.conflict = False
        self.saving = True
        yield
        try:
            current = await api.draft(self.token, self.key)
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
            opened = await api.draft(self.token, self.key)
        except api.ApiError as error:
            yield rx.toast.error(text(self.lang, error_key(error)))
            return
        self._undo, self._redo = [], []
        self._take(opened)
        self.restored_at = ""

    @rx.event
    def keep_editing(self) -> None:
        self.conflict = False
