"""Builders of the accountability tests: one instance of each kind made through the
services and the API (a recording fact stated after the case closed is the one row put
straight into the database, with its ledger entry, as the recording tests' helpers do)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.recording.rules.helpers import activity, as_officer, move, open_action, party, writer
from zhifa.core.audit import record_change
from zhifa.core.blobstore import open_blob_store
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.core.verification import verify_instance
from zhifa.enforcement.models import Action
from zhifa.publicity.models import ObligationStatus, PublicationObligation
from zhifa.recording.av.models import RecordingFact
from zhifa.recording.documents.models import Document, DocumentStatus
from zhifa.supervision.accountability import service


def closed_with_missing_recording(client: TestClient, db: Session, settings: Settings) -> int:
    """An activity of a closed action that became mandatory (a dispute recorded after the
    step) and has no video: an instance. Returns the activity's id."""
    officers = as_officer(client, db)
    action_id = open_action(client, db, "other.general", "other", officers, party(db, False))
    act = activity(client, action_id, officers)
    assert move(client, action_id, "closing") == (201, "")
    with writer(settings) as w:
        fact = RecordingFact(
            action_id=action_id,
            activity_id=act,
            code="disputed_or_dangerous",
            value=True,
            reason="当事人事后投诉现场有争议",
        )
        w.add(fact)
        record_change(w, None, "recording.fact", fact)
        w.commit()
    return act


def open_with_missing_recording(client: TestClient, db: Session) -> int:
    """The same lack on an activity of the current step: it can still be completed, so it
    must not be an instance. Returns the activity's id."""
    officers = as_officer(client, db)
    action_id = open_action(client, db, "other.general", "other", officers, party(db, False))
    act = activity(client, action_id, officers)
    stated = client.post(
        f"/api/v1/actions/{action_id}/recording/facts",
        json={"code": "disputed_or_dangerous", "activity_id": act, "reason": "可能发生纠纷"},
    )
    assert stated.status_code == 201, stated.text
    return act


def approved_exception(client: TestClient, db: Session) -> int:
    """A seizure's mandatory recording excepted with a leader's approval; its id."""
    officers = as_officer(client, db)
    action_id = open_action(
        client, db, "compulsion.seizure", "compulsion", officers, party(db, False)
    )
    act = activity(client, action_id, officers)
    asked = client.post(
        f"/api/v1/actions/{action_id}/recording/exceptions",
        json={"activity_id": act, "reason": "执法记录仪进水损坏，备用设备未到"},
    )
    assert asked.status_code == 201, asked.text
    _as(client, "leader")
    decided = client.post(
        f"/api/v1/recording/exceptions/{asked.json()['id']}/decision",
        json={"approved": True, "note": "同意"},
    )
    assert decided.status_code in (200, 201), decided.text
    return int(asked.json()["id"])


def tamper_and_verify(settings: Settings) -> list[str]:
    """Alter a recorded row without its ledger entry, run verification and keep the
    failing run's findings (as `zhifa verify` does); the findings' keys."""
    with writer(settings) as w:
        w.execute(text("UPDATE unit SET name = '被改动的单位' WHERE id = 1"))
        w.commit()
    with writer(settings) as w:
        started = datetime.now(UTC)
        verifier = load_ledger_signer(settings).verifier()
        report = verify_instance(settings, w, open_blob_store(settings), verifier)
        assert report.problems, "the altered row must be found"
        service.store_verify_failures(w, started, report.problems)
        w.commit()
        rows = w.scalars(select(service.VerifyFailure.instance_key)).all()
    return list(rows)


def late_publication(client: TestClient, db: Session, settings: Settings) -> int:
    """A penalty decision issued 2026-09-20 whose publication, due 2026-09-30, was never
    made (公示办法 第十条); rows written with their ledger entries. Its obligation's id."""
    officers = as_officer(client, db)
    action_id = open_action(client, db, "penalty.general", "penalty", officers, party(db, True))
    with writer(settings) as w:
        action = w.get_one(Action, action_id)
        doc = Document(
            action_id=action_id,
            kind="penalty_decision",
            status=DocumentStatus.issued,
            doc_number="沪普应急罚〔2026〕问责1号",
            issue_date=date(2026, 9, 20),
        )
        w.add(doc)
        w.flush()
        ob = PublicationObligation(
            action_id=action_id,
            document_id=doc.id,
            kind="penalty",
            decided_on=date(2026, 9, 20),
            limit_code="publicity.penalty",
            due_on=date(2026, 9, 30),
            basis="《行政执法公示办法》第七条",
            responsible_id=officers[0],
            unit_id=action.unit_id,
            status=ObligationStatus.open,
        )
        w.add(ob)
        record_change(w, None, "test.arrange", doc, ob)
        w.commit()
        return ob.id
