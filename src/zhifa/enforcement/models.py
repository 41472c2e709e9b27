"""Tables of parties (行政相对人). A party's details are kept as versions: an edit adds a
version, nothing is changed in place."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.enforcement.steps import ActionKind


class PartyKind(StrEnum):
    enterprise = "enterprise"  # 单位 (with 统一社会信用代码)
    person = "person"  # 个人 (with 身份证号)


PARTY_KIND_LABELS = {PartyKind.enterprise: "单位", PartyKind.person: "个人"}


class Party(Base):
    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PartyKind] = mapped_column(enum_type(PartyKind))
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    versions: Mapped[list[PartyVersion]] = relationship(
        order_by="PartyVersion.version", back_populates="party"
    )


class PartyVersion(Base):
    __tablename__ = "party_version"
    __table_args__ = (UniqueConstraint("party_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    legal_representative: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(300))
    industry: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    risk_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    party: Mapped[Party] = relationship(back_populates="versions")


# Risk flags a party's site can carry; they steer recording rules and inspection plans.
RISK_FLAGS: dict[str, str] = {
    "hazardous_chemicals": "危险化学品",
    "explosive": "易燃易爆",
    "fireworks": "烟花爆竹",
    "confined_space": "有限空间",
    "dust_explosion": "粉尘涉爆",
    "gas": "燃气",
    "ammonia_refrigeration": "涉氨制冷",
    "metal_smelting": "金属冶炼",
}


class PowerItem(Base):
    """执法事项: what the action is taken under. A reference table here; the catalog
    (事前公示) adds its guides, lists and versions.

    The catalogue keeps the item's content as versions (catalog.models.PowerItemVersion,
    with citations of articles); ``current_version`` names the current one, and ``name``,
    ``kind``, ``field`` and ``basis`` here mirror it for the actions that use the item."""

    __tablename__ = "power_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ActionKind] = mapped_column(enum_type(ActionKind))
    field: Mapped[str] = mapped_column(String(50), default="安全生产")  # 执法领域
    basis: Mapped[str] = mapped_column(String(500), default="")
    current_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionStatus(StrEnum):
    open = "open"  # 办理中
    closed = "closed"  # 已办结


class Action(Base):
    """One enforcement action (案件 / 执法行为) against one party."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActionKind] = mapped_column(enum_type(ActionKind))
    procedure: Mapped[str] = mapped_column(String(40))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    power_item_id: Mapped[int] = mapped_column(ForeignKey("power_item.id"))
    title: Mapped[str] = mapped_column(String(200))  # 案由 / 事项
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    current_step: Mapped[str] = mapped_column(String(40))
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None]

    party: Mapped[Party] = relationship()
    power_item: Mapped[PowerItem] = relationship()
    officers: Mapped[list[ActionOfficer]] = relationship(
        order_by="ActionOfficer.id", lazy="selectin"
    )


class ActionOfficer(Base):
    """An officer acting on the action (主办 or 协办)."""

    __tablename__ = "action_officer"
    __table_args__ = (UniqueConstraint("action_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    lead: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionTransition(Base):
    """Entering a step (append-only): who moved the action, when, why, and the time
    limit that started running."""

    __tablename__ = "action_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    from_step: Mapped[str | None] = mapped_column(String(40))
    to_step: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_user: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    limit_code: Mapped[str | None] = mapped_column(String(60))
    due_date: Mapped[date | None]
    due_provisional: Mapped[bool] = mapped_column(default=False)


class Activity(Base):
    """An on-site activity of a step (检查、调查取证、采取强制措施、送达…): where the
    事中 duties — showing certificates, telling the party — are recorded."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300))
    party_present: Mapped[str] = mapped_column(String(100), default="")  # 当事人或在场人员
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    officers: Mapped[list[ActivityOfficer]] = relationship(
        order_by="ActivityOfficer.id", lazy="selectin"
    )


class ActivityOfficer(Base):
    """An officer present at the activity, and when the certificate was shown (亮证)."""

    __tablename__ = "activity_officer"
    __table_args__ = (UniqueConstraint("activity_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"))


class CertificateShown(Base):
    """亮证: an officer showed the certificate at the activity (append-only)."""

    __tablename__ = "certificate_shown"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    shown_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class MattersTold(Base):
    """告知: which matters the party was told at the activity (append-only)."""

    __tablename__ = "matters_told"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    matters: Mapped[list[str]] = mapped_column(JSON)
    told_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class AcknowledgementMethod(StrEnum):
    signature = "signature"  # 触屏手写签名
    photo = "photo"  # 签字纸质文书的照片
    refused = "refused"  # 当事人拒绝签字（执法人员注明，须有录像或见证人）


class Acknowledgement(Base):
    """The party's acknowledgement of what was told and issued (append-only)."""

    __tablename__ = "acknowledgement"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    method: Mapped[AcknowledgementMethod] = mapped_column(enum_type(AcknowledgementMethod))
    signer_name: Mapped[str] = mapped_column(String(100))
    blob_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    note: Mapped[str] = mapped_column(String(500), default="")
    # What the party read and acknowledged by signing (the on-site screen's statement).
    statement: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


# Every row of these tables changes only through core.audit.record_change.
