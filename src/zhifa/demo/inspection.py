"""Demo entries of the two inspection directories (一单两库): a dozen of the demo's
enterprises in the 检查对象名录库 (industry code by trade, grade by risk flags, the 属地 the
demo gave them), one officer's training absence and one declared 回避 relation. Seeded
idempotently through the directories' own use cases; no randomness."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.models import User
from zhifa.demo.data import DemoParty, demo_dataset
from zhifa.inspection.inspectors import service as inspectors
from zhifa.inspection.inspectors.models import InspectorAbsence, Recusal
from zhifa.inspection.inspectors.rules import AbsenceKind
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
