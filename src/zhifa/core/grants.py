"""Explicit grants of read access to records (授权调阅): who granted, to whom, which
record, why, until when.

A grant is how somebody outside a case's need-to-know is let in — a case reviewer, an
inspection team, a supervisor, an archive user — without a new code path: each feature's
``visible_*`` query adds the records granted to the principal. Grants are ledgered when
made and when revoked; a grant is never edited otherwise, and an expired one simply stops
counting."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import ForeignKey, Integer, Select, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.clock import SHANGHAI
from zhifa.core.db import Base, enum_type, utcnow
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.models import User
from zhifa.core.validation import BodyRecordId

# not a legal limit: a bureau bound so that a forgotten grant does not last for ever.
LONGEST_GRANT = timedelta(days=366)


class GrantRecord(StrEnum):
    action = "action"  # an enforcement action and everything recorded in it
    party = "party"  # a party's full details (身份证号, phone, address)
    archive_file = "archive_file"  # an archive file, made by an approved use request


GRANT_RECORD_LABELS = {
    GrantRecord.action: "执法案件",
    GrantRecord.party: "行政相对人",
    GrantRecord.archive_file: "档案",
}


class RecordGrant(Base):
    __tablename__ = "record_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    grantee_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    record_type: Mapped[GrantRecord] = mapped_column(enum_type(GrantRecord))
    record_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    granted_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    grantee: Mapped[User] = relationship(foreign_keys=[grantee_id])
    grantor: Mapped[User] = relationship(foreign_keys=[granted_by])


class GrantIn(BaseModel):
    grantee_id: BodyRecordId
    record_type: GrantRecord
    record_id: BodyRecordId
    reason: str = Field(min_length=1, max_length=200)
    valid_until: datetime  # without a zone: Beijing time

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("请填写授权理由")
        return value.strip()

    @field_validator("valid_until")
    @classmethod
    def _beijing(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


def granted_ids(who: Principal, record_type: GrantRecord) -> Select[tuple[int]]:
    """The ids of the records of one type granted to ``who`` and in force now."""
    return select(RecordGrant.record_id).where(
        RecordGrant.grantee_id == who.user_id,
        RecordGrant.record_type == record_type,
        RecordGrant.revoked_at.is_(None),
        RecordGrant.valid_until > utcnow(),
    )


def latest_until(now: datetime) -> datetime:
    """The latest ``valid_until`` a grant made at ``now`` may have."""
    return now + LONGEST_GRANT


def grant(db: Session, data: GrantIn, who: Principal, *, record_exists: bool) -> RecordGrant:
    """Let ``data.grantee_id`` read one record until ``data.valid_until``."""
    now = utcnow()
    until = data.valid_until
    if until <= now:
        raise DomainError("截止时间须晚于现在", "valid_until")
    if until > latest_until(now):
        raise DomainError("授权最长一年，请缩短截止时间", "valid_until")
    grantee = db.get(User, data.grantee_id)
    if grantee is None or not grantee.is_active:
        raise DomainError("被授权人不存在或已停用", "grantee_id")
    if grantee.id == who.user_id:
        raise DomainError("不能给自己授权", "grantee_id")
    if not record_exists:
        label = GRANT_RECORD_LABELS[data.record_type]
        raise DomainError(f"{label}不存在", "record_id")
    row = RecordGrant(
        grantee_id=grantee.id,
        record_type=data.record_type,
        record_id=data.record_id,
        reason=data.reason,
        granted_by=who.user_id,
        granted_at=now,
        valid_until=until,
    )
    db.add(row)
    record_change(db, actor_name(who), "grant.create", row)
    return row


def revoke(db: Session, grant_id: int, who: Principal) -> RecordGrant:
    row = db.get(RecordGrant, grant_id)
    if row is None:
        raise NotFound("授权不存在")
    if row.revoked_at is not None:
        raise DomainError("该授权已撤销")
    row.revoked_at = utcnow()
    row.revoked_by = who.user_id
    record_change(db, actor_name(who), "grant.revoke", row)
    return row


def list_grants(db: Session, *, current_only: bool = False) -> list[RecordGrant]:
    query = select(RecordGrant).order_by(RecordGrant.id.desc())
    if current_only:
        query = query.where(RecordGrant.revoked_at.is_(None), RecordGrant.valid_until > utcnow())
    return list(db.scalars(query.limit(500)))
