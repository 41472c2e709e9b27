"""An update obligation is fulfilled by a public snapshot of its entry published after the
obligation was registered (not by one published before), on SQLite and PostgreSQL; the
done day is the publishing day in Beijing time, and the board and the overdue report
read it the same way."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user
from tests.catalog.test_impact import _law
from tests.catalog.test_public_snapshots import principal
from tests.catalog.test_update_obligations import _repeal
from tests.factories import writing
from zhifa.catalog.updates.models import CatalogueUpdate, UpdateStatus
from zhifa.catalog.updates.service import beijing_day
from zhifa.core.calendar_store import working_calendar
from zhifa.insight.accountability import DutyKind, Filters, overdue_report
from zhifa.ledger.models import ledger_entry
from zhifa.publicity.models import PublicSnapshot
from zhifa.publicity.public_snapshots import publish_snapshot


def _publish(db: Session, kind: str, subject: str) -> PublicSnapshot:
    with writing(db) as session:
        return publish_snapshot(
            session,
            kind=kind,
            subject=subject,
            title=f"测试公示 {subject}",
            unit_name="执法大队",
            snapshot={"format": "test/1", "subject": subject},
            who=principal(session),
        )


def test_only_a_snapshot_published_after_the_change_fulfils(
    client: TestClient, db: Session
) -> None:
    as_user(client, "legal")
    law_id = _law(db, "危险化学品安全管理条例")
    early = _publish(db, "power_item", "XK-001")  # before the change: does not count
    _repeal(client, law_id)
    db.rollback()
    rows = list(db.scalars(select(CatalogueUpdate).order_by(CatalogueUpdate.id)))
    target = next(r for r in rows if (r.target_kind, r.subject) == ("power_item", "XK-001"))
    guide = next(r for r in rows if (r.target_kind, r.subject) == ("service_guide", "XK-001"))
    assert target.status is UpdateStatus.open and early.published_at < target.created_at
    client.get("/app/catalog/updates")  # the catch-up finds nothing to settle
    db.rollback()
    assert db.get(CatalogueUpdate, target.id).status is UpdateStatus.open  # type: ignore[union-attr]

    later = _publish(db, "power_item", "XK-001")
    db.rollback()
    done = db.get(CatalogueUpdate, target.id)
    assert done is not None and done.status is UpdateStatus.published
    assert done.snapshot_id == later.id and done.done_on == beijing_day(later.published_at)
    assert db.get(CatalogueUpdate, guide.id).status is UpdateStatus.open  # type: ignore[union-attr]
    kind = ledger_entry.c.kind == "catalogue_update.published"
    assert db.execute(select(ledger_entry.c.subject).where(kind)).scalars().all() == [
        f"catalogue_update:{target.id}"
    ]

    board = client.get("/app/publicity?task=catalogue_update&state=已完成")
    assert f'href="/app/catalog/updates/{target.id}"' in board.text
    assert f'href="/app/catalog/updates/{guide.id}"' not in board.text
    # done after its due day (29 Oct 2026): listed as done late, the guide as still open
    on = date(2027, 1, 4)
    report = overdue_report(db, working_calendar(db), on, Filters(kind=DutyKind.catalogue_update))
    by_id = {r.duty.record_id: r for r in report.rows}
    assert by_id[target.id].still_open is False and by_id[guide.id].still_open is True
    assert by_id[target.id].duty.done_on == done.done_on


def test_certificate_change_fulfilled_by_the_officer_entry(client: TestClient, db: Session) -> None:
    """The officer's entry published after the change fulfils it (the catalogue may publish
    it in the change's own transaction; publishing it again does not move the done day)."""
    headers = as_user(client, "legal")
    officer = next(o for o in client.get("/api/v1/officers").json() if o["username"] == "lina")
    cert = officer["certificates"][0]
    body = {k: cert[k] for k in ("number", "issuing_authority", "scope", "valid_from", "valid_to")}
    body |= {"status": "suspended", "reason": "暂扣"}
    assert client.put(f"/api/v1/certificates/{cert['id']}", json=body, headers=headers).is_success
    db.rollback()
    _publish(db, "officer", cert["number"])
    db.rollback()
    row = db.scalars(select(CatalogueUpdate)).one()
    snapshot = db.get(PublicSnapshot, row.snapshot_id)
    assert row.status is UpdateStatus.published and snapshot is not None
    assert (snapshot.kind, snapshot.subject) == ("officer", cert["number"])
    assert snapshot.published_at >= row.created_at
    assert row.done_on == beijing_day(snapshot.published_at)
    answer = client.get("/api/v1/catalog/updates?status=published").json()
    assert [(u["target_kind"], u["subject"]) for u in answer] == [("officer", cert["number"])]
