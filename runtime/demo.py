"""``trellis demo``: an admin, a few users and sample documents, so that a new
user has something to open right after ``make run``. Safe to run again:
what exists is left as it is."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.config import Settings
from runtime.demo_org import finance_grant, load_org, load_records
from runtime.engine.cases import Runner
from runtime.sandbox import demo_history
from runtime.sandbox.datasets import FieldMapping
from runtime.sandbox.store import import_dataset
from runtime.store import documents
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.models import Record, User
from runtime.store.sandbox_models import Dataset
from runtime.store.users import create_user

__all__ = ["DEMO_DOCUMENTS", "load_demo"]

DEMO_DIR = Path(__file__).parent / "demo"
# Forms first: the workflows and the matrix refer to them.
DEMO_DOCUMENTS = (
    "deal.form.json",
    "lead.form.json",
    "declaration.form.json",
    "quote-discount.workflow.json",
    "lead-follow-up.workflow.json",
    "travel-declaration.workflow.json",
    "sales.permission_matrix.json",
)
DEMO_USERS = (("editor", "editor"), ("publisher", "publisher"), ("viewer", "viewer"))
# A generated history to replay the travel declarations through in the
# sandbox, read with the mapping the real BPIC 2020 log is read with.
DEMO_DATASET = "Demo declarations (generated)"
DEMO_MAPPING = Path(__file__).resolve().parents[1] / "docs/sandbox/bpic2020.mapping.json"


# How many discount approvals the demo starts, so that the managers' inboxes
# are not empty after `make run`.
DEMO_CASES = 4


def start_cases(session: Session, now: datetime) -> int:
    """Quote-discount cases on the first deals whose discount needs approval,
    each started by the deal's owner (the manager of their region decides)."""
    rows = session.execute(
        select(Record.id, User.username)
        .join(User, User.id == Record.owner_id)
        .where(Record.form == "deal")
        .order_by(Record.id)
    ).all()
    started = 0
    for record_id, owner in rows:
        record = session.get(Record, record_id)
        discount = record.data.get("discount") if record is not None else None
        if not isinstance(discount, (int, float)) or discount <= 0.1:
            continue
        Runner(session, now).start("quote-discount", record_id=record_id, by=owner)
        started += 1
        if started == DEMO_CASES:
            break
    return started


def load_history(session: Session, now: datetime) -> bool:
    """The generated declarations as a sandbox dataset, unless one of that
    name is there already (running the demo again must not add another)."""
    if session.scalar(select(Dataset.id).where(Dataset.name == DEMO_DATASET)) is not None:
        return False
    mapping = msgspec.json.decode(DEMO_MAPPING.read_bytes(), type=FieldMapping)
    import_dataset(
        session,
        demo_history.generate(),
        mapping,
        name=DEMO_DATASET,
        kind="csv",
        actor="demo",
        now=now,
    )
    return True


def load_demo(settings: Settings, *, password_file: Path) -> int:
    engine = make_engine(settings.database_url)
    now = datetime.now(UTC)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            admin = session.execute(select(User).where(User.username == "admin")).scalar()
            if admin is None:
                password = secrets.token_urlsafe(12)
                create_user(
                    session,
                    username="admin",
                    password=password,
                    role="admin",
                    now=now,
                    display_name="Admin",
                )
                for username, role in DEMO_USERS:
                    create_user(
                        session,
                        username=username,
                        password=password,
                        role=role,
                        now=now,
                        display_name=username.title(),
                    )
                password_file.parent.mkdir(parents=True, exist_ok=True)
                password_file.write_text(password + "\n", encoding="utf-8")
                os.chmod(password_file, 0o600)
            # The sales people share the admin's password when it is known here.
            shared = (
                password_file.read_text(encoding="utf-8").strip()
                if password_file.exists()
                else secrets.token_urlsafe(12)
            )
            loaded = load_org(session, password=shared, now=now)
            versions: dict[str, tuple[int, dict[str, Any]]] = {}
            for name in DEMO_DOCUMENTS:
                content = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
                kind, key = content["kind"], content["key"]
                if kind == "permission_matrix":
                    content = finance_grant(content, now)
                if documents.find_document(session, kind, key) is not None:
                    continue
                documents.save_draft(
                    session, kind, key, content, expected_revision=None, actor="demo", now=now
                )
                version, _ = documents.publish(
                    session,
                    kind,
                    key,
                    message="Demo content",
                    expected_revision=None,
                    actor="demo",
                    now=now,
                )
                documents.activate(
                    session,
                    kind,
                    key,
                    documents.DEFAULT_VARIANT,
                    version.version,
                    actor="demo",
                    now=now,
                )
                loaded.append(f"{kind}:{key}")
                versions[f"{kind}:{key}"] = (version.version, content)
            if load_history(session, now):
                loaded.append("dataset:demo-declarations")
            if "form:deal" in versions:
                number, form = versions["form:deal"]
                if load_records(session, form=form, version=number, now=now):
                    loaded.append("records:deal")
                    started = start_cases(session, now)
                    if started:
                        loaded.append(f"cases:{started}")
    finally:
        engine.dispose()
    if loaded:
        print(f"demo data loaded: {', '.join(loaded)}")
    if password_file.exists():
        password = password_file.read_text(encoding="utf-8").strip()
        print(
            f"demo login: admin / {password}   (also editor, publisher, viewer, and the sales "
            f"people alice, bob, carol (reps), dave, erin (managers), frank (director), "
            f"fiona (finance), with the same password; stored in {password_file})"
        )
    else:
        print("demo login: user 'admin' already existed; its password was not changed")
    return 0
