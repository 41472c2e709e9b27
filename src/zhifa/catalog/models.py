"""Tables of enforcement certificates (执法证). Each change is a new version."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.core.db import Base, enum_type, utcnow


class CertificateStatus(StrEnum):
    active = "active"  # 在用
    revoked = "revoked"  # 已注销
    suspended = "suspended"  # 暂扣


class Certificate(Base):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[CertificateVersion]] = relationship(
        order_by="CertificateVersion.version", back_populates="certificate"
    )


class CertificateVersion(Base):
    __tablename__ = "certificate_version"
    __table_args__ = (UniqueConstraint("certificate_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), index=True)
    version: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), index=True)
    issuing_authority: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    status: Mapped[CertificateStatus] = mapped_column(enum_type(CertificateStatus))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    certificate: Mapped[Certificate] = relationship(back_populates="versions")
