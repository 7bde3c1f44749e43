"""``trellis demo``: an admin, a few users and sample documents, so that a new
user has something to open right after ``make run``. Safe to run again:
what exists is left as it is."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from runtime.config import Settings
from runtime.store import documents
from runtime.store.db import make_engine, make_sessionmaker, transaction
from runtime.store.models import User
from runtime.store.users import create_user

__all__ = ["DEMO_DOCUMENTS", "load_demo"]

DEMO_DIR = Path(__file__).parent / "demo"
# Forms first: the workflows and the matrix refer to them.
DEMO_DOCUMENTS = (
    "deal.form.json",
    "lead.form.json",
    "quote-discount.workflow.json",
    "lead-follow-up.workflow.json",
    "sales.permission_matrix.json",
)
DEMO_USERS = (("editor", "editor"), ("publisher", "publisher"), ("viewer", "viewer"))


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
            loaded = []
            for name in DEMO_DOCUMENTS:
                content = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
                kind, key = content["kind"], content["key"]
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
    finally:
        engine.dispose()
    if loaded:
        print(f"demo documents loaded: {', '.join(loaded)}")
    if password_file.exists():
        password = password_file.read_text(encoding="utf-8").strip()
        print(
            f"demo login: admin / {password}   (also editor, publisher, viewer with the same "
            f"password; stored in {password_file})"
        )
    else:
        print("demo login: user 'admin' already existed; its password was not changed")
    return 0
