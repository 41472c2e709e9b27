"""The procedures of each kind of enforcement action, as data: their steps, which steps
may follow which, the legal basis of each, and the time limit (by rule-table code) that
runs from a step. Pure: no database, no clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class ActionKind(StrEnum):
    penalty = "penalty"  # 行政处罚
    compulsion = "compulsion"  # 行政强制
    inspection = "inspection"  # 行政检查
    levy = "levy"  # 行政征收征用
    license = "license"  # 行政许可
    other = "other"  # 其他


ACTION_KIND_LABELS = {
    ActionKind.penalty: "行政处罚",
    ActionKind.compulsion: "行政强制",
    ActionKind.inspection: "行政检查",
    ActionKind.levy: "行政征收征用",
    ActionKind.license: "行政许可",
    ActionKind.other: "其他",
}


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    basis: str
    on_site: bool = False  # an activity at the party's site or face to face: 事中 duties apply
    documents: tuple[str, ...] = ()  # document kinds that must be issued to complete it
    limit: str | None = None  # time-limit code (core.time_limits) counted from entering it
    final: bool = False


@dataclass(frozen=True)
class Procedure:
    code: str
    kind: ActionKind
    label: str
    steps: tuple[Step, ...]
    transitions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def first(self) -> Step:
        return self.steps[0]

    def step(self, code: str) -> Step:
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(f"{self.label}没有“{code}”这一步")

    def next_steps(self, code: str) -> tuple[Step, ...]:
        return tuple(self.step(c) for c in self.transitions.get(code, ()))

    def allows(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, ())

    def on_site_ahead(self, code: str) -> bool:
        """Is there an on-site step at ``code`` or anywhere after it?"""
        seen, todo = set(), [code]
        while todo:
            step = self.step(todo.pop())
            if step.on_site:
                return True
            seen.add(step.code)
            todo += [c for c in self.transitions.get(step.code, ()) if c not in seen]
        return False


_FILING = Step(
    "filing",
    "立案",
    "《行政处罚法》第五十四条",
    documents=("case_filing_approval",),
    limit="penalty.decision_after_filing",
)
_INVESTIGATION = Step(
    "investigation",
    "调查取证",
    "《行政处罚法》第五十五条、第五十六条",
    on_site=True,
    documents=("inquiry_record",),
)
_NOTICE = Step(
    "notice",
    "告知（陈述申辩、听证）",
    "《行政处罚法》第四十四条、第六十三条、第六十四条",
    documents=("penalty_notice",),
)  # the party's period runs from the SERVICE of the notice, not from this step (clocks.py)
# The right to a hearing is told in the 行政处罚告知书; the hearing itself is an on-site
# activity with its duties (its 听证通知书 and 听证笔录 are recorded as activity records).
_HEARING = Step("hearing", "听证", "《行政处罚法》第六十四条、第六十五条", on_site=True)
_STATEMENT = Step(
    "statement",
    "陈述申辩",
    "《行政处罚法》第四十五条",
    on_site=True,
    documents=("statement_record",),
)
_LEGAL_REVIEW = Step("legal_review", "法制审核", "《行政处罚法》第五十八条")
_DECISION = Step(
    "decision",
    "决定",
    "《行政处罚法》第五十七条、第五十九条",
    documents=("penalty_decision",),
    limit="penalty.service_of_decision",
)
# What must be served is checked by the documents feature (each decision has a service record).
_SERVICE = Step("service", "送达", "《行政处罚法》第六十一条")
_EXECUTION = Step("execution", "执行", "《行政处罚法》第六十六条至第七十三条")
_CLOSING = Step(
    "closing", "结案", "《行政处罚法》第五十七条", documents=("case_closing_approval",), final=True
)

PENALTY_GENERAL = Procedure(
    "penalty.general",
    ActionKind.penalty,
    "行政处罚（普通程序）",
    (
        _FILING,
        _INVESTIGATION,
        _NOTICE,
        _STATEMENT,
        _HEARING,
        _LEGAL_REVIEW,
        _DECISION,
        _SERVICE,
        _EXECUTION,
        _CLOSING,
    ),
    MappingProxyType(
        {
            "filing": ("investigation",),
            # 调查终结后不予处罚、移送等情形直接结案（第五十七条）。
            "investigation": ("notice", "closing"),
            "notice": ("statement", "hearing", "legal_review", "decision"),
            "statement": ("hearing", "legal_review", "decision"),
            "hearing": ("legal_review", "decision"),
            "legal_review": ("decision",),
            "decision": ("service",),
            "service": ("execution", "closing"),
            "execution": ("closing",),
        }
    ),
)

PENALTY_SUMMARY = Procedure(
    "penalty.summary",
    ActionKind.penalty,
    "行政处罚（简易程序）",
    (
        Step(
            "on_site_decision",
            "当场处罚决定",
            "《行政处罚法》第五十一条、第五十二条",
            on_site=True,
            documents=("on_site_penalty_decision",),
        ),
        Step("execution", "执行", "《行政处罚法》第五十三条、第六十七条至第六十九条"),
        Step("closing", "结案", "《行政处罚法》第五十二条", final=True),
    ),
    MappingProxyType({"on_site_decision": ("execution",), "execution": ("closing",)}),
)

COMPULSION_SEIZURE = Procedure(
    "compulsion.seizure",
    ActionKind.compulsion,
    "行政强制措施（查封、扣押）",
    (
        Step(
            "measure",
            "实施查封、扣押",
            "《行政强制法》第十八条、第二十四条",
            on_site=True,
            # The seizure period runs from the decision's 期限起算日, not from entering the
            # step: it is a clock of the case (enforcement/clocks.py), shown once.
            documents=("seizure_decision",),
        ),
        Step("handling", "处理决定", "《行政强制法》第二十五条、第二十七条、第二十八条"),
        Step("closing", "解除或结案", "《行政强制法》第二十八条", final=True),
    ),
    MappingProxyType({"measure": ("handling",), "handling": ("closing",)}),
)

COMPULSION_PRESERVATION = Procedure(
    "compulsion.preservation",
    ActionKind.compulsion,
    "证据先行登记保存",
    (
        Step(
            "preservation",
            "先行登记保存",
            "《行政处罚法》第五十六条",
            on_site=True,
            documents=("evidence_preservation_notice",),
            limit="penalty.evidence_preservation_decision",
        ),
        Step("handling", "处理决定", "《行政处罚法》第五十六条"),
        Step("closing", "结束", "《行政处罚法》第五十六条", final=True),
    ),
    MappingProxyType({"preservation": ("handling",), "handling": ("closing",)}),
)

INSPECTION = Procedure(
    "inspection.on_site",
    ActionKind.inspection,
    "行政检查（现场检查）",
    (
        Step(
            "inspection",
            "现场检查",
            "《安全生产法》第六十五条",
            on_site=True,
            documents=("site_inspection_record",),
        ),
        Step(
            "measures",
            "现场处理、责令整改",
            "《安全生产法》第六十五条第一款第二项、第三项",
            on_site=True,
            documents=("rectification_order",),
        ),
        Step(
            "reinspection",
            "复查",
            "《安全生产法》第六十五条",
            on_site=True,
            documents=("reinspection_opinion",),
        ),
        Step("closing", "结束", "《安全生产法》第六十五条", final=True),
    ),
    MappingProxyType(
        {
            "inspection": ("measures", "closing"),
            "measures": ("reinspection",),
            "reinspection": ("closing", "measures"),
        }
    ),
)

# 《安全生产法》第七十条: a unit that will not carry out a stop decision, with a real danger
# of an accident: notify the supplier to stop power (the unit told 24 hours before).
COMPULSION_SUPPLY_STOP = Procedure(
    "compulsion.supply_stop",
    ActionKind.compulsion,
    "停止供电、停止供应民用爆炸物品",
    (
        Step("approval", "主要负责人批准、书面通知", "《安全生产法》第七十条第一款"),
        Step("power_cut", "停止供电（供应）", "《安全生产法》第七十条第一款、第二款", on_site=True),
        Step("closing", "解除或结案", "《安全生产法》第七十条第二款", final=True),
    ),
    MappingProxyType({"approval": ("power_cut",), "power_cut": ("closing",)}),
)

LEVY = Procedure(
    "levy.general",
    ActionKind.levy,
    "行政征收征用",
    (
        Step("decision", "决定", "《突发事件应对法》第十二条"),
        Step("service", "送达", "《民事诉讼法》第八十七条至第九十五条"),
        Step("execution", "执行与补偿", "《突发事件应对法》第十二条"),
        Step("closing", "结案", "《突发事件应对法》第十二条", final=True),
    ),
    MappingProxyType(
        {"decision": ("service",), "service": ("execution",), "execution": ("closing",)}
    ),
)

LICENSE = Procedure(
    "license.general",
    ActionKind.license,
    "行政许可",
    (
        Step("acceptance", "受理", "《行政许可法》第三十二条", limit="license.decision"),
        Step("review", "审查（含现场核查）", "《行政许可法》第三十四条", on_site=True),
        # Entered when the applicant or an interested party asks for a hearing (第四十七条).
        Step("hearing", "听证", "《行政许可法》第四十七条、第四十八条", on_site=True),
        Step(
            "decision",
            "决定",
            "《行政许可法》第三十八条、第四十二条",
            documents=("license_decision",),
        ),
        Step("service", "送达", "《行政许可法》第四十四条"),
        Step("closing", "办结", "《行政许可法》第四十四条", final=True),
    ),
    MappingProxyType(
        {
            "acceptance": ("review",),
            "review": ("hearing", "decision"),
            "hearing": ("decision",),
            "decision": ("service",),
            "service": ("closing",),
        }
    ),
)

OTHER = Procedure(
    "other.general",
    ActionKind.other,
    "其他行政执法行为",
    (
        Step("handling", "办理", "依据所适用的法律法规", on_site=True),
        Step("closing", "结束", "依据所适用的法律法规", final=True),
    ),
    MappingProxyType({"handling": ("closing",)}),
)

PROCEDURES: Mapping[str, Procedure] = MappingProxyType(
    {
        p.code: p
        for p in (
            PENALTY_GENERAL,
            PENALTY_SUMMARY,
            COMPULSION_SEIZURE,
            COMPULSION_PRESERVATION,
            COMPULSION_SUPPLY_STOP,
            INSPECTION,
            LEVY,
            LICENSE,
            OTHER,
        )
    }
)


def procedure(code: str) -> Procedure:
    try:
        return PROCEDURES[code]
    except KeyError:
        raise KeyError(f"未知的办案程序：{code}") from None


def procedures_for(kind: ActionKind) -> list[Procedure]:
    return [p for p in PROCEDURES.values() if p.kind is kind]
