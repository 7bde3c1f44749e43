"""Imported histories in the sandbox's own tables, all or nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec
from sqlalchemy import insert
from sqlalchemy.orm import Session

from runtime.sandbox.datasets import FieldMapping, Parsed, parse_history
from runtime.store import audit
from runtime.store.sandbox_models import Dataset, DatasetCase

__all__ = ["import_dataset", "store_dataset"]

_BATCH = 1000


def store_dataset(
    session: Session,
    parsed: Parsed,
    *,
    name: str,
    kind: str,
    mapping: FieldMapping,
    actor: str,
    now: datetime,
) -> Dataset:
    dataset = Dataset(
        name=name,
        format=kind,
        mapping=msgspec.to_builtins(mapping),
        hash=parsed.hash,
        cases=len(parsed.cases),
        events=parsed.events,
        report=parsed.report(),
        created_by=actor,
        created_at=now,
    )
    session.add(dataset)
    session.flush()
    rows = [
        {
            "dataset_id": dataset.id,
            "case_key": case.key,
            "fields": case.fields,
            "events": msgspec.to_builtins(case.events),
            "started_at": case.events[0].at,
        }
        for case in parsed.cases
    ]
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(DatasetCase), rows[start : start + _BATCH])
    audit.append(
        session,
        at=now,
        actor=actor,
        action="sandbox.dataset.import",
        subject=f"dataset:{dataset.id}",
        detail={"name": name, "hash": parsed.hash, **parsed.report()},
    )
    return dataset


def import_dataset(
    session: Session,
    text: str,
    mapping: FieldMapping,
    *,
    name: str,
    kind: Literal["csv", "json"],
    actor: str,
    now: datetime,
) -> Dataset:
    """Read and store ``text``; raises DatasetError (nothing stored) when it is bad."""
    parsed = parse_history(text, mapping, kind)
    return store_dataset(
        session, parsed, name=name, kind=kind, mapping=mapping, actor=actor, now=now
    )
