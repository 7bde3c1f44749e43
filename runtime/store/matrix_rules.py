"""The permission matrix as the outer rule of publishing and rolling back.

Platform roles (admin, publisher) fence the studio; once a live matrix
grants ``publish`` or ``roll_back`` to some role, a user also needs one of
those roles (or a grant in force) to take that action. A matrix version that
would leave no active user able to publish is refused before it is
published or made live, naming why, so nobody locks the organisation out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.access import Viewer, governs, may_act
from builder.errors import error
from runtime.store.errors import InvalidError
from runtime.store.live import live_documents
from runtime.store.models import Role, User, UserRole

__all__ = ["PUBLISHING_ROLES", "check_publishers_remain", "live_matrices", "may_take"]

# The platform roles whose holders may publish at all.
PUBLISHING_ROLES = ("admin", "publisher")


def live_matrices(
    session: Session, replace: Mapping[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The contents of the live matrices, with ``replace`` (key -> content)
    standing in for what is about to become live."""
    contents = {m.key: m.content for m in live_documents(session, "permission_matrix")}
    contents.update(replace or {})
    return [contents[key] for key in sorted(contents)]


def _viewer(session: Session, user: User) -> Viewer:
    roles = session.scalars(
        select(Role.key)
        .join(UserRole, UserRole.role_id == Role.id)
        .where(UserRole.user_id == user.id)
    )
    return Viewer(
        user_id=user.id,
        username=user.username,
        roles=frozenset(roles),
        team_id=user.team_id,
        region_id=user.region_id,
    )


def may_take(
    session: Session, user_id: int, action: str, now: datetime, workflow: str | None = None
) -> bool:
    """Whether the live matrices let the user take ``action`` (publish,
    roll_back, start, decide…), on ``workflow`` when one is named."""
    matrices = live_matrices(session)
    if not governs(matrices, action):
        return True
    user = session.get(User, user_id)
    return user is not None and may_act(matrices, _viewer(session, user), action, now, workflow)


def check_publishers_remain(
    session: Session, key: str, content: dict[str, Any], now: datetime
) -> None:
    """Refuse (422) matrix ``key`` becoming ``content`` if then no active user
    with a publishing platform role could publish."""
    matrices = live_matrices(session, {key: content})
    if not governs(matrices, "publish"):
        return
    candidates = session.scalars(
        select(User).where(User.is_active, User.role.in_(PUBLISHING_ROLES)).order_by(User.username)
    ).all()
    if any(may_act(matrices, _viewer(session, user), "publish", now) for user in candidates):
        return
    granted = sorted(
        {
            str(rule.get("role"))
            for matrix in matrices
            for rule in matrix.get("roles") or []
            if "publish" in (rule.get("actions") or [])
        }
    )
    problem = error("/roles", "no_publisher_left", roles=", ".join(granted) or "—")
    raise InvalidError(problem.message["en"], [problem])
