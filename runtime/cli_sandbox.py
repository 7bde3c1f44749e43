"""``trellis sandbox import``: bring a history file into the sandbox;
``trellis sandbox run``: replay it through a candidate and its baseline and
write the report as JSON and Markdown."""

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
    imp.add_argument(
        "--mapping",
        metavar="MAPPING.json",
        help="the whole field mapping and vocabulary as JSON; the options below override it",
    )
    imp.add_argument("--case-id", metavar="COLUMN")
    imp.add_argument("--timestamp", metavar="COLUMN")
    imp.add_argument("--event", metavar="COLUMN")
    imp.add_argument("--actor", metavar="COLUMN")
    imp.add_argument("--role", metavar="COLUMN")
    imp.add_argument("--decision", metavar="COLUMN")
    imp.add_argument("--outcome", metavar="COLUMN")
    imp.add_argument(
        "--field", action="append", default=[], metavar="COLUMN", help="a record field (repeat)"
    )
    _add_run(actions)
    return sandbox


def _add_run(actions: Any) -> None:
    run = actions.add_parser(
        "run", help="replay a history through a candidate and its baseline; write the report"
    )
    run.add_argument("--workflow", required=True, metavar="KEY")
    run.add_argument(
        "--candidate", default="draft", metavar="draft|N", help="the draft (default) or version N"
    )
    run.add_argument("--baseline", type=int, metavar="N", help="default: the active version")
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", type=int, metavar="ID", help="an imported history")
    source.add_argument(
        "--since", metavar="TIME", help="the workflow's own cases started since (ISO 8601)"
    )
    run.add_argument("--until", metavar="TIME")
    run.add_argument("--policies", metavar="POLICIES.json", help='{"default": …, "nodes": {…}}')
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--replicates", type=int, default=50, help="bootstrap replicates (tier C)")
    run.add_argument("--value-field", metavar="FIELD", help="a record field summed per outcome")
    run.add_argument("--executor", choices=["process", "inline", "ray"], default="process")
    run.add_argument("--workers", type=int, help="processes (default: the machine's cores)")
    run.add_argument("--json", metavar="FILE", help="write the report as JSON")
    run.add_argument("--markdown", metavar="FILE", help="write the report as Markdown")
    run.add_argument("--quiet", action="store_true", help="no progress bar")


def _request(args: argparse.Namespace) -> Any:
    """The run request from the options, or why it cannot be made."""
    import json

    import msgspec

    from runtime.sandbox.runs import RunRequest

    body: dict[str, Any] = {
        "candidate": {"workflow": args.workflow},
        "seed": args.seed,
        "replicates": args.replicates,
        "value_field": args.value_field,
    }
    if args.candidate != "draft":
        if not args.candidate.isdigit():
            return "--candidate is draft or a version number"
        body["candidate"]["version"] = int(args.candidate)
    if args.dataset is not None:
        body["dataset"] = args.dataset
    else:
        body["window"] = {"since": args.since, "until": args.until}
    if args.policies:
        try:
            body["policies"] = json.loads(Path(args.policies).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return f"cannot read the policies {args.policies}: {exc}"
    body["baseline"] = {"version": args.baseline or 0}
    try:
        return msgspec.convert(body, RunRequest, strict=False)
    except msgspec.ValidationError as exc:
        return f"not a valid run: {exc}"


def _bar(quiet: bool) -> Any:
    def show(done: int, total: int) -> None:
        if quiet or not total:
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} cases")
        sys.stderr.flush()

    return show


def run_replay(args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime

    from runtime.cli import _settings
    from runtime.sandbox.markdown import headline, render_markdown
    from runtime.sandbox.runs import claim_run, perform_run, request_run
    from runtime.store import documents
    from runtime.store.db import make_engine, make_sessionmaker, transaction
    from runtime.store.errors import StoreError
    from runtime.store.sandbox_models import SandboxRun

    request = _request(args)
    if isinstance(request, str):
        print(f"trellis sandbox run: {request}", file=sys.stderr)
        return 2
    engine = make_engine(_settings().database_url)  # type: ignore[no-untyped-call]
    sessions = make_sessionmaker(engine)
    try:
        with transaction(sessions) as session:
            if not request.baseline.version:
                pointers, _ = documents.active_pointers(session, "workflow", args.workflow)
                live = [p.version for p in pointers if p.variant == documents.DEFAULT_VARIANT]
                if not live:
                    print(
                        f"trellis sandbox run: {args.workflow} has no active version; "
                        "say --baseline N",
                        file=sys.stderr,
                    )
                    return 1
                request.baseline.version = live[0]
            run = request_run(session, request, actor="cli", now=datetime.now(UTC))
            run_id = run.id
            if claim_run(session, datetime.now(UTC), run_id) is None:
                print(f"trellis sandbox run: run {run_id} was taken by a worker", file=sys.stderr)
                return 1
        status = perform_run(
            sessions,
            run_id,
            clock=lambda: datetime.now(UTC),
            executor=args.executor,
            workers=args.workers,
            on_progress=_bar(args.quiet),
        )
        if not args.quiet:
            sys.stderr.write("\n")
        with sessions() as session:
            done = session.get(SandboxRun, run_id)
            assert done is not None
            report, problem = done.report, done.error
    except StoreError as exc:
        print(f"trellis sandbox run: {exc}", file=sys.stderr)
        for problem in getattr(exc, "errors", []) or []:
            print(f"  {problem.pointer}: {problem.code}: {problem.message['en']}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if status != "completed" or report is None:
        print(
            f"trellis sandbox run: run {run_id} {status}: {(problem or {}).get('message', '')}",
            file=sys.stderr,
        )
        return 1
    if args.json:
        Path(args.json).write_text(
            json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(report), encoding="utf-8")
    print(f"sandbox run {run_id} completed")
    for line in headline(report):
        print(line)
    return 0


def _mapping(args: argparse.Namespace) -> Any:
    """The mapping from ``--mapping`` and the column options, or why not."""
    import json

    import msgspec

    from runtime.sandbox.datasets import FieldMapping

    given: dict[str, Any] = {}
    if args.mapping:
        try:
            given = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return f"cannot read the mapping {args.mapping}: {exc}"
        if not isinstance(given, dict):
            return f"{args.mapping}: a mapping is a JSON object"
    for key in ("case_id", "timestamp", "event", "actor", "role", "decision", "outcome"):
        if getattr(args, key):
            given[key] = getattr(args, key)
    if args.field:
        given["fields"] = list(args.field)
    missing = [k for k in ("case_id", "timestamp", "event") if not given.get(k)]
    if missing:
        return "the mapping needs " + ", ".join("--" + k.replace("_", "-") for k in missing)
    try:
        return msgspec.convert(given, FieldMapping)
    except msgspec.ValidationError as exc:
        return f"the mapping is not valid: {exc}"


def run(args: argparse.Namespace) -> int:
    if args.sandbox_command == "run":
        return run_replay(args)
    from datetime import UTC, datetime

    from runtime.cli import _settings
    from runtime.sandbox.datasets import DatasetError
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
    mapping = _mapping(args)
    if isinstance(mapping, str):
        print(f"trellis sandbox import: {mapping}", file=sys.stderr)
        return 2
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
