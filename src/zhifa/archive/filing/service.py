"""Use cases of filing: the 档号 scheme, the closed cases due to be filed (with the
归档时间 limit of the rule table), and filing one case — its issued documents, their
service receipts, its media and a process record of its steps, activities and
services — as an archive file with its retention from the approved schedule."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhifa.archive.checks.rules import Stage
from zhifa.archive.checks.service import run_check
from zhifa.archive.filing import records
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem, ItemKind
from zhifa.archive.filing.rules import (
    DEFAULT_PATTERN,
    Candidate,
    CodeParts,
    catalogue_order,
    classes_of_case,
    format_code,
    item_metadata,
    pattern_problem,
)
from zhifa.archive.packages.hashing import multi_hasher
from zhifa.archive.retention.rules import (
    RecordClass,
    ScheduleRow,
    longest,
    retention_dates,
)
from zhifa.archive.retention.service import require_in_force, rows_of
from zhifa.blobs import BlobStore, parse_digest
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import extend_lock, lock_after, store_blob
from zhifa.core.calendar import SHANGHAI, is_overdue
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, people_datetime
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.enforcement.steps import ACTION_KIND_LABELS, procedure
from zhifa.recording.documents.kinds import document_kind
from zhifa.recording.documents.models import (
    SERVICE_METHOD_LABELS,
    Document,
    DocumentService,
    DocumentStatus,
)
from zhifa.recording.documents.render import PDF_VARIANT
from zhifa.recording.media.models import Media

FILING_LIMIT = "archive.filing"  # core.time_limits
_TEMPLATES = Path(__file__).parent / "templates"
_MAX_PROCESS_RECORD = 50 * 1024 * 1024


class SchemeIn(BaseModel):
    fonds: str = Field(min_length=1, max_length=20)
    fonds_name: str = Field(min_length=2, max_length=100)
    category: str = Field(min_length=1, max_length=10)
    org_code: str = Field(min_length=1, max_length=20)
    code_pattern: str = Field(default=DEFAULT_PATTERN, min_length=5, max_length=120)
    seq_width: int = Field(default=4, ge=1, le=8)
    reason: str = Field(min_length=2, max_length=300)


def current_scheme(db: Session) -> ArchiveCodeScheme | None:
    query = select(ArchiveCodeScheme).order_by(ArchiveCodeScheme.id.desc()).limit(1)
    return db.scalars(query).first()


def set_scheme(db: Session, data: SchemeIn, who: Principal | None) -> ArchiveCodeScheme:
    """A new 档号 scheme (the old rows stay: files keep the scheme they were coded by)."""
    problem = pattern_problem(data.code_pattern)
    if problem:
        raise DomainError(problem, "code_pattern")
    row = ArchiveCodeScheme(
        **data.model_dump(exclude={"reason", "code_pattern"}),
        pattern=data.code_pattern,
        reason=data.reason.strip(),
        set_by=who.user_id if who else None,
    )
    db.add(row)
    record_change(db, actor_name(who), "archive.scheme.set", row)
    return row


# ---- what is due ------------------------------------------------------------------------


@dataclass(frozen=True)
class DueCase:
    action: Action
    closed_on: date
    filing_due: date
    overdue: bool


def closed_on(action: Action) -> date:
    if action.closed_at is None:
        raise DomainError("案件尚未办结，不能归档")
    return action.closed_at.astimezone(SHANGHAI).date()


def filed_on(archive: ArchiveFile) -> date:
    """The day (Beijing time) the case was filed: what its 归档时间 is judged by."""
    return archive.filed_at.astimezone(SHANGHAI).date()


def cases_to_file(db: Session, at: datetime | None = None) -> list[DueCase]:
    """Closed cases not yet filed, the oldest deadline first."""
    filed = select(ArchiveFile.action_id)
    query = select(Action).where(Action.status == ActionStatus.closed, Action.id.not_in(filed))
    calendar = working_calendar(db)
    now = at or utcnow()
    rows = []
    for action in db.scalars(query.order_by(Action.closed_at)):
        day = closed_on(action)
        limit_day = due(calendar, FILING_LIMIT, day)
        rows.append(DueCase(action, day, limit_day.date, is_overdue(limit_day, now)))
    return sorted(rows, key=lambda row: row.filing_due)


def filed_files(db: Session) -> list[ArchiveFile]:
    return list(db.scalars(select(ArchiveFile).order_by(ArchiveFile.filed_at.desc())))


def get_file(db: Session, file_id: int) -> ArchiveFile:
    row = db.get(ArchiveFile, file_id)
    if row is None:
        raise NotFound("没有这个档案")
    return row


# ---- filing ---------------------------------------------------------------------------


def _process_record(
    db: Session, store: BlobStore, action: Action, who: Principal | None
) -> Candidate:
    """The step history, activities and service records as one PDF item."""
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    html = _process_record_html(db, action)
    pdf = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    blob = store_blob(db, store, io.BytesIO(pdf), who, _MAX_PROCESS_RECORD)
    return Candidate(
        "process",
        f"action:{action.id}",
        "执法过程记录表",
        "",
        closed_on(action),
        blob.digest,
        blob.size,
        "application/pdf",
        "执法过程记录表.pdf",
        pages=_pages(pdf),
    )


def _process_record_html(db: Session, action: Action) -> str:
    from zhifa.enforcement.actions import activities_of, transitions_of

    proc = procedure(action.procedure)
    names = {row.id: row.full_name for row in db.execute(select(User.id, User.full_name))}

    def step(code: str | None) -> str:
        if not code:
            return ""
        try:
            return proc.step(code).label
        except KeyError:
            return code

    transitions = [
        {
            "at": people_datetime(t.at),
            "from_step": step(t.from_step),
            "to_step": step(t.to_step),
            "by": names.get(t.by_user, "") if t.by_user else "系统",
            "reason": t.reason,
            "due": people_date(t.due_date),
        }
        for t in transitions_of(db, action.id)
    ]
    activities = [
        {
            "at": people_datetime(a.started_at),
            "step": step(a.step),
            "place": a.place,
            "officers": "、".join(names.get(o.officer_id, "") for o in a.officers),
            "present": a.party_present,
        }
        for a in activities_of(db, action.id)
    ]
    services = [
        {
            "document": f"{document_kind(d.kind).title} {d.doc_number or ''}".strip(),
            "method": SERVICE_METHOD_LABELS[s.method],
            "on": people_date(s.served_on),
            "recipient": s.recipient,
            "place": s.place,
        }
        for s, d in db.execute(
            select(DocumentService, Document)
            .join(Document, Document.id == DocumentService.document_id)
            .where(Document.action_id == action.id)
            .order_by(DocumentService.id)
        )
    ]
    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape())
    return env.get_template("archive/process_record.html").render(
        action=action,
        kind_label=ACTION_KIND_LABELS[action.kind],
        procedure_label=proc.label,
        opened=people_datetime(action.opened_at),
        closed=people_datetime(action.closed_at),
        transitions=transitions,
        activities=activities,
        services=services,
        generated=people_datetime(utcnow()),
    )


def _pages(pdf: bytes) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # a file that does not parse has no page count; 四性检测 reports it
        return None


@dataclass(frozen=True)
class Fixity:
    """What reading an item's stored bytes once at filing found."""

    sha256: str
    sm3: str
    pages: int | None


def _fixity(store: BlobStore, candidate: Candidate) -> Fixity:
    """Read the stored bytes once: both digests (the blob's own one must match — a file
    whose bytes changed is not filed), and a PDF's page count."""
    pdf = candidate.content_type == "application/pdf" and candidate.pages is None
    kept = io.BytesIO() if pdf else None
    with multi_hasher(("sha256", "sm3")) as hasher, store.open(candidate.digest) as stream:
        digests, size = hasher.copy(stream, kept.write if kept else None)
    algorithm, hexdigest = parse_digest(candidate.digest)
    if digests[algorithm] != hexdigest or size != candidate.size:
        raise DomainError(
            f"“{candidate.title}”的存储内容与其摘要不符，不能归档；请先运行 zhifa verify 核查"
        )
    pages = _pages(kept.getvalue()) if kept else candidate.pages
    return Fixity(digests["sha256"], digests["sm3"], pages)


def _retention(
    db: Session, action: Action, kinds: list[str]
) -> tuple[int, RecordClass, ScheduleRow]:
    schedule = require_in_force(db)
    rows = rows_of(schedule)
    classes = classes_of_case(action.kind.value, action.procedure, kinds)
    winner = longest(rows[c] for c in classes)
    return schedule.id, winner.record_class, winner


def _next_seq(db: Session, year: int, period_code: str, org_code: str) -> int:
    query = select(func.max(ArchiveFile.seq)).where(
        ArchiveFile.year == year,
        ArchiveFile.period_code == period_code,
        ArchiveFile.org_code == org_code,
    )
    return (db.scalar(query) or 0) + 1


def file_case(db: Session, store: BlobStore, action_id: int, who: Principal | None) -> ArchiveFile:
    """File one closed case: every issued document, receipt and filed medium, then the
    process record, as items 1..n of a new archive file with its 档号 and retention."""
    action = db.get(Action, action_id)
    if action is None:
        raise NotFound("没有这个案件")
    if action.status is not ActionStatus.closed:
        raise DomainError("案件尚未办结，不能归档")
    if db.scalar(select(ArchiveFile.id).where(ArchiveFile.action_id == action.id)):
        raise Conflict("这个案件已经归档")
    scheme = current_scheme(db)
    if scheme is None:
        raise DomainError("尚未设置档号规则（全宗号、门类代码、机构代码），请先设置")
    documents = records.document_records(db, action)
    issued_kinds = [
        doc.kind
        for doc in db.scalars(
            select(Document).where(
                Document.action_id == action.id, Document.status == DocumentStatus.issued
            )
        )
    ]
    schedule_id, record_class, row = _retention(db, action, issued_kinds)
    media, _unfiled = records.media_records(db, action)
    candidates = [*documents, *media, _process_record(db, store, action, who)]
    ordered = catalogue_order(candidates)
    fixity = {c.source: _fixity(store, c) for c in ordered}
    day = closed_on(action)
    calendar = working_calendar(db)
    dates = retention_dates(calendar, row, day)
    seq = _next_seq(db, day.year, row.period.code, scheme.org_code)
    code = format_code(
        scheme.pattern,
        CodeParts(
            scheme.fonds,
            scheme.category,
            day.year,
            row.period.code,
            scheme.org_code,
            seq,
            scheme.seq_width,
        ),
    )
    archive = ArchiveFile(
        action_id=action.id,
        archival_code=code,
        fonds=scheme.fonds,
        category=scheme.category,
        year=day.year,
        period_code=row.period.code,
        org_code=scheme.org_code,
        seq=seq,
        scheme_id=scheme.id,
        title=f"{action.party.versions[-1].name}{action.title}案"[:300],
        record_class=record_class,
        schedule_id=schedule_id,
        period_kind=row.period.kind,
        period_n=row.period.n,
        retention_starts_on=dates.starts_on,
        keep_until=dates.keep_until.date if dates.keep_until else None,
        retention_basis=(row.basis + ("；" + dates.keep_until.basis if dates.keep_until else ""))[
            :1000
        ],
        closed_on=day,
        filing_due=due(calendar, FILING_LIMIT, day).date,
        item_count=len(ordered),
        total_bytes=sum(c.size for c in ordered),
        classified_count=sum(1 for c in ordered if c.classified),
        filed_by=who.user_id if who else None,
    )
    db.add(archive)
    try:
        db.flush()
    except IntegrityError:
        raise Conflict(
            "另一位档案管理员刚刚归档了同一个案件或占用了同一档号，请刷新后重试"
        ) from None
    items = [
        ArchiveItem(
            file_id=archive.id,
            item_no=number,
            kind=ItemKind(c.kind),
            source=c.source,
            title=c.title[:300],
            doc_number=c.doc_number,
            responsible=scheme.fonds_name,
            made_on=c.made_on,
            pages=fixity[c.source].pages,
            digest=c.digest,
            size=c.size,
            sha256=fixity[c.source].sha256,
            sm3=fixity[c.source].sm3,
            content_type=c.content_type,
            filename=c.filename[:200],
            classified=c.classified,
            item_metadata=item_metadata(
                c,
                item_no=number,
                archival_code=code,
                fonds=scheme.fonds,
                fonds_name=scheme.fonds_name,
                retention_label=row.period.label,
            ),
        )
        for number, c in enumerate(ordered, 1)
    ]
    db.add_all(items)
    record_change(db, actor_name(who), "archive.file", archive, *items)
    lock_items(db, store, archive)
    return archive


def file_and_check(
    db: Session, settings: Settings, store: BlobStore, action_id: int, who: Principal | None
) -> ArchiveFile:
    """File the case, then run 四性检测 at the 归档 stage (DA/T 70): the report is kept
    with the file whatever its verdict, so a failure is seen and handled, not hidden."""
    archive = file_case(db, store, action_id, who)
    run_check(db, settings, store, archive, Stage.filing, who)
    return archive


def schemes(db: Session) -> list[ArchiveCodeScheme]:
    """Every 档号 scheme set, the newest (the one that applies) first."""
    return list(db.scalars(select(ArchiveCodeScheme).order_by(ArchiveCodeScheme.id.desc())))


def lock_items(db: Session, store: BlobStore, archive: ArchiveFile) -> None:
    """Lock every filed blob (and the thumbnails of filed media) in the store through the
    file's period: until the day after ``keep_until`` (永久: far ahead,
    `core.blobstore.PERMANENT_LOCK_YEARS`). Locks only lengthen, so a blob shared with a
    longer-kept file keeps the longer lock."""
    digests = {item.digest for item in archive.items}
    media_ids = [int(i.source.split(":")[1]) for i in archive.items if i.kind is ItemKind.media]
    thumbnails = select(Media.thumbnail_digest).where(Media.id.in_(media_ids))
    digests |= {d for d in db.scalars(thumbnails) if d}
    until = lock_after(archive.keep_until)
    for digest in sorted(digests):
        extend_lock(store, digest, until)
