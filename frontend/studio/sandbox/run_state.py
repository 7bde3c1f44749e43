"""One simulation's State: what was asked, its progress while a worker performs it, its
report once completed, its cases, and one case's two paths on the canvas.

While the run is queued or running the page reads it again every second (a
background task, one per page; opening another run stops it), shows the progress and
offers to cancel. The report is drawn from the API's figures; the cases come a page
at a time, only those that change path unless asked otherwise, by tier. A case
chosen in the list is drawn twice on the read-only canvas: the baseline version with
the baseline's path, the candidate with the candidate's, each with the first
difference marked.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.cases.titles import WorkflowTitlesState
from studio.editor.graph import graph as draw
from studio.labels import text
from studio.sandbox import client, model, report
from studio.sandbox.model import localized
from studio.sandbox.report import (
    ApprovalRow,
    Bin,
    CaseRow,
    CaseView,
    Headline,
    OutcomeRow,
    PathChange,
    WorkloadRow,
)
from studio.sandbox.setup_state import status_label
from studio.session import LOGIN_ROUTE, error_key

__all__ = ["TIERS", "WORKLOAD", "RunState"]

POLL_SECONDS = 1.0
PAGE = 50
TIERS = ("all", "A", "B", "C")
WORKLOAD = ("people", "roles", "teams")
_REVISION = re.compile(r"revision (\d+)")


class RunState(WorkflowTitlesState):
    run_id: int = 0
    loading: bool = False
    load_error: str = ""  # a label key
    poll_error: str = ""  # a label key: the last reading failed (the page keeps trying)
    cancelling: bool = False
    cancel_error: str = ""
    workload_by: str = "people"
    changed_only: bool = True
    tier: str = "all"
    cases_loading: bool = False
    cases_error: str = ""
    next_cursor: str = ""
    selected: str = ""  # the case drawn on the canvases
    revision: int = 0  # counts the cases drawn, so that each is fitted anew
    _run: client.Run | None = None
    _cases: list[client.RunCase] = []
    _catalogue: dict[str, dict[str, Any]] = {}
    _baseline_content: dict[str, Any] = {}
    _candidate_content: dict[str, Any] = {}
    _candidate_version: int | None = None  # the version the candidate is, else the draft
    _draft_changed: bool = False  # the draft was saved again after the run was asked for
    _follower: int = 0  # the background reading that may still change this page

    # ---- what was asked ---------------------------------------------------------------

    @rx.var
    def found(self) -> bool:
        return self._run is not None

    @rx.var
    def status(self) -> str:
        return self._run.status if self._run else ""

    @rx.var
    def status_text(self) -> str:
        return status_label(self._run.status, self.lang) if self._run else ""

    @rx.var
    def live(self) -> bool:
        return self._run is not None and not self._run.finished

    @rx.var
    def progress(self) -> int:
        run = self._run
        if run is None or run.total <= 0:
            return 0
        return min(100, round(100 * run.done / run.total))

    @rx.var
    def progress_text(self) -> str:
        run = self._run
        if run is None:
            return ""
        if run.status == "queued":
            return text(self.lang, "sandbox.queued_help")
        return text(self.lang, "sandbox.progress", done=f"{run.done:,}", total=f"{run.total:,}")

    @rx.var
    def workflow(self) -> str:
        run = self._run
        if run is None:
            return ""
        return self._title_of(run.workflow, self._baseline_content)

    @rx.var
    def workflow_key(self) -> str:
        return self._run.workflow if self._run else ""

    @rx.var
    def candidate_text(self) -> str:
        run = self._run
        if run is None:
            return ""
        if self._candidate_version is not None:
            return text(self.lang, "sandbox.version", n=self._candidate_version)
        found = _REVISION.search(run.candidate)
        if found:
            return text(self.lang, "sandbox.draft_revision", n=found[1])
        return text(self.lang, "sandbox.candidate_draft")

    @rx.var
    def baseline_text(self) -> str:
        return text(self.lang, "sandbox.version", n=self._run.baseline_version) if self._run else ""

    @rx.var
    def history_text(self) -> str:
        run = self._run
        if run is None:
            return ""
        history = run.history
        if "dataset" in history:
            return text(
                self.lang,
                "sandbox.dataset_line",
                name=str(history.get("name") or history["dataset"]),
                n=report.number(history.get("cases")),
            )
        return text(self.lang, "sandbox.history_own", workflow=run.workflow)

    @rx.var
    def policy_text(self) -> str:
        run = self._run
        if run is None:
            return ""
        return _policies(run.policies, self._names(), self.lang)

    @rx.var
    def seed_text(self) -> str:
        return str(self._run.seed) if self._run else ""

    @rx.var
    def created_by(self) -> str:
        return self._run.created_by if self._run else ""

    @rx.var
    def created_at(self) -> str:
        return self._run.created_at if self._run else ""

    @rx.var
    def draft_changed(self) -> bool:
        return self._draft_changed

    @rx.var
    def failure_text(self) -> str:
        run = self._run
        if run is None or run.status != "failed":
            return ""
        return str((run.error or {}).get("message") or text(self.lang, "sandbox.failed_help"))

    @rx.var
    def failure_problems(self) -> list[str]:
        run = self._run
        errors = (run.error or {}).get("errors") if run else None
        return [
            localized(e.get("message"), self.lang) or str(e.get("code", ""))
            for e in errors or []
            if isinstance(e, dict)
        ]

    # ---- the report -----------------------------------------------------------------------

    def _report(self) -> dict[str, Any]:
        run = self._run
        return run.report if run is not None and run.report else {}

    def _names(self) -> dict[str, str]:
        return report.names(self._candidate_content, self._baseline_content, language=self.lang)

    def _documents(self) -> list[dict[str, Any]]:
        return [self._candidate_content, self._baseline_content]

    @rx.var
    def has_report(self) -> bool:
        return bool(self._report())

    @rx.var
    def headline(self) -> Headline:
        return report.headline(self._report(), self.lang)

    @rx.var
    def approvals(self) -> list[ApprovalRow]:
        return report.approval_rows(self._report(), self._names(), self.lang)

    @rx.var
    def outcomes(self) -> list[OutcomeRow]:
        return report.outcome_rows(self._report(), self._documents(), self.lang)

    @rx.var
    def path_changes(self) -> list[PathChange]:
        return report.path_changes(self._report(), self._names())

    @rx.var
    def workload(self) -> list[WorkloadRow]:
        return report.workload_rows(self._report(), self.workload_by, self.lang)

    @rx.var
    def workload_kinds(self) -> list[str]:
        """The groupings the report has figures for (teams only when people have teams)."""
        found = self._report().get("workload") or {}
        return [kind for kind in WORKLOAD if found.get(kind)]

    @rx.var
    def bins(self) -> list[Bin]:
        return report.bins(self._report(), self.lang)

    @rx.var
    def disclosure(self) -> list[str]:
        return report.disclosure(self._report(), self.lang)

    @rx.var
    def edits(self) -> list[str]:
        return report.edit_lines(self._report(), self.lang)

    # ---- the cases ------------------------------------------------------------------------

    @rx.var
    def cases(self) -> list[CaseRow]:
        names, documents = self._names(), self._documents()
        return [report.case_row(c, names, documents, self.lang) for c in self._cases]

    def _chosen(self) -> client.RunCase | None:
        return next((c for c in self._cases if c.case == self.selected), None)

    @rx.var
    def has_selection(self) -> bool:
        return self._chosen() is not None

    @rx.var
    def view(self) -> CaseView:
        chosen = self._chosen()
        if chosen is None:
            return CaseView("", "", "", "", "", "", "", "", [], "")
        edits = [e for e in self._report().get("edits") or [] if isinstance(e, dict)]
        return report.case_view(chosen, self._names(), edits, self.lang)

    def _graph(self, side: str) -> dict[str, Any]:
        chosen = self._chosen()
        document = self._baseline_content if side == "baseline" else self._candidate_content
        if chosen is None or not document:
            return {"nodes": [], "edges": []}
        view = report.case_view(chosen, {}, [], self.lang)
        at = view.baseline_at if side == "baseline" else view.candidate_at
        marks = report.marks(document, report.path_of(chosen, side), at)
        return draw(document, self._catalogue, [], self.lang, marks)

    @rx.var
    def baseline_graph(self) -> dict[str, Any]:
        return self._graph("baseline")

    @rx.var
    def candidate_graph(self) -> dict[str, Any]:
        return self._graph("candidate")

    @rx.var
    def can_draw(self) -> bool:
        return bool(self._baseline_content.get("nodes") and self._candidate_content.get("nodes"))

    @rx.var
    def canvas_labels(self) -> dict[str, str]:
        return {
            name: text(self.lang, f"canvas.{name}")
            for name in ("undo", "redo", "layout", "default_edge")
        }

    @rx.var
    def baseline_key(self) -> str:
        return f"baseline-{self.selected}-{self.revision}"

    @rx.var
    def candidate_key(self) -> str:
        return f"candidate-{self.selected}-{self.revision}"

    # ---- loading ----------------------------------------------------------------------------

    async def _drawings(self, run: client.Run) -> None:
        """The baseline version and the candidate (the version with the candidate's hash,
        else the draft as it is now), and the catalogue to draw them with."""
        key = run.workflow
        if not self._catalogue:
            with contextlib.suppress(api.ApiError):
                items = await api.components(self.token)
                self._catalogue = {str(item["type"]): item for item in items}
        try:
            baseline, versions = await asyncio.gather(
                api.version(self.token, key, run.baseline_version), api.versions(self.token, key)
            )
        except api.ApiError:
            self._baseline_content, versions = {}, []
        else:
            self._baseline_content = baseline.content
        same = next((v for v in versions if v.hash == run.candidate_hash), None)
        self._candidate_version = same.version if same else None
        self._draft_changed = False
        if same is not None:
            with contextlib.suppress(api.ApiError):
                self._candidate_content = (await api.version(self.token, key, same.version)).content
            return
        try:
            draft = await api.draft_status(self.token, key)
        except api.ApiError:
            draft = None
        self._candidate_content = draft.content if draft else {}
        self._draft_changed = bool(draft and draft.updated_at > run.created_at)

    async def _page(self, cursor: str | None) -> tuple[client.RunCasePage | None, str]:
        try:
            page = await client.run_cases(
                self.token,
                self.run_id,
                changed=True if self.changed_only else None,
                tier=None if self.tier == "all" else self.tier,
                cursor=cursor,
                limit=PAGE,
            )
        except api.ApiError as error:
            return None, error_key(error)
        return page, ""

    def _show_cases(self, page: client.RunCasePage | None, problem: str, more: bool) -> None:
        self.cases_error = problem
        if page is None:
            return
        self._cases = [*self._cases, *page.items] if more else page.items
        self.next_cursor = page.next_cursor or ""
        if not more and self._cases and self._chosen() is None:
            self.selected = ""

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the run, the documents to name and draw its steps; its cases once
        completed, else a reading every second until it is."""
        raw = str(self.router.page.params.get("id", ""))
        self._follower += 1  # a reading of another run stops here
        self._run, self._cases, self.selected, self.next_cursor = None, [], "", ""
        self._baseline_content, self._candidate_content = {}, {}
        self.poll_error = self.cancel_error = self.cases_error = ""
        self.cancelling, self.changed_only, self.tier = False, True, "all"
        self.run_id = int(raw) if raw.isdigit() else 0
        if not self.token:
            return
        if not self.run_id:
            self.load_error = "sandbox.not_found"
            return
        self.loading = True
        yield
        try:
            run, _ = await asyncio.gather(client.run(self.token, self.run_id), self._load_titles())
        except api.ApiError as error:
            self.loading = False
            self.load_error = "sandbox.not_found" if error.status == 404 else error_key(error)
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self.load_error = ""
        self._run = run
        await self._drawings(run)
        if run.status == "completed":
            self._show_cases(*await self._page(None), more=False)
        self.loading = False
        if not run.finished:
            yield RunState.follow

    @rx.event(background=True)
    async def follow(self) -> None:
        """Read the run every second until it is completed, cancelled or failed."""
        async with self:
            self._follower += 1
            mine, run_id, token = self._follower, self.run_id, self.token
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                run = await client.run(token, run_id)
            except api.ApiError as error:
                async with self:
                    if self._follower != mine:
                        return
                    self.poll_error = error_key(error)
                if error.status in (401, 403, 404):
                    return
                continue
            async with self:
                if self._follower != mine:
                    return
                self._run, self.poll_error = run, ""
            if run.finished:
                break
        if run.status != "completed":
            return
        async with self:
            if self._follower != mine:
                return
            self.cases_loading = True
        found = await self._page(None)
        async with self:
            if self._follower == mine:
                self._show_cases(*found, more=False)
                self.cases_loading = False

    @rx.event
    async def cancel(self) -> AsyncIterator[Any]:
        if self._run is None or self._run.finished or self.cancelling:
            return
        self.cancelling, self.cancel_error = True, ""
        yield
        try:
            self._run = await client.cancel_run(self.token, self.run_id)
        except api.ApiError as error:
            self.cancel_error = error_key(error)
        self.cancelling = False

    # ---- the case list and one case ----------------------------------------------------

    async def _reload_cases(self) -> AsyncIterator[Any]:
        if self._run is None or self._run.status != "completed":
            return
        self.cases_loading = True
        yield
        self._show_cases(*await self._page(None), more=False)
        self.cases_loading = False

    @rx.event
    async def set_changed_only(self, value: bool) -> AsyncIterator[Any]:
        self.changed_only = bool(value)
        async for step in self._reload_cases():
            yield step

    @rx.event
    async def set_tier(self, value: str | list[str]) -> AsyncIterator[Any]:
        chosen = value[0] if isinstance(value, list) and value else value
        if chosen not in TIERS or chosen == self.tier:
            return
        self.tier = str(chosen)
        async for step in self._reload_cases():
            yield step

    @rx.event
    async def more_cases(self) -> AsyncIterator[Any]:
        if not self.next_cursor or self.cases_loading:
            return
        self.cases_loading = True
        yield
        self._show_cases(*await self._page(self.next_cursor), more=True)
        self.cases_loading = False

    @rx.event
    def select_case(self, case: str) -> None:
        self.selected = case
        self.revision += 1

    @rx.event
    def set_workload_by(self, value: str | list[str]) -> None:
        chosen = value[0] if isinstance(value, list) and value else value
        if chosen in WORKLOAD:
            self.workload_by = str(chosen)


def _policy(policy: Any, language: str) -> str:
    if not isinstance(policy, dict):
        return ""
    kind = str(policy.get("kind", ""))
    choice = str(policy.get("decision", "approve")) if kind == "fixed" else kind
    said = (
        text(language, f"sandbox.policy_{choice}")
        if choice
        in (
            "approve_rate",
            "approve",
            "reject",
            "next_recorded",
        )
        else kind
    )
    after = model.hours_of(str(policy.get("after") or ""))
    if after:
        said += " " + text(language, "sandbox.policy_after", after=report.hours(after, language))
    return said


def _policies(policies: dict[str, Any], steps: dict[str, str], language: str) -> str:
    """The policies as asked, in words: the default, then each step's own."""
    parts = [
        text(
            language, "sandbox.policy_default_is", policy=_policy(policies.get("default"), language)
        )
        if policies.get("default")
        else text(language, "sandbox.policy_no_default")
    ]
    for node, policy in sorted((policies.get("nodes") or {}).items()):
        parts.append(f"{steps.get(node, node)}: {_policy(policy, language)}")
    return " · ".join(parts)
