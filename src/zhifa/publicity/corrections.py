"""Corrections of published decisions (公示办法 第九条第一、二项).

A correction request comes from the public in writing (the portal's form: receipt
number, 5 working days from receipt by the rule table) or from the staff's own finding.
The legal section verifies it and either rejects it with a reason (shown on the public
status page) or proposes a corrected version; a second person who may publish approves
it, which publishes the new version (``supersedes_id`` → the version it replaces, which
becomes ``superseded``) with a dated correction note, and tells every channel (outbox
event ``correct``).

The public intake touches only ``correction_request``, the blob registry and the ledger
(and reads the calendar), so that it can run in the portal-only process; the public id of
a publication is its obligation id (stable across versions).
"""

from __future__ import annotations

import copy
import io
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import store_blob
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound, TooManyRequests
from zhifa.core.models import StoredBlob, User, UserRole
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.publicity import outbox, service, snapshots
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.models import (
    CorrectionDesk,
    CorrectionRequest,
    CorrectionStatus,
    Publication,
    PublicationObligation,
    PublicationStatus,
)
from zhifa.publicity.portal import decisions as portal_store
from zhifa.publicity.portal.models import PortalStatus

LIMIT_CODE = "publicity.correction_request"
PUBLIC_ACTOR = "public"  # how the ledger names a request from the portal
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
RECEIPT_RE = re.compile(r"GZ-\d{4}-[" + RECEIPT_ALPHABET + r"]{8}")
# Items the bureau sets (not the decision): a correction may not edit them.
FIXED_ITEMS = frozenset({"public_until", "authority", "authority_uscc", "source", "source_uscc"})
EVIDENCE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class EvidenceTooLarge(DomainError):
    status_code = 413


# ---- the public intake -------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    data: bytes
    content_type: str


def sniff(data: bytes) -> str | None:
    """The document type by its magic bytes (the name and the sender's type are ignored)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def evidence_of(data: bytes, max_bytes: int) -> Evidence | None:
    """Check an uploaded file before anything is stored; None when nothing was sent."""
    if not data:
        return None
    if len(data) > max_bytes:
        limit_mb = max_bytes / 1024**2
        raise EvidenceTooLarge(f"证明材料过大：文件不能超过 {limit_mb:g} MB", "evidence")
    kind = sniff(data)
    if kind is None:
        raise DomainError("证明材料只接受 PDF、JPEG 或 PNG 格式的文件", "evidence")
    return Evidence(data, kind)


@dataclass(frozen=True)
class Intake:
    """What the requester typed (already validated at the edge)."""

    obligation_id: int
    name: str
    contact: str
    what_is_wrong: str


def publicly_shown(db: Session, obligation_id: int) -> bool:
    """Whether the publication with this public id is on the portal now (read from the
    portal's own table, so that the intake works in the portal-only process)."""
    entry = portal_store.entry(db, obligation_id)
    return entry is not None and entry.status == PortalStatus.current


def new_receipt(db: Session, column: Any, prefix: str, year: int) -> str:
    """A receipt number not yet in ``column``: ``<prefix>-<year>-`` and 8 characters of
    `RECEIPT_ALPHABET` (shared by the public forms that give a receipt)."""
    while True:
        tail = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
        number = f"{prefix}-{year}-{tail}"
        if db.scalar(select(column).where(column == number)) is None:
            return number


def _new_correction(
    db: Session, obligation_id: int, received_on: date, **values: Any
) -> CorrectionRequest:
    deadline = due(working_calendar(db), LIMIT_CODE, received_on)
    row = CorrectionRequest(
        receipt_number=new_receipt(db, CorrectionRequest.receipt_number, "GZ", received_on.year),
        obligation_id=obligation_id,
        received_at=utcnow(),
        received_on=received_on,
        limit_code=LIMIT_CODE,
        due_on=deadline.date,
        due_provisional=deadline.provisional,
        status=CorrectionStatus.open,
        decision_reason="",
        **values,
    )
    db.add(row)
    return row


def check_intake_limits(
    db: Session, model: Any, client: str, evidence: Evidence | None, settings: Settings
) -> None:
    """The public intake's limits for one client (a keyed hash of its address), on the
    table ``model`` of a public form (columns ``client_key``, ``received_at``,
    ``evidence_digest``): accepted submissions per hour, and evidence bytes per 24 hours
    (each submission's file counted at its size, also when the same file was sent before)."""
    since = utcnow() - timedelta(hours=1)  # not a legal limit: a rate window
    recent = db.scalar(
        select(func.count())
        .select_from(model)
        .where(model.client_key == client, model.received_at >= since)
    )
    if (recent or 0) >= settings.correction_requests_per_hour:
        raise TooManyRequests("提交过于频繁，请一小时后再试，或致电本局法制宣传科")
    if evidence is None:
        return
    window = utcnow() - timedelta(days=1)  # not a legal limit: a quota window
    stored = db.scalar(
        select(func.coalesce(func.sum(StoredBlob.size), 0))
        .select_from(model)
        .join(StoredBlob, StoredBlob.digest == model.evidence_digest)
        .where(model.client_key == client, model.received_at >= window)
    )
    limit = settings.correction_evidence_bytes_per_day
    if int(stored or 0) + len(evidence.data) > limit:
        shown = f"{limit / 1024**2:g} MB" if limit >= 1024**2 else f"{limit / 1024:g} KB"
        raise TooManyRequests(
            f"证明材料已达上限：同一来源24小时内最多上传 {shown}，"
            "请稍后再试，或将材料直接送交本局法制宣传科",
            "evidence",
        )


def stored_evidence(db: Session, store: BlobStore, evidence: Evidence | None) -> str | None:
    """Store an accepted submission's evidence; its digest (None when none was sent)."""
    if evidence is None:
        return None
    return store_blob(db, store, io.BytesIO(evidence.data), None, len(evidence.data)).digest


def receive(
    db: Session,
    store: BlobStore,
    settings: Settings,
    intake: Intake,
    evidence: Evidence | None,
    client: str,
    *,
    received_on: date | None = None,
) -> CorrectionRequest:
    """A written correction request from the public; every check runs before the evidence
    is stored, so a refused request leaves nothing behind."""
    if not publicly_shown(db, intake.obligation_id):
        raise NotFound("要求更正的公示信息不存在或已不在公示中", "p")
    check_intake_limits(db, CorrectionRequest, client, evidence, settings)
    digest = stored_evidence(db, store, evidence)
    row = _new_correction(
        db,
        intake.obligation_id,
        received_on or today(),
        source="public",
        requester_name=intake.name,
        contact=intake.contact,
        what_is_wrong=intake.what_is_wrong,
        evidence_digest=digest,
        evidence_type=evidence.content_type if evidence else "",
        client_key=client,
    )
    record_change(db, PUBLIC_ACTOR, "correction.receive", row)
    return row


def by_receipt(db: Session, receipt: str) -> CorrectionRequest:
    row = None
    if RECEIPT_RE.fullmatch(receipt):
        row = db.scalar(
            select(CorrectionRequest).where(CorrectionRequest.receipt_number == receipt)
        )
    if row is None:
        raise NotFound("未找到该受理编号，请核对后重试")
    return row


# ---- the staff side ----------------------------------------------------------------------------


def get_correction(db: Session, correction_id: int) -> CorrectionRequest:
    row = db.get(CorrectionRequest, correction_id)
    if row is None:
        raise NotFound("更正申请不存在")
    return row


def list_corrections(
    db: Session,
    status: CorrectionStatus | None = None,
    holder: Holder | None = None,
    who: Principal | None = None,
) -> list[CorrectionRequest]:
    """The requests, soonest due first; `holder` narrows to those `who` holds (我的) or
    those nobody has claimed yet (未认领, answered ones left out)."""
    row = CorrectionRequest
    query = select(row).order_by(row.due_on, row.id)
    if status is not None:
        query = query.where(row.status == status)
    if holder is Holder.mine and who is not None:
        query = query.where(row.handler_id == who.user_id)
    if holder is Holder.unclaimed:
        query = query.where(row.claimed_at.is_(None), row.status.in_(_UNANSWERED))
    return list(db.scalars(query))


# ---- the desk: who holds a request (认领, 指派, the default holder) -----------------------------


class Holder(StrEnum):
    mine = "mine"  # 我的
    unclaimed = "unclaimed"  # 未认领


HOLDER_LABELS = {Holder.mine: "我的", Holder.unclaimed: "未认领"}
_UNANSWERED = (CorrectionStatus.open, CorrectionStatus.proposed)


def legal_section(db: Session) -> list[User]:
    """The people who may hold a correction request: active users of the legal section."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.legal.value, User.is_active.is_(True))
        .order_by(User.id)
    )
    return list(db.scalars(query))


def _legal_user(db: Session, user_id: int, field: str) -> User:
    user = db.get(User, user_id)
    if user is None or not user.is_active or Role.legal not in user.roles:
        raise DomainError("更正申请只能由法制宣传科的在岗人员承办", field)
    return user


def desk(db: Session) -> CorrectionDesk | None:
    return db.get(CorrectionDesk, 1)


def default_holder(db: Session) -> int | None:
    """Who holds a new request: the person the legal section set, else its first person
    (so a request is never left with no one)."""
    row = desk(db)
    if row is not None and row.default_holder_id is not None:
        return row.default_holder_id
    section = legal_section(db)
    return section[0].id if section else None


def set_default_holder(db: Session, who: Principal, user_id: int) -> CorrectionDesk:
    """Who holds new requests until someone claims them (ledgered)."""
    _legal_user(db, user_id, "holder")
    row = desk(db)
    if row is None:
        row = CorrectionDesk(id=1)
        db.add(row)
    row.default_holder_id = user_id
    row.set_by = who.user_id
    row.set_at = utcnow()
    db.flush()
    record_change(db, actor_name(who), "correction.default_holder", row)
    return row


def hand_out(db: Session) -> int:
    """Give every unanswered request nobody holds to the default holder (a duty source's
    catch-up work: the portal's intake cannot read the desk); how many were given."""
    holder = default_holder(db)
    if holder is None:
        return 0
    waiting = db.scalars(
        select(CorrectionRequest).where(
            CorrectionRequest.handler_id.is_(None),
            CorrectionRequest.status.in_(_UNANSWERED),
        )
    )
    given = 0
    for request in waiting:
        request.handler_id = holder
        record_change(db, None, "correction.assign", request)
        given += 1
    return given


def _unanswered(db: Session, correction_id: int) -> CorrectionRequest:
    correction = get_correction(db, correction_id)
    _require_open(correction)
    return correction


def claim(db: Session, correction_id: int, who: Principal) -> CorrectionRequest:
    """认领: a person of the legal section takes a request nobody has claimed."""
    correction = _unanswered(db, correction_id)
    _legal_user(db, who.user_id, "holder")
    if correction.claimed_at is not None:
        if correction.handler_id == who.user_id:
            return correction
        raise Conflict("该更正申请已由他人认领；如需转交，请使用“指派”")
    correction.handler_id = who.user_id
    correction.claimed_at = utcnow()
    record_change(db, actor_name(who), "correction.claim", correction)
    return correction


def assign(db: Session, correction_id: int, who: Principal, user_id: int) -> CorrectionRequest:
    """指派: hand a request to a person of the legal section."""
    correction = _unanswered(db, correction_id)
    _legal_user(db, user_id, "holder")
    correction.handler_id = user_id
    correction.claimed_at = utcnow()
    record_change(db, actor_name(who), "correction.assign", correction)
    return correction


def open_by_staff(
    db: Session, obligation_id: int, who: Principal, what_is_wrong: str
) -> CorrectionRequest:
    """A correction the staff found themselves (第九条第一项 "应及时更正"); held to the same
    5 working days as a written request."""
    text = what_is_wrong.strip()
    if not text:
        raise DomainError("请说明需要更正的内容", "what_is_wrong")
    service.get_obligation(db, obligation_id)
    if current_version(db, obligation_id) is None:
        raise Conflict("该公示当前不在公示中，无需更正")
    row = _new_correction(
        db,
        obligation_id,
        today(),
        source="staff",
        requester_name=who.full_name,
        contact="",
        what_is_wrong=text[:5000],
        handler_id=who.user_id,
        claimed_at=utcnow(),  # the finder holds it
    )
    record_change(db, actor_name(who), "correction.open", row)
    return row


def current_version(db: Session, obligation_id: int) -> Publication | None:
    """The version on the portal now."""
    return db.scalar(
        select(Publication).where(
            Publication.obligation_id == obligation_id,
            Publication.status == PublicationStatus.published,
        )
    )


def _pending_draft(db: Session, obligation_id: int) -> Publication | None:
    return db.scalar(
        select(Publication).where(
            Publication.obligation_id == obligation_id,
            Publication.status == PublicationStatus.draft,
            Publication.supersedes_id.is_not(None),
        )
    )


def rebuilt_snapshot(
    db: Session,
    settings: Settings,
    obligation: PublicationObligation,
    base: Publication,
    decided_on: date | None = None,
) -> dict[str, Any]:
    """The snapshot of the decision as it stands now (`service.current_decision`), with the
    period of `base`."""
    doc = service.current_decision(db, obligation)
    decision = snapshots.Decision(
        kind=obligation.kind,
        document_kind=doc.kind,
        doc_number=doc.doc_number or "",
        decided_on=decided_on or obligation.decided_on,
        fields=dict(doc.fields or {}),
        context=dict(doc.context or {}),
    )
    return snapshots.build(
        decision,
        bureau=snapshots.Bureau(settings.bureau_name, settings.bureau_uscc),
        public_until=base.public_until,
        name_mode=settings.publicity_person_name,
    )


def edited(snapshot: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """`snapshot` with the public items in `edits` replaced (only decision items)."""
    result = copy.deepcopy(snapshot)
    labels = {item["key"]: item["label"] for item in result["items"]}
    for key, value in edits.items():
        if key not in labels:
            raise DomainError(f"公示内容中没有“{key}”这一项", key)
        if key in FIXED_ITEMS:
            raise DomainError(f"“{labels[key]}”由本局设定，不能在更正中修改", key)
        if len(value) > 1000:
            raise DomainError("更正后的内容不能超过 1000 个字符", key)
    for item in result["items"]:
        if item["key"] in edits:
            item["value"] = edits[item["key"]].strip()
    return result


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, old value, new value) of every item that differs: what the approver checks."""
    old = {item["key"]: str(item["value"]) for item in before["items"]}
    return [
        (item["label"], old.get(item["key"], ""), str(item["value"]))
        for item in after["items"]
        if old.get(item["key"], "") != str(item["value"])
    ]


def draft_version(
    db: Session,
    base: Publication,
    snapshot: dict[str, Any],
    who: Principal,
    own: int | None,
) -> Publication:
    """The next version's draft: the task's own draft (`own`) is rebuilt; another task's
    pending draft blocks (one new version at a time)."""
    found = service._leaks(snapshot)
    if found:
        raise DomainError("更正后的内容含有未脱敏的证件号或手机号，请改为脱敏后的写法")
    service.refuse_wrong(snapshot)
    text = snapshots.canonical(snapshot)
    pub = _pending_draft(db, base.obligation_id)
    if pub is not None and pub.id != own:
        raise Conflict("该公示已有待批准发布的新版本（更正或更新），请先处理该版本")
    if pub is None:
        top = db.scalar(
            select(func.max(Publication.version)).where(
                Publication.obligation_id == base.obligation_id
            )
        )
        pub = Publication(obligation_id=base.obligation_id, version=(top or 0) + 1)
        db.add(pub)
    pub.kind = base.kind
    pub.supersedes_id = base.id
    pub.status = PublicationStatus.draft
    pub.severity = base.severity
    pub.period_code = base.period_code
    pub.period_months = base.period_months
    pub.public_until = base.public_until
    pub.credit_necessity = base.credit_necessity
    pub.snapshot = snapshot
    pub.snapshot_json = text
    pub.digest = snapshots.digest(text)
    pub.created_by = who.user_id
    record_change(db, actor_name(who), "publication.draft", pub)
    return pub


def publish_version(
    db: Session, pub: Publication, who: Principal, event: OutboxEvent, note: str
) -> Publication:
    """Publish a reviewed new version: the person approving is the reviewer of record; the
    version it replaces leaves the portal (superseded), unless it was already withdrawn."""
    if pub.status is not PublicationStatus.draft or pub.supersedes_id is None:
        raise Conflict("该版本不是待发布的新版本")
    base = db.get(Publication, pub.supersedes_id)
    assert base is not None
    replaces = base.status is PublicationStatus.published
    if not replaces and base.status is not PublicationStatus.withdrawn:
        raise Conflict("被取代的版本已不在公示中，不能发布新版本")
    if snapshots.digest(pub.snapshot_json) != pub.digest:
        raise Conflict("新版本内容与摘要不一致，不能发布")
    service.refuse_wrong(service.snapshot_as_of(pub))
    actor = actor_name(who)
    now = utcnow()
    pub.status = PublicationStatus.published
    pub.reviewed_digest = pub.digest
    pub.reviewed_by = who.user_id
    pub.reviewed_at = now
    pub.published_by = who.user_id
    pub.published_at = now
    pub.correction_note = note[:500]
    service.record_snapshot(db, pub, actor)
    record_change(db, actor, f"publication.{event.value}", pub)
    if replaces:
        base.status = PublicationStatus.superseded
        base.ended_at = now
        base.end_reason = f"已由第 {pub.version} 版取代"
        record_change(db, actor, "publication.supersede", base)
    outbox.enqueue(db, pub, event, note=note)
    return pub


def dated_note(day: date, summary: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日更正：{summary}"


def _require_open(correction: CorrectionRequest) -> None:
    if correction.status in (CorrectionStatus.corrected, CorrectionStatus.rejected):
        raise Conflict("该更正申请已处理完毕")


def propose(
    db: Session,
    settings: Settings,
    correction_id: int,
    who: Principal,
    *,
    edits: dict[str, str],
    rebuild: bool,
    summary: str,
) -> Publication:
    """Verify and propose the corrected version (a draft that a second person publishes)."""
    correction = get_correction(db, correction_id)
    _require_open(correction)
    text = summary.strip()
    if not text:
        raise DomainError("请填写更正说明（将随更正后的公示一并公开）", "summary")
    base = current_version(db, correction.obligation_id)
    if base is None:
        raise Conflict("该公示当前不在公示中，无法更正")
    obligation = service.get_obligation(db, correction.obligation_id)
    start = rebuilt_snapshot(db, settings, obligation, base) if rebuild else base.snapshot
    snapshot = edited(start, edits)
    if snapshots.canonical(snapshot) == base.snapshot_json:
        raise DomainError("更正后的内容与现行公示相同，请修改需要更正的项目", "summary")
    pub = draft_version(db, base, snapshot, who, correction.new_publication_id)
    db.flush()
    correction.status = CorrectionStatus.proposed
    correction.proposed_by = who.user_id
    correction.handler_id = correction.handler_id or who.user_id
    correction.decision_reason = text[:1000]
    correction.new_publication_id = pub.id
    record_change(db, actor_name(who), "correction.propose", correction)
    return pub


def approve(db: Session, correction_id: int, who: Principal) -> Publication:
    """A second person publishes the proposed correction (four eyes)."""
    correction = get_correction(db, correction_id)
    if correction.status is not CorrectionStatus.proposed or correction.new_publication_id is None:
        raise Conflict("该更正申请没有待批准发布的更正")
    if correction.proposed_by == who.user_id:
        raise Forbidden("更正须由拟更正人以外的有发布权限的人员批准发布")
    pub = service.get_publication(db, correction.new_publication_id)
    day = today()
    publish_version(db, pub, who, OutboxEvent.correct, dated_note(day, correction.decision_reason))
    correction.status = CorrectionStatus.corrected
    correction.decided_by = who.user_id
    correction.decided_at = utcnow()
    correction.decided_on = day
    record_change(db, actor_name(who), "correction.correct", correction)
    return pub


def reject(db: Session, correction_id: int, who: Principal, reason: str) -> CorrectionRequest:
    """不予更正, with the reason the requester reads on the status page."""
    correction = get_correction(db, correction_id)
    if correction.status is not CorrectionStatus.open:
        raise Conflict("该更正申请已拟更正或已处理，不能再不予更正")
    text = reason.strip()
    if not text:
        raise DomainError("不予更正的，须说明理由", "reason")
    correction.status = CorrectionStatus.rejected
    correction.handler_id = correction.handler_id or who.user_id
    correction.decided_by = who.user_id
    correction.decided_at = utcnow()
    correction.decided_on = today()
    correction.decision_reason = text[:1000]
    record_change(db, actor_name(who), "correction.reject", correction)
    return correction
