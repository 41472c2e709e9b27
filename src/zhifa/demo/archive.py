"""The demo's archive: the archivist proposes the suggested 保管期限表 and a leader approves
it, the 档号 scheme is set, and one closed case — the 简易程序 penalty, with its issued
decision, service record, body-camera clip and process record — is filed with its 档号
(四性检测 at filing) and exported once as a transfer package that is verified offline.
(The routine inspection of demo/actions.py, seven months ago, leaves a clip past its 6
months on the disposal due list.)
Idempotent: each step is skipped once done."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.filing import service as filing
from zhifa.archive.filing.models import ArchiveFile
from zhifa.archive.packages import service as packages
from zhifa.archive.packages import verify_bag
from zhifa.archive.packages.models import ArchiveTransfer
from zhifa.archive.retention import service as retention
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
    proposal = retention.suggested_schedule("首版归档范围和保管期限表")
    schedule = retention.propose(db, proposal, demo_principal(db, "archivist"))
    decision = retention.DecisionIn(approve=True, note="同意，自即日起施行")
    retention.decide(db, schedule, decision, demo_principal(db, "leader"))


def _transfer(db: Session, settings: Settings, store: BlobStore) -> None:
    """Export the filed case once into the data folder and verify the package offline."""
    archive = db.scalar(select(ArchiveFile).order_by(ArchiveFile.id))
    if archive is None or db.scalar(select(ArchiveTransfer.id)):
        return
    folder = settings.data_dir / "transfers"
    folder.mkdir(parents=True, exist_ok=True)
    name = archive.archival_code.replace("·", "-")
    transfer = packages.export_file(
        db, settings, store, archive.id, folder / name, demo_principal(db, "archivist")
    )
    db.commit()
    report = verify_bag(Path(transfer.location))
    if not report.ok:
        raise RuntimeError(f"演示移交包核验未通过：{report.findings}")


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
    filed = 0
    if action is not None and not db.scalar(
        select(ArchiveFile.id).where(ArchiveFile.action_id == action.id)
    ):
        filing.file_and_check(db, settings, store, action.id, demo_principal(db, "archivist"))
        db.commit()
        filed = 1
    _transfer(db, settings, store)
    return filed
