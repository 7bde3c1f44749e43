"""The organisation over HTTP: regions, teams and business roles (with a
rank 1-7). Everyone signed in may read them, since the studio suggests them
while a workflow or a matrix is drawn; only admins change them.

Users live in :mod:`runtime.api.people_users`; :data:`PEOPLE_CONTROLLERS`
lists every controller of the people API for the app.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from runtime.api.deps import DB, ClockDep
from runtime.api.pagination import Limit, decode_cursor, encode_cursor
from runtime.api.params import NO_NUL
from runtime.api.people_bodies import (
    RegionIn,
    RegionOut,
    RegionPage,
    RegionPatch,
    RoleIn,
    RoleOut,
    RolePage,
    RolePatch,
    TeamIn,
    TeamOut,
    TeamPage,
    TeamPatch,
)
from runtime.api.people_users import UserController
from runtime.api.problems import problem_responses
from runtime.store import people as store
from runtime.store.models import Region, Role

__all__ = [
    "PEOPLE_CONTROLLERS",
    "RegionController",
    "RoleController",
    "TeamController",
]

# The last key of a page, which the next page starts after.
KeyCursor = Annotated[str, msgspec.Meta(min_length=1, max_length=63, pattern=NO_NUL)]
KeyFilter = Annotated[
    str | None, QueryParameter(max_length=63, pattern=NO_NUL, description="A region key.")
]


def _region_out(region: Region) -> RegionOut:
    return RegionOut(key=region.key, name=region.name, created_at=region.created_at)


def _team_out(team: store.TeamInfo) -> TeamOut:
    return TeamOut(key=team.key, name=team.name, region=team.region, created_at=team.created_at)


def _role_out(role: Role) -> RoleOut:
    return RoleOut(key=role.key, name=role.name, rank=role.rank, created_at=role.created_at)


def _next(keys: list[str], limit: int) -> str | None:
    """The cursor of the next page, when the store found more than a page."""
    return encode_cursor(keys[limit - 1]) if len(keys) > limit else None


class RegionController(Controller):
    path = "/regions"
    tags = ["people"]
    opt = {"action": "people.read"}

    @get(sync_to_thread=True, summary="List regions by key", responses=problem_responses())
    def list_regions(
        self, db: DB, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> RegionPage:
        rows = store.list_regions(db, limit=limit + 1, after=decode_cursor(cursor, KeyCursor))
        return RegionPage(
            items=[_region_out(row) for row in rows[:limit]],
            next_cursor=_next([row.key for row in rows], limit),
        )

    @post(
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Create a region",
        responses=problem_responses(409, 413, 422),
    )
    def create_region(
        self, data: JSONBody[RegionIn], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> RegionOut:
        region = store.create_region(
            db, key=data.key, name=data.name, actor=request.user.username, now=clock.now()
        )
        return _region_out(region)

    @get("/{key:str}", sync_to_thread=True, summary="One region", responses=problem_responses(404))
    def get_region(self, key: FromPath[str], db: DB) -> RegionOut:
        return _region_out(store.get_region(db, key))

    @patch(
        "/{key:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Rename a region",
        responses=problem_responses(404, 409, 413, 422),
    )
    def update_region(
        self,
        key: FromPath[str],
        data: JSONBody[RegionPatch],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> RegionOut:
        region = store.update_region(
            db, key, name=data.name, actor=request.user.username, now=clock.now()
        )
        return _region_out(region)

    @delete(
        "/{key:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Delete a region nobody uses (409 names who still does)",
        responses=problem_responses(404, 409),
    )
    def delete_region(
        self, key: FromPath[str], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> None:
        store.delete_region(db, key, actor=request.user.username, now=clock.now())


class TeamController(Controller):
    path = "/teams"
    tags = ["people"]
    opt = {"action": "people.read"}

    @get(
        sync_to_thread=True,
        summary="List teams by key, of one region with ?region=",
        responses=problem_responses(),
    )
    def list_teams(
        self,
        db: DB,
        region: KeyFilter = None,
        limit: Limit = 50,
        cursor: FromQuery[str | None] = None,
    ) -> TeamPage:
        rows = store.list_teams(
            db, region=region, limit=limit + 1, after=decode_cursor(cursor, KeyCursor)
        )
        return TeamPage(
            items=[_team_out(row) for row in rows[:limit]],
            next_cursor=_next([row.key for row in rows], limit),
        )

    @post(
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Create a team, optionally in a region",
        responses=problem_responses(409, 413, 422),
    )
    def create_team(
        self, data: JSONBody[TeamIn], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> TeamOut:
        team = store.create_team(
            db,
            key=data.key,
            name=data.name,
            region=data.region,
            actor=request.user.username,
            now=clock.now(),
        )
        return _team_out(team)

    @get("/{key:str}", sync_to_thread=True, summary="One team", responses=problem_responses(404))
    def get_team(self, key: FromPath[str], db: DB) -> TeamOut:
        return _team_out(store.get_team(db, key))

    @patch(
        "/{key:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Rename a team or move it to another region (null: none)",
        responses=problem_responses(404, 409, 413, 422),
    )
    def update_team(
        self,
        key: FromPath[str],
        data: JSONBody[TeamPatch],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> TeamOut:
        team = store.update_team(
            db,
            key,
            name=data.name,
            region=data.region,
            actor=request.user.username,
            now=clock.now(),
        )
        return _team_out(team)

    @delete(
        "/{key:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Delete a team without members or records (409 names them)",
        responses=problem_responses(404, 409),
    )
    def delete_team(
        self, key: FromPath[str], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> None:
        store.delete_team(db, key, actor=request.user.username, now=clock.now())


class RoleController(Controller):
    """Business roles (rep, manager, director…) that forms, matrices and
    workflows name; not the platform roles that fence the studio."""

    path = "/roles"
    tags = ["people"]
    opt = {"action": "people.read"}

    @get(sync_to_thread=True, summary="List business roles by key", responses=problem_responses())
    def list_roles(
        self, db: DB, limit: Limit = 50, cursor: FromQuery[str | None] = None
    ) -> RolePage:
        rows = store.list_roles(db, limit=limit + 1, after=decode_cursor(cursor, KeyCursor))
        return RolePage(
            items=[_role_out(row) for row in rows[:limit]],
            next_cursor=_next([row.key for row in rows], limit),
        )

    @post(
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Create a business role with a rank 1-7",
        responses=problem_responses(409, 413, 422),
    )
    def create_role(
        self, data: JSONBody[RoleIn], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> RoleOut:
        role = store.create_role(
            db,
            key=data.key,
            name=data.name,
            rank=data.rank,
            actor=request.user.username,
            now=clock.now(),
        )
        return _role_out(role)

    @get(
        "/{key:str}",
        sync_to_thread=True,
        summary="One business role",
        responses=problem_responses(404),
    )
    def get_role(self, key: FromPath[str], db: DB) -> RoleOut:
        return _role_out(store.get_role(db, key))

    @patch(
        "/{key:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Rename a business role or change its rank",
        responses=problem_responses(404, 409, 413, 422),
    )
    def update_role(
        self,
        key: FromPath[str],
        data: JSONBody[RolePatch],
        request: Request[Any, Any, Any],
        db: DB,
        clock: ClockDep,
    ) -> RoleOut:
        role = store.update_role(
            db,
            key,
            name=data.name,
            rank=data.rank,
            actor=request.user.username,
            now=clock.now(),
        )
        return _role_out(role)

    @delete(
        "/{key:str}",
        opt={"action": "users.manage"},
        sync_to_thread=True,
        summary="Delete a business role nobody holds (409 names its holders)",
        responses=problem_responses(404, 409),
    )
    def delete_role(
        self, key: FromPath[str], request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> None:
        store.delete_role(db, key, actor=request.user.username, now=clock.now())


PEOPLE_CONTROLLERS = (RegionController, TeamController, RoleController, UserController)
