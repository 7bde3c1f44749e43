"""Users over HTTP, with their place in the organisation: list and filter
(everyone signed in, since the studio suggests people), create, change,
deactivate and import from CSV (admins).

DELETE deactivates rather than deletes: records and the audit log refer to
users, so a user who leaves keeps their row, loses their sessions and can no
longer sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter, RawBody

from runtime.api.deps import DB, ClockDep
from runtime.api.pagination import Limit, decode_cursor, encode_cursor
from runtime.api.params import NO_NUL
from runtime.api.people_bodies import (
    ImportedUserOut,
    ImportOut,
    UserIn,
    UserOut,
    UserPage,
    UserPatch,
)
from runtime.api.problems import Problem, problem_responses
from runtime.store import people as store
from runtime.store.people.csv_import import COLUMNS, import_users
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

_CSV_HELP = (
    "UTF-8 CSV with a header row. Columns (only username is required): "
    f"{', '.join(COLUMNS)}. platform_role defaults to viewer; roles are business role keys "
    "separated by |; manager is a username, possibly of another row; an empty password "
    "gives a new user a generated one, returned once in the response. Existing usernames "
    "are updated (their password only when the row gives one). All or nothing: on a 422 "
    "each error points at /rows/<row>/<column> (the header is row 1) or /header."
)


@dataclass
class _CsvUpload(Operation):
    """The import's request body in the OpenAPI document: CSV text, which the
    handler reads raw (``body``) rather than as a decoded parameter."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={
                "text/csv": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, description=_CSV_HELP)
                )
            },
            description=_CSV_HELP,
            required=True,
        )


def _user_out(person: store.Person) -> UserOut:
    return UserOut(
        id=person.id,
        username=person.username,
        display_name=person.display_name,
        email=person.email,
        phone=person.phone,
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
            phone=data.phone,
            team=data.team,
            region=data.region,
            manager=data.manager,
            roles=data.roles,
            actor=request.user.username,
            now=clock.now(),
        )
        return _user_out(created)

    @post(
        "/import",
        opt={"action": "users.manage"},
        status_code=200,
        sync_to_thread=True,
        operation_class=_CsvUpload,
        summary="Create or update users from a CSV file, all or nothing",
        responses=problem_responses(409, 413, 422),
    )
    def import_users(
        self, body: RawBody, request: Request[Any, Any, Any], db: DB, clock: ClockDep
    ) -> Response[ImportOut]:
        result = import_users(db, body, actor=request.user.username, now=clock.now())
        out = ImportOut(
            created=result.count("created"),
            updated=result.count("updated"),
            unchanged=result.count("unchanged"),
            users=[
                ImportedUserOut(
                    row=row.row, username=row.username, outcome=row.outcome, password=row.password
                )
                for row in result.rows
            ],
        )
        # Generated passwords are in the body: no cache may keep it.
        return Response(out, headers={"Cache-Control": "no-store"})

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
            phone=data.phone,
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
