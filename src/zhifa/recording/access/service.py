"""Use cases of 调阅: may this person read (or export) this record, under which stated
purpose; log the read; flag records as restricted; search the access log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from zhifa.core.access import client_address, log_access
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError, Forbidden
from zhifa.core.models import AccessContext, AccessLog, User
from zhifa.core.permissions import Permission
from zhifa.enforcement.actions import action_of_record
from zhifa.enforcement.models import Action, ActionOfficer
from zhifa.recording.access.models import AccessPurpose, MediaRestriction
from zhifa.recording.access.rules import (
    EXPORT_REFUSED,
    PURPOSE_MEMORY,
    Purpose,
    PurposeRequired,
    Restriction,
    Viewer,
    check_change,
    check_read,
    clean_reason,
    may_read,
    parse_purpose,
)
from zhifa.recording.media.models import Media

# ---- who is asking ----------------------------------------------------------------------


def viewer_of(db: Session, who: Principal, action: Action) -> Viewer:
    """``action`` must already have passed ``get_action`` for ``who``."""
    assigned = db.scalar(
        select(ActionOfficer.id).where(
            ActionOfficer.action_id == action.id, ActionOfficer.officer_id == who.user_id
        )
    )
    return Viewer(
        sees_action=True,
        assigned=assigned is not None,
        leader=who.can(Permission.media_restricted_read),
    )


def may_read_log(who: Principal) -> bool:
    return who.can(Permission.access_log_read)


def check_log_reader(who: Principal) -> None:
    if not may_read_log(who):
        raise Forbidden("调阅日志仅供监督部门和领导查看")


# ---- restrictions -----------------------------------------------------------------------


def restrictions_of(db: Session, media_ids: Iterable[int]) -> dict[int, frozenset[Restriction]]:
    """The restrictions in force per record (the newest row per record and kind)."""
    ids = list(media_ids)
    if not ids:
        return {}
    newest = (
        select(func.max(MediaRestriction.id))
        .where(MediaRestriction.media_id.in_(ids))
        .group_by(MediaRestriction.media_id, MediaRestriction.kind)
    )
    found: dict[int, set[Restriction]] = {}
    for row in db.scalars(select(MediaRestriction).where(MediaRestriction.id.in_(newest))):
        if row.restricted:
            found.setdefault(row.media_id, set()).add(row.kind)
    return {media_id: frozenset(kinds) for media_id, kinds in found.items()}


def restriction_history(db: Session, media_id: int) -> list[MediaRestriction]:
    query = select(MediaRestriction).where(MediaRestriction.media_id == media_id)
    return list(db.scalars(query.order_by(MediaRestriction.id.desc())))


def unreadable(
    db: Session, who: Principal, action: Action, media_ids: Iterable[int]
) -> frozenset[int]:
    """Which of these records of ``action`` are flagged and closed to ``who``: their
    marks and metadata (file name, EXIF/GPS, device, thumbnails) are not shown to them."""
    flags = restrictions_of(db, media_ids)
    if not flags:
        return frozenset()
    viewer = viewer_of(db, who, action)
    return frozenset(media_id for media_id, kinds in flags.items() if not may_read(viewer, kinds))


def check_readable(db: Session, who: Principal, media: Media, action: Action) -> None:
    """``Forbidden`` if the record is flagged and ``who`` may not read it (no purpose is
    asked: for reads of a record's marks and decisions about it, not its content)."""
    restrictions = restrictions_of(db, [media.id]).get(media.id, frozenset())
    check_read(viewer_of(db, who, action), restrictions, export=False)


def may_flag(who: Principal) -> bool:
    return who.can(Permission.media_restrict)


def may_lift(who: Principal) -> bool:
    """Lifting a flag needs the right to read flagged records too (a leader's decision)."""
    return may_flag(who) and who.can(Permission.media_restricted_read)


def set_restriction(
    db: Session, who: Principal, media_id: int, kind: Restriction, restricted: bool, reason: str
) -> MediaRestriction:
    """Flag a record (legal section, leaders) or take the flag off (leaders): a new row,
    ledgered with its reason."""
    check_change(may_flag=may_flag(who), reads_restricted=False, restricted=True)
    media = db.get(Media, media_id)
    action_id = media.action_id if media is not None else None
    action = action_of_record(db, action_id, who, "音视频记录不存在")
    check_change(may_flag=True, reads_restricted=may_lift(who), restricted=restricted)
    if not restricted:
        check_readable(db, who, media, action)
    reason = clean_reason(reason)
    previous = db.scalar(
        select(MediaRestriction)
        .where(MediaRestriction.media_id == media_id, MediaRestriction.kind == kind)
        .order_by(MediaRestriction.id.desc())
        .limit(1)
    )
    if (previous.restricted if previous else False) == restricted:
        raise DomainError("该记录已是此状态，无需重复标注", "restricted")
    row = MediaRestriction(
        media_id=media_id,
        kind=kind,
        restricted=restricted,
        reason=reason,
        supersedes_id=previous.id if previous else None,
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "media.restrict" if restricted else "media.unrestrict", row)
    db.commit()
    return row


# ---- purposes ---------------------------------------------------------------------------


def state_purpose(
    db: Session,
    who: Principal,
    purpose: Purpose,
    *,
    action_id: int | None = None,
    party_id: int | None = None,
) -> AccessPurpose:
    """Record a purpose stated on a page (调阅登记), remembered for this browser session."""
    if (action_id is None) == (party_id is None):
        raise DomainError("调阅目的须针对一个案件或一个行政相对人", "purpose")
    row = AccessPurpose(
        user_id=who.user_id,
        session_id=who.session_id,
        action_id=action_id,
        party_id=party_id,
        code=purpose.code,
        note=purpose.note,
        client=client_address(),
    )
    db.add(row)
    record_change(db, who.username, "access.purpose", row)
    db.commit()
    return row


def remembered_purpose(
    db: Session, who: Principal, *, action_id: int | None, party_id: int | None
) -> Purpose | None:
    """The purpose this browser session stated for the action (or its party) within
    ``PURPOSE_MEMORY``; API tokens have no session and state it on every request."""
    if who.session_id is None:
        return None
    scope = []
    if action_id is not None:
        scope.append(AccessPurpose.action_id == action_id)
    if party_id is not None:
        scope.append(AccessPurpose.party_id == party_id)
    if not scope:
        return None
    row = db.scalar(
        select(AccessPurpose)
        .where(
            AccessPurpose.session_id == who.session_id,
            AccessPurpose.user_id == who.user_id,
            AccessPurpose.stated_at > utcnow() - PURPOSE_MEMORY,
            or_(*scope),
        )
        .order_by(AccessPurpose.id.desc())
        .limit(1)
    )
    return Purpose(row.code, row.note) if row else None


def purpose_for(
    db: Session,
    who: Principal,
    value: str | None,
    note: str | None,
    *,
    action_id: int | None,
    party_id: int | None,
) -> Purpose:
    """The purpose stated with the request, else the one remembered; ``PurposeRequired``."""
    if value:
        return parse_purpose(value, note)
    found = remembered_purpose(db, who, action_id=action_id, party_id=party_id)
    if found is None:
        raise PurposeRequired("调阅音视频记录须先说明调阅目的（purpose）", "purpose")
    return found


# ---- reading a record -------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """A read that may go ahead: the record, its action, why, and its restrictions."""

    media: Media
    action: Action
    purpose: Purpose
    restrictions: frozenset[Restriction]


def authorize(
    db: Session,
    who: Principal,
    media: Media,
    purpose: str | None,
    note: str | None = None,
    *,
    export: bool = False,
) -> Grant:
    """May ``who`` read (``export``: take a copy of) this record? 403 before 400: a person
    who may not see the record is not asked for a purpose."""
    action = action_of_record(db, media.action_id, who, "音视频记录不存在")
    restrictions = restrictions_of(db, [media.id]).get(media.id, frozenset())
    try:
        check_read(viewer_of(db, who, action), restrictions, export=export)
    except Forbidden as refused:
        if export and restrictions:  # an attempt to take a restricted record out: logged
            log_access(
                db,
                who,
                EXPORT_REFUSED,
                media.id,
                f"拒绝导出：{refused.message}",
                "export",
                action_id=media.action_id,
                party_id=media.party_id,
            )
        raise
    stated = purpose_for(db, who, purpose, note, action_id=action.id, party_id=media.party_id)
    return Grant(media, action, stated, restrictions)


def log_read(db: Session, who: Principal, grant: Grant, record_type: str, via: str) -> None:
    """Log (and ledger, and commit) one read of a record, before anything is served."""
    log_access(
        db,
        who,
        record_type,
        grant.media.id,
        grant.purpose.text,
        via,
        action_id=grant.media.action_id,
        party_id=grant.media.party_id,
    )


# ---- the access log ---------------------------------------------------------------------

LOG_PAGE_SIZE = 50
# Record types whose record id is itself an action or a party (logged by other features).
_ACTION_RECORDS = ("action", "action_media")
_PARTY_RECORDS = ("party",)


@dataclass(frozen=True)
class LogFilter:
    user_id: int | None = None
    party_id: int | None = None
    action_id: int | None = None
    start: datetime | None = None  # inclusive, UTC
    end: datetime | None = None  # exclusive, UTC


@dataclass(frozen=True)
class LogRow:
    log: AccessLog
    context: AccessContext | None
    user: User


def _log_query(f: LogFilter) -> Select[tuple[AccessLog, AccessContext | None, User]]:
    query = (
        select(AccessLog, AccessContext, User)
        .outerjoin(AccessContext, AccessContext.access_id == AccessLog.id)
        .join(User, User.id == AccessLog.user_id)
    )
    if f.user_id is not None:
        query = query.where(AccessLog.user_id == f.user_id)
    if f.action_id is not None:
        query = query.where(
            or_(
                AccessContext.action_id == f.action_id,
                and_(
                    AccessLog.record_type.in_(_ACTION_RECORDS),
                    AccessLog.record_id == str(f.action_id),
                ),
            )
        )
    if f.party_id is not None:
        of_party = select(Action.id).where(Action.party_id == f.party_id)
        query = query.where(
            or_(
                AccessContext.party_id == f.party_id,
                AccessContext.action_id.in_(of_party),
                and_(
                    AccessLog.record_type.in_(_PARTY_RECORDS),
                    AccessLog.record_id == str(f.party_id),
                ),
                and_(
                    AccessLog.record_type.in_(_ACTION_RECORDS),
                    AccessLog.record_id.in_(
                        select(cast(Action.id, String)).where(Action.party_id == f.party_id)
                    ),
                ),
            )
        )
    if f.start is not None:
        query = query.where(AccessLog.at >= f.start)
    if f.end is not None:
        query = query.where(AccessLog.at < f.end)
    return query


def search_log(
    db: Session, who: Principal, f: LogFilter, page: int = 1
) -> tuple[list[LogRow], int]:
    """One page of the access log, newest first, and the number of matching rows."""
    check_log_reader(who)
    query = _log_query(f)
    total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = db.execute(
        query.order_by(AccessLog.id.desc())
        .offset((max(page, 1) - 1) * LOG_PAGE_SIZE)
        .limit(LOG_PAGE_SIZE)
    )
    return [LogRow(log, context, user) for log, context, user in rows], total
