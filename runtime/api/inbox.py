"""Your in-app notices, and who stands in for whom while someone is away."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.params import FromQuery, JSONBody
from sqlalchemy import func, select

from builder.errors import error
from runtime.api.case_bodies import (
    DelegationIn,
    DelegationOut,
    DelegationPage,
    NotificationOut,
    NotificationPage,
)
from runtime.api.deps import DB, ClockDep, CurrentUser
from runtime.api.pagination import IdCursor, Limit, decode_cursor, encode_cursor
from runtime.api.params import PathId
from runtime.api.problems import Problem, problem_responses
from runtime.store import audit
from runtime.store.engine_models import Delegation, Notification
from runtime.store.models import User

__all__ = ["DelegationController", "NotificationController"]


def _notification_out(row: Notification) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        message=row.message,
        subject=row.subject,
        created_at=row.created_at,
        instance_id=row.instance_id,
        task_id=row.task_id,
        read_at=row.read_at,
    )


class NotificationController(Controller):
    path = "/notifications"
    tags = ["runtime"]
    opt = {"action": "cases.work"}

    @get(
        "/",
        sync_to_thread=True,
        summary="Your in-app notices, newest first",
        responses=problem_responses(),
    )
    def list_notifications(
        self,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        unread: FromQuery[bool] = False,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> NotificationPage:
        me = request.user.username
        query = select(Notification).where(Notification.username == me)
        if unread:
            query = query.where(Notification.read_at.is_(None))
        after = decode_cursor(cursor, IdCursor)
        if after is not None:
            query = query.where(Notification.id < after)
        rows = db.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)).all()
        page = rows[:limit]
        count = db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.username == me, Notification.read_at.is_(None))
        )
        return NotificationPage(
            items=[_notification_out(r) for r in page],
            next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
            unread=count or 0,
        )

    @post(
        "/{notification_id:int}/read",
        sync_to_thread=True,
        status_code=200,
        summary="Mark a notice read",
        responses=problem_responses(404, 422),
    )
    def read_notification(
        self,
        notification_id: PathId,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> NotificationOut:
        row = db.get(Notification, notification_id)
        if row is None or row.username != request.user.username:
            raise Problem(404, f"No notice {notification_id}.")
        if row.read_at is None:
            row.read_at = clock.now()
        return _notification_out(row)


def _delegation_out(row: Delegation) -> DelegationOut:
    return DelegationOut(
        id=row.id,
        user=row.username,
        delegate=row.delegate,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        reason=row.reason,
        created_by=row.created_by,
    )


class DelegationController(Controller):
    path = "/delegations"
    tags = ["runtime"]
    opt = {"action": "cases.work"}

    @get(
        "/",
        sync_to_thread=True,
        summary="Delegations that involve you (administrators: all)",
        responses=problem_responses(),
    )
    def list_delegations(
        self,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> DelegationPage:
        me = request.user
        query = select(Delegation)
        if me.role != "admin":
            query = query.where(
                (Delegation.username == me.username) | (Delegation.delegate == me.username)
            )
        after = decode_cursor(cursor, IdCursor)
        if after is not None:
            query = query.where(Delegation.id > after)
        rows = db.scalars(query.order_by(Delegation.id).limit(limit + 1)).all()
        page = rows[:limit]
        return DelegationPage(
            items=[_delegation_out(r) for r in page],
            next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
        )

    @post(
        "/",
        sync_to_thread=True,
        status_code=201,
        summary="While you (or, for administrators, someone) are away, another decides",
        responses=problem_responses(413, 422),
    )
    def create_delegation(
        self,
        data: JSONBody[DelegationIn],
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> DelegationOut:
        me = request.user
        user = data.user or me.username
        if user != me.username and me.role != "admin":
            raise Problem(403, "Only administrators set up delegations for someone else.")
        errors = []
        for pointer, name in (("/user", user), ("/delegate", data.delegate)):
            if db.scalar(select(User.id).where(User.username == name, User.is_active)) is None:
                errors.append(error(pointer, "invalid", detail=f"no active user {name}"))
        if data.delegate == user:
            errors.append(error("/delegate", "invalid", detail="nobody stands in for themselves"))
        if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
            errors.append(error("/starts_at", "invalid", detail="times need an offset"))
        elif data.ends_at <= data.starts_at:
            errors.append(error("/ends_at", "invalid", detail="must be after starts_at"))
        if errors:
            raise Problem(422, "The delegation is not valid.", errors=errors)
        now = clock.now()
        row = Delegation(
            username=user,
            delegate=data.delegate,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            reason=data.reason,
            created_by=me.username,
            created_at=now,
        )
        db.add(row)
        db.flush()
        audit.append(
            db,
            at=now,
            actor=me.username,
            action="delegation.create",
            subject=f"user:{user}",
            detail={
                "delegate": data.delegate,
                "starts_at": data.starts_at.isoformat(),
                "ends_at": data.ends_at.isoformat(),
            },
        )
        return _delegation_out(row)

    @delete(
        "/{delegation_id:int}",
        sync_to_thread=True,
        status_code=204,
        summary="End a delegation",
        responses=problem_responses(404, 422),
    )
    def delete_delegation(
        self,
        delegation_id: PathId,
        request: Request[CurrentUser, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> None:
        me = request.user
        row = db.get(Delegation, delegation_id)
        if row is None or (
            me.role != "admin" and me.username not in (row.username, row.created_by)
        ):
            raise Problem(404, f"No delegation {delegation_id}.")
        db.delete(row)
        audit.append(
            db,
            at=clock.now(),
            actor=me.username,
            action="delegation.delete",
            subject=f"user:{row.username}",
            detail={"delegate": row.delegate},
        )
