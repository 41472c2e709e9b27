"""Use cases of 档案利用: ask to read, copy or borrow an archive file; an archivist or a
leader decides (an approval is a ``core.grants`` grant of the file with an end date); a
grant can be revoked early; a borrowed copy is lent and returned; and every opening of an
item under a live grant is access-logged with the request as its purpose.

Who needs a request: everyone who uses an archived file — also the officers of the case
and those who see every case (their case's live records stay readable on the case's own
pages; the archive file is the bureau's kept copy, used with the keeper's consent). The
archivist, who keeps the files, may open unclassified items for custody (整理、检测)
without a request; that is logged as custody."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.filing.models import ArchiveFile, ArchiveItem
from zhifa.archive.use.models import ArchiveUse, ArchiveUseRequest
from zhifa.archive.use.rules import (
    APPROVER_LABELS,
    USE_KIND_LABELS,
    RequestStatus,
    UseKind,
    UseMode,
    UseState,
    allows,
    approver_for,
    covers,
    custodian_may_view,
    end_of_day,
    grant_until,
    may_decide,
    reason_problem,
    state_of,
    wanted_problem,
)
from zhifa.blobs import BlobStore
from zhifa.core import grants
from zhifa.core.access import log_access
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.clock import people_datetime
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.models import AccessLog, User
from zhifa.core.permissions import Permission
from zhifa.core.validation import BodyRecordId
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.recording.access.watermark import Mark, watermark
from zhifa.recording.documents.render import stamp_pdf

_CHUNK = 1024 * 1024
ItemNo = Annotated[int, Field(ge=1, le=100_000)]


class RequestIn(BaseModel):
    file_id: BodyRecordId | None = None
    archival_code: str = Field(default="", max_length=120)
    item_nos: list[ItemNo] = Field(default_factory=list, max_length=500)
    use_kind: UseKind
    reason: str = Field(default="", max_length=2000)  # judged by rules.reason_problem
    wanted_until: date


class DecisionIn(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=300)
    valid_until: date | None = None  # shorter than asked, if the approver wishes


class RevokeIn(BaseModel):
    note: str = Field(default="", max_length=300)


def state(row: ArchiveUseRequest, now: datetime | None = None) -> UseState:
    grant = row.grant
    return state_of(
        row.status,
        grant.valid_until if grant else None,
        grant is not None and grant.revoked_at is not None,
        now or utcnow(),
    )


# ---- asking -----------------------------------------------------------------------------


def files_to_ask_for(db: Session, who: Principal) -> list[ArchiveFile]:
    """Archive files of the cases ``who`` may see (others are asked for by 档号)."""
    query = of_visible_actions(select(ArchiveFile), ArchiveFile.action_id, who)
    return list(db.scalars(query.order_by(ArchiveFile.filed_at.desc()).limit(200)))


def _file_of(db: Session, data: RequestIn) -> ArchiveFile | str:
    """The file asked for, or why it cannot be found."""
    code = data.archival_code.strip()
    if data.file_id is not None:
        found = db.get(ArchiveFile, data.file_id)
        return found if found is not None else "没有这份档案"
    if code:
        found = db.scalar(select(ArchiveFile).where(ArchiveFile.archival_code == code))
        return found if found is not None else f"没有档号为 {code} 的档案"
    return "请选择档案或填写档号"


def make_request(db: Session, data: RequestIn, who: Principal) -> ArchiveUseRequest:
    """A new 利用申请, for the approver its kind and the file's items call for."""
    now = utcnow()
    problems: dict[str, str] = {}
    file = _file_of(db, data)
    if isinstance(file, str):
        problems["archival_code" if data.archival_code.strip() else "file_id"] = file
    if problem := reason_problem(data.reason):
        problems["reason"] = problem
    if problem := wanted_problem(data.wanted_until, now, grants.latest_until(now)):
        problems["wanted_until"] = problem
    item_nos = sorted(set(data.item_nos))
    if not isinstance(file, str):
        missing = [n for n in item_nos if n > file.item_count]
        if missing:
            problems["item_nos"] = f"这份档案只有 {file.item_count} 件，没有第 {missing[0]} 件"
    if problems or isinstance(file, str):
        field, message = next(iter(problems.items()))
        raise DomainError(message, field, problems)
    items = [i for i in file.items if covers(item_nos, i.item_no)]
    row = ArchiveUseRequest(
        file_id=file.id,
        item_nos=item_nos,
        kind=data.use_kind,
        reason=data.reason.strip(),
        wanted_until=end_of_day(data.wanted_until),
        approver=approver_for(data.use_kind, any(i.classified for i in items)),
        status=RequestStatus.pending,
        requested_by=who.user_id,
        requested_at=now,
    )
    db.add(row)
    db.flush()
    record_change(db, actor_name(who), "archive.use.request", row)
    return row


# ---- reading requests -------------------------------------------------------------------


def get_request(db: Session, request_id: int, who: Principal) -> ArchiveUseRequest:
    """A request its asker or an approver may see; 404 alike for missing and not theirs."""
    row = db.get(ArchiveUseRequest, request_id)
    if row is None or (
        row.requested_by != who.user_id and not who.can(Permission.archive_use_approve)
    ):
        raise NotFound("没有这个利用申请")
    return row


def my_requests(db: Session, who: Principal) -> list[ArchiveUseRequest]:
    query = select(ArchiveUseRequest).where(ArchiveUseRequest.requested_by == who.user_id)
    return list(db.scalars(query.order_by(ArchiveUseRequest.id.desc()).limit(200)))


def to_decide(db: Session, who: Principal) -> list[ArchiveUseRequest]:
    """Pending requests ``who`` may decide (never their own), the oldest first."""
    query = select(ArchiveUseRequest).where(
        ArchiveUseRequest.status == RequestStatus.pending,
        ArchiveUseRequest.requested_by != who.user_id,
    )
    rows = db.scalars(query.order_by(ArchiveUseRequest.id))
    return [r for r in rows if may_decide(r.approver, who.roles)]


def decided(db: Session, limit: int = 100) -> list[ArchiveUseRequest]:
    """Decided requests, newest first (approvers see each other's decisions)."""
    query = select(ArchiveUseRequest).where(ArchiveUseRequest.status != RequestStatus.pending)
    return list(db.scalars(query.order_by(ArchiveUseRequest.decided_at.desc()).limit(limit)))


def approvals(db: Session, who: Principal) -> dict[str, Any]:
    """利用审批: what waits for ``who``, the copies out on loan, the latest decisions, and
    the names of the people they mention."""
    lists = {"pending": to_decide(db, who), "on_loan": out_on_loan(db), "recent": decided(db)}
    rows = [row for found in lists.values() for row in found]
    ids = {i for row in rows for i in (row.requested_by, row.decided_by)}
    return {**lists, "people": _names_of(db, ids)}


def names(db: Session, row: ArchiveUseRequest) -> dict[int, str]:
    """The names of the people a request's page mentions."""
    ids = {row.requested_by, row.decided_by, row.lent_by, row.returned_by}
    if row.grant is not None:
        ids.add(row.grant.revoked_by)
    return _names_of(db, ids)


def _names_of(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    query = select(User.id, User.full_name).where(User.id.in_(wanted))
    return {user_id: name for user_id, name in db.execute(query)}


def may_act_on(row: ArchiveUseRequest, who: Principal) -> dict[str, bool]:
    """Which of the approvers' forms the request's page offers ``who``."""
    now_state = state(row)
    approver = who.can(Permission.archive_use_approve) and row.requested_by != who.user_id
    decides = approver and may_decide(row.approver, who.roles)
    borrow = approver and row.kind is UseKind.borrow
    return {
        "decide": decides and now_state is UseState.pending,
        "revoke": decides and now_state is UseState.live,
        "lend": borrow and now_state is UseState.live and row.lent_at is None,
        "give_back": borrow and row.lent_at is not None and row.returned_at is None,
    }


def items_of(row: ArchiveUseRequest) -> list[ArchiveItem]:
    return [i for i in row.file.items if covers(row.item_nos, i.item_no)]


@dataclass(frozen=True)
class UseRow:
    use: ArchiveUse
    log: AccessLog


def uses_of(db: Session, row: ArchiveUseRequest) -> list[UseRow]:
    query = (
        select(ArchiveUse, AccessLog)
        .join(AccessLog, AccessLog.id == ArchiveUse.access_id)
        .where(ArchiveUse.request_id == row.id)
        .order_by(ArchiveUse.id.desc())
    )
    return [UseRow(use, log) for use, log in db.execute(query)]


# ---- deciding ---------------------------------------------------------------------------


def _check_decider(row: ArchiveUseRequest, who: Principal) -> None:
    if row.requested_by == who.user_id:
        raise Forbidden("不能审批自己提出的利用申请")
    if not may_decide(row.approver, who.roles):
        raise Forbidden(f"这份利用申请须由{APPROVER_LABELS[row.approver]}审批")


def purpose_text(row: ArchiveUseRequest) -> str:
    """The request as a read's purpose (access log) and as the grant's reason."""
    return f"档案利用申请第{row.id}号（{USE_KIND_LABELS[row.kind]}）：{row.reason}"[:200]


def decide(
    db: Session, row: ArchiveUseRequest, data: DecisionIn, who: Principal
) -> ArchiveUseRequest:
    """Approve (a grant of the file to the asker until the earliest of what was asked,
    what the approver chose and the longest grant) or refuse with a reason."""
    if row.status is not RequestStatus.pending:
        raise Conflict("这份利用申请已经审批过")
    _check_decider(row, who)
    now = utcnow()
    note = data.note.strip()
    if data.approve:
        chosen = end_of_day(data.valid_until) if data.valid_until else None
        if chosen is not None and chosen <= now:
            raise DomainError("有效期至不能早于今天", "valid_until")
        until = grant_until(row.wanted_until, chosen, grants.latest_until(now), now)
        if until is None:
            raise DomainError("申请的截止日期已过，不能批准；请申请人重新申请", "valid_until")
        grant = grants.grant(db, _grant_in(row, until), who, record_exists=True)
        db.flush()
        row.grant_id = grant.id
        row.grant = grant
    elif len(note) < 2:
        raise DomainError("不批准时请写明理由", "note")
    row.status = RequestStatus.approved if data.approve else RequestStatus.refused
    row.decided_by = who.user_id
    row.decided_at = now
    row.decision_note = note
    record_change(db, actor_name(who), "archive.use.decide", row)
    return row


def _grant_in(row: ArchiveUseRequest, until: datetime) -> grants.GrantIn:
    return grants.GrantIn(
        grantee_id=row.requested_by,
        record_type=grants.GrantRecord.archive_file,
        record_id=row.file_id,
        reason=purpose_text(row),
        valid_until=until,
    )


def revoke(
    db: Session, row: ArchiveUseRequest, data: RevokeIn, who: Principal
) -> ArchiveUseRequest:
    """End a live grant early, with a reason."""
    if state(row) is not UseState.live or row.grant_id is None:
        raise Conflict("只有有效的利用授权可以撤销")
    _check_decider(row, who)
    note = data.note.strip()
    if len(note) < 2:
        raise DomainError("撤销时请写明理由", "note")
    grants.revoke(db, row.grant_id, who)
    row.revoke_note = note
    record_change(db, actor_name(who), "archive.use.revoke", row)
    return row


def lend(db: Session, row: ArchiveUseRequest, who: Principal) -> ArchiveUseRequest:
    """借出: the archivist hands the borrowed copy over (only under a live grant)."""
    if row.kind is not UseKind.borrow:
        raise Conflict("只有借出申请才办理借出")
    if state(row) is not UseState.live:
        raise Conflict("利用授权已失效，不能借出")
    if row.lent_at is not None:
        raise Conflict("已经借出")
    if row.requested_by == who.user_id:
        raise Forbidden("不能为自己办理借出")
    row.lent_at, row.lent_by = utcnow(), who.user_id
    record_change(db, actor_name(who), "archive.use.lend", row)
    return row


def give_back(db: Session, row: ArchiveUseRequest, who: Principal) -> ArchiveUseRequest:
    """归还: the borrowed copy is back (also after the grant ended: it must come back)."""
    if row.lent_at is None:
        raise Conflict("尚未借出，无需归还")
    if row.returned_at is not None:
        raise Conflict("已经归还")
    if row.requested_by == who.user_id:
        raise Forbidden("归还须由档案管理员登记")
    row.returned_at, row.returned_by = utcnow(), who.user_id
    record_change(db, actor_name(who), "archive.use.return", row)
    return row


def out_on_loan(db: Session) -> list[ArchiveUseRequest]:
    query = select(ArchiveUseRequest).where(
        ArchiveUseRequest.lent_at.is_not(None), ArchiveUseRequest.returned_at.is_(None)
    )
    return list(db.scalars(query.order_by(ArchiveUseRequest.lent_at)))


# ---- using ------------------------------------------------------------------------------


class NoGrant(Forbidden):
    """No live grant lets this person use the item this way."""

    def __init__(self, message: str, file_id: int) -> None:
        super().__init__(message)
        self.file_id = file_id


@dataclass(frozen=True)
class Opened:
    item: ArchiveItem
    request: ArchiveUseRequest | None  # None: the archivist's custody


def _live_requests(db: Session, who: Principal, file_id: int) -> list[ArchiveUseRequest]:
    """``who``'s approved requests of the file whose grant is in force now (core.grants
    decides what is in force: the file must be among ``granted_ids``)."""
    in_force = grants.granted_ids(who, grants.GrantRecord.archive_file)
    query = select(ArchiveUseRequest).where(
        ArchiveUseRequest.requested_by == who.user_id,
        ArchiveUseRequest.file_id == file_id,
        ArchiveUseRequest.file_id.in_(in_force),
        ArchiveUseRequest.status == RequestStatus.approved,
    )
    rows = db.scalars(query.order_by(ArchiveUseRequest.id.desc()))
    return [r for r in rows if state(r) is UseState.live]


def open_item(db: Session, who: Principal, item_id: int, mode: UseMode) -> Opened:
    """May ``who`` open this item this way, and under which request? ``NoGrant`` if not."""
    item = db.get(ArchiveItem, item_id)
    if item is None:
        raise NotFound("卷内文件不存在")
    for row in _live_requests(db, who, item.file_id):
        if covers(row.item_nos, item.item_no) and allows(row.kind, mode):
            return Opened(item, row)
    if custodian_may_view(who.can(Permission.archive_file), item.classified, mode):
        return Opened(item, None)
    what = "复制（下载）" if mode is UseMode.copy else "查阅"
    raise NoGrant(
        f"{what}这份档案须先提出利用申请并经批准（《档案法实施条例》第三十四条第二款）；"
        f"您目前没有{what}这件档案的有效授权。",
        item.file_id,
    )


_RECORD_TYPES = {UseMode.view: "archive_item", UseMode.copy: "archive_item_copy"}


def log_use(db: Session, who: Principal, opened: Opened, mode: UseMode, via: str) -> None:
    """The access-log row (committed at once, before anything is served) and its tie to
    the request."""
    item, row = opened.item, opened.request
    record_type = _RECORD_TYPES[mode] if row else "archive_item_custody"
    purpose = purpose_text(row) if row else "档案保管（整理、检测）"
    action_id = db.get(ArchiveFile, item.file_id).action_id  # type: ignore[union-attr]
    log = log_access(db, who, record_type, item.id, purpose, via, action_id=action_id)
    if row is not None:
        use = ArchiveUse(request_id=row.id, item_id=item.id, access_id=log.id, mode=mode)
        db.add(use)
        record_change(db, actor_name(who), "archive.use.use", use)


@dataclass(frozen=True)
class Served:
    body: bytes | Iterator[bytes]
    content_type: str
    filename: str
    download: bool


def _chunks(stream: io.BufferedIOBase | object) -> Iterator[bytes]:
    try:
        while chunk := stream.read(_CHUNK):  # type: ignore[attr-defined]
            yield chunk
    finally:
        stream.close()  # type: ignore[attr-defined]


def _copy(store: BlobStore, item: ArchiveItem, who: Principal, row: ArchiveUseRequest) -> Served:
    """A copy marked with who took it, when and under which request (PDFs on every page,
    pictures tiled across); recordings leave as they are (the download is logged)."""
    with store.open(item.digest) as stream:
        data = stream.read()
    code = row.file.archival_code
    now = utcnow()
    if item.content_type == "application/pdf":
        stamped = stamp_pdf(data, _copy_lines(who, now, row, item))
        return Served(stamped, item.content_type, f"{code}-{item.item_no}（复制件）.pdf", True)
    if item.content_type.startswith("image/"):
        mark = Mark(who.full_name, who.username, now, f"档号 {code} 第{item.item_no}件")
        marked, content_type = watermark(data, mark)
        suffix = ".jpg" if content_type == "image/jpeg" else ".png"
        return Served(marked, content_type, f"{code}-{item.item_no}（复制件）{suffix}", True)
    return Served(data, item.content_type, f"{code}-{item.item_no}-{item.filename}", True)


def _copy_lines(
    who: Principal, now: datetime, row: ArchiveUseRequest, item: ArchiveItem
) -> tuple[str, str]:
    return (
        f"复制件：{who.full_name}（{who.username}）复制于 {people_datetime(now)}，"
        f"依档案利用申请第{row.id}号",
        f"档号 {row.file.archival_code} 第{item.item_no}件；仅供申请所述用途使用，不得转借、扩散",
    )


def use_item(
    db: Session, store: BlobStore, who: Principal, item_id: int, mode: UseMode, via: str
) -> Served:
    """Open an item: checked, its copy made if one is asked, the use logged, then served."""
    opened = open_item(db, who, item_id, mode)
    item = opened.item
    if mode is UseMode.copy and opened.request is not None:
        served = _copy(store, item, who, opened.request)
        log_use(db, who, opened, mode, via)
        return served
    log_use(db, who, opened, mode, via)
    name = f"{item.title}{_extension(item.filename)}"
    return Served(_chunks(store.open(item.digest)), item.content_type, name, False)


def _extension(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[1] if "." in filename else ""
