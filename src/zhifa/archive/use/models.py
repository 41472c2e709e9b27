"""Tables of 档案利用. A request is written when asked; its decision, its revocation and
the lending and return of a borrowed copy fill in its own columns, each step ledgered.
Each use of an item under a request is an access-log row (core.access) and an
``ArchiveUse`` row that ties that read to the request (append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.archive.filing.models import ArchiveFile, ArchiveItem
from zhifa.archive.use.rules import Approver, RequestStatus, UseKind, UseMode
from zhifa.core.db import Base, enum_type, utcnow
from zhifa.core.grants import RecordGrant


class ArchiveUseRequest(Base):
    """利用申请: who asks to read, copy or borrow which archive file (or which of its
    items), why, until when; who decided, and the grant an approval made."""

    __tablename__ = "archive_use_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("archive_file.id"), index=True)
    item_nos: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: the whole file
    kind: Mapped[UseKind] = mapped_column(enum_type(UseKind))
    reason: Mapped[str] = mapped_column(String(300))
    wanted_until: Mapped[datetime]
    approver: Mapped[Approver] = mapped_column(enum_type(Approver))
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus), index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("record_grant.id"))
    revoke_note: Mapped[str] = mapped_column(String(300), default="")
    lent_at: Mapped[datetime | None]  # 借出: the copy handed over
    lent_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    returned_at: Mapped[datetime | None]  # 归还
    returned_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    file: Mapped[ArchiveFile] = relationship(lazy="joined")
    grant: Mapped[RecordGrant | None] = relationship(lazy="joined")


class ArchiveUse(Base):
    """One use of an item under a request: the access-log row it made."""

    __tablename__ = "archive_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("archive_use_request.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("archive_item.id"))
    access_id: Mapped[int] = mapped_column(ForeignKey("access_log.id"), unique=True)
    mode: Mapped[UseMode] = mapped_column(enum_type(UseMode))
    used_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ArchiveItem] = relationship(lazy="joined")
