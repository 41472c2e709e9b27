"""Alembic environment: the URL comes from zhifa's settings, passed in by core.schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from zhifa.core.schema import all_metadata, include_name

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=all_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `zhifa db upgrade`")
_run(connection)
