"""The sandbox's own tables: imported histories and runs. A replay writes
nowhere else."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models import Base

__all__ = [
    "Dataset",
    "DatasetCase",
    "PublishGate",
    "RuleSetVersion",
    "SandboxRun",
    "SandboxRunCase",
]


class Dataset(Base):
    """An imported history: the mapping it was read with, what it held, and
    the hash of the cases as read (a run records it, so that the same inputs
    give the same report)."""

    __tablename__ = "sandbox_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(10))
    mapping: Mapped[dict[str, Any]]
    hash: Mapped[str] = mapped_column(String(80))
    cases: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime]


class DatasetCase(Base):
    """One case of a dataset: its record fields and its events in time order
    (one JSON array each), read together when a case is replayed."""

    __tablename__ = "sandbox_dataset_cases"
    __table_args__ = (UniqueConstraint("dataset_id", "case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("sandbox_datasets.id", ondelete="CASCADE"), index=True
    )
    case_key: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]]
    events: Mapped[list[Any]]
    started_at: Mapped[datetime]


class SandboxRun(Base):
    """A replay of a history through a candidate and its baseline. ``spec``
    holds every input (the candidate's content and hash, the baseline
    version and hash, the history's identity and hash, the policies, the
    seed), so the same run can be repeated and gives the same report.
    ``report`` is set only when the run completed; a cancelled or failed run
    keeps none."""

    __tablename__ = "sandbox_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(64), index=True)
    candidate_hash: Mapped[str] = mapped_column(String(80), index=True)
    baseline_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    spec: Mapped[dict[str, Any]]
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    report: Mapped[dict[str, Any] | None]
    error: Mapped[dict[str, Any] | None]
    created_by: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]


class SandboxRunCase(Base):
    """One case of a completed run: both ways through, where they part."""

    __tablename__ = "sandbox_run_cases"
    __table_args__ = (UniqueConstraint("run_id", "case_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("sandbox_runs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    case_key: Mapped[str] = mapped_column(String(200))
    changed: Mapped[bool]
    reproduced: Mapped[bool]
    tier: Mapped[str] = mapped_column(String(1))
    result: Mapped[dict[str, Any]]


class RuleSetVersion(Base):
    """A workflow's compliance rules, versioned: each change is a new row,
    and a run records the version it checked."""

    __tablename__ = "sandbox_rule_sets"
    __table_args__ = (UniqueConstraint("workflow", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    rules: Mapped[dict[str, Any]]
    message: Mapped[str] = mapped_column(String(500), default="")
    author: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime]


class PublishGate(Base):
    """A variant of a workflow that goes live only with a completed sandbox
    run of exactly the content being made live."""

    __tablename__ = "publish_gates"

    workflow: Mapped[str] = mapped_column(String(64), primary_key=True)
    variant: Mapped[str] = mapped_column(String(63), primary_key=True)
    require_sandbox: Mapped[bool]
    updated_by: Mapped[str] = mapped_column(String(150))
    updated_at: Mapped[datetime]
