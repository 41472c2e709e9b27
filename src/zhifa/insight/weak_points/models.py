"""The dashboard's fact table: one row per record that a figure of the dashboard counts
or measures against (an activity that must be recorded, a step with a limit, a
publication duty, a read at night…), with what the filters need (unit, action kind, the
day, the action for the officer filter, the reader) and the record's page.

Derived data, not a record: every row is recomputed from ledgered records by
`facts.refresh`, which follows the ledger from ``WeakPointCursor.ledger_index`` (so it is
not ledgered itself; tests/core/test_ledger_coverage.py says so)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base

WEAK_POINTS_JOB_SECONDS = 300  # not a legal limit: how often the job follows the ledger


class WeakPointFact(Base):
    __tablename__ = "weak_point_fact"
    __table_args__ = (
        UniqueConstraint("kind", "record_type", "record_id"),
        # The dashboard's counts and bars: by kind over a period, then by unit or month.
        Index(
            "ix_weak_point_fact_kind_day", "kind", "day", "unit_id", "state", "due_on", "done_on"
        ),
        Index("ix_weak_point_fact_unit", "unit_id", "kind", "day"),
        Index("ix_weak_point_fact_person", "person_id", "kind", "day"),
        # Readers of many cases: distinct cases per reader, from the index alone.
        Index("ix_weak_point_fact_reader", "kind", "person_id", "unit_id", "action_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # rules.FactKind
    state: Mapped[str] = mapped_column(String(20), default="")  # per kind, e.g. missing
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int] = mapped_column(Integer)
    action_id: Mapped[int | None] = mapped_column(Integer, index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer)
    action_kind: Mapped[str | None] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(Integer)  # the reader, for reads
    day: Mapped[date]  # the day the period filter and the month bars use
    due_on: Mapped[date | None]  # for duties: the last day
    done_on: Mapped[date | None]  # for duties: the day done (None while open)
    label: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(200), default="")


class WeakPointCursor(Base):
    """How far `facts.refresh` has read the ledger (one row, id 1)."""

    __tablename__ = "weak_point_cursor"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    ledger_index: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
