"""Demo yearly figures: last year's figures published (公示办法 第七条).

The platform's demo records all fall in the current year, so last year has no action in
it and its figures are of basis "entered": the sections enter every figure from their own
books (安全生产监督管理科 the inspection figures, 执法大队 the decisions), the legal
section reviews and publishes them — the page says "据各科室填报" — and records the report
to the municipal bureau. No enforcement record is invented. The current year's figures are
computed from the demo's records on the staff page, not published. Idempotent: a year
already published is left alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.insight.yearly import service as yearly_service
from zhifa.publicity import public_snapshots

# What the sections entered for last year, by figure code (as the forms take them).
SAFETY_FIGURES = {
    "inspection.enterprises": "186",
    "inspection.count": "243",
    "inspection.hazards": "512",
    "inspection.rectified": "498",
    "safety.training_sessions": "36",
    "safety.trained_people": "2860",
    "safety.accidents": "3",
}
BRIGADE_FIGURES = {
    "penalty.decisions": "41",
    "penalty.warning": "9",
    "penalty.fine": "35",
    "penalty.confiscation": "2",
    "penalty.license": "1",
    "penalty.suspension": "2",
    "penalty.fine_amount": "86.45",
    "penalty.confiscation_amount": "1.20",
    "compulsion.measures": "7",
    "compulsion.sealing": "4",
    "compulsion.seizure": "4",
    "license.accepted": "58",
    "license.granted": "55",
    "license.refused": "2",
    "levy.count": "1",
    "brigade.officer_training": "168",
    "brigade.reconsiderations": "2",
    "brigade.lawsuits": "1",
    "brigade.overturned": "0",
}
NOTE = "本平台于次年启用，上年度数据据本科室台账填报。"


def demo_principal(db: Session, username: str) -> Principal:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError("seed the demo accounts first")
    return Principal(user.id, user.username, user.full_name, user.roles)


def seed_demo_figures(db: Session, settings: Settings) -> int:
    """Enter, review, publish and report last year's figures; returns 1 if published now."""
    year = today().year - 1
    if public_snapshots.latest_published(db, yearly_service.KIND, str(year)) is not None:
        return 0
    legal = demo_principal(db, "legal")
    entries = (
        (demo_principal(db, "supervision"), "safety", SAFETY_FIGURES),
        (demo_principal(db, "zhangwei"), "brigade", BRIGADE_FIGURES),
    )
    for who, part, values in entries:
        yearly_service.submit(db, who, year, part, values, NOTE)
        yearly_service.approve(db, legal, year, part)
    yearly_service.publish(db, legal, working_calendar(db), year, settings.bureau_name)
    yearly_service.record_report(
        db, legal, year, today(), "政务外网报送系统", "报送已发布的上年度行政执法数据统计表"
    )
    db.commit()
    return 1
