"""Store rules that no API path should be able to break."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, update

from runtime.store import documents
from runtime.store.db import ImmutableError, make_sessionmaker, transaction
from runtime.store.immutable import install
from runtime.store.models import Version
from tests.documents import deal_form

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def published(engine: Engine) -> None:
    with transaction(make_sessionmaker(engine)) as session:
        documents.save_draft(
            session, "form", "deal", deal_form(), expected_revision=None, actor="t", now=NOW
        )
        documents.publish(
            session, "form", "deal", message="v1", expected_revision=None, actor="t", now=NOW
        )


def test_orm_refuses_to_edit_or_delete_a_version(engine: Engine) -> None:
    install()
    published(engine)
    factory = make_sessionmaker(engine)
    with pytest.raises(ImmutableError), transaction(factory) as session:
        version = session.query(Version).one()
        version.message = "rewritten history"
    with pytest.raises(ImmutableError), transaction(factory) as session:
        session.delete(session.query(Version).one())
    with pytest.raises(ImmutableError), transaction(factory) as session:
        session.execute(update(Version).values(message="bulk"))
    with factory() as session:
        assert session.query(Version).one().message == "v1"


def test_times_come_back_as_utc_on_both_databases(engine: Engine) -> None:
    published(engine)
    with make_sessionmaker(engine)() as session:
        version = session.query(Version).one()
    assert version.published_at == NOW and version.published_at.tzinfo is not None


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive"), transaction(make_sessionmaker(engine)) as s:
        documents.save_draft(
            s,
            "form",
            "deal",
            deal_form(),
            expected_revision=None,
            actor="t",
            now=datetime(2026, 1, 1),
        )


def test_identical_content_republished_is_a_no_op(engine: Engine) -> None:
    published(engine)
    with transaction(make_sessionmaker(engine)) as session:
        version, created = documents.publish(
            session, "form", "deal", message="again", expected_revision=None, actor="t", now=NOW
        )
    assert (version.version, created) == (1, False)


def test_alembic_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from runtime.store.models import Base

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
