"""``trellis users create``, ``trellis users set-role`` and ``trellis users
import``: add a user, change what a user may do, or create and update many
from a CSV file, from the command line (first admin, scripts; the same as
``/api/v1/users``). Runs on ``TRELLIS_DATABASE_URL``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from runtime.clock import make_clock
from runtime.config import Settings
from runtime.store import audit
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.people.csv_import import COLUMNS, ImportProblem, ImportRefused, import_users
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
    imp = commands.add_parser(
        "import",
        help="create or update users from a CSV file, all or nothing",
        description="Create or update users from a UTF-8 CSV file with a header row "
        f"(columns: {', '.join(COLUMNS)}; only username is required). Nothing is imported "
        "when any row is bad; each problem is printed as FILE:ROW:COLUMN: message.",
    )
    imp.add_argument("file", metavar="FILE.csv")
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


class _BadArgument(Exception):
    """A bad argument (exit 2), such as a file that cannot be read."""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _BadArgument(f"{path}: no such file") from None
    except IsADirectoryError:
        raise _BadArgument(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise _BadArgument(f"{path}: cannot be read ({exc.strerror})") from None


def _import(session: Any, args: argparse.Namespace, now: Any) -> str:
    path = Path(args.file)
    result = import_users(session, _read(path), actor="cli", now=now)
    lines = [
        f"imported {path}: {result.count('created')} created, {result.count('updated')} "
        f"updated, {result.count('unchanged')} unchanged"
    ]
    lines.extend(
        f"  {row.username}: generated password {row.password} (shown only now)"
        for row in result.rows
        if row.password is not None
    )
    return "\n".join(lines)


def _problem_line(path: str, problem: ImportProblem) -> str:
    """``FILE:ROW:COLUMN: message`` (``FILE: message`` for the whole file)."""
    if problem.row is None:
        return f"{path}: {problem.message['en']}"
    return f"{path}:{problem.row}:{problem.column or '-'}: {problem.message['en']}"


COMMANDS = {"create": _create, "set-role": _set_role, "import": _import}


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
    except _BadArgument as exc:
        print(f"trellis users: {exc}", file=sys.stderr)
        return 2
    except ImportRefused as exc:
        for problem in exc.problems:
            print(_problem_line(args.file, problem))
        print(f"{args.file}: {exc.detail}", file=sys.stderr)
        return 1
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
