"""Demo enforcement actions of every kind, walked through the real services — documents
filled, issued as PDFs and served, duties recorded — so that `make demo` shows live cases.
Idempotent: actions are recognised by their titles."""

from __future__ import annotations

import io
import struct
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore, hash_stream
from zhifa.core.auth import Principal
from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.core.db import factory_like
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.demo.media import make_clip
from zhifa.enforcement import actions
from zhifa.enforcement.models import AcknowledgementMethod, Action, PowerItem
from zhifa.enforcement.rules import Matter, matters_required
from zhifa.enforcement.steps import procedure
from zhifa.recording.av import requirement as recording
from zhifa.recording.documents import service as documents
from zhifa.recording.documents.models import Document, ServiceMethod
from zhifa.recording.documents.requirement import DECISION_KINDS
from zhifa.recording.media.ingest import Received, ingest
from zhifa.recording.media.models import Media, UploadChannel


@dataclass(frozen=True)
class DemoCase:
    title: str
    procedure: str
    party_index: int  # which demo party (by id order)
    walk: tuple[str, ...]  # the steps to enter after the first
    fields: dict[str, dict[str, Any]]  # document kind -> the officer's fields
    item_code: str = ""  # the power item; the first of the procedure's kind when empty
    # How long ago its on-site activity and body-camera clip were (0: now). The old routine
    # inspection's clip, neither evidence nor disputed, is past 记录办法 第十条第三款's
    # 6 months: the archive's disposal due list shows it.
    days_ago: int = 0


def _summary_fine(
    title: str, party: int, facts: str, violated: str, amount: str, item_code: str
) -> DemoCase:
    """A 简易程序 fine (行政处罚法 第五十一条: up to 200 yuan for a person, 3,000 for an
    organisation)."""
    fields = {
        "facts": facts,
        "violated": violated,
        "penalty_content": "罚款",
        "fine_amount": amount,
        "payment": "到指定银行或者通过电子支付系统缴纳",
    }
    return DemoCase(
        title,
        "penalty.summary",
        party,
        ("execution", "closing"),
        {"on_site_penalty_decision": fields},
        item_code,
    )


def _day(offset: int) -> str:
    """A date the demo officer types, counted from the day the demo is seeded, so that every
    case is dated in order whenever it runs."""
    return (today() + timedelta(days=offset)).isoformat()  # not a legal limit: demo dates


_HAZARD = "储存间内危险化学品未按规定分类、分区存放，部分包装破损，未设置明显安全警示标志"

CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "危险化学品储存场所安全检查",
        "inspection.on_site",
        2,
        ("measures", "reinspection", "closing"),
        {
            "site_inspection_record": {
                "checked": "检查了危险化学品储存间、安全管理制度和从业人员培训记录。",
                "problems": _HAZARD,
            },
            "rectification_order": {"problems": _HAZARD},
            "reinspection_opinion": {
                "findings": "已按类别分区存放，破损包装已更换，警示标志已设置。",
                "conclusion": "已按要求整改完毕",
            },
        },
    ),
    DemoCase(
        "未设置安全警示标志（简易程序）",
        "penalty.summary",
        4,
        ("execution", "closing"),
        {
            "on_site_penalty_decision": {
                "facts": "经营场所有较大危险因素的部位未设置明显的安全警示标志。",
                "violated": "《中华人民共和国安全生产法》第三十五条",
                "penalty_content": "罚款",
                "fine_amount": "1000",
                "payment": "到指定银行或者通过电子支付系统缴纳",
            }
        },
        "CF-006",
    ),
    DemoCase(
        "查封不符合安全标准的液化气钢瓶",
        "compulsion.seizure",
        6,
        ("handling", "closing"),
        {
            "seizure_decision": {
                "measure": "查封",
                "facts": "现场发现使用超过检验期限的液化石油气钢瓶，存在爆炸危险。",
                "items": "超期液化石油气钢瓶（15公斤）6只",
            }
        },
    ),
    DemoCase(
        "安全培训记录证据先行登记保存",
        "compulsion.preservation",
        8,
        ("handling", "closing"),
        {
            "evidence_preservation_notice": {
                "items": f"{today().year}年度安全生产教育和培训记录3册",
                "storage_method": "就地保存",
            }
        },
        "QZ-002",
    ),
    DemoCase(
        "未按规定对重大危险源登记建档",
        "penalty.general",
        1,
        ("investigation", "notice"),
        {
            "case_filing_approval": {
                "source": "监督检查",
                "summary": "监督检查中发现该单位未对储罐区重大危险源登记建档。",
            },
            "inquiry_record": {
                "place": "本局询问室",
                "content": "问：储罐区是否构成重大危险源？答：构成，但尚未登记建档。",
            },
            "penalty_notice": {
                "facts": "该单位储罐区构成重大危险源，未按规定登记建档、进行评估和监控。",
                "evidence": "现场检查记录、询问笔录、照片",
                "violated": "《中华人民共和国安全生产法》第四十条第一款",
                "penalty_content": "罚款人民币伍万元",
                "fine_amount": "50000",
            },
        },
    ),
    DemoCase(
        "台风应急处置征用运输车辆",
        "levy.general",
        10,
        ("service", "execution", "closing"),
        {"service_receipt": {"served_documents": "应急征用通知书", "method": "直接送达"}},
    ),
    DemoCase(
        "危险化学品经营许可（不带储存设施）",
        "license.general",
        12,
        ("review", "decision", "service", "closing"),
        {
            "license_decision": {
                "applied_on": _day(-35),
                "license_number": f"沪普危化经字〔{today().year}〕000123",
                "scope": "经营方式：不带储存设施经营；许可品种：汽油、柴油（闭杯闪点≤60℃）。",
                "valid_to": _day(3 * 365),
            },
            "service_receipt": {
                "served_documents": "准予行政许可决定书、危险化学品经营许可证",
                "method": "直接送达",
            },
        },
    ),
    DemoCase("生产安全事故现场勘查", "other.general", 14, ("closing",), {}),
    DemoCase(
        "液氨使用场所日常检查",
        "inspection.on_site",
        24,
        ("closing",),
        {
            "site_inspection_record": {
                "checked": "检查了液氨储罐区、泄漏报警装置和应急器材。",
                "problems": "未发现安全隐患",
            }
        },
        days_ago=213,  # not a legal limit: the age of a demo inspection
    ),
    # More decisions, so that the publicity demo has fines, persons and each kind twice.
    _summary_fine(
        "未如实记录安全生产教育和培训情况（简易程序）",
        16,
        "未如实记录从业人员安全生产教育和培训的时间、内容、参加人员以及考核结果等情况。",
        "《中华人民共和国安全生产法》第二十八条第四款",
        "2000",
        "CF-002",
    ),
    _summary_fine(
        "有较大危险因素的场所未设置安全警示标志（简易程序）",
        18,
        "油漆调配间（有较大危险因素的场所）未设置明显的安全警示标志。",
        "《中华人民共和国安全生产法》第三十五条",
        "3000",
        "CF-006",
    ),
    _summary_fine(
        "个体工商户经营场所未设置安全警示标志（简易程序）",
        42,
        "店内液化石油气钢瓶存放处未设置明显的安全警示标志，联系电话13912345678。",
        "《中华人民共和国安全生产法》第三十五条",
        "200",
        "CF-006",
    ),
    _summary_fine(
        "个体工商户占用疏散通道堆放易燃物品（简易程序）",
        44,
        "店铺后门疏散通道内堆放纸箱等易燃物品，影响人员疏散。",
        "《中华人民共和国安全生产法》第四十二条第二款",
        "100",
        "CF-007",
    ),
    DemoCase(
        "扣押无安全技术说明书的危险化学品",
        "compulsion.seizure",
        20,
        ("handling", "closing"),
        {
            "seizure_decision": {
                "measure": "扣押",
                "facts": "仓库内存放的危险化学品无化学品安全技术说明书和安全标签，来源不明。",
                "items": "无标签危险化学品（乙酸乙酯，25升桶装）12桶",
            }
        },
    ),
    DemoCase(
        "烟花爆竹经营（零售）许可",
        "license.general",
        22,
        ("review", "decision", "service", "closing"),
        {
            "license_decision": {
                "applied_on": _day(-49),
                "license_number": f"（沪普）YH零〔{today().year}〕000045",
                "scope": "经营方式：零售；许可范围：C级、D级烟花爆竹产品；储存限量：不超过1吨。",
                "valid_to": _day(365),
            },
            "service_receipt": {
                "served_documents": "准予行政许可决定书、烟花爆竹经营（零售）许可证",
                "method": "直接送达",
            },
        },
        "XK-002",
    ),
)


def _png() -> bytes:
    """A small white signature image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    return raw + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b"")


def able_officers(db: Session) -> list[Principal]:
    """The demo officers whose certificate is valid today."""
    day = today()
    valid = [o.user for o in list_officers(db) if o.has_valid_certificate(day)]
    return [Principal(u.id, u.username, u.full_name, frozenset({Role.officer})) for u in valid]


def on_site_duties(
    db: Session,
    settings: Settings,
    store: BlobStore,
    action: Action,
    who: Principal,
    team: list[int],
    days_ago: int = 0,
) -> None:
    # not a legal limit: how long ago a demo activity took place
    now = actions.beijing(documents.local_now() - timedelta(days=days_ago))
    activity = actions.record_activity(
        db,
        action.id,
        actions.ActivityIn(
            started_at=now, place=action.party.versions[-1].address, officer_ids=team
        ),
        who,
    )
    for officer_id in team:
        actions.record_certificate_shown(db, activity.id, officer_id, now, who)
    step = actions.procedure_of(action).step(action.current_step)
    told = list(matters_required(action.kind, step)) or [Matter.reason]
    actions.record_matters_told(db, activity.id, actions.MattersIn(matters=told, told_at=now), who)
    actions.record_acknowledgement(
        db,
        store,
        activity.id,
        method=AcknowledgementMethod.signature,
        signer_name="企业负责人",
        evidence=io.BytesIO(_png()),
        note="",
        at=now,
        who=who,
    )
    _record_on_camera(db, settings, store, action, activity.id, who, now)


def _record_on_camera(
    db: Session,
    settings: Settings,
    store: BlobStore,
    action: Action,
    activity_id: int,
    who: Principal,
    started: datetime,
) -> None:
    """The body camera ran through the activity: its clip is ingested like an upload and
    the party was told when recording started (第七条)."""
    media = ingest_clip(db, settings, store, action, activity_id, who, started)
    notice = recording.NoticeIn(told_at=started, media_id=media.id)
    recording.record_notice(db, activity_id, notice, who)


def ingest_clip(
    db: Session,
    settings: Settings,
    store: BlobStore,
    action: Action,
    activity_id: int,
    who: Principal,
    started: datetime,
) -> Media:
    """A 4-second body-camera clip of the activity from `started`, ingested like an upload."""
    db.commit()  # ingest writes in its own transactions
    with tempfile.TemporaryDirectory() as folder:
        clip = make_clip(
            Path(folder) / f"activity-{activity_id}-{started:%H%M%S}.mp4",
            started=started.astimezone(UTC),
            seconds=4,
            caption=f"action {action.id} / activity {activity_id}",
        )
        with clip.open("rb") as stream:
            digest, size = hash_stream(stream, store.algorithm)
        received = Received(
            path=clip,
            digest=digest,
            size=size,
            filename=clip.name,
            action_id=action.id,
            activity_id=activity_id,
            device="DEMO-DSJ-001",
            channel=UploadChannel.form,
        )
        return ingest(factory_like(db), store, who, received, settings.blob_max_bytes)


def issue_document(
    db: Session,
    settings: Settings,
    store: BlobStore,
    action: Action,
    kind: str,
    fields: dict[str, Any],
    who: Principal,
) -> Document:
    values = dict(fields)
    if kind in ("site_inspection_record", "inquiry_record"):
        # a demo inspection lasted the hour before it is recorded
        now = documents.local_now()
        hour_ago = now - timedelta(hours=1)  # not a legal limit: the demo inspection's length
        values.setdefault("started_at", hour_ago.isoformat())
        values.setdefault("ended_at", now.isoformat())
    if kind == "rectification_order":
        # not a legal limit: the 整改期限 the demo officer sets
        values.setdefault("deadline", (today() + timedelta(days=15)).isoformat())
    doc = documents.create_draft(
        db, settings, action.id, documents.DraftIn(kind=kind, fields=values), who
    )
    return documents.issue(db, settings, store, doc.id, who)


def _complete_step(
    db: Session,
    settings: Settings,
    store: BlobStore,
    action: Action,
    case: DemoCase,
    who: Principal,
    team: list[int],
) -> None:
    step = actions.procedure_of(action).step(action.current_step)
    if step.on_site:
        on_site_duties(db, settings, store, action, who, team, case.days_ago)
    for kind in step.documents:
        issue_document(db, settings, store, action, kind, case.fields.get(kind, {}), who)


def seed_demo_actions(db: Session, settings: Settings, store: BlobStore) -> int:
    """Create the demo cases that are missing; returns how many were made."""
    existing = set(db.scalars(select(Action.title)))
    officers = able_officers(db)
    if len(officers) < 2:
        return 0
    made = 0
    for number, case in enumerate(CASES):
        if case.title in existing:
            continue
        who = officers[number % len(officers)]
        team = [who.user_id, officers[(number + 1) % len(officers)].user_id]
        proc = procedure(case.procedure)
        chosen = PowerItem.code == case.item_code if case.item_code else PowerItem.kind == proc.kind
        item = db.scalar(select(PowerItem).where(chosen).order_by(PowerItem.id))
        assert item is not None, "seed the power items first"
        action = actions.open_action(
            db,
            actions.ActionIn(
                procedure=case.procedure,
                party_id=case.party_index,
                power_item_id=item.id,
                title=case.title,
                officer_ids=team,
            ),
            who,
        )
        db.flush()
        for target in case.walk:
            _complete_step(db, settings, store, action, case, who, team)
            if target == "closing" or procedure(case.procedure).step(target).final:
                for kind in proc.step(target).documents:
                    issue_document(
                        db, settings, store, action, kind, case.fields.get(kind, {}), who
                    )
            _serve(db, settings, store, action, case, who)
            actions.advance(db, action.id, actions.TransitionIn(to_step=target), who)
        if not proc.step(action.current_step).final:
            _complete_step(db, settings, store, action, case, who, team)
        db.commit()
        made += 1
    return made


def _serve(
    db: Session,
    settings: Settings,
    store: BlobStore,
    action: Action,
    case: DemoCase,
    who: Principal,
) -> None:
    """Before leaving a 送达 step: issue the 文书送达回执 and record with it that each
    issued decision was handed over."""
    if action.current_step != "service":
        return
    fields = case.fields.get("service_receipt", {"method": "直接送达"})
    receipt = issue_document(db, settings, store, action, "service_receipt", fields, who)
    for code in DECISION_KINDS:
        for doc in documents.effective(db, action.id, code):
            service = documents.ServiceIn(
                method=ServiceMethod.direct,
                served_on=today(),
                recipient="企业负责人",
                receipt_document_id=receipt.id,
            )
            documents.record_service(db, doc.id, service, who)
