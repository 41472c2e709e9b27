"""The correction intake in the portal-only process (`zhifa serve --portal-only`): with
the public router registered as a portal extension and the engine's table guard on, the
form, the submission (with evidence) and the status page work while touching only the
portal's tables, the correction table, the blob registry, the ledger and the calendar."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.publicity.test_corrections import PDF, publish, submit
from zhifa.core.features import registry
from zhifa.core.settings import Settings
from zhifa.publicity.models import CorrectionRequest
from zhifa.web.app import create_portal_app


def test_correction_intake_is_registered_with_its_tables() -> None:
    (intake,) = [r for r in registry().portal_routes if "correction_routes" in r.router]
    assert "correction_request" in intake.tables and "party" not in intake.tables


def test_intake_runs_behind_the_portal_table_guard(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    with TestClient(create_portal_app(settings), follow_redirects=False) as public:
        sent = submit(public, public_id, files={"evidence": ("a.pdf", PDF, "application/pdf")})
        assert sent.status_code == 303, sent.text
        status = public.get(sent.headers["location"])
        assert status.status_code == 200 and "已受理" in status.text
        wrong = submit(public, public_id, answer="999")
        assert wrong.status_code == 400 and "验证问题回答不正确" in wrong.text
        assert public.get("/app/publicity/corrections").status_code == 404  # staff: not here
    db.rollback()
    receipt = sent.headers["location"].split("/")[-1].split("?")[0]
    row = db.scalar(select(CorrectionRequest).where(CorrectionRequest.receipt_number == receipt))
    assert row is not None and row.evidence_digest is not None
