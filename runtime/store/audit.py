"""The audit log: append-only entries chained by hash.

Each entry's hash covers its own fields and the previous entry's hash, so an
edited row changes its hash, a deleted row leaves a gap in ``seq`` and a
broken link, and reordered rows break the links; :func:`verify` says which.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from builder.canonical import canonical_json
from runtime.store.db import xact_lock
from runtime.store.models import AuditEntry, AuditHead

__all__ = ["GENESIS", "Breach", "append", "entry_hash", "verify"]

GENESIS = "sha256:" + "0" * 64


def entry_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    version: int | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "subject": subject,
        "version": version,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return "sha256:" + hashlib.sha256(canonical_json(body)).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str = "",
    version: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction."""
    if at.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    # Hashed as the database gives it back: UTC.
    at = at.astimezone(UTC)
    # Appends take turns on the head row (a row lock, so that only writers of
    # this database's chain wait); the very first append has no head yet and
    # takes a lock by name instead.
    head = session.get(AuditHead, 1, with_for_update=True)
    if head is not None:
        seq, prev = head.seq + 1, head.hash
    else:
        xact_lock(session, "trellis.audit")
        last = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        head = session.get(AuditHead, 1, with_for_update=True)
    detail = detail or {}
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        version=version,
        detail=detail,
        prev_hash=prev,
        hash=entry_hash(seq, at, actor, action, subject, version, detail, prev),
    )
    session.add(entry)
    if head is None:
        session.add(AuditHead(id=1, seq=seq, hash=entry.hash))
    else:
        head.seq, head.hash = seq, entry.hash
    session.flush()
    return entry


@dataclass(frozen=True)
class Breach:
    seq: int
    problem: str


def verify(session: Session) -> tuple[int, list[Breach]]:
    """(entries checked, breaches). No breach means the chain is intact."""
    breaches: list[Breach] = []
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for entry in rows:
        count += 1
        if entry.seq != expected_seq:
            breaches.append(
                Breach(entry.seq, f"entries {expected_seq}..{entry.seq - 1} are missing")
            )
        if entry.prev_hash != expected_prev:
            breaches.append(
                Breach(entry.seq, "does not link to the entry before it (deleted or reordered)")
            )
        actual = entry_hash(
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.subject,
            entry.version,
            entry.detail,
            entry.prev_hash,
        )
        if actual != entry.hash:
            breaches.append(Breach(entry.seq, "content was changed after it was written"))
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (expected_seq - 1, expected_prev):
        if head_seq >= expected_seq:
            problem = f"entries {expected_seq}..{head_seq} at the end are missing"
        else:
            problem = "the newest entry does not match the recorded head of the chain"
        breaches.append(Breach(head_seq, problem))
    return count, breaches
