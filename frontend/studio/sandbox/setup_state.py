"""The Sandbox page's State: set a simulation up and ask for it.

The choices come from the API: the workflows (each with its draft and versions),
the imported histories, and the candidate's human steps (from its content and the
component catalogue). ``Run`` sends the choices; the API checks them all. A 422
comes back with pointers that pin each message at its field (a step that needs a
policy at that step's choice, an unknown baseline at the baseline, a draft that does
not validate at the candidate); an accepted simulation opens its own page, which
follows it until it is done.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from studio import api
from studio.cases.titles import WorkflowTitlesState
from studio.labels import LABELS, text
from studio.sandbox import client, model
from studio.sandbox.model import Choice
from studio.session import LOGIN_ROUTE, cause_key, error_key

__all__ = ["POLICY_CHOICES", "PolicyStep", "RecentRun", "SetupState", "status_label"]

POLICY_CHOICES = model.POLICIES
RECENT = 10


@dataclasses.dataclass
class PolicyStep:
    """A human step of the candidate with the policy chosen for it and the API's word
    on it."""

    id: str
    label: str
    type_label: str
    new: bool  # not in the baseline: history cannot have answered it
    choice: str  # "" (as the default) or one of POLICY_CHOICES
    hours: str
    timed: bool  # the choice takes a time
    error: str


@dataclasses.dataclass
class RecentRun:
    """One of the workflow's last simulations: a link and what it was."""

    route: str
    label: str
    status: str
    status_label: str
    created_at: str
    created_by: str


def status_label(status: str, language: str) -> str:
    key = f"sandbox.status_{status}"
    return text(language, key) if key in LABELS else status


def _timed(choice: str) -> bool:
    return choice in POLICY_CHOICES and choice != "next_recorded"


class SetupState(WorkflowTitlesState):
    workflow: str = ""
    candidate: str = ""  # "draft" or a version number
    baseline: str = ""  # a version number
    dataset: str = ""  # a dataset id
    default_policy: str = ""  # "" (none) or one of POLICY_CHOICES
    default_hours: str = ""
    seed: str = "0"
    replicates: str = "50"
    step_choices: dict[str, str] = {}
    step_hours: dict[str, str] = {}
    loading: bool = False
    load_error: str = ""  # a label key
    busy: bool = False
    failure: str = ""  # a label key: what did not happen
    cause: str = ""  # a label key: why ("" when the pointed errors say it)
    detail: str = ""  # the API's own summary
    _workflows: list[api.WorkflowSummary] = []
    _versions: list[api.VersionSummary] = []
    _active: dict[str, int] = {}
    _datasets: list[client.Dataset] = []
    _catalogue: dict[str, dict[str, Any]] = {}
    _candidate_content: dict[str, Any] = {}
    _baseline_content: dict[str, Any] = {}
    _recent: list[client.RunSummary] = []
    _errors: list[dict[str, Any]] = []  # the API's pointed errors of the last try
    _local: dict[str, str] = {}  # field -> label key: what cannot be sent as typed

    # ---- the choices --------------------------------------------------------------------

    def _summary(self) -> api.WorkflowSummary | None:
        return next((w for w in self._workflows if w.key == self.workflow), None)

    @rx.var
    def may_run(self) -> bool:
        return "sandbox.use" in self.actions

    @rx.var
    def workflow_choices(self) -> list[Choice]:
        return [
            Choice(w.key, f"{model.localized(w.title, self.lang) or w.key} ({w.key})")
            for w in self._workflows
            if w.latest_version is not None
        ]

    @rx.var
    def candidate_choices(self) -> list[Choice]:
        summary = self._summary()
        numbers = [v.version for v in self._versions]
        return model.candidate_choices(bool(summary and summary.has_draft), numbers, self.lang)

    @rx.var
    def baseline_choices(self) -> list[Choice]:
        numbers = [v.version for v in self._versions]
        return model.baseline_choices(numbers, self._active, self.lang)

    @rx.var
    def dataset_choices(self) -> list[Choice]:
        own = Choice(
            model.OWN_HISTORY,
            text(self.lang, "sandbox.history_own", workflow=self.workflow or "…"),
        )
        return [
            own,
            *(
                Choice(
                    str(d.id),
                    text(self.lang, "sandbox.dataset_line", name=d.name, n=f"{d.cases:,}"),
                )
                for d in self._datasets
            ),
        ]

    @rx.var
    def has_datasets(self) -> bool:
        return bool(self._datasets)

    @rx.var
    def policy_choices(self) -> list[Choice]:
        return [Choice(p, text(self.lang, f"sandbox.policy_{p}")) for p in POLICY_CHOICES]

    @rx.var
    def default_is_timed(self) -> bool:
        return _timed(self.default_policy)

    @rx.var
    def steps(self) -> list[PolicyStep]:
        by_field, _ = model.pinned(self._errors, self.lang)
        return [
            PolicyStep(
                id=step.id,
                label=step.label,
                type_label=step.type_label,
                new=step.new,
                choice=self.step_choices.get(step.id, ""),
                hours=self.step_hours.get(step.id, ""),
                timed=_timed(self.step_choices.get(step.id, "")),
                error=self._said(f"node:{step.id}", by_field),
            )
            for step in self._human_steps()
        ]

    @rx.var
    def recent(self) -> list[RecentRun]:
        return [
            RecentRun(
                route=f"/sandbox/{r.id}",
                label=text(self.lang, "sandbox.recent_line", id=r.id, n=r.baseline_version),
                status=r.status,
                status_label=status_label(r.status, self.lang),
                created_at=r.created_at,
                created_by=r.created_by,
            )
            for r in self._recent
        ]

    def _human_steps(self) -> list[model.Step]:
        return model.human_steps(
            self._candidate_content, self._catalogue, self._baseline_content, self.lang
        )

    # ---- what went wrong, where -------------------------------------------------------

    def _said(self, name: str, by_field: dict[str, str]) -> str:
        local = self._local.get(name)
        return text(self.lang, local) if local else by_field.get(name, "")

    def _field_error(self, name: str) -> str:
        by_field, _ = model.pinned(self._errors, self.lang)
        return self._said(name, by_field)

    @rx.var
    def workflow_error(self) -> str:
        return self._field_error("workflow")

    @rx.var
    def candidate_error(self) -> str:
        return self._field_error("candidate")

    @rx.var
    def baseline_error(self) -> str:
        return self._field_error("baseline")

    @rx.var
    def dataset_error(self) -> str:
        return self._field_error("dataset")

    @rx.var
    def policy_error(self) -> str:
        return self._field_error("policy")

    @rx.var
    def seed_error(self) -> str:
        return self._field_error("seed")

    @rx.var
    def replicates_error(self) -> str:
        return self._field_error("replicates")

    @rx.var
    def problems(self) -> list[str]:
        """The errors of the last try that no field on the screen shows."""
        by_field, rest = model.pinned(self._errors, self.lang)
        shown = {"workflow", "candidate", "baseline", "dataset", "policy", "seed", "replicates"}
        shown |= {f"node:{s.id}" for s in self._human_steps()}
        return rest + [message for name, message in by_field.items() if name not in shown]

    @rx.var
    def failure_text(self) -> str:
        return text(self.lang, self.failure) if self.failure else ""

    @rx.var
    def editor_link(self) -> str:
        return f"/workflows/{self.workflow}" if self.workflow else ""

    def _clear(self, *fields: str) -> None:
        """Forget the errors about ``fields`` (all of them when none is named)."""
        if not fields:
            self._errors, self._local = [], {}
            self.failure = self.cause = self.detail = ""
            return
        self._errors = [
            e for e in self._errors if model.field_of(str(e.get("pointer", ""))) not in fields
        ]
        self._local = {k: v for k, v in self._local.items() if k not in fields}

    # ---- loading --------------------------------------------------------------------------

    async def _content(self, reference: str) -> dict[str, Any]:
        """The draft's content (or the newest version's when there is no draft), or a
        version's; empty when it cannot be read (the steps are then not offered)."""
        try:
            if reference == model.DRAFT:
                return (await api.draft(self.token, self.workflow)).content
            if reference.isdigit():
                return (await api.version(self.token, self.workflow, int(reference))).content
        except api.ApiError:
            pass
        return {}

    async def _contents(self) -> None:
        """The candidate's and the baseline's content (its steps, and which are new)."""
        self._candidate_content, self._baseline_content = await asyncio.gather(
            self._content(self.candidate), self._content(self.baseline)
        )

    async def _choose(self, key: str) -> None:
        """Workflow ``key`` with its versions, its live version as the baseline and its
        draft (else its newest version) as the candidate."""
        self.workflow = key
        self._versions, self._active, self._recent = [], {}, []
        self._candidate_content, self._baseline_content = {}, {}
        self.step_choices, self.step_hours = {}, {}
        self.candidate = self.baseline = ""
        if not key:
            return
        versions, active, recent = await asyncio.gather(
            api.versions(self.token, key),
            api.active(self.token, key),
            client.runs(self.token, key, RECENT),
            return_exceptions=True,
        )
        if isinstance(versions, BaseException):
            raise versions
        self._versions = versions
        self._active = active.variants if isinstance(active, api.Active) else {}
        self._recent = recent if isinstance(recent, list) else []
        numbers = [v.version for v in versions]
        summary = self._summary()
        self.baseline = model.default_baseline(numbers, self._active)
        if summary is not None and summary.has_draft:
            self.candidate = model.DRAFT
        elif numbers:
            self.candidate = str(numbers[0])
        await self._contents()

    @rx.event
    async def open(self) -> AsyncIterator[Any]:
        """``on_load``: the workflows, the histories and the catalogue; the workflow
        named in the address (``?workflow=``), else the one chosen last, else the first."""
        if not self.token:
            return
        self.loading, self.busy = True, False
        self._clear()
        yield
        try:
            workflows, datasets, items = await asyncio.gather(
                api.list_workflows(self.token),
                client.datasets(self.token),
                api.components(self.token),
            )
        except api.ApiError as error:
            self.loading = False
            self.load_error = error_key(error)
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self._workflows = workflows
        self._workflow_titles = {w.key: w.title for w in workflows}
        self._datasets = datasets
        self._catalogue = {str(item["type"]): item for item in items}
        if self.dataset not in {str(d.id) for d in datasets} | {model.OWN_HISTORY}:
            self.dataset = str(datasets[0].id) if datasets else model.OWN_HISTORY
        offered = [w.key for w in workflows if w.latest_version is not None]
        wanted = str(self.router.page.params.get("workflow") or "")
        key = next(
            (k for k in (wanted, self.workflow) if k in offered), offered[0] if offered else ""
        )
        try:
            await self._choose(key)
            self.load_error = ""
        except api.ApiError as error:
            self.load_error = error_key(error)
        self.loading = False

    @rx.event
    async def set_workflow(self, key: str) -> AsyncIterator[Any]:
        self._clear()
        self.loading = True
        yield
        try:
            await self._choose(key)
            self.load_error = ""
        except api.ApiError as error:
            self.load_error = error_key(error)
        self.loading = False

    @rx.event
    async def set_candidate(self, value: str) -> AsyncIterator[Any]:
        self.candidate = value
        self._clear("candidate")
        self.loading = True
        yield
        await self._contents()
        self.loading = False

    @rx.event
    async def set_baseline(self, value: str) -> AsyncIterator[Any]:
        self.baseline = value
        self._clear("baseline")
        self.loading = True
        yield
        await self._contents()
        self.loading = False

    @rx.event
    def set_dataset(self, value: str) -> None:
        self.dataset = value
        self._clear("dataset")

    @rx.event
    def set_default_policy(self, value: str) -> None:
        self.default_policy = value if value in POLICY_CHOICES else ""
        self._clear("policy")
        if self.default_policy:  # a default now covers the steps that had none
            self._clear(*{f"node:{s.id}" for s in self._human_steps()})

    @rx.event
    def set_default_hours(self, value: str) -> None:
        self.default_hours = value
        self._clear("policy")

    @rx.event
    def set_step_policy(self, node: str, value: str) -> None:
        self.step_choices = {**self.step_choices, node: value if value in POLICY_CHOICES else ""}
        self._clear(f"node:{node}")

    @rx.event
    def set_step_hours(self, node: str, value: str) -> None:
        self.step_hours = {**self.step_hours, node: value}
        self._clear(f"node:{node}")

    @rx.event
    def set_seed(self, value: str) -> None:
        self.seed = value
        self._clear("seed")

    @rx.event
    def set_replicates(self, value: str) -> None:
        self.replicates = value
        self._clear("replicates")

    # ---- running ---------------------------------------------------------------------------

    @rx.event
    async def run(self) -> AsyncIterator[Any]:
        """Ask for the simulation; its page follows it once the API has accepted it."""
        if self.busy:
            return
        self._clear()
        shown = {s.id for s in self._human_steps()}
        steps = {
            node: (choice, self.step_hours.get(node, ""))
            for node, choice in self.step_choices.items()
            if node in shown
        }
        body, local = model.request_body(
            workflow=self.workflow,
            candidate=self.candidate,
            baseline=self.baseline,
            dataset=self.dataset,
            default=self.default_policy,
            default_hours=self.default_hours,
            steps=steps,
            seed=self.seed,
            replicates=self.replicates,
        )
        if local:
            self._local = local
            self.failure = "sandbox.run_failed"
            return
        self.busy = True
        yield
        try:
            run_id = await client.create_run(self.token, body)
        except api.ApiError as error:
            self.busy = False
            self.failure, self.detail = "sandbox.run_failed", error.detail
            self._errors = [e for e in error.errors if isinstance(e, dict)]
            self.cause = "" if self._errors else cause_key(error)
            if error.status == 401:
                self._forget()
                yield rx.redirect(LOGIN_ROUTE)
            return
        self.busy = False
        yield rx.redirect(f"/sandbox/{run_id}")
