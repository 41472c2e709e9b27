"""Demo 事后公示: every demo decision goes through the real publication pipeline — drafted,
reviewed and published by the legal section — except one exempted (依法不予公开, asked
by one person and approved by another); then one is corrected on a party's written
request and one withdrawn after its decision was revoked, so that `make demo` shows a
living portal. Idempotent: obligations no longer open, and cases already corrected or
withdrawn, are left alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.models import User
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action
from zhifa.publicity import corrections, service, withdrawals
from zhifa.publicity.models import (
    CorrectionRequest,
    ObligationStatus,
    PublicationObligation,
    Withdrawal,
    WithdrawalCause,
)

# The decision kept from the public (by the title of its demo case), and why.
EXEMPTED_CASE = "个体工商户占用疏散通道堆放易燃物品（简易程序）"
EXEMPTION_REASON = (
    "当事人为个体工商户，违法行为已当场改正，公开处罚信息将披露其个人经营状况，"
    "经审查不属于应当主动公开的情形。"
)
EXEMPTION_BASIS = "《中华人民共和国政府信息公开条例》第十五条"

# The publication a party asks to correct, and what is put right.
CORRECTED_CASE = "未如实记录安全生产教育和培训情况（简易程序）"
CORRECTION_REQUEST = "违法事实中写的是“考核结果”，我单位被查出的问题只是未记录培训时间和参加人员。"
CORRECTED_FACTS = "未如实记录从业人员安全生产教育和培训的时间、参加人员等情况。"
CORRECTION_SUMMARY = "经核实，违法事实表述有误，已按处罚决定书更正"

# The decision revoked on administrative reconsideration, and the notice shown instead.
WITHDRAWN_CASE = "未设置安全警示标志（简易程序）"
WITHDRAWAL_REASON = "该行政处罚决定已被区人民政府行政复议决定撤销，原公示信息依法撤下。"
WITHDRAWAL_REF = "普府复决字〔2026〕第57号"


# Every demo penalty's severity, chosen by the reviewer (no default), and for a 轻微 one
# sent to 信用中国 why that is 确有必要 ("" = published on the portals only).
PENALTY_SEVERITY: dict[str, tuple[str, str]] = {
    "未设置安全警示标志（简易程序）": ("general", ""),
    "未按规定对重大危险源登记建档": ("serious", ""),
    "未如实记录安全生产教育和培训情况（简易程序）": ("general", ""),
    "有较大危险因素的场所未设置安全警示标志（简易程序）": ("minor", ""),
    "个体工商户经营场所未设置安全警示标志（简易程序）": (
        "minor",
        "液化石油气钢瓶存放处紧邻居民楼，向社会提示风险确有必要（演示）",
    ),
    "个体工商户占用疏散通道堆放易燃物品（简易程序）": ("minor", ""),
}


def _choices(db: Session, obligation: PublicationObligation) -> tuple[str | None, str]:
    """The reviewer's choices for a demo draft: a penalty's severity is named, never a
    default (a demo penalty missing from `PENALTY_SEVERITY` is an error)."""
    if obligation.kind != "penalty":
        return None, ""
    return PENALTY_SEVERITY[_case_title(db, obligation)]


def legal_staff(db: Session) -> tuple[Principal, Principal]:
    """The two legal-section demo accounts: one asks, the other approves."""
    users = [db.scalar(select(User).where(User.username == name)) for name in ("legal", "legal2")]
    if None in users:
        raise LookupError("seed the demo accounts first")
    return tuple(  # type: ignore[return-value]
        Principal(u.id, u.username, u.full_name, frozenset({Role.legal}))
        for u in users
        if u is not None
    )


def _case_title(db: Session, obligation: PublicationObligation) -> str:
    action = db.get(Action, obligation.action_id)
    return action.title if action is not None else ""


def seed_demo_publicity(db: Session, settings: Settings) -> int:
    """Publish (or exempt) every open demo obligation; returns how many were handled."""
    service.sync_obligations(db)
    asker, approver = legal_staff(db)
    open_ones = db.scalars(
        select(PublicationObligation)
        .where(
            PublicationObligation.status == ObligationStatus.open,
            # a decision's obligation (双随机 results are published by demo.draws)
            PublicationObligation.document_id.is_not(None),
        )
        .order_by(PublicationObligation.id)
    ).all()
    for obligation in open_ones:
        if _case_title(db, obligation) == EXEMPTED_CASE:
            row = service.request_exemption(
                db, obligation.id, asker, EXEMPTION_REASON, EXEMPTION_BASIS
            )
            service.decide_exemption(db, row.id, approver, approve=True, note="同意不予公开")
        else:
            severity, necessity = _choices(db, obligation)
            draft = service.prepare_draft(
                db, settings, obligation.id, asker, severity=severity, credit_necessity=necessity
            )
            service.review(db, draft.id, asker, "已核对公示内容与决定书一致，个人信息已脱敏")
            service.publish(db, draft.id, approver)
        db.commit()
    _correct_one(db, settings, asker, approver)
    _withdraw_one(db, asker, approver)
    return len(open_ones)


def _obligation_of(db: Session, title: str) -> PublicationObligation | None:
    return db.scalar(
        select(PublicationObligation)
        .join(Action, Action.id == PublicationObligation.action_id)
        .where(Action.title == title)
    )


def _correct_one(db: Session, settings: Settings, staff: Principal, approver: Principal) -> None:
    """A party's written request, verified, corrected and published by a second person."""
    obligation = _obligation_of(db, CORRECTED_CASE)
    if obligation is None or db.scalar(
        select(CorrectionRequest.id).where(CorrectionRequest.obligation_id == obligation.id)
    ):
        return
    intake = corrections.Intake(obligation.id, "王建国", "13800138000", CORRECTION_REQUEST)
    store = open_blob_store(settings)
    case = corrections.receive(db, store, settings, intake, None, "demo", received_on=today())
    corrections.propose(
        db,
        settings,
        case.id,
        staff,
        edits={"facts": CORRECTED_FACTS},
        rebuild=False,
        summary=CORRECTION_SUMMARY,
    )
    corrections.approve(db, case.id, approver)
    db.commit()


def _withdraw_one(db: Session, staff: Principal, performer: Principal) -> None:
    """A decision revoked on reconsideration: registered, then taken down with a notice."""
    obligation = _obligation_of(db, WITHDRAWN_CASE)
    if obligation is None or db.scalar(
        select(Withdrawal.id).where(Withdrawal.obligation_id == obligation.id)
    ):
        return
    change = withdrawals.Change(WithdrawalCause.revoked, today(), WITHDRAWAL_REASON, WITHDRAWAL_REF)
    withdrawal, _ = withdrawals.register(db, obligation.id, staff, change)
    if withdrawal is not None:
        withdrawals.perform(db, withdrawal.id, performer)
    db.commit()
