"""Test data of the archive chapter, made through its services: an approved retention
schedule (proposed by the archivist, approved by a leader), a 档号 scheme, and a filed
demo case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import principal
from zhifa.archive.filing import service as filing
from zhifa.archive.filing.models import ArchiveFile
from zhifa.archive.retention import service as retention
from zhifa.archive.retention.models import RetentionSchedule
from zhifa.blobs import BlobStore
from zhifa.enforcement.models import Action, ActionStatus

ARCHIVIST, LEADER = "archivist", "leader"


def schedule_in(reason: str = "首版保管期限表") -> retention.ScheduleIn:
    return retention.suggested_schedule(reason)


def approved_schedule(db: Session) -> RetentionSchedule:
    schedule = retention.propose(db, schedule_in(), principal(db, ARCHIVIST))
    decision = retention.DecisionIn(approve=True, note="同意")
    return retention.decide(db, schedule, decision, principal(db, LEADER))


def code_scheme(db: Session) -> None:
    data = filing.SchemeIn(
        fonds="Z031",
        fonds_name="普陀区应急管理局",
        category="ZF",
        org_code="FZK",
        reason="按档案馆分配的全宗号设置",
    )
    filing.set_scheme(db, data, principal(db, ARCHIVIST))


def ready_to_file(db: Session) -> None:
    if retention.in_force(db) is None:
        approved_schedule(db)
    if filing.current_scheme(db) is None:
        code_scheme(db)


def closed_actions(db: Session) -> list[Action]:
    query = select(Action).where(Action.status == ActionStatus.closed).order_by(Action.id)
    return list(db.scalars(query))


SUMMARY_PENALTY = "未设置安全警示标志（简易程序）"  # a closed demo case (penalty.summary)


def closed_case(db: Session, title: str = SUMMARY_PENALTY) -> Action:
    action = db.scalar(select(Action).where(Action.title == title))
    assert action is not None and action.status is ActionStatus.closed, title
    return action


def file_case(db: Session, store: BlobStore, title: str = SUMMARY_PENALTY) -> ArchiveFile:
    """File the closed demo case ``title`` as the archivist (schedule and scheme first)."""
    ready_to_file(db)
    return filing.file_case(db, store, closed_case(db, title).id, principal(db, ARCHIVIST))
