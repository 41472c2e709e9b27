"""Database engine, sessions and the declarative base shared by every feature."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite forgets the zone, so put it back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, write_transactions: bool = True) -> Engine:
    """An engine for ``url``. On SQLite every transaction of the app begins IMMEDIATE:
    almost every request writes (at least its access-log and ledger entries), and a
    read transaction that later writes fails at once in WAL mode if another writer
    committed in between. ``write_transactions=False`` is for read-only inspection."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take control of it.
        begin = "BEGIN IMMEDIATE" if write_transactions else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    return create_engine(url, pool_pre_ping=True)


# Where a session keeps the key of the public ledger's pseudonymous actors (core.audit).
ACTOR_KEY = "zhifa.actor_key"


def make_session_factory(
    engine: Engine, *, actor_key: bytes | None = None
) -> sessionmaker[Session]:
    """Sessions on ``engine``. ``actor_key`` (``Settings.ledger_actor_key()``) lets them
    ledger a person's act under a pseudonym; without it only ``system`` and the other
    impersonal actors can be recorded, and naming a person fails (no silent names)."""
    info: dict[str, Any] = {} if actor_key is None else {ACTOR_KEY: actor_key}
    return sessionmaker(engine, expire_on_commit=False, info=info)


def factory_like(db: Session) -> sessionmaker[Session]:
    """More sessions on ``db``'s database, with the same actor key."""
    return make_session_factory(db.get_bind(), actor_key=db.info.get(ACTOR_KEY))  # type: ignore[arg-type]


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def enum_type(enum_class: type[StrEnum], length: int = 20) -> SAEnum:
    """A column of a StrEnum stored as its value (VARCHAR); reads give the enum member."""
    return SAEnum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
