"""Tables of case-file review: template versions, rounds (with their draw, written in
stages like the 双随机 draw), one score sheet per drawn case, reviewers' assignments
(each with its read grant), findings and rectification tasks.

A template version is never changed: a change is a new version, and a round pins the
version it used. A finding is never deleted: it is proposed, then confirmed or dismissed
(with a reason), once."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.core.db import Base, enum_type, utcnow


class ReviewTemplate(Base):
    __tablename__ = "case_review_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # rules.Template.to_json()
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class RoundStatus(StrEnum):
    announced = "announced"  # the lists are frozen and committed; waiting for the randomness
    drawn = "drawn"  # cases drawn, reviewers assigned and granted
    closed = "closed"  # every sheet submitted, grants revoked
    approved = "approved"  # the leader approved the round report


ROUND_STATUS_LABELS = {
    RoundStatus.announced: "已公告，待抽取",
    RoundStatus.drawn: "评查中",
    RoundStatus.closed: "已结束，待领导审定",
    RoundStatus.approved: "报告已审定",
}


class ReviewRound(Base):
    __tablename__ = "case_review_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    template_id: Mapped[int] = mapped_column(ForeignKey("case_review_template.id"))
    period_from: Mapped[date]  # cases closed on or after
    period_to: Mapped[date]  # … and on or before
    kinds: Mapped[list[str]] = mapped_column(JSON)  # action kinds; empty: all
    unit_ids: Mapped[list[int]] = mapped_column(JSON)  # units; empty: all
    per_stratum: Mapped[int]
    team_size: Mapped[int]
    cap: Mapped[int]
    reviewer_ids: Mapped[list[int]] = mapped_column(JSON)  # the reviewer pool
    ends_on: Mapped[date]  # the round's end: reviewers' grants last until this day ends
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus))
    # the commitment (draw.Announcement.to_json()) and the checkpoint that signs it
    announcement: Mapped[dict[str, Any]] = mapped_column(JSON)
    announcement_sha256: Mapped[str] = mapped_column(String(64))
    announced_at: Mapped[datetime]
    announced_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)
    checkpoint_id: Mapped[int | None]
    checkpoint_at: Mapped[datetime | None]
    # the randomness and the result
    beacon_values: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    randomness: Mapped[str | None] = mapped_column(Text)  # the IKM, hex
    outputs: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    drawn_at: Mapped[datetime | None]
    drawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approval_note: Mapped[str] = mapped_column(String(500), default="")

    template: Mapped[ReviewTemplate] = relationship()


class SheetStatus(StrEnum):
    open = "open"
    submitted = "submitted"


class ReviewSheet(Base):
    """The score sheet of one drawn case in one round."""

    __tablename__ = "case_review_sheet"
    __table_args__ = (UniqueConstraint("round_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("case_review_round.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    stratum: Mapped[str] = mapped_column(String(200))
    status: Mapped[SheetStatus] = mapped_column(enum_type(SheetStatus), default=SheetStatus.open)
    total: Mapped[int | None]
    grade: Mapped[str | None] = mapped_column(String(10))
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ReviewAssignment(Base):
    """A reviewer on a sheet, with the grant that lets them read the case."""

    __tablename__ = "case_review_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("case_review_sheet.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("record_grant.id"))
    drawn: Mapped[bool] = mapped_column(default=True)  # by the draw, or assigned by hand
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_at: Mapped[datetime | None]  # replaced, or the round closed
    reason: Mapped[str] = mapped_column(String(200), default="")  # why assigned by hand


class FindingOrigin(StrEnum):
    platform = "platform"  # proposed by the platform's own checks of the records
    reviewer = "reviewer"


class FindingState(StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    dismissed = "dismissed"


FINDING_STATE_LABELS = {
    FindingState.proposed: "待确认",
    FindingState.confirmed: "已确认",
    FindingState.dismissed: "已排除",
}


class LinkKind(StrEnum):
    action = "action"
    activity = "activity"
    document = "document"
    media = "media"
    ledger = "ledger"


LINK_LABELS = {
    LinkKind.action: "案件",
    LinkKind.activity: "现场活动记录",
    LinkKind.document: "文书",
    LinkKind.media: "音视频记录",
    LinkKind.ledger: "账本条目",
}


class ReviewFinding(Base):
    """A deduction or a veto on a sheet, with the record it rests on."""

    __tablename__ = "case_review_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("case_review_sheet.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # the template's item or veto code
    points: Mapped[int] = mapped_column(default=0)  # 0 for a veto
    detail: Mapped[str] = mapped_column(String(500))
    origin: Mapped[FindingOrigin] = mapped_column(enum_type(FindingOrigin))
    state: Mapped[FindingState] = mapped_column(enum_type(FindingState))
    link_kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind))
    link_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")  # why dismissed


class Rectification(Base):
    """A rectification task (整改) given to the case's unit, closed once with a note."""

    __tablename__ = "case_review_rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("case_review_sheet.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    requirement: Mapped[str] = mapped_column(String(1000))
    due_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_note: Mapped[str] = mapped_column(String(1000), default="")
