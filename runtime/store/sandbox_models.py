"""The sandbox's own tables: imported histories. A replay writes nowhere else."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models import Base

__all__ = ["Dataset", "DatasetCase"]


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
