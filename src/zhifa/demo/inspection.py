"""Demo entries of the two inspection directories (一单两库): a dozen of the demo's
enterprises in the 检查对象名录库 (industry code by trade, grade by risk flags, the 属地 the
demo gave them), one officer's training absence and one declared 回避 relation, and the
approved 2026 年度监督检查计划 with two batches (the first a 联合抽查). Seeded idempotently
through the chapter's own use cases; no randomness."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog.models import RandomCheckItem
from zhifa.core.models import Unit, User
from zhifa.demo.data import BRIGADE, DemoParty, demo_dataset
from zhifa.inspection.inspectors import service as inspectors
from zhifa.inspection.inspectors.models import InspectorAbsence, Recusal
from zhifa.inspection.inspectors.rules import AbsenceKind
from zhifa.inspection.plans import service as plans
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.rules import BatchIn, PlanIn
from zhifa.inspection.subjects import service as subjects
from zhifa.inspection.subjects.rules import LicenceState, OperatingStatus, RiskGrade

DEMO_SUBJECTS = 12
# The demo's trades (and words of a trade name) as GB/T 4754-2017 大类 codes.
_TRADE_CODES = {"危险化学品经营": "F51", "仓储物流": "G59", "加油站": "F52", "烟花爆竹零售": "F52",
                "商贸": "F51", "餐饮": "H62"}  # fmt: skip
_WORKSHOP_CODES = {"金属制品": "C33", "木业": "C20", "食品": "C14", "机械制造": "C34"}
_LICENSED = {"hazardous_chemicals", "fireworks"}


def _industry(party: DemoParty) -> str:
    if party.industry == "工贸":
        return next(code for word, code in _WORKSHOP_CODES.items() if word in party.name)
    return _TRADE_CODES[party.industry or "商贸"]


def _grade(flags: tuple[str, ...]) -> RiskGrade:
    if {"hazardous_chemicals", "explosive", "fireworks"} & set(flags):
        return RiskGrade.a
    if {"dust_explosion", "confined_space"} & set(flags):
        return RiskGrade.b
    return RiskGrade.c if flags else RiskGrade.d


def _entry(index: int, party: DemoParty) -> subjects.SubjectIn:
    return subjects.SubjectIn(
        uscc=party.uscc or "",
        industry_code=_industry(party),
        risk_grade=_grade(party.risk_flags),
        street=party.street,
        special_flags=list(party.risk_flags),
        licence_state=LicenceState.valid if _LICENSED & set(party.risk_flags)
        else LicenceState.not_required,
        # One closed for refit (停业) and one left out of random checks, to show both.
        status=OperatingStatus.suspended if index == 5 else OperatingStatus.operating,
        in_scope=index != 7,
    )  # fmt: skip


def _officer(db: Session, username: str) -> int:
    user_id = db.scalar(select(User.id).where(User.username == username))
    assert user_id is not None
    return user_id


def seed_demo_inspection(db: Session) -> int:
    """The demo's directory entries; returns how many subjects were added."""
    enterprises = [p for p in demo_dataset().parties if p.kind == "enterprise"][:DEMO_SUBJECTS]
    added = 0
    for index, party in enumerate(enterprises):
        owner = subjects.enterprise_by_uscc(db, party.uscc or "")
        if subjects.subject_of_party(db, owner.id) is None:
            subjects.add_subject(db, _entry(index, party), who=None)
            added += 1
    if db.scalar(select(InspectorAbsence.id).limit(1)) is None:
        training = inspectors.AbsenceIn(
            officer_id=_officer(db, "sunhao"),
            kind=AbsenceKind.training,
            starts_on=date(2026, 12, 14),
            ends_on=date(2026, 12, 18),
            note="市应急管理局新任执法人员培训",
        )
        inspectors.record_absence(db, training, who=None)
    if db.scalar(select(Recusal.id).limit(1)) is None:
        declared = inspectors.RecusalIn(
            officer_id=_officer(db, "liuyang"),
            uscc=enterprises[0].uscc or "",
            ground="配偶在该单位任安全管理人员",
            starts_on=date(2026, 1, 1),
        )
        inspectors.record_recusal(db, declared, who=None)
    return added


DEMO_PLAN_YEAR = 2026
DEMO_PLAN_TITLE = "2026年度安全生产“双随机、一公开”监督检查计划"
_SAMR = "区市场监督管理局"
_JOINT = {"department": _SAMR,
          "members": [{"name": "王芳", "number": "31010720001", "department": _SAMR},
                      {"name": "陈明", "number": "31010720002", "department": _SAMR}]}  # fmt: skip


def _batches(db: Session) -> list[BatchIn]:
    item = {c: db.scalar(select(RandomCheckItem.id).where(RandomCheckItem.code == c))
            for c in ("SJ-001", "SJ-002")}  # fmt: skip
    return [
        BatchIn.model_validate({
            "name": "第一批", "item_id": item["SJ-001"], "field": "安全生产",
            "basis": "《安全生产法》第六十五条；《危险化学品安全管理条例》第三十三条",
            "starts_on": date(2026, 6, 1), "ends_on": date(2026, 12, 31),
            "strata": [
                {"name": "重点（A级）", "grades": ["A"], "quota": "all"},
                {"name": "一般", "grades": ["B", "C", "D"], "quota": "ratio", "ratio": "0.2"},
            ],
            "rounding": "向上取整", "team_size": 3, "cap": 3,
            "lead_department": "区应急管理局", "partners": [_JOINT],
        }),
        BatchIn.model_validate({
            "name": "第二批", "item_id": item["SJ-002"], "field": "安全生产",
            "basis": "《安全生产法》第六十五条",
            "starts_on": date(2026, 12, 14), "ends_on": date(2026, 12, 31),
            "filters": {"sections": ["C"]},
            "strata": [{"name": "工贸企业", "quota": "ratio", "ratio": "0.5"}],
            "rounding": "四舍五入", "team_size": 2, "cap": 2,
        }),
    ]  # fmt: skip


def seed_demo_plan(db: Session) -> int:
    """The approved 2026 plan (once); returns how many plans were added."""
    if db.scalar(select(InspectionPlan.id).where(InspectionPlan.year == DEMO_PLAN_YEAR)):
        return 0
    unit_id = db.scalar(select(Unit.id).where(Unit.name == BRIGADE))
    assert unit_id is not None
    data = PlanIn(year=DEMO_PLAN_YEAR, title=DEMO_PLAN_TITLE, unit_id=unit_id,
                  batches=_batches(db))  # fmt: skip
    plan = plans.create_plan(db, data, who=None)
    plans.approve_plan(db, plan, who=None)
    return 1
