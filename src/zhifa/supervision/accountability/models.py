"""Tables of the accountability report. Both append-only (invariant 1).

- ``VerifyFailure``: one problem that a failing `zhifa verify` run found (area, where,
  what), with the run's time; the report reads them as "record altered or removed".
- ``AccountabilityDecision``: the leader's decision on one instance, by its stable key; a
  later decision on the same key supersedes (the newest applies).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.supervision.accountability.rules import Outcome


class VerifyFailure(Base):
    __tablename__ = "verify_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_at: Mapped[datetime] = mapped_column(index=True)  # when the run started
    area: Mapped[str] = mapped_column(String(20))  # 账本 / 检查点 / 记录 / 文件 / 回滚
    location: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(String(1000))
    instance_key: Mapped[str] = mapped_column(String(120), index=True)


class AccountabilityDecision(Base):
    __tablename__ = "accountability_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_key: Mapped[str] = mapped_column(String(120), index=True)
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome))
    reason: Mapped[str] = mapped_column(String(1000), default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("accountability_decision.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
