"""Tables of parties (行政相对人). A party's details are kept as versions: an edit adds a
version, nothing is changed in place."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.core.db import Base, enum_type, utcnow


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
}
