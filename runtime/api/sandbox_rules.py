"""Compliance rules per workflow (versioned) and publish gates per variant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.params import FromPath, JSONBody
from sqlalchemy import select

from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.permissions import require_sandbox
from runtime.api.problems import Problem, problem_responses
from runtime.sandbox.compliance import RuleSet
from runtime.sandbox.rules import latest_rules, save_rules
from runtime.store.publish_gates import gate_status, set_gate
from runtime.store.sandbox_models import RuleSetVersion

__all__ = ["GateController", "RuleController"]


class RulesIn(RuleSet, forbid_unknown_fields=True):
    """The rules (as a :class:`RuleSet`) and why they changed."""

    message: str = ""


class RulesOut(msgspec.Struct):
    workflow: str
    version: int
    rules: dict[str, Any]
    message: str
    author: str
    created_at: datetime


def _out(row: RuleSetVersion) -> RulesOut:
    return RulesOut(
        workflow=row.workflow,
        version=row.version,
        rules=row.rules,
        message=row.message,
        author=row.author,
        created_at=row.created_at,
    )


class RuleController(Controller):
    path = "/sandbox/rules"
    tags = ["sandbox"]
    opt = {"action": "sandbox.use"}

    @get(
        "/{workflow:str}",
        sync_to_thread=True,
        summary="A workflow's newest compliance rules",
        responses=problem_responses(404),
    )
    def get_rules(self, workflow: FromPath[str], db: DB) -> RulesOut:
        row = latest_rules(db, workflow)
        if row is None:
            raise Problem(404, f"Workflow {workflow!r} has no compliance rules.")
        return _out(row)

    @get(
        "/{workflow:str}/versions",
        sync_to_thread=True,
        summary="Every version of a workflow's compliance rules, newest first",
        responses=problem_responses(),
    )
    def list_rule_versions(self, workflow: FromPath[str], db: DB) -> list[RulesOut]:
        rows = db.scalars(
            select(RuleSetVersion)
            .where(RuleSetVersion.workflow == workflow)
            .order_by(RuleSetVersion.version.desc())
            .limit(200)
        )
        return [_out(r) for r in rows]

    @put(
        "/{workflow:str}",
        sync_to_thread=True,
        status_code=201,
        summary="Save a new version of a workflow's compliance rules",
        responses=problem_responses(404, 422),
    )
    def put_rules(
        self,
        request: Request[CurrentUser, Any, Any],
        workflow: FromPath[str],
        data: JSONBody[RulesIn],
        db: DB,
        clock: ClockDep,
    ) -> RulesOut:
        now = clock.now()
        require_sandbox(db, request.user, now, workflow)
        rules = RuleSet(rules=data.rules)
        row = save_rules(
            db, workflow, rules, message=data.message, actor=request.user.username, now=now
        )
        return _out(row)


class GateIn(msgspec.Struct, forbid_unknown_fields=True):
    require_sandbox: bool


class GateController(Controller):
    """The publish dialog's view: ``/sandbox/gates/{workflow}``."""

    path = "/sandbox/gates/{key:str}"
    tags = ["documents", "sandbox"]
    opt = {"action": "documents.read"}

    @get(
        "/",
        sync_to_thread=True,
        summary="The latest sandbox report for exactly the draft, and each variant's gate",
        responses=problem_responses(404),
    )
    def get_gate(self, key: FromPath[str], db: DB) -> dict[str, Any]:
        return gate_status(db, key)

    @put(
        "/{variant:str}",
        sync_to_thread=True,
        summary="Whether a variant goes live only with a sandbox report of that content",
        responses=problem_responses(403, 404, 422),
        opt={"action": "documents.publish"},
    )
    def put_gate(
        self,
        request: Request[CurrentUser, Any, Any],
        key: FromPath[str],
        variant: FromPath[str],
        data: JSONBody[GateIn],
        db: DB,
        clock: ClockDep,
    ) -> dict[str, Any]:
        set_gate(
            db,
            key,
            variant,
            data.require_sandbox,
            actor=request.user.username,
            now=clock.now(),
        )
        return gate_status(db, key)
