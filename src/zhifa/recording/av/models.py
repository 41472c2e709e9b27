"""Tables of the recording rules (《全过程记录办法》 第五条至第七条、第十条).

All append-only: a later statement is a new row, never an edit (invariant 1).

- ``RecordingPolicy``: the bureau's settings — the gap tolerance between two video
  segments and the extra situations it made mandatory (第五条（八）); the newest row applies.
- ``RecordingFact``: a fact the officer states that steers the rules (e.g. the licence was
  obtained by 告知承诺, the activity may be disputed or dangerous); the newest row per
  (action, activity, code) applies.
- ``RecordingNotice``: the party was told that recording started (第七条第三款), and when.
- ``Interruption``: why the recording stopped between two segments (第七条第三款), stated in
  the video or in writing afterwards; a new explanation of the same gap supersedes.
- ``RecordingException`` / ``ExceptionDecision``: an officer asks to complete a step
  without the mandatory recording; a leader approves or refuses, once.
- ``MediaMark``: a record marked as case evidence or as disputed with the party (第十条),
  or the mark taken off (a new row with ``marked`` false).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow


class RecordingPolicy(Base):
    """One version of the bureau's recording settings (the newest applies)."""

    __tablename__ = "recording_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    gap_tolerance_seconds: Mapped[int] = mapped_column(default=30)
    # [{"code", "label", "kinds", "procedures", "steps", "risk_flags"}, …] — see rules.py
    situations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class RecordingFact(Base):
    """A stated fact about an action (``activity_id`` empty) or one of its activities."""

    __tablename__ = "recording_fact"
    __table_args__ = (Index("ix_recording_fact_subject", "action_id", "activity_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    code: Mapped[str] = mapped_column(String(60))
    value: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class RecordingNotice(Base):
    """告知已开始录像: when the party was told; optionally the segment that shows it."""

    __tablename__ = "recording_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    told_at: Mapped[datetime]
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class InterruptionReason(StrEnum):
    device_fault = "device_fault"  # 设备故障或者损坏
    bad_weather = "bad_weather"  # 天气情况恶劣
    low_battery = "low_battery"  # 电量不足
    storage_full = "storage_full"  # 存储空间不足
    other = "other"  # 其他特殊情况 (text required)


INTERRUPTION_REASON_LABELS = {
    InterruptionReason.device_fault: "设备故障或者损坏",
    InterruptionReason.bad_weather: "天气情况恶劣",
    InterruptionReason.low_battery: "电量不足",
    InterruptionReason.storage_full: "存储空间不足",
    InterruptionReason.other: "其他特殊情况",
}


class StatedIn(StrEnum):
    video = "video"  # 在视音频中说明
    written = "written"  # 事后书面说明


STATED_IN_LABELS = {StatedIn.video: "在视音频中说明", StatedIn.written: "事后书面说明"}


class Interruption(Base):
    """Why the recording of an activity stopped between two segments."""

    __tablename__ = "interruption"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    # The gap: after this segment ended and before that one started.
    before_media_id: Mapped[int] = mapped_column(ForeignKey("media.id"))
    after_media_id: Mapped[int] = mapped_column(ForeignKey("media.id"))
    reason: Mapped[InterruptionReason] = mapped_column(enum_type(InterruptionReason))
    detail: Mapped[str] = mapped_column(String(1000), default="")
    stated_in: Mapped[StatedIn] = mapped_column(enum_type(StatedIn))
    # 在视音频中说明: which segment, and where in it (seconds from its start).
    stated_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    stated_offset_seconds: Mapped[int | None]
    # 事后书面说明: an optional photo or scan of the signed statement.
    statement_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("interruption.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class RecordingException(Base):
    """An officer's request to complete a step without the mandatory recording, for an
    activity or for a 留置/公告 service record."""

    __tablename__ = "recording_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("document_service.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ExceptionDecision(Base):
    """A leader's decision on an exception request (one per request)."""

    __tablename__ = "recording_exception_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    exception_id: Mapped[int] = mapped_column(ForeignKey("recording_exception.id"), unique=True)
    approved: Mapped[bool]
    note: Mapped[str] = mapped_column(String(500), default="")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class MarkKind(StrEnum):
    evidence = "evidence"  # 作为案件证据
    disputed = "disputed"  # 与当事人发生争议


MARK_LABELS = {MarkKind.evidence: "作为案件证据", MarkKind.disputed: "与当事人发生争议"}


class MediaMark(Base):
    """A mark put on (``marked``) or taken off a record; the newest per kind applies."""

    __tablename__ = "media_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), index=True)
    kind: Mapped[MarkKind] = mapped_column(enum_type(MarkKind))
    marked: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(500))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("media_mark.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
