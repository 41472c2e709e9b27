"""The demo's archive: the archivist proposes the suggested 保管期限表 and a leader approves
it, the 档号 scheme is set, and one closed case — the 简易程序 penalty, with its issued
decision, service record, body-camera clip and process record — is filed with its 档号.
Idempotent: each step is skipped once done."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.filing import service as filing
from zhifa.archive.filing.models import ArchiveFile
from zhifa.archive.retention import service as retention
from zhifa.archive.retention.rules import SUGGESTED_ROWS
from zhifa.blobs import BlobStore
from zhifa.core.settings import Settings
from zhifa.demo.figures import demo_principal
from zhifa.enforcement.models import Action, ActionStatus

FILED_CASE = "未设置安全警示标志（简易程序）"
SCHEME = filing.SchemeIn(
    fonds="Z031",
    fonds_name="上海市普陀区应急管理局",
    category="ZF",
    org_code="FZK",
    reason="按区档案馆分配的全宗号设置；门类代码 ZF（执法），机构代码 FZK（法制科）",
)


def _schedule(db: Session) -> None:
    if retention.in_force(db) is not None:
        return
    rows = [
        retention.RuleIn(
            record_class=row.record_class,
            period_kind=row.period.kind,
            period_n=row.period.n,
            starts=row.starts,
            basis=row.basis,
        )
        for row in SUGGESTED_ROWS
    ]
    proposal = retention.ScheduleIn(reason="首版归档范围和保管期限表", rows=rows)
    schedule = retention.propose(db, proposal, demo_principal(db, "archivist"))
    decision = retention.DecisionIn(approve=True, note="同意，自即日起施行")
    retention.decide(db, schedule, decision, demo_principal(db, "leader"))


def seed_demo_archive(db: Session, settings: Settings, store: BlobStore) -> int:
    """Approve the schedule, set the scheme and file the demo case; returns how many cases
    were filed now (0 when already filed or the case is not in the demo)."""
    _schedule(db)
    if filing.current_scheme(db) is None:
        filing.set_scheme(db, SCHEME, demo_principal(db, "archivist"))
    db.commit()
    action = db.scalar(
        select(Action).where(Action.title == FILED_CASE, Action.status == ActionStatus.closed)
    )
    if action is None or db.scalar(
        select(ArchiveFile.id).where(ArchiveFile.action_id == action.id)
    ):
        return 0
    filing.file_and_check(db, settings, store, action.id, demo_principal(db, "archivist"))
    db.commit()
    return 1
