"""The public complaint form on SQLite and PostgreSQL, through real HTTP and in the
portal-only process behind its table guard: the same anti-spam rules as corrections
(question, CSRF, hidden field, hourly limit), bad input answered 4xx beside its field with
nothing stored, the status by receipt showing the state and the answer's public part
only, and the complainant's name and phone on no public page and in no public leaf."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import principal, writing
from tests.publicity.test_corrections import PDF, form_fields, publish
from tests.test_public_privacy import leaves
from zhifa.core.models import StoredBlob
from zhifa.core.settings import Settings
from zhifa.supervision.complaints import service
from zhifa.supervision.complaints.models import Complaint
from zhifa.web.app import create_portal_app

NAME, PHONE = "欧阳投诉人", "13712345098"
TEXT = "执法人员检查时态度粗暴，未出示执法证件。"


def file_complaint(
    client: TestClient, public_id: int | None = None, *, files: Any = None, **overrides: str
) -> Any:
    page = client.get("/complaints/new" + (f"?p={public_id}" if public_id else ""))
    assert page.status_code == 200, page.text
    data = {
        **form_fields(page.text),
        "complaint_text": TEXT,
        "complainant_name": NAME,
        "complainant_phone": PHONE,
        "website": "",
        **({} if public_id else {"matter": "2026年11月某公司现场检查"}),
        **overrides,
    }
    return client.post("/complaints", data=data, files=files or {})


def _counts(db: Session) -> tuple[int, int]:
    db.rollback()
    return (
        db.scalar(select(func.count()).select_from(Complaint)) or 0,
        db.scalar(select(func.count()).select_from(StoredBlob)) or 0,
    )


def test_filed_from_a_publication_and_answered(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    before = _counts(db)
    sent = file_complaint(
        client, public_id, files={"evidence": ("照片.pdf", PDF, "application/pdf")}
    )
    assert sent.status_code == 303, sent.text
    receipt = sent.headers["location"].split("/")[-1].split("?")[0]
    assert receipt.startswith("TS-") and _counts(db) == (before[0] + 1, before[1] + 1)
    row = db.scalar(select(Complaint).where(Complaint.receipt_number == receipt))
    assert row is not None and row.obligation_id == public_id and row.channel.value == "portal"

    with writing(db) as w:
        legal = principal(w, "legal")
        service.accept(w, row.id, legal)
        service.record_findings(
            w, row.id, legal, service.FindingsIn(findings=f"内部调查：{NAME}所述不实")
        )
        answer = service.AnswerIn(
            answer_public="经核查，执法程序合法，投诉不成立。", answer_internal="内部说明XYZ"
        )
        service.propose(w, row.id, legal, answer)
        service.sign(w, row.id, principal(w, "leader"))

    reader = TestClient(client.app, follow_redirects=False, client=("192.0.2.9", 1))
    status = reader.get(f"/complaints/{receipt}")
    assert status.status_code == 200
    assert "已答复" in status.text and "经核查，执法程序合法" in status.text
    for hidden in (NAME, PHONE, TEXT, "内部说明XYZ", "内部调查"):
        assert hidden not in status.text, hidden
    # the public log: kinds and hashes, nothing the complainant typed
    text = json.dumps(leaves(reader, db), ensure_ascii=False)
    assert "complaint.receive" in text
    for hidden in (NAME, PHONE, TEXT):
        assert hidden not in text


def test_bad_input_is_refused_beside_the_field_and_stores_nothing(
    client: TestClient, db: Session
) -> None:
    before = _counts(db)
    no_matter = file_complaint(client, matter="")
    assert no_matter.status_code == 400
    assert 'id="matter-error"' in no_matter.text and "执法事项" in no_matter.text
    empty = file_complaint(client, complainant_phone="", complaint_text="")
    assert empty.status_code == 422
    assert (
        'id="complainant_phone-error"' in empty.text and 'id="complaint_text-error"' in empty.text
    )
    wrong = file_complaint(client, answer="999")
    assert wrong.status_code == 400 and "验证问题回答不正确" in wrong.text
    robot = file_complaint(client, website="http://spam.example")
    assert robot.status_code == 400
    forged = file_complaint(client, csrf_token="forged")
    assert forged.status_code == 403
    not_a_file = file_complaint(
        client, files={"evidence": ("a.pdf", b"MZ\x90\x00", "application/pdf")}
    )
    assert not_a_file.status_code == 400 and 'id="evidence-error"' in not_a_file.text
    gone = client.get("/complaints/new?p=987654")
    assert gone.status_code == 404 and "不存在或已不在公示中" in gone.text
    assert _counts(db) == before
    assert client.get("/complaints", params={"receipt": "13712345098"}).status_code == 422
    shown = client.get("/complaints", params={"receipt": "13712345098"}).text
    assert "13712345098" not in shown


def test_hourly_limit(client: TestClient, db: Session, settings: Settings) -> None:
    for _ in range(settings.correction_requests_per_hour):
        assert file_complaint(client).status_code == 303
    refused = file_complaint(client)
    assert refused.status_code == 429 and "提交过于频繁" in refused.text
    assert _counts(db)[0] == settings.correction_requests_per_hour


def test_intake_behind_the_portal_table_guard(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    with TestClient(create_portal_app(settings), follow_redirects=False) as portal:
        sent = file_complaint(
            portal, public_id, files={"evidence": ("a.pdf", PDF, "application/pdf")}
        )
        assert sent.status_code == 303, sent.text
        status = portal.get(sent.headers["location"])
        assert status.status_code == 200 and "待受理" in status.text
        assert portal.get("/app/supervision/complaints").status_code == 404  # staff: not here
