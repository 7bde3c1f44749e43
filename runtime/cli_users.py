"""``trellis users create`` and ``trellis users set-role``: add a user, or change
what a user may do, from the command line (first admin, scripts; the people API
comes with the permission matrix). Runs on ``TRELLIS_DATABASE_URL``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from runtime.clock import make_clock
from runtime.config import Settings
from runtime.store import audit
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.users import PLATFORM_ROLES, create_user, find_user

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``users`` (with its ``create`` command) to the ``trellis`` parser;
    ``args.func`` is set to :func:`run`."""
    users: argparse.ArgumentParser = subparsers.add_parser("users", help="manage users")
    commands = users.add_subparsers(dest="users_command", metavar="COMMAND", required=True)
    create = commands.add_parser(
        "create",
        help="create a user",
        description="Create a user on TRELLIS_DATABASE_URL.",
    )
    create.add_argument("--username", required=True, help="letters, digits and _ . @ -")
    secret = create.add_mutually_exclusive_group(required=True)
    secret.add_argument("--password", help="at least 8 characters")
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (keeps it out of ps)",
    )
    create.add_argument("--role", required=True, help=f"one of {', '.join(PLATFORM_ROLES)}")
    create.add_argument("--display-name", default="", help="the name shown in the studio")
    create.add_argument("--language", default="en", help="en or zh-CN (default en)")
    set_role = commands.add_parser(
        "set-role",
        help="change a user's platform role",
        description="Change a user's role; it applies to their next request, sessions included.",
    )
    set_role.add_argument("--username", required=True)
    set_role.add_argument("--role", required=True, help=f"one of {', '.join(PLATFORM_ROLES)}")
    users.set_defaults(func=run)
    return users


def _fail(reason: str) -> int:
    print(f"trellis users: {reason}", file=sys.stderr)
    return 1


def _create(session: Any, args: argparse.Namespace, now: Any) -> str:
    password = args.password
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    user = create_user(
        session,
        username=args.username,
        password=password,
        role=args.role,
        now=now,
        display_name=args.display_name,
        language=args.language,
    )
    audit.append(
        session,
        at=now,
        actor="cli",
        action="users.create",
        subject=f"user:{user.username}",
        detail={"role": user.role},
    )
    return f"created user {user.username} (role {user.role})"


def _set_role(session: Any, args: argparse.Namespace, now: Any) -> str:
    if args.role not in PLATFORM_ROLES:
        raise ValueError(f"role must be one of {', '.join(PLATFORM_ROLES)}, not {args.role!r}")
    user = find_user(session, args.username)
    if user is None:
        raise ValueError(f"no user {args.username!r}")
    before, user.role = user.role, args.role
    audit.append(
        session,
        at=now,
        actor="cli",
        action="users.set_role",
        subject=f"user:{user.username}",
        detail={"before": before, "after": user.role},
    )
    return f"user {user.username}: role {before} -> {user.role}"


COMMANDS = {"create": _create, "set-role": _set_role}


def run(args: argparse.Namespace) -> int:
    command = COMMANDS.get(getattr(args, "users_command", None) or "")
    if command is None:
        return _fail("unknown command; try 'trellis users --help'")
    settings = Settings.from_env()
    try:
        now = make_clock(settings.clock).now()
    except ValueError as exc:
        return _fail(str(exc))
    settings.ensure_local_dirs()
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            done = command(session, args, now)
    except ValueError as exc:  # bad username, role, password; UserExists; no such user
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        first_line = (str(cause).splitlines() or [type(cause).__name__])[0]
        return _fail(
            f"database error: {first_line} (is the database upgraded? run 'trellis db upgrade')"
        )
    finally:
        engine.dispose()
    print(done)
    return 0
