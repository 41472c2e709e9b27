"""Pages to look at and add audio, video and photo records: per action a gallery of
photos, players for recordings (served with HTTP ranges, so seeking works) and a time
line of each activity's segments; one record's page (full view, download, restriction
flags, its own access history); per party every record the viewer may see, newest
first; an upload page (tus-js-client, with a plain form for small photos); and the
"音视频记录" hub (one's recent uploads).

Every page that shows records needs a stated purpose (``recording/access``): without
one remembered for this session, the page sends the person to the purpose form first.
Content URLs on the pages carry the purpose, so a video that plays longer than the
purpose is remembered keeps playing; each request for content is logged on its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import Config, Db, RecordId, Tx, notice_of, redirect, render, require
from zhifa.core.models import AccessLog, User
from zhifa.core.permissions import Permission
from zhifa.enforcement.actions import activities_of, get_action
from zhifa.enforcement.models import Action, ActionStatus, Activity
from zhifa.enforcement.parties import get_party
from zhifa.enforcement.resources import ActionOfPath
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.recording.access import service as access
from zhifa.recording.access.routes import purpose_url
from zhifa.recording.access.rules import (
    RESTRICTED_PLACEHOLDER,
    RESTRICTION_LABELS,
    Purpose,
    PurposeRequired,
    Restriction,
    may_read,
)
from zhifa.recording.av import continuity
from zhifa.recording.media import routes as media_api
from zhifa.recording.media.models import MEDIA_KIND_LABELS, Media, MediaKind
from zhifa.recording.playback.timeline import GapIn, Item, TimelineView, layout

pages = APIRouter(prefix="/app", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
Writer = Annotated[Principal, Depends(require(Permission.action_write))]
PurposeQuery = Annotated[str | None, Query(max_length=120)]
NoteQuery = Annotated[str | None, Query(max_length=100)]

PARTY_LIMIT = 60
HUB_PAGE = 20
NOTICES = {"restricted": "标识已记录（写入账本），调阅范围随之调整。"}


def action_to_upload(action_id: RecordId, db: Db, who: Writer) -> Action:
    """The action the path names, if ``who`` handles it (404 if they may not see it, 403
    if they may only look)."""
    return get_action(db, action_id, who, handling=True)


ActionToUpload = Annotated[Action, Depends(action_to_upload)]


@dataclass(frozen=True)
class Shown:
    """A record as a page shows it: the row, its restrictions, its URLs (with purpose)."""

    media: Media
    restrictions: frozenset[Restriction]
    purpose_query: str

    @property
    def content_url(self) -> str:
        return f"/api/v1/media/{self.media.id}/content?{self.purpose_query}"

    @property
    def thumbnail_url(self) -> str | None:
        if self.media.thumbnail_digest is None:
            return None
        return f"/api/v1/media/{self.media.id}/thumbnail?{self.purpose_query}"

    @property
    def download_url(self) -> str | None:
        if self.restrictions:
            return None  # never exported
        return f"{self.content_url}&download=true"

    @property
    def poster_download_url(self) -> str | None:
        if self.restrictions or self.thumbnail_url is None:
            return None
        return f"{self.thumbnail_url}&download=true"

    @property
    def labels(self) -> list[str]:
        return [RESTRICTION_LABELS[r] for r in sorted(self.restrictions)]

    @property
    def when(self) -> Any:
        return self.media.recorded_at or self.media.uploaded_at


def _query(purpose: Purpose) -> str:
    values = {"purpose": purpose.code.value}
    if purpose.note:
        values["purpose_note"] = purpose.note
    return urlencode(values)


def _here(request: Request) -> str:
    """This page's path without the purpose parameters (where the form sends one back)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if not k.startswith("purpose")]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def _stated(
    db: Session,
    who: Principal,
    request: Request,
    purpose: str | None,
    note: str | None,
    *,
    action_id: int | None = None,
    party_id: int | None = None,
) -> Purpose | Response:
    """The purpose for this view, or the redirect to the purpose form."""
    try:
        return access.purpose_for(db, who, purpose, note, action_id=action_id, party_id=party_id)
    except PurposeRequired:
        target = purpose_url(_here(request), action_id=action_id, party_id=party_id)
        return RedirectResponse(target, status_code=303)


def _shown(
    db: Session, who: Principal, action: Action, rows: list[Media], purpose: Purpose
) -> tuple[list[Shown], int]:
    """The records this person may see (and how many restricted ones are left out)."""
    flags = access.restrictions_of(db, [m.id for m in rows])
    viewer = access.viewer_of(db, who, action)
    query = _query(purpose)
    empty: frozenset[Restriction] = frozenset()
    shown = [Shown(m, flags.get(m.id, empty), query) for m in rows]
    visible = [s for s in shown if may_read(viewer, s.restrictions)]
    return visible, len(shown) - len(visible)


def _names(db: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {u.id: u.full_name for u in db.scalars(select(User).where(User.id.in_(user_ids)))}


# ---- one action ------------------------------------------------------------------------------


def _gaps(db: Session, activity: Activity) -> list[GapIn]:
    """The gaps the continuity check of the recording rules finds (on all the activity's
    segments, also those this viewer may not open), and whether each is explained."""
    policy = continuity.current_policy(db)
    line = continuity.timeline(
        continuity.activity_media(db, activity.id), policy.gap_tolerance_seconds
    )
    explained = continuity.explanations(db, activity.id)
    return [GapIn(g.start, g.end, g.key in explained) for g in line.gaps]


def _timelines(
    db: Session, activities: list[Activity], shown: list[Shown]
) -> list[tuple[Activity, TimelineView | None, int]]:
    """Per activity: its time line (or None) and how many of its records have no time."""
    out = []
    for activity in activities:
        records = [s.media for s in shown if s.media.activity_id == activity.id]
        items, undated = [], 0
        for m in records:
            if m.recorded_at is None or (m.kind is not MediaKind.photo and not m.duration_ms):
                undated += 1
                continue
            end = m.ended_at if m.kind is not MediaKind.photo else m.recorded_at
            label = f"{MEDIA_KIND_LABELS[m.kind]} {m.filename}"
            items.append(Item(m.id, m.kind.value, m.recorded_at, end or m.recorded_at, label))
        if records:
            out.append((activity, layout(items, _gaps(db, activity)), undated))
    return out


@pages.get("/actions/{action_id}/media", response_class=HTMLResponse)
def action_media_page(
    request: Request,
    who: Reader,
    action: ActionOfPath,
    db: Tx,
    purpose: PurposeQuery = None,
    purpose_note: NoteQuery = None,
) -> Response:
    action_id, party_id = action.id, action.party_id
    stated = _stated(
        db, who, request, purpose, purpose_note, action_id=action_id, party_id=party_id
    )
    if isinstance(stated, Response):
        return stated
    shown, hidden = _shown(db, who, action, _records_of(db, action), stated)
    log_access(
        db, who, "action_media", action_id, stated.text, action_id=action_id, party_id=party_id
    )
    return render(
        request, "media_action.html", **_action_context(db, who, action, stated, shown, hidden)
    )


def _records_of(db: Session, action: Action) -> list[Media]:
    """The action's records in the order they were made (undated ones last)."""
    return list(
        db.scalars(
            select(Media)
            .where(Media.action_id == action.id)
            .order_by(Media.recorded_at.is_(None), Media.recorded_at, Media.id)
        )
    )


def _action_context(
    db: Session, who: Principal, action: Action, stated: Purpose, shown: list[Shown], hidden: int
) -> dict[str, Any]:
    activities = activities_of(db, action.id)
    return {
        "action": action,
        "party": get_party(db, action.party_id).current,
        "purpose": stated,
        "photos": [s for s in shown if s.media.kind is MediaKind.photo],
        "recordings": [s for s in shown if s.media.kind is not MediaKind.photo],
        "hidden": hidden,
        "restricted_label": RESTRICTED_PLACEHOLDER,
        "timelines": _timelines(db, activities, shown),
        "activities": {a.id: a for a in activities},
        "uploaders": _names(db, {s.media.uploaded_by for s in shown}),
        "can_upload": who.can(Permission.action_write) and action.status is ActionStatus.open,
        "kind_labels": MEDIA_KIND_LABELS,
    }


@pages.get("/actions/{action_id}/media/fragment", response_class=HTMLResponse)
def action_media_fragment(request: Request, who: Reader, action: ActionOfPath, db: Db) -> Response:
    """The action page's 音视频记录 section: counts and links only (no record is read)."""
    counts = Counter(db.scalars(select(Media.kind).where(Media.action_id == action.id)).all())
    return render(
        request,
        "media_action_fragment.html",
        action=action,
        counts=[(MEDIA_KIND_LABELS[k], counts.get(k, 0)) for k in MediaKind],
        total=sum(counts.values()),
        can_upload=who.can(Permission.action_write) and action.status is ActionStatus.open,
    )


# ---- one record ------------------------------------------------------------------------------


@pages.get("/media/{media_id}", response_class=HTMLResponse)
def media_page(
    request: Request,
    media_id: RecordId,
    db: Tx,
    who: Reader,
    purpose: PurposeQuery = None,
    purpose_note: NoteQuery = None,
) -> Response:
    media = db.get(Media, media_id)
    if media is None:
        raise NotFound("音视频记录不存在")
    try:
        grant = access.authorize(db, who, media, purpose, purpose_note)
    except PurposeRequired:
        target = purpose_url(_here(request), action_id=media.action_id)
        return RedirectResponse(target, status_code=303)
    access.log_read(db, who, grant, "media_info", via="page")
    return render(request, "media_record.html", **_record_context(request, db, who, grant))


def _record_context(
    request: Request, db: Session, who: Principal, grant: access.Grant
) -> dict[str, Any]:
    media = grant.media
    history = access.restriction_history(db, media.id)
    reads: list[AccessLog] = []
    if access.may_read_log(who):
        reads = list(
            db.scalars(
                select(AccessLog)
                .where(
                    AccessLog.record_id == str(media.id),
                    AccessLog.record_type.startswith("media"),
                    AccessLog.record_type != "media_list",
                )
                .order_by(AccessLog.id.desc())
                .limit(20)
            )
        )
    names = _names(
        db, {media.uploaded_by} | {r.recorded_by for r in history} | {r.user_id for r in reads}
    )
    return {
        "shown": Shown(media, grant.restrictions, _query(grant.purpose)),
        "media": media,
        "action": grant.action,
        "party": get_party(db, media.party_id).current,
        "activity": db.get(Activity, media.activity_id) if media.activity_id else None,
        "purpose": grant.purpose,
        "history": history,
        "reads": reads,
        "names": names,
        "may_flag": access.may_flag(who),
        "may_lift": access.may_lift(who),
        "restriction_labels": RESTRICTION_LABELS,
        "kind_labels": MEDIA_KIND_LABELS,
        "notice": notice_of(request, NOTICES),
    }


# ---- one party -------------------------------------------------------------------------------


@pages.get("/parties/{party_id}/media/fragment", response_class=HTMLResponse)
def party_media_fragment(request: Request, party_id: RecordId, db: Tx, who: Reader) -> Response:
    """The party page's 音视频记录 section (第九条 集中储存): every record of the party's
    actions this person may see, newest first — after a purpose for the party."""
    party = get_party(db, party_id)
    of_party = select(Action).where(
        Action.id.in_(select(Media.action_id).where(Media.party_id == party_id))
    )
    visible = {a.id: a for a in db.scalars(of_visible_actions(of_party, Action.id, who))}
    total = (
        int(
            db.scalar(select(func.count()).select_from(Media).where(Media.action_id.in_(visible)))
            or 0
        )
        if visible
        else 0
    )
    stated = access.remembered_purpose(db, who, action_id=None, party_id=party_id)
    if stated is None or not visible:
        link = purpose_url(f"/app/parties/{party_id}", party_id=party_id)
        return render(
            request,
            "media_party_fragment.html",
            party=party.party,
            total=total,
            stated=None,
            rows=[],
            hidden=0,
            purpose_link=link,
        )
    rows = list(
        db.scalars(
            select(Media)
            .where(Media.action_id.in_(visible))
            .order_by(func.coalesce(Media.recorded_at, Media.uploaded_at).desc(), Media.id.desc())
        )
    )
    shown: list[tuple[Action, Shown]] = []
    hidden = 0
    for action_id, action in visible.items():
        mine, left_out = _shown(
            db, who, action, [m for m in rows if m.action_id == action_id], stated
        )
        hidden += left_out
        shown.extend((action, s) for s in mine)
    shown.sort(key=lambda pair: (pair[1].when, pair[1].media.id), reverse=True)
    log_access(db, who, "party_media", party_id, stated.text, party_id=party_id)
    return render(
        request,
        "media_party_fragment.html",
        party=party.party,
        total=total,
        stated=stated,
        rows=shown[:PARTY_LIMIT],
        more=max(0, len(shown) - PARTY_LIMIT),
        hidden=hidden,
        restricted_label=RESTRICTED_PLACEHOLDER,
        kind_labels=MEDIA_KIND_LABELS,
    )


# ---- uploading -------------------------------------------------------------------------------


def _upload_context(db: Session, action: Action) -> dict[str, Any]:
    return {
        "action": action,
        "activities": activities_of(db, action.id),
        "open": action.status is ActionStatus.open,
        "max_form_mb": media_api.MAX_FORM_BYTES // (1024 * 1024),
    }


@pages.get("/actions/{action_id}/media/upload", response_class=HTMLResponse)
def upload_page(request: Request, who: Writer, action: ActionToUpload, db: Db) -> Response:
    done = request.query_params.get("uploaded", "")
    notice = f"已上传并登记：{done}" if done else None
    return render(request, "media_upload.html", notice=notice, **_upload_context(db, action))


@pages.post("/actions/{action_id}/media/upload", response_class=HTMLResponse)
async def upload_form_submit(
    request: Request, who: Writer, action: ActionToUpload, db: Db, settings: Config
) -> Response:
    """The plain form (no JavaScript, small photos): the same upload as the API's. Not
    through `submit`: the upload reads the body with the request's session closed and
    the ingest commits in its own transactions, so a refusal leaves nothing to undo
    here; it is shown on the page."""
    action_id = action.id
    try:
        out = await media_api.receive_form_upload(request, db, who, settings, action_id)
    except DomainError as exc:
        again = get_action(db, action_id, who, handling=True)
        context = _upload_context(db, again)
        return render(request, "media_upload.html", exc.status_code, error=exc.message, **context)
    query = urlencode({"uploaded": f"{out.filename}（记录 {out.id}）"})
    return redirect(f"/app/actions/{action_id}/media/upload?{query}")


# ---- the hub ---------------------------------------------------------------------------------


@pages.get("/media", response_class=HTMLResponse)
def media_hub(
    request: Request, db: Tx, who: Reader, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    """音视频记录: the records one uploaded, newest first (names and times only)."""
    mine = select(Media).where(Media.uploaded_by == who.user_id)
    total = int(db.scalar(select(func.count()).select_from(mine.subquery())) or 0)
    rows = list(
        db.scalars(mine.order_by(Media.id.desc()).offset((page - 1) * HUB_PAGE).limit(HUB_PAGE))
    )
    action_ids = {m.action_id for m in rows}
    actions = {a.id: a for a in db.scalars(select(Action).where(Action.id.in_(action_ids)))}
    hidden: set[int] = set()  # flagged since, and closed to the uploader: its place only
    for action in actions.values():
        ids = [m.id for m in rows if m.action_id == action.id]
        hidden |= access.unreadable(db, who, action, ids)
    log_access(db, who, "media_list", None, "查看本人上传的记录")
    return render(
        request,
        "media_hub.html",
        rows=rows,
        titles={k: a.title for k, a in actions.items()},
        hidden=hidden,
        restricted_label=RESTRICTED_PLACEHOLDER,
        total=total,
        page=page,
        pages_total=max(1, -(-total // HUB_PAGE)),
        may_read_log=access.may_read_log(who),
        kind_labels=MEDIA_KIND_LABELS,
    )
