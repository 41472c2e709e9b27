"""What a read was of, in words (调阅日志): "处罚决定书 沪普应急罚〔2026〕3号", "更正申请
GZ-2026-9W3BM2DB", "执法案件 未设置安全警示标志" — never a table name or a bare id.

`RECORD_LABELS` is the one mapping from the record kinds that `core.access.log_access`
is given to Chinese words; `read_names` adds, per log row, the record itself: a
document's title and number, a case's title, a party's or officer's name, a receipt
number. A record that is gone (or a kind with no lookup) keeps its label and number."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.models import AccessLog, User
from zhifa.enforcement.models import Action, Activity, Party, PartyVersion
from zhifa.publicity.models import CorrectionRequest
from zhifa.recording.documents.models import Document
from zhifa.recording.documents.verification import title_of
from zhifa.recording.media.models import MEDIA_KIND_LABELS, Media

RECORD_LABELS: dict[str, str] = {
    "action_media": "案件音视频记录列表",
    "party_media": "行政相对人音视频记录",
    "media_list": "本人上传的记录",
    "media_info": "音视频记录信息",
    "media": "音视频记录原件",
    "media_thumbnail": "音视频记录缩略图",
    "media_download": "音视频记录原件（下载导出）",
    "media_export": "照片（带水印导出）",
    "media_thumbnail_export": "视频封面（带水印导出）",
    "media_export_refused": "受限音视频记录（导出被拒绝）",
    "media_marks": "音视频记录标记",
    "access_log": "调阅日志",
    "party": "行政相对人",
    "action": "执法案件",
    "action_recording": "案件音视频记录要求",
    "activity": "现场执法活动",
    "activity_recording": "现场执法活动音视频记录",
    "document": "文书",
    "officer": "执法人员",
    "correction_request": "更正申请",
    "overdue_report": "逾期问责报告",
    "weak_points": "薄弱环节分析",
    "credit_export": "信用中国报送文件",
    "recording_exceptions": "记录例外申请",
    "recording_problems": "记录问题清单",
    "archive_item": "档案卷内文件（利用查阅）",
    "archive_item_copy": "档案卷内文件（利用复制，带水印）",
    "archive_item_custody": "档案卷内文件（保管查看）",
    "archive_file": "档案",
    "archive_check": "档案四性检测报告",
}


def label(record_type: str) -> str:
    """The kind in words; an unknown kind says so rather than showing its code."""
    return RECORD_LABELS.get(record_type, "其他记录")


def _ids(logs: Iterable[AccessLog], *kinds: str) -> set[int]:
    return {
        int(log.record_id)
        for log in logs
        if log.record_type in kinds and log.record_id and log.record_id.isdigit()
    }


def _documents(db: Session, ids: set[int]) -> dict[int, str]:
    rows = db.scalars(select(Document).where(Document.id.in_(ids)))
    return {d.id: f"{title_of(d)} {d.doc_number or '（未编号）'}" for d in rows}


def _corrections(db: Session, ids: set[int]) -> dict[int, str]:
    rows = db.scalars(select(CorrectionRequest).where(CorrectionRequest.id.in_(ids)))
    return {c.id: f"更正申请 {c.receipt_number}" for c in rows}


def _actions(db: Session, ids: set[int]) -> dict[int, str]:
    return {a.id: a.title for a in db.scalars(select(Action).where(Action.id.in_(ids)))}


def _activities(db: Session, ids: set[int]) -> dict[int, str]:
    rows = db.execute(
        select(Activity.id, Action.title, Activity.place)
        .join(Action, Action.id == Activity.action_id)
        .where(Activity.id.in_(ids))
    )
    return {i: f"{title}（{place}）" for i, title, place in rows}


def _parties(db: Session, ids: set[int]) -> dict[int, str]:
    rows = db.execute(
        select(Party.id, PartyVersion.name)
        .join(
            PartyVersion,
            (PartyVersion.party_id == Party.id) & (PartyVersion.version == Party.current_version),
        )
        .where(Party.id.in_(ids))
    )
    return {party_id: name for party_id, name in rows}


def _people(db: Session, ids: set[int]) -> dict[int, str]:
    # (a Result has .keys(): dict() would take it for a mapping)
    rows = db.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def _media(db: Session, ids: set[int]) -> dict[int, str]:
    rows = db.scalars(select(Media).where(Media.id.in_(ids)))
    return {m.id: f"{MEDIA_KIND_LABELS[m.kind]} {m.filename}" for m in rows}


_MEDIA = ("media_info", "media", "media_thumbnail", "media_download", "media_export",
          "media_thumbnail_export", "media_marks")  # fmt: skip
# Record kinds whose id names a record of the lookup's table; what the record is called.
_LOOKUPS: tuple[tuple[tuple[str, ...], Callable[[Session, set[int]], dict[int, str]]], ...] = (
    (("document",), _documents),
    (("correction_request",), _corrections),
    (("action", "action_media", "action_recording"), _actions),
    (("activity", "activity_recording"), _activities),
    (("party", "party_media"), _parties),
    (("officer",), _people),
    (_MEDIA, _media),
)


def read_names(db: Session, logs: list[AccessLog]) -> dict[int, str]:
    """Per log row id: what was read, in words. A document names itself (its title is the
    kind); other records follow their kind's label."""
    names: dict[int, str] = {}
    for kinds, lookup in _LOOKUPS:
        ids = _ids(logs, *kinds)
        found = lookup(db, ids) if ids else {}
        for log in logs:
            if log.record_type in kinds and log.record_id and log.record_id.isdigit():
                what = found.get(int(log.record_id))
                names[log.id] = _words(log, what)
    for log in logs:
        names.setdefault(log.id, _words(log, None))
    return names


def _words(log: AccessLog, what: str | None) -> str:
    kind = label(log.record_type)
    if what is None:
        return f"{kind} {log.record_id}" if log.record_id else kind
    if log.record_type in ("document", "correction_request"):
        return what  # 处罚决定书 沪普应急罚〔2026〕3号 / 更正申请 GZ-…
    return f"{kind} {what}"
