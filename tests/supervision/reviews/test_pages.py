"""The review pages through the real app on SQLite and PostgreSQL: a reviewer's deduction
outside the template, over its points or without a record of the case is refused beside
its field with nothing written; assigning a reviewer who took part in the case is refused
in words; someone not assigned cannot open the sheet; the round's report downloads as a
real PDF and an XLSX."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.supervision.reviews.helpers import drawn_round, reviewer_of, sheets
from zhifa.core.grants import RecordGrant
from zhifa.core.settings import Settings
from zhifa.supervision.reviews import rounds
from zhifa.supervision.reviews.models import ReviewAssignment, ReviewFinding
from zhifa.supervision.reviews.participants import participants


def _count(db: Session, model: type) -> int:
    db.rollback()
    count = db.scalar(select(func.count()).select_from(model)) or 0
    db.rollback()
    return count


def test_bad_scores_are_refused_and_change_nothing(
    client: TestClient, db: Session, settings: Settings
) -> None:
    row = drawn_round(db, settings)
    sheet = sheets(db, row)[0]
    reviewer = reviewer_of(db, sheet).username
    path = f"/app/supervision/reviews/sheets/{sheet.id}"
    action_id = sheet.action_id
    before = _count(db, ReviewFinding)  # and leaves the database to the app
    csrf = login(client, reviewer)
    assert client.get("/app/supervision/reviews/mine").text.count(path) == 1
    good = {"item_code": "documents_form", "points": "2", "detail": "文书漏项",
            "link_kind": "action", "link_id": str(action_id), "csrf_token": csrf}  # fmt: skip
    for change, field in (
        ({"item_code": "made_up"}, "item_code"),
        ({"points": "9"}, "points"),
        ({"points": "-1"}, "points"),
        ({"link_id": str(action_id + 1000)}, "link_id"),
        ({"link_kind": "ledger", "link_id": "99999999"}, "link_id"),
    ):
        refused = client.post(f"{path}/findings", data=good | change)
        assert refused.status_code in (400, 422), change
        assert f'data-field="{field}"' in refused.text, change
    assert _count(db, ReviewFinding) == before
    accepted = client.post(f"{path}/findings", data=good)
    assert accepted.status_code == 303
    assert _count(db, ReviewFinding) == before + 1

    client.post("/app/logout", data={"csrf_token": csrf})
    login(client, "supervision")  # not assigned, no case-review rights
    assert client.get(path).status_code == 403


def test_a_reviewer_who_took_part_is_refused(
    client: TestClient, db: Session, settings: Settings
) -> None:
    row = drawn_round(db, settings)
    sheet = sheets(db, row)[0]
    insider = sorted(participants(db, [sheet.action_id])[sheet.action_id])[0]
    current = rounds.active_assignments(db, sheet.id)[0].reviewer_id
    sheet_id = sheet.id
    before = (_count(db, ReviewAssignment), _count(db, RecordGrant))
    csrf = login(client, "legal")
    refused = client.post(
        f"/app/supervision/reviews/sheets/{sheet_id}/reassign",
        data={
            "old_reviewer_id": str(current),
            "new_reviewer_id": str(insider),
            "reason": "工作调整",
            "csrf_token": csrf,
        },
    )
    assert refused.status_code == 400
    assert "参与过本案的办理，应当回避" in refused.text
    assert 'data-field="new_reviewer_id"' in refused.text
    assert (_count(db, ReviewAssignment), _count(db, RecordGrant)) == before


def test_the_round_report_downloads(client: TestClient, db: Session, settings: Settings) -> None:
    row = drawn_round(db, settings)
    drawn, round_id = len(sheets(db, row)), row.id
    db.rollback()
    login(client, "legal")
    page = client.get(f"/app/supervision/reviews/{round_id}")
    assert page.status_code == 200 and "抽中案卷与评查进度" in page.text
    pdf = client.get(f"/app/supervision/reviews/{round_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    xlsx = client.get(f"/app/supervision/reviews/{round_id}/report.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.cell(1, 3).value == "案由"
    assert sheet.max_row == 1 + drawn
    assert client.get("/app/supervision/reviews/figures").status_code == 200
