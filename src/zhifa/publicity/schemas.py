"""What the publicity API takes and answers: publication duties, drafts and their review,
exemptions (`routes`); correction requests, withdrawals and updates (`correction_routes`);
deliveries to the channels (`channel_routes`)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator
from sqlalchemy.orm import Session

from zhifa.core.errors import InvalidInput
from zhifa.core.spreadsheet import FORMULA_STARTS
from zhifa.core.validation import BodyRecordId
from zhifa.publicity import credit, rules, service, validation
from zhifa.publicity.models import (
    Channel,
    CorrectionStatus,
    Delivery,
    ExemptionStatus,
    ObligationStatus,
    OutboxMessage,
    Publication,
    PublicationStatus,
    TaskStatus,
    WithdrawalCause,
)

# Timestamps as `datetime.isoformat` writes them ("…+00:00"), as this API always answered.
IsoDateTime = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]


class _FromRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---- publication duties, drafts, review, exemptions (`routes`) --------------------------------


class DraftIn(BaseModel):
    """A draft's choices. `severity`: required for a penalty (no default; 422 without it).
    `credit_necessity`: for 轻微失信信息 only, why its credit publicity (信用中国) is 确有必要.
    `months`: refused when given — the period is the rule's (令第36号), shown in the answer."""

    severity: str | None = Field(default=None, max_length=20)
    credit_necessity: str = Field(default="", max_length=500)
    months: int | None = Field(default=None, ge=1, le=120)  # not a legal limit: a bound

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str | None) -> str | None:
        if value and value not in {s.value for s in rules.Severity}:
            labels = "、".join(rules.SEVERITY_LABELS.values())
            raise ValueError(f"取值无效，可选：{labels}")
        return value or None

    def choices(self) -> dict[str, Any]:
        return self.model_dump()


class ReviewIn(BaseModel):
    note: str = Field(default="", max_length=500)


class ExemptionIn(BaseModel):
    reason: str = Field(max_length=1000)
    basis: str = Field(max_length=500)


class DecisionIn(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=500)


class ObligationOut(_FromRow):
    id: int
    action_id: int
    document_id: int | None  # None: a 双随机 result (no decision document)
    kind: str
    decided_on: date
    limit_code: str
    due_on: date
    due_provisional: bool
    basis: str
    responsible_id: int | None
    unit_id: int | None
    status: ObligationStatus
    completed_on: date | None


class BoardObligationOut(ObligationOut):
    """An obligation as the deadline board sees it today."""

    state: rules.BoardState
    days_left: int

    @classmethod
    def of(cls, row: service.BoardRow) -> BoardObligationOut:
        base = ObligationOut.model_validate(row.obligation).model_dump()
        return cls(**base, state=row.state, days_left=row.days_left)


class CreditOut(BaseModel):
    """The credit publicity (信用中国, 令第36号) of a publication, apart from its portal
    publication: sent or not, the earliest day the party may apply for 信用修复, the day it
    ends by itself, and the repair recorded."""

    sent_to_credit_china: bool
    credit_necessity: str
    earliest_repair_on: date | None
    earliest_repair_basis: str
    credit_ends_on: date | None
    credit_ends_basis: str
    repaired_on: date | None
    status: str

    @classmethod
    def of(cls, db: Session, pub: Publication) -> CreditOut:
        found = credit.credit_status(db, pub)
        window = found.window
        return cls(
            sent_to_credit_china=found.sent,
            credit_necessity=pub.credit_necessity,
            earliest_repair_on=window.earliest_repair if window else None,
            earliest_repair_basis=window.earliest_basis if window else "",
            credit_ends_on=window.ends.date if window else None,
            credit_ends_basis=window.ends.basis if window else "",
            repaired_on=found.repair.decided_on if found.repair else None,
            status=found.words,
        )


class PublicationOut(_FromRow):
    id: int
    obligation_id: int
    version: int
    kind: str
    status: PublicationStatus
    severity: str
    period_code: str
    period_months: int | None
    public_until: date | None  # 公示截止期 of the publication (portal and other channels)
    credit: CreditOut
    snapshot: dict[str, Any]  # parsed from the canonical text, exactly as stored
    snapshot_json: str
    digest: str
    reviewed_digest: str | None
    ledger_index: int | None
    published_at: IsoDateTime | None
    ended_at: IsoDateTime | None
    end_reason: str

    @classmethod
    def of(cls, db: Session, pub: Publication) -> PublicationOut:
        skip = {"snapshot", "credit"}
        fields = {k: getattr(pub, k) for k in cls.model_fields if k not in skip}
        return cls(**fields, snapshot=service.snapshot_as_of(pub), credit=CreditOut.of(db, pub))


class CreditRepairIn(BaseModel):
    """A 信用修复 decision: who decided, when, its 文号 or reference, and why."""

    decided_by: str = Field(min_length=1, max_length=200)
    decided_on: date
    reference: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=1000)

    @staticmethod
    def of_form(form: dict[str, str]) -> dict[str, Any]:
        """The page form's values for `credit.record_repair` (its checks name the field)."""
        try:
            day = date.fromisoformat(form["decided_on"])
        except ValueError:
            raise InvalidInput("请填写修复决定日期（年-月-日）", "decided_on") from None
        return {**form, "decided_on": day}


class CreditRepairOut(_FromRow):
    id: int
    obligation_id: int
    publication_id: int
    decided_by: str
    decided_on: date
    reference: str
    reason: str
    recorded_by: int | None
    recorded_at: IsoDateTime


class ExemptionOut(_FromRow):
    id: int
    obligation_id: int
    reason: str
    basis: str
    requested_by: int
    status: ExemptionStatus
    decided_by: int | None
    decision_note: str


# ---- corrections, withdrawals, updates (`correction_routes`) ----------------------------------

_MOBILE = r"1[3-9]\d{9}"
_LANDLINE = r"0\d{2,3}-?\d{7,8}"
_EMAIL = r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+"


class RequestIn(BaseModel):
    """The public correction request form (公示办法 第九条第二项)."""

    p: BodyRecordId
    name: str = Field(min_length=1, max_length=100)
    contact: str = Field(min_length=1, max_length=200)
    what_is_wrong: str = Field(min_length=1, max_length=5000)

    @field_validator("name", "contact", "what_is_wrong", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if value[:1] in FORMULA_STARTS:  # no name starts so; a spreadsheet would run it
            raise ValueError("不能以 =、+、-、@ 或制表符、换行开头")
        return value

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        plain = value.replace(" ", "")
        if not any(re.fullmatch(p, plain) for p in (_MOBILE, _LANDLINE, _EMAIL)):
            raise ValueError("请填写手机号码、固定电话（如 021-12345678）或电子邮箱")
        return plain


class StaffCorrectionIn(BaseModel):
    obligation_id: BodyRecordId
    what_is_wrong: str = Field(min_length=1, max_length=5000)


class ProposalIn(BaseModel):
    edits: dict[str, str] = Field(default_factory=dict)
    rebuild: bool = False
    summary: str = Field(min_length=1, max_length=1000)

    @field_validator("edits")
    @classmethod
    def _edits(cls, value: dict[str, str]) -> dict[str, str]:
        """Each edited item's format, by the checks every public item passes. Which kind
        the publication is, the service knows (it checks the whole snapshot): here an
        item passes when it would for some kind holding it."""
        for key, text in value.items():
            kinds = [kind for kind, items in rules.ITEMS.items() if key in dict(items)]
            found = [validation.item_problem(kind, key, text) for kind in kinds]
            if found and all(found):
                raise ValueError(found[0])
        return value


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class ChangeIn(BaseModel):
    cause: WithdrawalCause
    occurred_on: date
    reason: str = Field(min_length=1, max_length=1000)
    decision_ref: str = Field(min_length=1, max_length=200)


class CorrectionOut(_FromRow):
    id: int
    receipt_number: str
    obligation_id: int
    source: str
    requester_name: str
    contact: str
    what_is_wrong: str
    evidence_digest: str | None
    evidence_type: str
    received_on: date
    limit_code: str
    due_on: date
    due_provisional: bool
    status: CorrectionStatus
    handler_id: int | None
    proposed_by: int | None
    decided_by: int | None
    decided_on: date | None
    decision_reason: str
    new_publication_id: int | None


class _TaskOut(_FromRow):
    id: int
    obligation_id: int
    decision_ref: str
    occurred_on: date
    limit_code: str
    due_on: date
    due_provisional: bool
    basis: str
    responsible_id: int | None
    unit_id: int | None
    status: TaskStatus
    done_on: date | None


class WithdrawalOut(_TaskOut):
    cause: WithdrawalCause
    reason: str
    publication_id: int | None


class PublicationUpdateOut(_TaskOut):
    withdrawal_id: int | None
    new_publication_id: int | None


class ChangeOut(BaseModel):
    """What a registered change of a decision opened: a withdrawal, an update, or both."""

    withdrawal: WithdrawalOut | None
    update: PublicationUpdateOut | None


class VersionOut(_FromRow):
    """A corrected or updated version of a publication."""

    id: int
    obligation_id: int
    version: int
    supersedes_id: int | None
    status: PublicationStatus
    correction_note: str
    digest: str
    ledger_index: int | None
    snapshot: dict[str, Any]

    @classmethod
    def of(cls, pub: Publication) -> VersionOut:
        fields = {k: getattr(pub, k) for k in cls.model_fields if k != "snapshot"}
        return cls(**fields, snapshot=service.snapshot_as_of(pub))


# ---- deliveries (`channel_routes`) ------------------------------------------------------------


class DeliveryOut(BaseModel):
    id: int
    publication_id: int | None
    public_snapshot_id: int | None  # a catalogue / officer / yearly-figures snapshot
    event: str
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    receipt: str
    delivered_at: datetime | None
    idempotency_key: str

    @classmethod
    def of(cls, delivery: Delivery, message: OutboxMessage, channel: Channel) -> DeliveryOut:
        return cls(
            id=delivery.id,
            publication_id=message.publication_id,
            public_snapshot_id=message.public_snapshot_id,
            event=message.event.value,
            channel=channel.code,
            status=delivery.status.value,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            last_error=delivery.last_error,
            receipt=delivery.receipt,
            delivered_at=delivery.delivered_at,
            idempotency_key=delivery.idempotency_key,
        )


# ---- the legal section's desk (who holds a correction request) -------------------------------


class HolderIn(BaseModel):
    """指派 / the default holder: a person of the legal section."""

    model_config = ConfigDict(extra="forbid")

    user_id: BodyRecordId


class HoldingOut(_FromRow):
    id: int
    receipt_number: str
    status: CorrectionStatus
    handler_id: int | None
    claimed_at: datetime | None
