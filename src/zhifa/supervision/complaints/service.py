"""Complaint cases (投诉举报): the intake from the portal and from the legal section's
desk, and the handling — accept or refuse (不予受理, with the reason), assign, link the
records concerned, record the findings (调查情况), draft the answer (答复), which a leader
signs (签发) or returns, and the leader-approved extension. Every change is ledgered in
the same transaction; every due day comes from the rule table and the calendar.

The public intake touches only ``complaint``, the blob registry and the ledger (and
reads the calendar and the portal's own tables), so that it runs in the portal-only
process, like the correction requests whose guards and limits it shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.access import log_access
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.models import User
from zhifa.core.permissions import Permission, Role
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.enforcement.models import Action
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.ledger.models import ledger_entry
from zhifa.publicity import corrections
from zhifa.recording.documents.models import Document
from zhifa.recording.media.models import Media
from zhifa.supervision.complaints import rules
from zhifa.supervision.complaints.models import Complaint, ComplaintLink
from zhifa.supervision.complaints.rules import Channel, ComplaintStatus, LinkKind, Tab

PUBLIC_ACTOR = corrections.PUBLIC_ACTOR


# ---- what people type (validated at the edge) ----------------------------------------------


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class PublicIn(BaseModel):
    """The public complaint form (a publication's public id, or the matter in words)."""

    p: int | None = Field(default=None, gt=0)
    matter: str = Field(default="", max_length=200)
    complaint_text: str = Field(min_length=1, max_length=5000)
    complainant_name: str = Field(min_length=1, max_length=100)
    complainant_phone: str = Field(min_length=1, max_length=40)

    _strip = field_validator(
        "matter", "complaint_text", "complainant_name", "complainant_phone", mode="before"
    )(_stripped)

    @field_validator("p", mode="before")
    @classmethod
    def _empty_id(cls, value: object) -> object:
        return None if value in ("", None) else value


class StaffIn(BaseModel):
    """A complaint the legal section enters from a letter, a call or a visit."""

    received_via: Channel
    received_on: date
    matter: str = Field(min_length=1, max_length=200)
    complaint_text: str = Field(min_length=1, max_length=5000)
    complainant_name: str = Field(min_length=1, max_length=100)
    complainant_phone: str = Field(default="", max_length=40)

    _strip = field_validator(
        "matter", "complaint_text", "complainant_name", "complainant_phone", mode="before"
    )(_stripped)

    @field_validator("received_via")
    @classmethod
    def _by_staff(cls, value: Channel) -> Channel:
        if value not in rules.STAFF_CHANNELS:
            raise ValueError("收到方式须为来信、来电或来访")
        return value


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)
    _strip = field_validator("reason", mode="before")(_stripped)


class ExtendIn(BaseModel):
    extension_reason: str = Field(min_length=1, max_length=1000)
    _strip = field_validator("extension_reason", mode="before")(_stripped)


class FindingsIn(BaseModel):
    findings: str = Field(min_length=1, max_length=5000)
    _strip = field_validator("findings", mode="before")(_stripped)


class AnswerIn(BaseModel):
    answer_public: str = Field(min_length=1, max_length=2000)
    answer_internal: str = Field(default="", max_length=2000)
    _strip = field_validator("answer_public", "answer_internal", mode="before")(_stripped)


class AssignIn(BaseModel):
    handler: int = Field(gt=0)


class LinkIn(BaseModel):
    link_kind: LinkKind
    link_id: int = Field(gt=0)
    link_note: str = Field(default="", max_length=500)
    _strip = field_validator("link_note", mode="before")(_stripped)


# ---- the intake ----------------------------------------------------------------------------


def _new(db: Session, received_on: date, **values: Any) -> Complaint:
    deadline = due(working_calendar(db), rules.ACCEPTANCE_LIMIT, received_on)
    row = Complaint(
        receipt_number=corrections.new_receipt(
            db, Complaint.receipt_number, rules.RECEIPT_PREFIX, received_on.year
        ),
        received_at=utcnow(),
        received_on=received_on,
        status=ComplaintStatus.received,
        limit_code=rules.ACCEPTANCE_LIMIT,
        due_on=deadline.date,
        due_provisional=deadline.provisional,
        due_basis=deadline.basis[:1000],
        notice_due_on=deadline.date,
        notice_due_provisional=deadline.provisional,
        **values,
    )
    db.add(row)
    return row


def receive(
    db: Session,
    store: BlobStore,
    settings: Settings,
    data: PublicIn,
    evidence: corrections.Evidence | None,
    client: str,
    *,
    received_on: date | None = None,
) -> Complaint:
    """A complaint from the portal: about a publication on the portal now (its public id)
    or a matter named in words; every check runs before the evidence is stored."""
    if data.p is not None and not corrections.publicly_shown(db, data.p):
        raise NotFound("所投诉的公示信息不存在或已不在公示中", "p")
    if data.p is None and not data.matter:
        raise DomainError("请写明投诉的执法事项（如执法单位、时间、地点、文书编号）", "matter")
    corrections.check_intake_limits(db, Complaint, client, evidence, settings)
    digest = corrections.stored_evidence(db, store, evidence)
    row = _new(
        db,
        received_on or today(),
        channel=Channel.portal,
        obligation_id=data.p,
        matter=data.matter or f"公示信息 {data.p}",
        complaint_text=data.complaint_text,
        complainant_name=data.complainant_name,
        complainant_phone=data.complainant_phone,
        evidence_digest=digest,
        evidence_type=evidence.content_type if evidence else "",
        client_key=client,
    )
    record_change(db, PUBLIC_ACTOR, "complaint.receive", row)
    return row


def enter(db: Session, who: Principal, data: StaffIn) -> Complaint:
    """A complaint from a letter, a call or a visit, entered by the legal section; the
    person entering it holds it. Its day of receipt may be earlier than today, not later."""
    if data.received_on > today():
        raise DomainError("收到日期不能晚于今天", "received_on")
    row = _new(
        db,
        data.received_on,
        channel=data.received_via,
        matter=data.matter,
        complaint_text=data.complaint_text,
        complainant_name=data.complainant_name,
        complainant_phone=data.complainant_phone,
        entered_by=who.user_id,
        handler_id=who.user_id,
    )
    record_change(db, actor_name(who), "complaint.enter", row)
    return row


def by_receipt(db: Session, receipt: str) -> Complaint:
    row = None
    if rules.RECEIPT_RE.fullmatch(receipt):
        row = db.scalar(select(Complaint).where(Complaint.receipt_number == receipt))
    if row is None:
        raise NotFound("未找到该受理编号，请核对后重试")
    return row


# ---- reading -------------------------------------------------------------------------------


def get(db: Session, complaint_id: int) -> Complaint:
    row = db.get(Complaint, complaint_id)
    if row is None:
        raise NotFound("投诉举报不存在")
    return row


def listed(db: Session, tab: Tab, day: date) -> list[Complaint]:
    """The complaints under ``tab`` on ``day``, soonest due first."""
    rows = db.scalars(select(Complaint).order_by(Complaint.due_on, Complaint.id))
    return [r for r in rows if tab in rules.tabs_of(r.status, r.due_on, day)]


def counts(db: Session, day: date) -> dict[Tab, int]:
    found = dict.fromkeys(Tab, 0)
    for row in db.scalars(select(Complaint)):
        for tab in rules.tabs_of(row.status, row.due_on, day):
            found[tab] += 1
    return found


def links_of(db: Session, complaint_id: int) -> list[ComplaintLink]:
    query = select(ComplaintLink).where(ComplaintLink.complaint_id == complaint_id)
    return list(db.scalars(query.order_by(ComplaintLink.id)))


def link_label(db: Session, link: ComplaintLink) -> str:
    """How a linked record reads on the case page."""
    if link.target_kind is LinkKind.document:
        doc = db.get(Document, link.target_id)
        return f"文书 {doc.doc_number or doc.kind}" if doc else f"文书 {link.target_id}"
    if link.target_kind is LinkKind.media:
        return f"音视频记录 {link.target_id}"
    action = db.get(Action, link.target_id)
    return f"案件 {action.title}" if action else f"案件 {link.target_id}"


@dataclass(frozen=True)
class Event:
    """One ledgered change of the case (its timeline): when, what, the ledger index."""

    at: datetime
    kind: str
    index: int


def timeline(db: Session, row: Complaint) -> list[Event]:
    """Every ledger entry of the complaint and of its links, in ledger order."""
    subjects = [f"complaint:{row.id}"]
    subjects += [f"complaint_link:{link.id}" for link in links_of(db, row.id)]
    entry = ledger_entry.c
    query = (
        select(entry["index"], entry.time, entry.kind)
        .where(entry.subject.in_(subjects))
        .order_by(entry["index"])
    )
    return [Event(at, kind, index) for index, at, kind in db.execute(query)]


@dataclass(frozen=True)
class CaseView:
    """Everything the case page shows."""

    complaint: Complaint
    links: list[tuple[ComplaintLink, str]]
    events: list[Event]
    handlers: list[User]
    names: dict[int, str]


def read(db: Session, who: Principal, complaint_id: int) -> CaseView:
    """The case page's content; the read is logged first (it shows personal data)."""
    row = get(db, complaint_id)
    log_access(db, who, "complaint", row.id, "投诉举报办理")
    people = {u.id: u.full_name for u in db.scalars(select(User))}
    links = [(one, link_label(db, one)) for one in links_of(db, row.id)]
    return CaseView(row, links, timeline(db, row), corrections.legal_section(db), people)


# ---- handling ------------------------------------------------------------------------------


def _step(db: Session, complaint_id: int, step: str) -> tuple[Complaint, ComplaintStatus | None]:
    row = get(db, complaint_id)
    return row, rules.check_step(step, row.status)


def _legal_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None or not user.is_active or Role.legal not in user.roles:
        raise DomainError("投诉举报只能由法制宣传科的在岗人员承办", "handler")
    return user


def _set_due(db: Session, row: Complaint, code: str, start: date) -> None:
    deadline = due(working_calendar(db), code, start)
    row.limit_code = code
    row.due_on = deadline.date
    row.due_provisional = deadline.provisional
    row.due_basis = deadline.basis[:1000]


def accept(db: Session, complaint_id: int, who: Principal) -> Complaint:
    """受理: the handling period (60 days) counts from today."""
    row, status = _step(db, complaint_id, "accept")
    assert status is not None
    day = today()
    row.status = status
    row.accepted_on = day
    row.accepted_by = who.user_id
    row.handler_id = row.handler_id or who.user_id
    _set_due(db, row, rules.HANDLING_LIMIT, day)
    record_change(db, actor_name(who), "complaint.accept", row)
    return row


def reject(db: Session, complaint_id: int, who: Principal, data: ReasonIn) -> Complaint:
    """不予受理, with the reason the complainant reads by the receipt number."""
    row, status = _step(db, complaint_id, "reject")
    assert status is not None
    row.status = status
    row.rejection_reason = data.reason
    row.handler_id = row.handler_id or who.user_id
    row.closed_on = today()
    record_change(db, actor_name(who), "complaint.reject", row)
    return row


def assign(db: Session, complaint_id: int, who: Principal, data: AssignIn) -> Complaint:
    row, _ = _step(db, complaint_id, "assign")
    _legal_user(db, data.handler)
    row.handler_id = data.handler
    record_change(db, actor_name(who), "complaint.assign", row)
    return row


def _action_of(db: Session, kind: LinkKind, target_id: int) -> int | None:
    if kind is LinkKind.action:
        return target_id if db.get(Action, target_id) is not None else None
    model: Any = Document if kind is LinkKind.document else Media
    record = db.get(model, target_id)
    return None if record is None else int(record.action_id)


def link(db: Session, complaint_id: int, who: Principal, data: LinkIn) -> ComplaintLink:
    """Link a record the complaint concerns, chosen by its id among those ``who`` may see
    (a record of a case outside their sight reads as not found)."""
    row, _ = _step(db, complaint_id, "link")
    label = rules.LINK_LABELS[data.link_kind]
    action_id = _action_of(db, data.link_kind, data.link_id)
    seen = action_id is not None and db.scalar(
        of_visible_actions(select(Action.id).where(Action.id == action_id), Action.id, who)
    )
    if not seen:
        raise NotFound(f"未找到编号为 {data.link_id} 的{label}（或您无权查看）", "link_id")
    taken = db.scalar(
        select(ComplaintLink.id).where(
            ComplaintLink.complaint_id == row.id,
            ComplaintLink.target_kind == data.link_kind,
            ComplaintLink.target_id == data.link_id,
        )
    )
    if taken is not None:
        raise Conflict(f"该{label}已关联", "link_id")
    added = ComplaintLink(
        complaint_id=row.id,
        target_kind=data.link_kind,
        target_id=data.link_id,
        action_id=action_id,
        note=data.link_note,
        linked_by=who.user_id,
    )
    db.add(added)
    record_change(db, actor_name(who), "complaint.link", added)
    return added


def record_findings(db: Session, complaint_id: int, who: Principal, data: FindingsIn) -> Complaint:
    row, _ = _step(db, complaint_id, "findings")
    row.findings = data.findings
    record_change(db, actor_name(who), "complaint.findings", row)
    return row


def propose(db: Session, complaint_id: int, who: Principal, data: AnswerIn) -> Complaint:
    """拟写答复: the public part (read by the complainant) and an internal note; a leader
    signs it. The findings come first."""
    row, status = _step(db, complaint_id, "propose")
    assert status is not None
    if not row.findings:
        raise DomainError("请先填写调查情况，再拟写答复", "findings")
    row.status = status
    row.answer_public = data.answer_public
    row.answer_internal = data.answer_internal
    row.proposed_by = who.user_id
    row.return_note = ""
    record_change(db, actor_name(who), "complaint.propose", row)
    return row


def _leader(who: Principal, row: Complaint) -> None:
    if not who.can(Permission.complaint_sign):
        raise Forbidden("答复须由局领导签发")
    if row.proposed_by == who.user_id:
        raise Forbidden("拟写答复的人不能签发自己的答复")


def sign(db: Session, complaint_id: int, who: Principal) -> Complaint:
    """签发: the answer goes out; the case is answered today."""
    row, status = _step(db, complaint_id, "sign")
    assert status is not None
    _leader(who, row)
    row.status = status
    row.signed_by = who.user_id
    row.closed_on = today()
    record_change(db, actor_name(who), "complaint.sign", row)
    return row


def send_back(db: Session, complaint_id: int, who: Principal, data: ReasonIn) -> Complaint:
    """退回: the leader returns the draft with a note; the handler revises it."""
    row, status = _step(db, complaint_id, "return")
    assert status is not None
    _leader(who, row)
    row.status = status
    row.return_note = data.reason
    record_change(db, actor_name(who), "complaint.return", row)
    return row


def extend(db: Session, complaint_id: int, who: Principal, data: ExtendIn) -> Complaint:
    """延期: a leader approves at most 30 more days, once (信访条例: 经负责人批准)."""
    row, _ = _step(db, complaint_id, "extend")
    if not who.can(Permission.complaint_sign):
        raise Forbidden("延长办理期限须经局领导批准")
    if row.limit_code == rules.EXTENSION_LIMIT:
        raise Conflict("办理期限已延长过一次，不能再延长", "extension_reason")
    row.extension_reason = data.extension_reason
    row.extended_by = who.user_id
    assert row.accepted_on is not None  # extending is a step of an accepted complaint
    _set_due(db, row, rules.EXTENSION_LIMIT, row.accepted_on)
    record_change(db, actor_name(who), "complaint.extend", row)
    return row
