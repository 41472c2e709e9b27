"""The 双随机 draw of one batch (`InspectionDraw`, one per plan and batch) and the public
pages' frozen data (`PublicInspection`: an approved plan, a batch's draw).

A draw is written in stages and every stage is write-once: the announcement (its JSON
exactly as committed, its SHA-256, when and by whom), then the signed checkpoint
covering its ledger entry, then the result (the beacon values as entered, the
randomness, the outputs); substitutions only ever append. `_refuse_frozen_change` is
the last line of defence beside the service's own checks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.core.errors import Conflict


class DrawStatus(StrEnum):
    announced = "announced"
    drawn = "drawn"


DRAW_STATUS_LABELS = {DrawStatus.announced: "已公告", DrawStatus.drawn: "已抽取"}


class InspectionDraw(Base):
    __tablename__ = "inspection_draw"
    __table_args__ = (UniqueConstraint("plan_id", "batch_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plan.id"), index=True)
    batch_index: Mapped[int]  # 1-based, as in the plan's pages
    status: Mapped[DrawStatus] = mapped_column(enum_type(DrawStatus), default=DrawStatus.announced)
    # the commitment
    announcement: Mapped[dict[str, Any]] = mapped_column(JSON)  # Announcement.to_json()
    announcement_sha256: Mapped[str] = mapped_column(String(64))
    announced_at: Mapped[datetime]
    announced_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)  # the announcement's entry
    checkpoint_id: Mapped[int | None]  # the signed checkpoint covering that entry
    checkpoint_at: Mapped[datetime | None]
    # the result
    beacon_values: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    randomness: Mapped[str | None] = mapped_column(Text)  # the IKM, hex
    outputs: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    drawn_at: Mapped[datetime | None]
    drawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # published substitutions (draw.Substitution.to_json()), and beside each the staff's
    # internal note (never published)
    substitutions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    substitution_notes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class PublicInspection(Base):
    """What the portal shows of an approved plan (``plan/<id>``) or a batch's draw
    (``draw/<plan>/<batch>``): replaced as the draw goes on, each version ledgered.
    ``document`` is the published draw JSON, canonical bytes, once drawn."""

    __tablename__ = "public_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    document: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


FROZEN = (
    "plan_id",
    "batch_index",
    "announcement",
    "announcement_sha256",
    "announced_at",
    "announced_by",
)
ONCE = (
    "ledger_index",
    "checkpoint_id",
    "checkpoint_at",
    "beacon_values",
    "randomness",
    "outputs",
    "drawn_at",
    "drawn_by",
)
APPENDED = ("substitutions", "substitution_notes")


class FrozenDraw(Conflict):
    pass


def _refused(name: str, before: Any, after: Any) -> bool:
    if name == "status":
        return (str(before), str(after)) not in {
            ("announced", "announced"),
            ("announced", "drawn"),
            ("drawn", "drawn"),
        }
    if before == after:
        return False
    if name in APPENDED:
        return list(after[: len(before)]) != list(before)
    return name in FROZEN or before is not None  # a stage's column is written once


@event.listens_for(InspectionDraw, "before_update")
def _refuse_frozen_change(_mapper: Any, connection: Connection, target: InspectionDraw) -> None:
    """Against the stored row: the announcement never changes; a stage's columns are set
    once; substitutions only grow; the status only goes from 已公告 to 已抽取."""
    table = InspectionDraw.__table__
    stored = connection.execute(select(table).where(table.c.id == target.id)).mappings().one()
    changed = [
        name
        for name in (*FROZEN, *ONCE, *APPENDED, "status")
        if _refused(name, stored[name], getattr(target, name))
    ]
    if changed:
        raise FrozenDraw(f"抽取记录一经写入不能修改（{'、'.join(changed)}）")
