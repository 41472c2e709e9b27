"""Pure decisions of the enforcement hub: who may act on site, and which 事中 duties
(公示办法 第六条) an on-site activity still lacks. No database, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhifa.core.certificate_rules import STATE_LABELS, CertificateState
from zhifa.core.clock import people_date
from zhifa.enforcement.steps import ActionKind, Step

MIN_OFFICERS_ON_SITE = 2  # 《行政处罚法》第四十二条、第五十五条；《行政强制法》第十八条


class Matter(StrEnum):
    """告知事项 (公示办法 第六条: 执法事由、执法依据，陈述、申辩、听证、回避、配合执法)."""

    reason = "reason"
    basis = "basis"
    statement = "statement"
    defence = "defence"
    hearing = "hearing"
    recusal = "recusal"
    cooperation = "cooperation"


MATTER_LABELS = {
    Matter.reason: "执法事由",
    Matter.basis: "执法依据",
    Matter.statement: "陈述权",
    Matter.defence: "申辩权",
    Matter.hearing: "听证权",
    Matter.recusal: "申请回避权",
    Matter.cooperation: "配合执法义务",
}

# Steps at which the right to a hearing must be told (《行政处罚法》第六十三条、第六十四条).
_HEARING_STEPS = frozenset({"notice", "hearing"})


def matters_required(kind: ActionKind, step: Step) -> frozenset[Matter]:
    """What the party must be told at an on-site activity of this step."""
    required = {Matter.reason, Matter.basis, Matter.recusal, Matter.cooperation}
    if kind in (ActionKind.penalty, ActionKind.compulsion):
        required |= {Matter.statement, Matter.defence}
    if kind is ActionKind.penalty and step.code in _HEARING_STEPS:
        required.add(Matter.hearing)
    return frozenset(required)


@dataclass(frozen=True)
class OfficerOnSite:
    name: str
    certificate_state: CertificateState  # on the activity's day
    certificate_scope: str  # 执法领域, e.g. "安全生产、应急管理"


def certificate_problem(officer: OfficerOnSite, field: str, on: date) -> str | None:
    """Why this officer's certificate does not let them act in ``field`` on ``on``."""
    if officer.certificate_state is not CertificateState.valid:
        state = STATE_LABELS[officer.certificate_state]
        return f"{officer.name} 的执法证在 {people_date(on)} {state}，不得从事执法活动"
    if field and field not in officer.certificate_scope:
        return f"{officer.name} 的执法证执法领域（{officer.certificate_scope}）不含“{field}”"
    return None


def _too_few(count: int) -> str:
    return f"现场执法须有至少 {MIN_OFFICERS_ON_SITE} 名执法人员，当前 {count} 名"


def officer_problems(officers: Sequence[OfficerOnSite], field: str, on: date) -> list[str]:
    """Why these officers may not hold the activity (empty when they may)."""
    problems = [_too_few(len(officers))] if len(officers) < MIN_OFFICERS_ON_SITE else []
    found = (certificate_problem(officer, field, on) for officer in officers)
    return problems + [problem for problem in found if problem]


def staffing_warnings(officers: Sequence[OfficerOnSite], field: str, on: date) -> list[str]:
    """What keeps a case's officers from the on-site activity still ahead of it: too few
    of them hold a certificate valid on ``on`` for ``field`` (and whose are not). Empty
    when at least two may act."""
    problems = [p for p in (certificate_problem(o, field, on) for o in officers) if p]
    able = len(officers) - len(problems)
    if able >= MIN_OFFICERS_ON_SITE:
        return []
    return [
        f"现场执法须有至少 {MIN_OFFICERS_ON_SITE} 名持有效执法证的执法人员，"
        f"本案现有 {able} 名，请添加承办人员",
        *problems,
    ]


@dataclass(frozen=True)
class DutyFacts:
    """What is on record for one on-site activity."""

    officers: Sequence[str]  # names of the officers present
    shown: frozenset[str]  # names of those whose certificate showing is recorded
    told: frozenset[Matter]
    acknowledged: bool


def duty_problems(kind: ActionKind, step: Step, facts: DutyFacts) -> list[str]:
    """The 事中 duties an on-site activity still lacks."""
    problems = [
        f"未记录 {name} 出示执法证（亮证）" for name in facts.officers if name not in facts.shown
    ]
    untold = sorted(matters_required(kind, step) - facts.told, key=list(Matter).index)
    if untold:
        problems.append("未告知：" + "、".join(MATTER_LABELS[m] for m in untold))
    if not facts.acknowledged:
        problems.append("缺少当事人确认（签名或签字文书照片）")
    return problems
