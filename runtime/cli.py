"""The ``trellis`` command. Bad arguments exit 2 with a one-line reason;
failures exit 1."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

__all__ = ["main"]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _settings():  # type: ignore[no-untyped-def]
    from runtime.config import Settings

    settings = Settings.from_env()
    settings.ensure_local_dirs()
    return settings


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from runtime.api.app import create_app

    uvicorn.run(
        create_app(_settings()),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.log_level == "debug",
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import logging

    from runtime.engine.worker import run_worker

    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    run_worker(_settings(), poll_seconds=args.poll)
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from runtime.store.db import make_engine
    from runtime.store.migrate import upgrade

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    print(f"database is at the newest schema ({_safe_url(settings.database_url)})")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_validate(args: argparse.Namespace) -> int:
    from runtime.validate_files import validate_files

    return validate_files([Path(p) for p in args.files])


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from runtime.store.audit import verify
    from runtime.store.db import make_engine, make_sessionmaker

    engine = make_engine(_settings().database_url, reads_only=True)
    try:
        with make_sessionmaker(engine)() as session:
            count, breaches = verify(session)
    finally:
        engine.dispose()
    if breaches:
        for breach in breaches:
            print(f"entry {breach.seq}: {breach.problem}")
        print(f"audit chain BROKEN: {len(breaches)} problem(s) in {count} entries")
        return 1
    print(f"audit chain intact: {count} entries")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from runtime.transfer import run_export

    return run_export(_settings().database_url, Path(args.directory))


def cmd_import(args: argparse.Namespace) -> int:
    from runtime.transfer import run_import

    return run_import(_settings().database_url, Path(args.directory))


def cmd_demo(args: argparse.Namespace) -> int:
    from runtime.demo import load_demo

    return load_demo(_settings(), password_file=Path(args.password_file))


def cmd_schemas(args: argparse.Namespace) -> int:
    from builder.schema import schemas

    out = Path(args.out)
    changed = []
    for kind, schema in schemas().items():
        path = out / f"{kind}.schema.json"
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(path.name)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    if args.check and changed:
        print(f"out of date: {', '.join(changed)}; run `make schemas`")
        return 1
    print(
        f"{'checked' if args.check else 'wrote'} {len(schemas())} schemas in {out}"
        + (f" ({', '.join(changed)} changed)" if changed and not args.check else "")
    )
    return 0


def build_parser() -> Parser:
    parser = Parser(prog="trellis", description="Trellis: workflows for sales operations.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(run=cmd_serve)

    worker = commands.add_parser("worker", help="fire due timers and drain the outbox")
    worker.add_argument("--poll", type=float, default=0.5, help="seconds between idle rounds")
    worker.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    worker.set_defaults(run=cmd_worker)

    db = commands.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True, parser_class=Parser
    )
    db.add_parser("upgrade", help="migrate to the newest schema").set_defaults(run=cmd_db_upgrade)

    from runtime import cli_users

    cli_users.add_parser(commands).set_defaults(run=cli_users.run)

    from runtime import cli_sandbox

    cli_sandbox.add_parser(commands).set_defaults(run=cli_sandbox.run)

    validate = commands.add_parser("validate", help="check document files offline")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=cmd_validate)

    export = commands.add_parser("export", help="write every document to a folder")
    export.add_argument("directory", metavar="DIR")
    export.set_defaults(run=cmd_export)
    imp = commands.add_parser("import", help="read a folder written by export")
    imp.add_argument("directory", metavar="DIR")
    imp.set_defaults(run=cmd_import)

    audit = commands.add_parser("audit", help="the audit log").add_subparsers(
        dest="audit_command", required=True, parser_class=Parser
    )
    audit.add_parser("verify", help="check the hash chain").set_defaults(run=cmd_audit_verify)

    demo = commands.add_parser("demo", help="load demo users and documents (idempotent)")
    demo.add_argument("--password-file", default="var/admin-password.txt")
    demo.set_defaults(run=cmd_demo)

    schema_cmd = commands.add_parser("schemas", help="write the generated JSON Schemas")
    schema_cmd.add_argument("--out", default=str(Path(__file__).parent.parent / "schemas"))
    schema_cmd.add_argument("--check", action="store_true", help="only report drift")
    schema_cmd.set_defaults(run=cmd_schemas)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
