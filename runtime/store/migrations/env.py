"""Alembic environment: runs on the connection handed over by
:func:`runtime.store.migrate.upgrade`, or on TRELLIS_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from runtime.store.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from runtime.config import Settings
    from runtime.store.db import make_engine

    engine = make_engine(
        config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    )
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
