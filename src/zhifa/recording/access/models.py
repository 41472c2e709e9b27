"""Tables of 调阅 (access) to audio, video and photo records. Both append-only.

- ``AccessPurpose``: a purpose a person stated on a page before looking at an action's
  (or a party's) records; remembered for that browser session for ``PURPOSE_MEMORY``.
  Every access made under it is still logged on its own (``AccessLog``).
- ``MediaRestriction``: a record flagged (or the flag taken off, a new row with
  ``restricted`` false) as touching 国家秘密, 商业秘密 or 个人隐私; the newest row per
  (record, kind) applies.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.recording.access.rules import PurposeCode, Restriction


class AccessPurpose(Base):
    """调阅登记: who stated which purpose for which action or party, when, from where."""

    __tablename__ = "access_purpose"
    __table_args__ = (Index("ix_access_purpose_session", "session_id", "stated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("web_session.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    code: Mapped[PurposeCode] = mapped_column(enum_type(PurposeCode))
    note: Mapped[str] = mapped_column(String(100), default="")
    client: Mapped[str] = mapped_column(String(64), default="")
    stated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MediaRestriction(Base):
    """A record flagged as 国家秘密 / 商业秘密 / 个人隐私, or the flag taken off."""

    __tablename__ = "media_restriction"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    kind: Mapped[Restriction] = mapped_column(enum_type(Restriction))
    restricted: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(500))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("media_restriction.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
