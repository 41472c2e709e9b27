"""Credit publicity (信用中国) of published penalties, apart from their publication.

A penalty on a 生产经营单位 is published on the portals whatever its severity (安全生产法
第七十八条第二款); its credit publicity follows 《信用修复管理办法》 (令第36号): sent to
信用中国 unless it is 轻微 and no 确有必要 reason was recorded, it may be repaired from the
day after the shortest period (`rules.credit_window`), and it ends by itself after the
longest. A recorded 信用修复 (`record_repair`: who decided, when, 文号, why) ends it then:
the 信用中国 channel receives a 删除 row noting 已修复 (令第36号 第三条: 终止公示 means the
credit information systems no longer show it). The portal publication runs on to its
公示截止期: the portal is the bureau's 执法公示 under the law, not a credit system.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, today
from zhifa.core.errors import Conflict, InvalidInput
from zhifa.publicity import outbox, rules
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.models import (
    CreditRepair,
    Publication,
    PublicationObligation,
    PublicationStatus,
)


@dataclass(frozen=True)
class CreditStatus:
    """What a publication's credit publicity is: `sent` to 信用中国 or not, its window
    (None: not 失信信息), the repair recorded and the day it ended (None: running)."""

    sent: bool
    window: rules.CreditWindow | None
    repair: CreditRepair | None
    ended_on: date | None

    @property
    def words(self) -> str:
        if not self.sent:
            return "不报送信用中国（轻微失信信息原则上不予公示）"
        if self.window is None:
            return "不属失信信息，无信用修复"
        if self.repair is not None:
            return f"已修复，信用公示于{people_date(self.repair.decided_on)}终止"
        if self.ended_on is not None:
            return f"信用公示已于{people_date(self.ended_on)}届满自动结束"
        return "信用公示中"


def repair_of(db: Session, obligation_id: int) -> CreditRepair | None:
    return db.scalar(select(CreditRepair).where(CreditRepair.obligation_id == obligation_id))


def credit_status(db: Session, pub: Publication, on: date | None = None) -> CreditStatus:
    obligation = db.get(PublicationObligation, pub.obligation_id)
    assert obligation is not None
    rule = rules.rule_by_code(pub.period_code)
    window = rules.credit_window(working_calendar(db), rule, obligation.decided_on)
    repair = repair_of(db, obligation.id)
    day = on or today()
    ended = window.ends.date if window and day > window.ends.date else None
    return CreditStatus(rule.sent_to_credit(pub.credit_necessity), window, repair, ended)


def _text(value: str, field: str, what: str, size: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"请填写{what}", field)
    return text[:size]


def record_repair(
    db: Session,
    publication_id: int,
    who: Principal,
    *,
    decided_by: str,
    decided_on: date,
    reference: str,
    reason: str,
) -> CreditRepair:
    """Record a 信用修复 decision: refused before the earliest day the party may apply
    (the shortest period, 令第36号), after the credit publicity ended by itself, or for
    what was never sent to 信用中国; ends the credit publicity through the outbox."""
    pub = db.get(Publication, publication_id)
    if pub is None or pub.status is not PublicationStatus.published:
        raise Conflict("只有正在公示的处罚信息才能记录信用修复")
    fields = (
        _text(decided_by, "decided_by", "作出修复决定的机关", 200),
        _text(reference, "reference", "修复决定文号或受理编号", 200),
        _text(reason, "reason", "修复理由（已纠正失信行为、履行义务、作出信用承诺等）", 1000),
    )
    status = credit_status(db, pub)
    if status.window is None or not status.sent:
        raise Conflict(f"该信息未在信用中国公示，无需信用修复（{status.words}）")
    if status.repair is not None:
        raise Conflict(f"已记录信用修复（{status.repair.reference}）")
    window = status.window
    if decided_on > today():
        raise InvalidInput("修复决定日期不能晚于今天", "decided_on")
    if decided_on < window.earliest_repair:
        rule = rules.rule_by_code(pub.period_code)
        raise InvalidInput(
            f"最短公示期未满，不能记录信用修复：最早可申请信用修复日为"
            f"{people_date(window.earliest_repair)}（{rules.SEVERITY_LABELS[rule.severity]}"
            f"最短公示期{rule.min_months}个月，自处罚决定之日起计算，届满后方可申请）",
            "decided_on",
        )
    if decided_on > window.ends.date:
        raise Conflict(f"信用公示已于{people_date(window.ends.date)}届满自动结束，无需信用修复")
    row = CreditRepair(
        obligation_id=pub.obligation_id,
        publication_id=pub.id,
        decided_by=fields[0],
        decided_on=decided_on,
        reference=fields[1],
        reason=fields[2],
        recorded_by=who.user_id,
    )
    db.add(row)
    db.flush()
    record_change(db, actor_name(who), "publication.credit_repair", row)
    note = f"已修复：{fields[0]}{people_date(decided_on)}作出信用修复决定（{fields[1]}）"
    outbox.enqueue(db, pub, OutboxEvent.repair, note)
    return row
