"""Tables of the 执法检查人员名录库 beyond the officers and certificates core keeps: periods
an officer cannot inspect (休假、培训、借调…) and declared 回避 relations officer ↔ party.
Both are versioned like every record here: a change or a withdrawal is the next version
(``active`` false for a withdrawal), the previous versions kept; every row is ledgered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.inspection.inspectors.rules import AbsenceKind


class InspectorAbsence(Base):
    __tablename__ = "inspector_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class InspectorAbsenceVersion(Base):
    __tablename__ = "inspector_absence_version"
    __table_args__ = (UniqueConstraint("absence_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    absence_id: Mapped[int] = mapped_column(ForeignKey("inspector_absence.id"), index=True)
    version: Mapped[int]
    kind: Mapped[AbsenceKind] = mapped_column(enum_type(AbsenceKind))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Recusal(Base):
    """A declared 回避 relation: this officer does not inspect this party."""

    __tablename__ = "inspector_recusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class RecusalVersion(Base):
    __tablename__ = "inspector_recusal_version"
    __table_args__ = (UniqueConstraint("recusal_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recusal_id: Mapped[int] = mapped_column(ForeignKey("inspector_recusal.id"), index=True)
    version: Mapped[int]
    ground: Mapped[str] = mapped_column(String(200))  # 回避事由, e.g. 近亲属任该单位负责人
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # None: until withdrawn
    active: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
