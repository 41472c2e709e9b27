"""What the recording-rules API takes and answers: an action's and an activity's recording
(requirement, time line, gaps and their explanations, notices, exceptions), a record's
marks and retention, the open problems and the bureau's policy."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from zhifa.core.calendar_store import working_calendar
from zhifa.core.errors import DomainError
from zhifa.enforcement.models import Action
from zhifa.recording.access.rules import RESTRICTED_PLACEHOLDER
from zhifa.recording.av import marks, requirement
from zhifa.recording.av.continuity import MAX_STATEMENT_BYTES, InterruptionIn, current_policy
from zhifa.recording.av.models import (
    INTERRUPTION_REASON_LABELS,
    MARK_LABELS,
    ExceptionDecision,
    Interruption,
    InterruptionReason,
    MarkKind,
    RecordingException,
    RecordingNotice,
    StatedIn,
)
from zhifa.recording.av.requirement import ActivityRecording, OpenProblem, ServiceRecording
from zhifa.recording.av.rules import (
    LEVEL_LABELS,
    RECORDED_SERVICE_METHODS,
    ExceptionState,
    Level,
    RecordingDecision,
)
from zhifa.recording.media.models import Media


class InterruptionApiIn(InterruptionIn):
    statement_image_base64: str | None = Field(default=None, max_length=28_000_000)

    def explanation(self) -> InterruptionIn:
        """The explanation itself, without the statement's image."""
        return InterruptionIn.model_validate(self.model_dump(exclude={"statement_image_base64"}))

    def statement(self) -> io.BytesIO | None:
        """The image of the written statement, decoded; refused if it is no base64 or
        larger than a statement may be."""
        if self.statement_image_base64 is None:
            return None
        try:
            raw = base64.b64decode(self.statement_image_base64, validate=True)
        except ValueError:  # binascii.Error, or a character outside ASCII
            raise DomainError("书面说明文件的编码无效（应为 base64）", "statement") from None
        if len(raw) > MAX_STATEMENT_BYTES:
            raise DomainError("书面说明文件过大（最多 20 MB）", "statement")
        return io.BytesIO(raw)


class ReasonOut(BaseModel):
    clause: str
    text: str
    why: str


class DecisionOut(BaseModel):
    level: Level
    level_label: str
    mandatory: bool
    citations: list[str]
    reasons: list[ReasonOut]
    video_exemption: str | None
    expected: str
    explanation: str

    @classmethod
    def of(cls, d: RecordingDecision) -> DecisionOut:
        return cls(
            level=d.level,
            level_label=LEVEL_LABELS[d.level],
            mandatory=d.mandatory,
            citations=list(d.citations),
            reasons=[
                ReasonOut(clause=r.clause.cite, text=r.clause.text, why=r.why) for r in d.reasons
            ],
            video_exemption=d.exemption,
            expected=d.expected,
            explanation=d.explanation,
        )


class SegmentOut(BaseModel):
    media_id: int
    kind: str
    filename: str
    start: datetime | None
    end: datetime | None
    duration_seconds: float | None


class InterruptionOut(BaseModel):
    id: int
    reason: InterruptionReason
    reason_label: str
    detail: str
    stated_in: StatedIn
    stated_media_id: int | None
    stated_offset_seconds: int | None
    statement_digest: str | None
    supersedes_id: int | None
    recorded_at: datetime
    recorded_by: int | None

    @classmethod
    def of(cls, row: Interruption) -> InterruptionOut:
        return cls(
            id=row.id,
            reason=row.reason,
            reason_label=INTERRUPTION_REASON_LABELS[row.reason],
            detail=row.detail,
            stated_in=row.stated_in,
            stated_media_id=row.stated_media_id,
            stated_offset_seconds=row.stated_offset_seconds,
            statement_digest=row.statement_digest,
            supersedes_id=row.supersedes_id,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
        )


class GapOut(BaseModel):
    before_media_id: int
    after_media_id: int
    start: datetime
    end: datetime
    seconds: float
    explanation: InterruptionOut | None


class NoticeOut(BaseModel):
    id: int
    told_at: datetime
    media_id: int | None
    note: str
    recorded_by: int | None
    recorded_at: datetime

    @classmethod
    def of(cls, row: RecordingNotice) -> NoticeOut:
        return cls(
            id=row.id,
            told_at=row.told_at,
            media_id=row.media_id,
            note=row.note,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
        )


class ExceptionOut(BaseModel):
    id: int
    action_id: int
    activity_id: int | None
    service_id: int | None
    reason: str
    requested_by: int | None
    requested_at: datetime
    state: ExceptionState
    approved: bool | None
    decision_note: str | None
    decided_by: int | None
    decided_at: datetime | None

    @classmethod
    def of(cls, row: RecordingException, d: ExceptionDecision | None) -> ExceptionOut:
        return cls(
            id=row.id,
            action_id=row.action_id,
            activity_id=row.activity_id,
            service_id=row.service_id,
            reason=row.reason,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            state=requirement.exception_state([(row, d)]),
            approved=d.approved if d else None,
            decision_note=d.note if d else None,
            decided_by=d.decided_by if d else None,
            decided_at=d.decided_at if d else None,
        )


def _name(media: Media, hidden: frozenset[int]) -> str:
    return RESTRICTED_PLACEHOLDER if media.id in hidden else media.filename


class ActivityRecordingOut(BaseModel):
    activity_id: int
    action_id: int
    step: str
    step_label: str
    number: int
    decision: DecisionOut
    stated_facts: list[str]
    media_counts: dict[str, int]
    segments: list[SegmentOut]
    undated_media_ids: list[int]
    tolerance_seconds: int
    gaps: list[GapOut]
    notices: list[NoticeOut]
    exceptions: list[ExceptionOut]
    exception_state: ExceptionState
    problems: list[str]

    @classmethod
    def of(
        cls, db: Session, rec: ActivityRecording, hidden: frozenset[int] = frozenset()
    ) -> ActivityRecordingOut:
        """``hidden``: the records closed to the viewer, shown by their place only."""
        by_id = {m.id: m for m in rec.media}
        return cls(
            activity_id=rec.activity.id,
            action_id=rec.activity.action_id,
            step=rec.step.code,
            step_label=rec.step.label,
            number=rec.number,
            decision=DecisionOut.of(rec.decision),
            stated_facts=sorted(requirement.stated(db, rec.activity.action_id, rec.activity.id)),
            media_counts={
                "video": rec.state.videos,
                "audio": rec.state.audios,
                "photo": rec.state.photos,
            },
            segments=[
                SegmentOut(
                    media_id=s.media_id,
                    kind=by_id[s.media_id].kind.value,
                    filename=_name(by_id[s.media_id], hidden),
                    start=s.start,
                    end=s.end,
                    duration_seconds=s.duration_ms / 1000,
                )
                for s in rec.line.segments
            ],
            undated_media_ids=[m.id for m in rec.line.undated],
            tolerance_seconds=current_policy(db).gap_tolerance_seconds,
            gaps=[
                GapOut(
                    before_media_id=g.before_id,
                    after_media_id=g.after_id,
                    start=g.start,
                    end=g.end,
                    seconds=g.seconds,
                    explanation=InterruptionOut.of(rec.explained[g.key])
                    if g.key in rec.explained
                    else None,
                )
                for g in rec.line.gaps
            ],
            notices=[NoticeOut.of(n) for n in rec.notices],
            exceptions=[ExceptionOut.of(r, d) for r, d in rec.exceptions],
            exception_state=rec.state.exception,
            problems=rec.problems,
        )


class ServiceRecordingOut(BaseModel):
    service_id: int
    document_id: int
    method: str
    method_label: str
    served_on: str
    step: str
    decision: DecisionOut
    media_ids: list[int]
    exceptions: list[ExceptionOut]
    exception_state: ExceptionState
    problems: list[str]

    @classmethod
    def of(cls, s: ServiceRecording) -> ServiceRecordingOut:
        return cls(
            service_id=s.service.id,
            document_id=s.document.id,
            method=s.service.method.value,
            method_label=RECORDED_SERVICE_METHODS[s.service.method.value],
            served_on=s.service.served_on.isoformat(),
            step=s.step,
            decision=DecisionOut.of(s.decision),
            media_ids=[m.id for m in s.media],
            exceptions=[ExceptionOut.of(r, d) for r, d in s.exceptions],
            exception_state=s.state.exception,
            problems=s.problems,
        )


class ActionRecordingOut(BaseModel):
    action_id: int
    stated_facts: list[str]
    activities: list[ActivityRecordingOut]
    services: list[ServiceRecordingOut]
    missing_now: list[str]

    @classmethod
    def of(cls, db: Session, action: Action, hidden: frozenset[int]) -> ActionRecordingOut:
        policy = current_policy(db)
        recordings = requirement.action_recordings(db, action, policy)
        return cls(
            action_id=action.id,
            stated_facts=sorted(requirement.stated(db, action.id, None)),
            activities=[ActivityRecordingOut.of(db, r, hidden) for r in recordings],
            services=[
                ServiceRecordingOut.of(s)
                for s in requirement.service_recordings(db, action, policy)
            ],
            missing_now=requirement.missing_now(db, action),
        )


class RetentionOut(BaseModel):
    rule: str
    label: str
    recorded_on: str
    keep_until: str | None
    earliest_disposal: str | None
    basis: str


class MarkOut(BaseModel):
    id: int
    kind: MarkKind
    kind_label: str
    marked: bool
    reason: str
    supersedes_id: int | None
    recorded_at: datetime
    recorded_by: int | None


class MarksOut(BaseModel):
    media_id: int
    evidence: bool
    disputed: bool
    history: list[MarkOut]
    retention: RetentionOut

    @classmethod
    def of(cls, db: Session, media: Media, action: Action) -> MarksOut:
        rows = marks.marks_of(db, media.id)
        now = marks.current_marks(rows)
        view = marks.retention_for(working_calendar(db), action, media, now)
        return cls(
            media_id=media.id,
            evidence=MarkKind.evidence in now,
            disputed=MarkKind.disputed in now,
            history=[
                MarkOut(
                    id=r.id,
                    kind=r.kind,
                    kind_label=MARK_LABELS[r.kind],
                    marked=r.marked,
                    reason=r.reason,
                    supersedes_id=r.supersedes_id,
                    recorded_at=r.recorded_at,
                    recorded_by=r.recorded_by,
                )
                for r in rows
            ],
            retention=RetentionOut(
                rule=view.rule.value,
                label=view.label,
                recorded_on=view.recorded_on.isoformat(),
                keep_until=view.keep_until.isoformat() if view.keep_until else None,
                earliest_disposal=view.earliest_disposal.isoformat()
                if view.earliest_disposal
                else None,
                basis=view.basis,
            ),
        )


class ProblemOut(BaseModel):
    action_id: int
    action_title: str
    unit_id: int | None
    officer_ids: list[int]
    subject: str
    link: str
    problems: list[str]

    @classmethod
    def of(cls, p: OpenProblem) -> ProblemOut:
        return cls(
            action_id=p.action.id,
            action_title=p.action.title,
            unit_id=p.action.unit_id,
            officer_ids=sorted(p.officer_ids),
            subject=p.subject,
            link=p.link,
            problems=p.problems,
        )


class PolicyOut(BaseModel):
    id: int | None
    gap_tolerance_seconds: int
    situations: list[dict[str, Any]]
    reason: str
    set_at: datetime | None
    set_by: int | None

    @classmethod
    def current(cls, db: Session) -> PolicyOut:
        """The policy in force (the defaults while none was set)."""
        policy = current_policy(db)
        row = policy.row
        return cls(
            id=row.id if row else None,
            gap_tolerance_seconds=policy.gap_tolerance_seconds,
            situations=[s.to_dict() for s in policy.situations],
            reason=row.reason if row else "默认设置",
            set_at=row.set_at if row else None,
            set_by=row.set_by if row else None,
        )
