"""Users over HTTP, with their place in the organisation: list and filter
(everyone signed in, since the studio suggests people), create, change,
and deactivate (admins).

DELETE deactivates rather than deletes: records and the audit log refer to
users, so a user who leaves keeps their row, loses their sessions and can no
longer sign in.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from runtime.api.deps import DB, ClockDep
from runtime.api.pagination import Limit, decode_cursor, encode_cursor
from runtime.api.params import NO_NUL
from runtime.api.people_bodies import UserIn, UserOut, UserPage, UserPatch
from runtime.api.problems import Problem, problem_responses
from runtime.store import people as store
from runtime.store.users import validate_username

__all__ = ["UserController"]

UsernameCursor = Annotated[str, msgspec.Meta(min_length=1, max_length=150, pattern=NO_NUL)]


RoleFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=63, pattern=NO_NUL, description="Only holders of this business role (its key)."
    ),
]
RegionFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=63, pattern=NO_NUL, description="Only users of this region (its key)."
    ),
]
TeamFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=63, pattern=NO_NUL, description="Only members of this team (its key)."
    ),
]
SearchFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=200,
        pattern=NO_NUL,
        description="Part of the username, display name or e-mail (any case).",
    ),
]


def _user_out(person: store.Person) -> UserOut:
    return UserOut(
        id=person.id,
        username=person.username,
        display_name=person.display_name,
        email=person.email,
        platform_role=person.platform_role,
        team=person.team,
        region=person.region,
        manager=person.manager,
        roles=list(person.roles),
        rank=person.rank,
        is_active=person.is_active,
    )


def _known_shape(username: str) -> None:
    """404 for a username no user can have, before it reaches the database."""
    try:
        validate_username(username)
    except ValueError:
        raise Problem(404, f"There is no user {username[:150]!r}.") from None


class UserController(Controller):
    path = "/users"
    tags = ["people"]
    opt = {"action": "people.read"}

    @get(
        sync_to_thread=True,
        summary="List users by username, filtered by business role, region, team or text",
        responses=problem_responses(),
    )
    def list_users(
        self,
        db: DB,
        role: RoleFilter = None,
        region: RegionFilter = None,
        team: TeamFilter = None,
        q: SearchFilter = None,
        active: FromQuery[bool | None] = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> UserPage:
        rows = store.list_people(
            db,
            role=role,
            region=region,
            team=team,
            q=q,
            active=active,
            limit=limit + 1,
            after=decode_cursor(cursor, UsernameCursor),
        )
        return UserPage(
            items=[_user_out(row) for row in rows[:limit]],
            next_cursor=encode_cursor(rows[limit - 1].username) if len(rows) > limit else None,
        )

    @post(
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Create a user with a platform role, a password and their place in the "
        "organisation",
        responses=problem_responses(409, 413, 422),
    )
    def create_user(
        self, data: JSONBody[UserIn], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> UserOut:
        created = store.create_person(
            db,
            username=data.username,
            password=data.password,
            platform_role=data.platform_role,
            display_name=data.display_name,
            email=data.email,
            team=data.team,
            region=data.region,
            manager=data.manager,
            roles=data.roles,
            actor=request.user.username,
            now=clock.now(),
        )
        return _user_out(created)

    @get(
        "/{username:str}",
        sync_to_thread=True,
        summary="One user",
        responses=problem_responses(404),
    )
    def get_user(self, username: FromPath[str], db: DB) -> UserOut:
        _known_shape(username)
        found = store.person_by_username(db, username)
        if found is None:
            raise Problem(404, f"There is no user {username!r}.")
        return _user_out(found)

    @patch(
        "/{username:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Change a user: what is left out stays, null clears team, region or manager",
        responses=problem_responses(404, 409, 413, 422),
    )
    def update_user(
        self,
        username: FromPath[str],
        data: JSONBody[UserPatch],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> UserOut:
        _known_shape(username)
        updated = store.update_person(
            db,
            username,
            display_name=data.display_name,
            email=data.email,
            platform_role=data.platform_role,
            password=data.password,
            team=data.team,
            region=data.region,
            manager=data.manager,
            roles=data.roles,
            is_active=data.is_active,
            actor=request.user.username,
            now=clock.now(),
        )
        return _user_out(updated)

    @delete(
        "/{username:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Deactivate a user: sessions end, the user stays for records and the audit",
        responses=problem_responses(404, 409),
    )
    def deactivate_user(
        self, username: FromPath[str], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> None:
        _known_shape(username)
        store.deactivate_person(db, username, actor=request.user.username, now=clock.now())
