"""``trellis sandbox import``: bring a history file into the sandbox."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Literal

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> argparse.ArgumentParser:
    sandbox: argparse.ArgumentParser = commands.add_parser(
        "sandbox", help="history for sandbox replays"
    )
    actions = sandbox.add_subparsers(dest="sandbox_command", required=True)
    imp = actions.add_parser(
        "import", help="read a CSV or JSON history through a field mapping (all or nothing)"
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--name", help="what to call the dataset (default: the file's name)")
    imp.add_argument("--format", choices=["csv", "json"], help="default: from the file's name")
    imp.add_argument("--case-id", required=True, metavar="COLUMN")
    imp.add_argument("--timestamp", required=True, metavar="COLUMN")
    imp.add_argument("--event", required=True, metavar="COLUMN")
    imp.add_argument("--actor", metavar="COLUMN")
    imp.add_argument("--role", metavar="COLUMN")
    imp.add_argument("--decision", metavar="COLUMN")
    imp.add_argument("--outcome", metavar="COLUMN")
    imp.add_argument(
        "--field", action="append", default=[], metavar="COLUMN", help="a record field (repeat)"
    )
    return sandbox


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from runtime.cli import _settings
    from runtime.sandbox.datasets import DatasetError, FieldMapping
    from runtime.sandbox.store import import_dataset
    from runtime.store.db import make_engine, make_sessionmaker, transaction

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"trellis sandbox import: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    kind: Literal["csv", "json"] = args.format or (
        "json" if path.suffix.lower() == ".json" else "csv"
    )
    mapping = FieldMapping(
        case_id=args.case_id,
        timestamp=args.timestamp,
        event=args.event,
        actor=args.actor,
        role=args.role,
        decision=args.decision,
        outcome=args.outcome,
        fields=list(args.field),
    )
    engine = make_engine(_settings().database_url)  # type: ignore[no-untyped-call]
    try:
        with transaction(make_sessionmaker(engine)) as session:
            dataset = import_dataset(
                session,
                text,
                mapping,
                name=args.name or path.name,
                kind=kind,
                actor="cli",
                now=datetime.now(UTC),
            )
            summary = (dataset.id, dataset.name, dataset.hash, dict(dataset.report))
    except DatasetError as exc:
        for problem in exc.errors:
            where = problem.pointer.lstrip("/").replace("/", ":")
            print(f"{path}:{where}: {problem.code}: {problem.message['en']}")
        return 1
    finally:
        engine.dispose()
    ident, name, digest, report = summary
    print(
        f"dataset {ident} ({name}): {report['cases']} cases, {report['events']} events, "
        f"{report['reordered_cases']} put in time order, "
        f"{report['duplicates_dropped']} duplicates dropped; {digest}"
    )
    return 0
