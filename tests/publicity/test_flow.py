"""事后公示 end to end through the API and pages, on SQLite and PostgreSQL: an issued
decision gets an obligation; the legal section drafts, reviews and publishes; officers
may not; a published snapshot is frozen and ledgered; exemptions need a second person;
publications expire by themselves."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.enforcement.test_actions import _as, _open, _valid_officers
from tests.enforcement.test_penalty_flow import FACTS, _issue
from zhifa import ledger
from zhifa.cli import app as cli_app
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.publicity import service, snapshots
from zhifa.publicity.models import Publication, PublicationObligation


def _decision(client: TestClient, db: Session) -> tuple[int, int, int]:
    """(action id, document id, lead officer id) of an issued penalty decision."""
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "penalty.general", "penalty", officers)
    doc = _issue(client, action["id"], "penalty_decision", FACTS)
    return action["id"], doc["id"], officers[0]


def _obligation(client: TestClient, document_id: int) -> dict:
    rows = client.get("/api/v1/publicity/obligations").json()
    return next(r for r in rows if r["document_id"] == document_id)


def test_obligation_review_publish_freeze_expire(
    client: TestClient, db: Session, settings: Settings
) -> None:
    _, document_id, lead = _decision(client, db)
    ob = _obligation(client, document_id)
    assert ob["kind"] == "penalty" and ob["limit_code"] == "publicity.penalty"
    assert ob["responsible_id"] == lead and ob["state"] in ("未到期", "临期")
    assert "第七条" in ob["basis"] or "第七十八条" in ob["basis"]
    board = client.get("/app/publicity?kind=penalty")
    assert board.status_code == 200 and "事后公示期限看板" in board.text
    assert client.get(f"/app/publicity?person={lead}&state=未到期").status_code == 200

    # officers may read but neither draft nor publish
    assert (
        client.post(f"/api/v1/publicity/obligations/{ob['id']}/draft", json={}).status_code == 403
    )

    _as(client, "legal")
    # a penalty's severity has no default: the reviewer must choose (issue 14 point 1)
    unchosen = client.post(f"/api/v1/publicity/obligations/{ob['id']}/draft", json={})
    assert unchosen.status_code == 422 and "没有默认值" in unchosen.json()["detail"]
    draft = client.post(
        f"/api/v1/publicity/obligations/{ob['id']}/draft", json={"severity": "general"}
    )
    assert draft.status_code == 201, draft.text
    pub = draft.json()
    text = pub["snapshot_json"]
    assert not re.search(r"(?<![0-9A-Z])\d{17}[\dXx](?![0-9A-Z])", text)
    assert not re.search(r"(?<![0-9A-Z])1[3-9]\d{9}(?![0-9A-Z])", text)
    assert pub["public_until"] is not None and pub["severity"] == "general"
    preview = client.get(f"/app/publicity/publications/{pub['id']}")
    assert preview.status_code == 200 and "行政处罚决定书文号" in preview.text

    # publish before review: refused
    assert client.post(f"/api/v1/publicity/publications/{pub['id']}/publish").status_code == 409
    assert (
        client.post(f"/api/v1/publicity/publications/{pub['id']}/review", json={}).status_code
        == 200
    )

    _as(client, db.get(User, lead).username)  # type: ignore[union-attr]
    assert client.post(f"/api/v1/publicity/publications/{pub['id']}/publish").status_code == 403

    _as(client, "legal")
    done = client.post(f"/api/v1/publicity/publications/{pub['id']}/publish")
    assert done.status_code == 200, done.text
    published = done.json()
    assert published["status"] == "published" and published["digest"] == pub["digest"]
    assert snapshots.digest(published["snapshot_json"]) == published["digest"]
    # the ledger entry at the kept index records this publication
    db.rollback()
    entry = db.execute(
        select(ledger_entry).where(ledger_entry.c["index"] == published["ledger_index"])
    ).one()
    assert entry.subject == f"publication-snapshot:{pub['id']}"
    assert entry.kind == "publication.snapshot"
    # the entry's payload digest is the published digest: the public can check it
    assert entry.payload_sha256 == published["digest"]
    row_entry = db.execute(
        select(ledger_entry).where(ledger_entry.c["index"] == published["ledger_index"] + 1)
    ).one()
    assert row_entry.kind == "publication.publish"
    assert row_entry.payload_sha256 == ledger.payload_digest(
        {"table": "publication", "row": _row(db, pub["id"])}
    )

    # frozen: no edit, no second publish, no redraft
    url = f"/api/v1/publicity/publications/{pub['id']}"
    assert client.put(url, json={"severity": "serious"}).status_code == 409
    assert client.post(f"{url}/review", json={}).status_code == 409
    assert client.post(f"{url}/publish").status_code == 409
    assert (
        client.post(f"/api/v1/publicity/obligations/{ob['id']}/draft", json={}).status_code == 409
    )
    assert _obligation(client, document_id)["state"] == "已完成"

    # expiry: the day after the 公示截止期 it leaves publication, ledgered
    runner = CliRunner()
    env = {"ZHIFA_DATABASE_URL": settings.database_url} if settings.database_url else {}
    args = ["publicity", "expire", "--data-dir", str(settings.data_dir)]
    result = runner.invoke(cli_app, [*args, "--on", published["public_until"]], env=env)
    assert result.exit_code == 0 and "停止公示 0 项" in result.output, result.output
    day_after = _next_day(published["public_until"])
    result = runner.invoke(cli_app, [*args, "--on", day_after.isoformat()], env=env)
    assert result.exit_code == 0 and "停止公示 1 项" in result.output, result.output
    db.rollback()
    row = db.get(Publication, pub["id"])
    assert row is not None and row.status.value == "expired"
    kinds = db.scalars(
        select(ledger_entry.c.kind).where(ledger_entry.c.subject == f"publication:{pub['id']}")
    ).all()
    assert kinds[-1] == "publication.expire"


def _next_day(text: str) -> date:
    from zhifa.core.calendar import default_calendar

    return (
        default_calendar()
        .add_calendar_days(date.fromisoformat(text), 1, extend_if_rest_day=False)
        .date
    )


def _row(db: Session, publication_id: int) -> dict:
    from zhifa.core.audit import snapshot

    # the entry recorded the row as it was when published (before it expired)
    row = db.get(Publication, publication_id)
    assert row is not None
    return snapshot(row)["row"]


def test_exemption_needs_a_second_person(client: TestClient, db: Session) -> None:
    _, document_id, _ = _decision(client, db)
    ob = _obligation(client, document_id)
    url = f"/api/v1/publicity/obligations/{ob['id']}/exemptions"
    assert client.post(url, json={"reason": "涉及国家秘密", "basis": "x"}).status_code == 403
    _as(client, "legal")
    assert client.post(url, json={"reason": " ", "basis": "条例"}).status_code == 400
    asked = client.post(
        url,
        json={"reason": "涉及国家秘密", "basis": "《中华人民共和国政府信息公开条例》第十四条"},
    )
    assert asked.status_code == 201, asked.text
    decide = f"/api/v1/publicity/exemptions/{asked.json()['id']}/decision"
    assert client.post(decide, json={"approve": True}).status_code == 403  # the requester
    _as(client, "admin")
    approved = client.post(decide, json={"approve": True, "note": "同意"})
    assert approved.status_code == 200, approved.text
    assert _obligation(client, document_id)["status"] == "exempted"
    page = client.get(f"/app/publicity/obligations/{ob['id']}")
    assert page.status_code == 200 and "涉及国家秘密" in page.text
    db.rollback()
    row = db.get(PublicationObligation, ob["id"])
    assert row is not None and row.completed_on is not None
    assert service.latest_publication(db, ob["id"]) is None
