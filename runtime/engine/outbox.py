"""Draining the outbox: e-mail, robots, SMS, webhooks and scripts.

A job is taken in a short transaction that sets a lease (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so two workers never take the same job), performed
outside any transaction (a slow receiver must not hold database locks), and
its result recorded in a second transaction by the lease holder only. A
worker killed in between leaves the lease to run out: the job runs again,
and only one result is ever recorded. Receivers get the job id as
``Idempotency-Key`` to drop the duplicate delivery that at-least-once
implies.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from components.engine import JobFinished, Refused
from runtime.engine.cases import CaseError, Runner
from runtime.engine.delivery import (
    Delivery,
    SmtpSettings,
    backoff,
    call_webhook,
    provider_from_env,
    send_dingtalk,
    send_email,
    send_wecom,
)
from runtime.engine.scripts import run_script
from runtime.store.db import transaction
from runtime.store.engine_models import Incident, OutboxJob
from runtime.store.models import User

__all__ = ["LEASE", "Claimed", "claim_jobs", "drain_outbox", "finish_job", "perform", "secret"]

log = logging.getLogger("trellis.worker")

# Longer than any job may take (webhook timeout ≤ 120 s, script ≤ 60 s).
LEASE = timedelta(minutes=3)
BATCH = 10


@dataclass(frozen=True)
class Claimed:
    id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    lease_token: str
    instance_id: str | None
    # The recipient's e-mail address (e-mail jobs) or phone number (SMS jobs),
    # read when the job is claimed, so that one added after it was queued counts.
    address: str | None


def secret(name: str | None, env: Mapping[str, str]) -> str | None:
    """A stored secret by name: ``TRELLIS_SECRET_<NAME>`` in the environment."""
    if not name:
        return None
    return env.get(f"TRELLIS_SECRET_{name.upper()}")


def claim_jobs(factory: sessionmaker[Session], now: datetime, limit: int = BATCH) -> list[Claimed]:
    with transaction(factory) as session:
        query = (
            select(OutboxJob)
            .where(
                OutboxJob.status.in_(("pending", "running")),
                OutboxJob.next_attempt_at <= now,
                or_(OutboxJob.lease_until.is_(None), OutboxJob.lease_until <= now),
            )
            .order_by(OutboxJob.next_attempt_at, OutboxJob.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed: list[Claimed] = []
        for job in session.scalars(query):
            job.status = "running"
            job.attempts += 1
            job.lease_until = now + LEASE
            job.lease_token = secrets.token_hex(16)
            address = None
            if job.kind == "email":
                address = session.scalars(
                    select(User.email).where(User.username == job.payload.get("to"))
                ).first()
            elif job.kind == "sms":
                address = session.scalars(
                    select(User.phone).where(User.username == job.payload.get("to"))
                ).first()
            claimed.append(
                Claimed(
                    id=job.id,
                    kind=job.kind,
                    payload=dict(job.payload),
                    attempts=job.attempts,
                    max_attempts=job.max_attempts,
                    lease_token=job.lease_token,
                    instance_id=job.instance_id,
                    address=address or None,
                )
            )
        return claimed


def _failed(error: str) -> Delivery:
    return Delivery(ok=False, status=None, body=None, error=error, retryable=False)


def perform(job: Claimed, now: datetime, env: Mapping[str, str]) -> Delivery:
    """Do the job (no database here). Scripts answer as a Delivery too: the
    outputs in ``body``, the failure's code in ``error``."""
    payload = job.payload
    if job.kind == "script":
        outcome = run_script(
            payload["code"],
            payload.get("inputs") or {},
            list(payload.get("outputs") or []),
            timeout_seconds=float(payload.get("timeout_seconds", 5.0)),
            memory_mb=int(payload.get("memory_mb", 128)),
        )
        if outcome.ok:
            return Delivery(ok=True, status=None, body=outcome.outputs, error="", retryable=False)
        return _failed(f"{outcome.code}: {outcome.message}")
    if job.kind == "webhook":
        key = secret(payload.get("secret"), env)
        if payload.get("secret") and key is None:
            return _failed(f"no stored secret named {payload['secret']}")
        return call_webhook(
            payload["url"],
            method=payload.get("method", "POST"),
            headers=payload.get("headers") or {},
            body=payload.get("body"),
            timeout_seconds=float(payload.get("timeout_seconds", 10.0)),
            secret=key.encode() if key else None,
            idempotency_key=job.id,
            now=now,
        )
    if job.kind == "robot":
        if payload.get("channel") == "dingtalk":
            return send_dingtalk(
                payload["url"],
                payload.get("text", ""),
                secret=secret(payload.get("secret"), env),
                now=now,
            )
        return send_wecom(payload["url"], payload.get("text", ""))
    if job.kind == "email":
        settings = SmtpSettings.from_env(env)
        if settings is None:
            return _failed("no SMTP server is configured (TRELLIS_SMTP_HOST)")
        if not job.address:
            return _failed(f"{payload.get('to')} has no e-mail address")
        message = payload.get("message") or {}
        subject = payload.get("subject") or {}
        return send_email(
            settings,
            [job.address],
            subject.get("en") or subject.get("zh-CN") or "Trellis",
            "\n\n".join(text for text in (message.get("en"), message.get("zh-CN")) if text),
        )
    if job.kind == "sms":
        provider = provider_from_env(env)
        if provider is None:
            return _failed("no SMS provider is configured (TRELLIS_SMS_URL)")
        if not job.address:
            return _failed(f"{payload.get('to')} has no phone number on file")
        message = payload.get("message") or {}
        return provider.send(job.address, message.get("zh-CN") or message.get("en") or "")
    return _failed(f"unknown job kind {job.kind}")


def finish_job(
    factory: sessionmaker[Session], job: Claimed, result: Delivery, now: datetime
) -> bool:
    """Record the result; False when the lease was lost (someone else owns the job)."""
    with transaction(factory) as session:
        row = session.get(OutboxJob, job.id, with_for_update=True)
        if row is None or row.status != "running" or row.lease_token != job.lease_token:
            return False
        row.lease_until, row.lease_token = None, None
        summary = {"status": result.status, "error": result.error}
        if result.ok:
            row.status, row.done_at, row.last_error = "sent", now, None
            row.result = {**summary, "body": result.body}
            finished = JobFinished(job=job.id, ok=True, outputs=_outputs(job, result))
            _tell_case(session, job, finished, now)
            return True
        row.last_error = result.error
        row.result = summary
        if result.retryable and job.attempts < job.max_attempts:
            row.status = "pending"
            row.next_attempt_at = now + backoff(job.attempts)
            return True
        row.status, row.done_at = "failed", now
        if job.kind in ("script", "webhook"):
            # The case raises its own incident on the step; a retry runs the step again.
            _tell_case(session, job, JobFinished(job=job.id, ok=False, error=result.error), now)
        else:
            session.add(
                Incident(
                    id=f"{job.id}:{job.attempts}",
                    instance_id=job.instance_id,
                    job_id=job.id,
                    code=f"{job.kind}_failed",
                    message=result.error or "delivery failed",
                    status="open",
                    retries=0,
                    created_at=now,
                )
            )
        return True


def _outputs(job: Claimed, result: Delivery) -> dict[str, Any]:
    if job.kind == "script":
        return dict(result.body or {})
    return {"status": result.status, "body": result.body}


def _tell_case(session: Session, job: Claimed, event: JobFinished, now: datetime) -> None:
    if job.instance_id is None or job.kind not in ("script", "webhook"):
        return
    savepoint = session.begin_nested()
    try:
        Runner(session, now).send(job.instance_id, event, actor=None)
        savepoint.commit()
    except (Refused, CaseError):
        savepoint.rollback()  # the case moved on (cancelled): the answer is moot


def drain_outbox(
    factory: sessionmaker[Session], now: datetime, env: Mapping[str, str] | None = None
) -> int:
    """Take, do and record one batch of due jobs; returns how many were done."""
    env = os.environ if env is None else env
    done = 0
    for job in claim_jobs(factory, now):
        try:
            result = perform(job, now, env)
        except Exception as exc:  # a bug in a channel must not kill the worker
            log.exception("job %s failed", job.id)
            result = Delivery(ok=False, status=None, body=None, error=str(exc), retryable=True)
        if finish_job(factory, job, result, now):
            done += 1
    return done
