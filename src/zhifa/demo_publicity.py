"""Demo 事后公示: every demo decision goes through the real publication pipeline — drafted,
reviewed and published by the legal section — except one exempted (依法不予公开, asked
by one person and approved by another); one publication is then corrected and one
withdrawn, so that `make demo` shows a living portal. Idempotent: an obligation that is no
longer open is left alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.models import User
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action
from zhifa.publicity import service
from zhifa.publicity.models import ObligationStatus, PublicationObligation

# The decision kept from the public (by the title of its demo case), and why.
EXEMPTED_CASE = "个体工商户占用疏散通道堆放易燃物品（简易程序）"
EXEMPTION_REASON = (
    "当事人为个体工商户，违法行为已当场改正，公开处罚信息将披露其个人经营状况，"
    "经审查不属于应当主动公开的情形。"
)
EXEMPTION_BASIS = "《中华人民共和国政府信息公开条例》第十五条"


def _legal_staff(db: Session) -> tuple[Principal, Principal]:
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
    asker, approver = _legal_staff(db)
    open_ones = db.scalars(
        select(PublicationObligation)
        .where(PublicationObligation.status == ObligationStatus.open)
        .order_by(PublicationObligation.id)
    ).all()
    for obligation in open_ones:
        if _case_title(db, obligation) == EXEMPTED_CASE:
            row = service.request_exemption(
                db, obligation.id, asker, EXEMPTION_REASON, EXEMPTION_BASIS
            )
            service.decide_exemption(db, row.id, approver, approve=True, note="同意不予公开")
        else:
            draft = service.prepare_draft(db, settings, obligation.id, asker)
            service.review(db, draft.id, asker, "已核对公示内容与决定书一致，个人信息已脱敏")
            service.publish(db, draft.id, approver)
        db.commit()
    return len(open_ones)
