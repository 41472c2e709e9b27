"""Tables of the catalogue's update obligations (公示办法 第八条第一至三项).

- ``OrganisationChange``: a unit change registered by staff — the 三定方案 (or other)
  approval document, its approval day (the day the 20 working days count from), the
  units affected and what changed.
- ``CatalogueUpdate``: one public entry that must be reviewed and published again after a
  law change (``law_change``), an organisation change or a certificate change — a power
  item, a service guide, a random-check item or an officer's public certificate entry,
  named as its public snapshots name it (``target_kind``, ``subject``). It is done when
  a snapshot of that entry is published after the obligation was registered, or when
  staff record that they checked it and nothing needs to change (with the reason).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow


class UpdateCause(StrEnum):
    law_change = "law_change"  # 法律、法规、规章等变化 (第八条第一项)
    organisation = "organisation"  # 机构设置变化 (第八条第二项)
    certificate = "certificate"  # 执法证件信息变化 (第八条第三项)


CAUSE_LABELS = {
    UpdateCause.law_change: "法律法规变化",
    UpdateCause.organisation: "机构设置变化",
    UpdateCause.certificate: "执法证件变化",
}


class UpdateStatus(StrEnum):
    open = "open"  # 待更新
    published = "published"  # 已发布更新后的公示
    unchanged = "unchanged"  # 已核对，无需修改


STATUS_LABELS = {
    UpdateStatus.open: "待更新",
    UpdateStatus.published: "已发布更新",
    UpdateStatus.unchanged: "已核对，无需修改",
}


class OrganisationChange(Base):
    __tablename__ = "organisation_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_number: Mapped[str] = mapped_column(String(100))  # 批准文号
    approved_on: Mapped[date]  # 三定方案等经批准之日
    description: Mapped[str] = mapped_column(Text)  # what changed
    unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CatalogueUpdate(Base):
    __tablename__ = "catalogue_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    cause: Mapped[UpdateCause] = mapped_column(enum_type(UpdateCause), index=True)
    law_change_id: Mapped[int | None] = mapped_column(ForeignKey("law_change.id"), index=True)
    organisation_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation_change.id"), index=True
    )
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), index=True)
    certificate_version: Mapped[int | None]
    target_kind: Mapped[str] = mapped_column(String(40))  # the public snapshot's kind
    target_id: Mapped[int]  # the entity (power item, guide, random-check item, certificate)
    subject: Mapped[str] = mapped_column(String(100))  # the public snapshot's subject
    title: Mapped[str] = mapped_column(String(300))
    review: Mapped[str] = mapped_column(Text, default="")  # what to review
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_on: Mapped[date]  # the day the limit counts from
    limit_code: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    basis: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[UpdateStatus] = mapped_column(enum_type(UpdateStatus), index=True)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("public_snapshot.id"))
    done_on: Mapped[date | None]
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    done_note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
