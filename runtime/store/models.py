"""The tables. Published versions and audit entries are append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runtime.store.types import JSONDocument, UTCDateTime

__all__ = [
    "Activation",
    "ActiveVersion",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "ChangeSet",
    "ChangeSetItem",
    "Document",
    "Draft",
    "FileRow",
    "LoginFailure",
    "Record",
    "RecordUnique",
    "Region",
    "Role",
    "Session",
    "Team",
    "User",
    "UserRole",
    "Version",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        datetime: UTCDateTime,
        dict[str, Any]: JSONDocument,
        list[Any]: JSONDocument,
    }


class Document(Base):
    """A key of a kind; its draft, versions and active pointers hang off it."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(63))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(150))


class Draft(Base):
    """The editable working copy; ``revision`` guards against lost updates."""

    __tablename__ = "drafts"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[dict[str, Any]]
    revision: Mapped[int] = mapped_column(Integer)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(150))


class Version(Base):
    """An immutable published document. Never updated, never deleted."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]]
    hash: Mapped[str] = mapped_column(String(80))
    author: Mapped[str] = mapped_column(String(150))
    published_at: Mapped[datetime]
    message: Mapped[str] = mapped_column(Text, default="")
    changeset_id: Mapped[int | None] = mapped_column(ForeignKey("changesets.id"))


class ActiveVersion(Base):
    """Which version new instances of a variant start on."""

    __tablename__ = "active_versions"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    variant: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(150))


class Activation(Base):
    """One move of an active pointer (activate or roll back), kept forever."""

    __tablename__ = "activations"
    __table_args__ = (Index("ix_activations_document_variant", "document_id", "variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    variant: Mapped[str] = mapped_column(String(63))
    from_version: Mapped[int | None] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(150))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")


class ChangeSet(Base):
    """Drafts of several documents published together, all or nothing."""

    __tablename__ = "changesets"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(150))
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(150))


class ChangeSetItem(Base):
    __tablename__ = "changeset_items"
    __table_args__ = (UniqueConstraint("changeset_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    changeset_id: Mapped[int] = mapped_column(ForeignKey("changesets.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    position: Mapped[int] = mapped_column(Integer)
    # The version the member ended at when the set was published (possibly an
    # older identical one, which then carries no changeset_id of its own).
    version: Mapped[int | None] = mapped_column(Integer)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # Where the person sits in the sales organisation (issue 5); all optional
    # so that platform-only users (an admin, a script) need none of it.
    email: Mapped[str] = mapped_column(String(254), default="")
    # A mobile number for SMS notices, as typed (digits, a leading +, spaces, dashes).
    phone: Mapped[str] = mapped_column(String(40), default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class Region(Base):
    """A sales region (east, south…): the unit of the ``region`` row scope."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Team(Base):
    """A team of people, usually inside one region: the ``team`` row scope."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    created_at: Mapped[datetime]


class Role(Base):
    """A business role (rep, manager, director, finance…) with a rank 1-7.
    Permission matrices and workflows name these by ``key``; platform roles
    (admin, editor…) live on the user row and fence the studio."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class UserRole(Base):
    """Which business roles a user holds (any number)."""

    __tablename__ = "user_roles"
    __table_args__ = (Index("ix_user_roles_role_id", "role_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )


class ApiToken(Base):
    """A bearer token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Session(Base):
    """A browser login; the cookie holds the token, the row holds its hash."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginFailure(Base):
    """Failed logins, counted per user and per address to throttle guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class AuditHead(Base):
    """The newest audit entry, kept apart and updated with every append, so
    that deleting the newest entries is detected too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(80))


class AuditEntry(Base):
    """One change of state. ``hash`` covers the entry and ``prev_hash``, so an
    edited, deleted or reordered row breaks the chain."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(150))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(80))
    hash: Mapped[str] = mapped_column(String(80), unique=True)


class Record(Base):
    """A form submission. ``form_version`` is the version it was last validated
    with; owner, team, region and stage are copied out of ``data`` on every
    write so that row scopes and per-stage rules are plain indexed columns."""

    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_form_owner", "form", "owner_id"),
        Index("ix_records_form_team", "form", "team_id"),
        Index("ix_records_form_region", "form", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(String(63))
    form_version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]]
    # field -> reason: fields skipped on purpose (data minimisation).
    exemptions: Mapped[dict[str, Any]]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    stage: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(150))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(150))


class RecordUnique(Base):
    """One value of a ``unique`` field: the database, not a read-then-write
    check, keeps two records from holding it at once."""

    __tablename__ = "record_unique"
    __table_args__ = (UniqueConstraint("form", "field", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(String(63))
    field: Mapped[str] = mapped_column(String(63))
    value: Mapped[str] = mapped_column(String(255))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)


class FileRow(Base):
    """An uploaded attachment; the bytes live in the file storage under
    ``storage_key``, the row says what they are and who brought them."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(150))
    uploaded_at: Mapped[datetime]
    # Set when a record's file field takes it: a file belongs to one record
    # field, and whoever may read that field may fetch it.
    form: Mapped[str | None] = mapped_column(String(63))
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("records.id", ondelete="SET NULL"), index=True
    )
    field: Mapped[str | None] = mapped_column(String(63))


# The runtime's tables share this metadata (migrations and tests see every
# table through Base); they live in their own module to keep each readable.
from runtime.store import engine_models as _engine_models  # noqa: E402
from runtime.store import sandbox_models as _sandbox_models  # noqa: E402

del _engine_models, _sandbox_models
