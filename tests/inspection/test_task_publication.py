"""A 双随机 result through the publication pipeline, on SQLite and PostgreSQL: recorded by
the team, drafted, reviewed and published by the legal section; then on the portal (its
page and the results search), in the batch's WeChat article and in the 双随机 platform
export (exact headers, formula-safe), on the deadline board and in the overdue report;
once published it can no longer be changed."""

from __future__ import annotations

import csv
import io
from datetime import date

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.factories import principal, writing
from tests.inspection.task_helpers import API, TEAM_A, demo_plan, issue_site_record, open_batch
from zhifa.catalog.items.service import RandomCheckRevision, revise_random_check
from zhifa.core.audit import check_rows
from zhifa.core.settings import Settings
from zhifa.inspection.plans.service import batch_of
from zhifa.inspection.tasks.models import InspectionTask
from zhifa.publicity.models import PublicationObligation
from zhifa.publicity.rules import INSPECTION_ITEMS
from zhifa.web.app import create_portal_app

HEADER = ["检查事项", "检查对象", "统一社会信用代码", "检查时间", "检查结果", "检查机关"]
FORMULA = '=HYPERLINK("http://example.invalid","点此")'
CHECKED = "2026-06-02"  # in the batch's period; its 20 working days are long past


def _publish(client: TestClient, db: Session, task_id: int) -> tuple[int, int]:
    """Record 未发现问题 after the visit, draft, review, publish: (obligation, publication)."""
    task = db.get(InspectionTask, task_id)
    assert task is not None
    issue_site_record(client, task.action_id)
    h = {"X-CSRF-Token": login(client, TEAM_A)}
    body = {"result": "未发现问题", "checked_on": CHECKED}
    assert client.post(f"{API}/{task_id}/result", json=body, headers=h).status_code == 200
    legal = {"X-CSRF-Token": login(client, "legal")}
    drafted = client.post(f"{API}/{task_id}/draft", headers=legal)
    assert drafted.status_code == 201, drafted.text
    pub = drafted.json()["publication_id"]
    reviewed = client.post(f"/api/v1/publicity/publications/{pub}/review", json={"note": ""},
                           headers=legal)  # fmt: skip
    assert reviewed.status_code == 200, reviewed.text
    published = client.post(f"/api/v1/publicity/publications/{pub}/publish", headers=legal)
    assert published.status_code == 200, published.text
    return drafted.json()["obligation_id"], pub


def test_a_result_is_published_on_every_channel(
    client: TestClient, db: Session, settings: Settings
) -> None:
    first, second = open_batch(db)
    obligation, _pub = _publish(client, db, first)
    db.rollback()
    task = db.get(InspectionTask, first)
    assert task is not None
    uscc = task.target_uscc
    assert list(check_rows(db)) == []  # the task's entry records the obligation it points at

    # The snapshot: exactly the result's public items, the check day, the bureau.
    snap = client.get(f"/p/{obligation}.json").json()
    assert [i["key"] for i in snap["items"]] == [k for k, _ in INSPECTION_ITEMS]
    values = {i["key"]: i["value"] for i in snap["items"]}
    assert values["uscc"] == uscc and values["decided_on"] == CHECKED
    assert values["result"] == "未发现问题" and values["authority"] == settings.bureau_name
    assert values["batch"] == "第一批"
    page = client.get(f"/p/{obligation}")
    assert page.status_code == 200 and "进行了双随机抽查" in page.text and uscc in page.text

    # The public results search: by code, by result, by year and batch; others not found.
    for query in (f"who={uscc}", "result=未发现问题", "year=2026&batch=第一批"):
        found = client.get(f"/random-inspections?{query}")
        assert found.status_code == 200 and f'href="/p/{obligation}"' in found.text, query
    # The portal-only process (its own tables alone) serves the same search.
    with TestClient(create_portal_app(settings)) as portal:
        alone = portal.get(f"/random-inspections?who={uscc}")
        assert alone.status_code == 200 and f'href="/p/{obligation}"' in alone.text
    missing = client.get("/random-inspections?result=不配合检查情节严重")
    assert f'href="/p/{obligation}"' not in missing.text and "没有符合条件" in missing.text
    assert client.get("/random-inspections?year=abc").status_code == 422

    # The staff side: the batch page, the WeChat article, the platform export.
    h = {"X-CSRF-Token": login(client, TEAM_A)}
    batch = client.get(f"/app/inspection/tasks/plans/{task.plan_id}/batches/1")
    assert batch.status_code == 200 and "已公示" in batch.text
    article = client.get(f"/app/inspection/tasks/plans/{task.plan_id}/batches/1/article")
    assert article.status_code == 200 and uscc in article.text and "共 1 户" in article.text
    got = client.get(f"/app/inspection/tasks/export.csv?plan_id={task.plan_id}&batch=1")
    assert got.status_code == 200 and got.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == 2 and rows[1][2] == uscc
    assert rows[1][3] == CHECKED and rows[1][4] == "未发现问题"
    xlsx = client.get("/app/inspection/tasks/export.xlsx?start=2026-06-01&end=2026-06-30")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == HEADER and cells[1][2] == uscc
    assert client.get("/app/inspection/tasks/export.csv").status_code == 400

    # Once published the result stays as published.
    body = {"result": "发现问题已责令改正", "checked_on": CHECKED}
    refused = client.post(f"{API}/{first}/result", json=body, headers=h)
    assert refused.status_code == 400 and "已公示" in refused.text

    # The board and the overdue report name the duty by its kind; the second task's result,
    # recorded today after a visit and never published, is overdue once its 20 working
    # days have passed (its check day lies in June).
    task2 = db.get(InspectionTask, second)
    assert task2 is not None
    issue_site_record(client, task2.action_id)
    h = {"X-CSRF-Token": login(client, TEAM_A)}
    body = {"result": "通过登记的住所（经营场所）无法联系", "checked_on": CHECKED}
    assert client.post(f"{API}/{second}/result", json=body, headers=h).status_code == 200
    db.rollback()
    task2 = db.get(InspectionTask, second)
    assert task2 is not None and task2.obligation_id is not None
    ob = db.get(PublicationObligation, task2.obligation_id)
    assert ob is not None and ob.due_on < date(2026, 12, 7)
    legal = {"X-CSRF-Token": login(client, "legal")}
    board = client.get("/app/publicity?kind=inspection", headers=legal)
    assert board.status_code == 200 and "双随机抽查结果" in board.text
    assert f"/app/publicity/obligations/{ob.id}" in board.text
    report = client.get("/app/insight/overdue", headers=legal)
    assert report.status_code == 200 and "双随机抽查结果" in report.text


def test_the_export_is_safe_to_open_in_a_spreadsheet(
    client: TestClient, db: Session, settings: Settings
) -> None:
    first, _ = open_batch(db)
    obligation, _pub = _publish(client, db, first)
    # A 检查事项 a spreadsheet would run as a formula (the catalogue's text, as published).
    with writing(db) as w:
        item = batch_of(w, demo_plan(w), 1).item
        assert item is not None
        fields = {k: getattr(item, k) for k in ("basis", "targets", "method", "frequency")}
        data = RandomCheckRevision(name=FORMULA, reason="测试", unit_id=item.unit_id, **fields)
        revise_random_check(w, item.item_id, data, principal(w, "legal"))
    task = db.get(InspectionTask, first)
    assert task is not None
    # The published snapshot is frozen: a draft of another result takes the new text.
    _, second = open_batch(db)
    _publish(client, db, second)
    login(client, TEAM_A)
    got = client.get(f"/app/inspection/tasks/export.csv?plan_id={task.plan_id}&batch=1")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == 3
    assert [r[0] for r in rows[1:]].count("'" + FORMULA) == 1
    xlsx = client.get(f"/app/inspection/tasks/export.xlsx?plan_id={task.plan_id}&batch=1")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s" and not str(row[0].value).startswith("=")
    assert obligation
