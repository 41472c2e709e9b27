"""Helpers of the inspection-task tests: the demo's approved 2026 plan, two drawn teams of
its first batch (a 联合抽查 with two external members), opening them through the service,
and issuing a case's 现场检查记录 through the documents API."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.factories import principal, writing
from zhifa.core.certificates import list_officers
from zhifa.demo.inspection import DEMO_PLAN_YEAR
from zhifa.inspection.draw import Team
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.subjects.service import list_subjects
from zhifa.inspection.tasks import service as tasks
from zhifa.recording.documents import service as document_service

TEAM_A, TEAM_B = "zhangwei", "wanglei"  # 执法大队, valid certificates
BATCH = 1  # 第一批: June 2026, 联合抽查 with 区市场监督管理局 (two external members)
API = "/api/v1/inspection/tasks"


def demo_plan(db: Session) -> InspectionPlan:
    plan = db.scalar(select(InspectionPlan).where(InspectionPlan.year == DEMO_PLAN_YEAR))
    assert plan is not None
    return plan


def numbers(db: Session) -> dict[str, str]:
    """username -> the officer's 执法证号 (the first certificate)."""
    return {o.user.username: o.certificates[0].current.number
            for o in list_officers(db) if o.certificates}  # fmt: skip


def teams(db: Session) -> list[Team]:
    """Two drawn targets of the batch, each with both officers (lead first)."""
    n = numbers(db)
    subjects = list_subjects(db)
    return [
        Team(subjects[0].party.uscc or "", "重点（A级）", (n[TEAM_A], n[TEAM_B])),
        Team(subjects[1].party.uscc or "", "一般", (n[TEAM_B], n[TEAM_A])),
    ]


def open_batch(db: Session, username: str = "supervision") -> list[int]:
    """Open the batch's two inspections as ``username``; the task ids."""
    with writing(db) as w:
        opened = tasks.open_inspections(w, demo_plan(w), BATCH, teams(w), principal(w, username))
        ids = [t.id for t in opened]
    return ids


def issue_site_record(client: TestClient, action_id: int, username: str = TEAM_A) -> int:
    """Issue the case's 现场检查记录 (the visit two days ago); its id."""
    h = {"X-CSRF-Token": login(client, username)}
    started = document_service.local_now() - timedelta(days=2)
    fields = {"checked": "检查了储存间", "place": "仓库", "started_at": started.isoformat(),
              "ended_at": started.isoformat()}  # fmt: skip
    url = f"/api/v1/actions/{action_id}/documents"
    made = client.post(url, json={"kind": "site_inspection_record", "fields": fields}, headers=h)
    assert made.status_code == 201, made.text
    doc = int(made.json()["id"])
    issued = client.post(f"/api/v1/documents/{doc}/issue", headers=h)
    assert issued.status_code == 200, issued.text
    return doc
