"""Tables of the ledger, on a MetaData of their own so the package stands alone.

The project's Alembic environment includes `metadata` beside its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# On SQLite an INTEGER PRIMARY KEY is the rowid itself: no second index to maintain.
Index64 = BigInteger().with_variant(Integer(), "sqlite")


class UTCTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite drops the zone, so it is put back on read."""

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


ledger_entry = Table(
    "ledger_entry",
    metadata,
    Column("index", Index64, primary_key=True, autoincrement=False),
    Column("time", UTCTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(100), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("payload_sha256", String(64), nullable=False),
    Column("leaf", LargeBinary(), nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    comment="One row per recorded change; the leaf bytes are what the Merkle tree hashes.",
)

ledger_node = Table(
    "ledger_node",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", Index64, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
    CheckConstraint("level >= 1", name="level_above_leaves"),
    comment="Hashes of complete subtrees above the leaves (level 0 is ledger_entry.leaf_hash).",
)

ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", Index64, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
    comment="One row: the number of entries. Appenders lock it to take turns.",
)

ledger_checkpoint = Table(
    "ledger_checkpoint",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("size", Index64, nullable=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("signed_note", Text, nullable=False),
    Column("created_at", UTCTime(), nullable=False),
    comment="Every signed checkpoint (C2SP tlog-checkpoint in a signed note).",
)
