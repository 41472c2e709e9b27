"""Tables of the on-site mode. Both append-only (invariant 1).

- ``Script``: one version of one piece of the standard words to say (规范执法用语) — the
  亮证 words, the 告知开始录像 words, the words of each 告知事项. The legal section keeps
  them; each save is a new version, the newest of a topic is the current one.
- ``OnsiteStep``: a step of the on-site screen done at an activity, and the versions of
  the scripts the screen showed for it (the activity records what the officer was given
  to say).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, utcnow


class Script(Base):
    __tablename__ = "onsite_script"
    __table_args__ = (UniqueConstraint("topic", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)  # rules.TOPICS
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class OnsiteStep(Base):
    __tablename__ = "onsite_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))  # rules.Screen
    script_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    done_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
