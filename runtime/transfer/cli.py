"""``trellis export DIR`` and ``trellis import DIR``: a database URL in, one
summary line (exit 0) or the reasons (exit 1) out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.transfer.export import ExportError, export_all
from runtime.transfer.problems import TransferError
from runtime.transfer.write import import_all

__all__ = ["run_export", "run_import"]


def _engine(database_url: str, *, reads_only: bool) -> Engine:
    if database_url.startswith("postgresql"):
        # One snapshot for the whole export, not one per query.
        options = {"isolation_level": "REPEATABLE READ"} if reads_only else {}
        return make_engine(database_url, reads_only=reads_only, **options)
    return make_engine(database_url, reads_only=reads_only)


def _reason(exc: SQLAlchemyError) -> str:
    return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"


def run_export(database_url: str, directory: Path) -> int:
    """``trellis export DIR``: 0 and one summary line, or 1 and the reason."""
    engine = _engine(database_url, reads_only=True)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            summary = export_all(session, directory)
    except ExportError as exc:
        print(exc)
        return 1
    except OSError as exc:
        print(f"{directory}: cannot write the export: {exc}; nothing was exported")
        return 1
    except SQLAlchemyError as exc:
        print(f"{directory}: cannot read the database: {_reason(exc)}")
        return 1
    finally:
        engine.dispose()
    print(summary.line())
    return 0


def run_import(
    database_url: str, directory: Path, *, actor: str = "cli", now: datetime | None = None
) -> int:
    """``trellis import DIR``: 0 and one summary line, or 1 and every reason
    (``FILE: POINTER: message``, one per line) with nothing imported."""
    engine = _engine(database_url, reads_only=False)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            summary = import_all(session, directory, actor=actor, now=now or datetime.now(UTC))
    except TransferError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    except SQLAlchemyError as exc:
        print(f"{directory}: cannot write to the database: {_reason(exc)}; nothing was imported")
        return 1
    finally:
        engine.dispose()
    print(summary.line())
    return 0
