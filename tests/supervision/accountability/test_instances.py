"""The accountability report on SQLite and PostgreSQL: each kind of instance appears from
real records (a recording missing after its step, an approved exception, a verify failure,
a late publicity duty), a lack that can still be mended does not; keys are stable across
runs; a leader's decision is ledgered and stays attached; bad input changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of
from tests.enforcement.test_actions import _as
from tests.factories import writing
from tests.supervision.accountability.helpers import (
    approved_exception,
    closed_with_missing_recording,
    late_publication,
    open_with_missing_recording,
    tamper_and_verify,
)
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.supervision.accountability import service
from zhifa.supervision.accountability.models import AccountabilityDecision
from zhifa.supervision.accountability.rules import (
    Filters,
    InstanceKind,
    duty_key,
    exception_key,
    recording_key,
)


def _keys(db: Session, filters: Filters = Filters()) -> dict[str, InstanceKind]:
    with writing(db) as w:  # the duties' catch-up writes
        return {row.key: row.kind for row in service.instances(w, filters)}


def test_each_kind_appears_and_a_mendable_lack_does_not(
    client: TestClient, db: Session, settings: Settings
) -> None:
    missing = closed_with_missing_recording(client, db, settings)
    mendable = open_with_missing_recording(client, db)
    excepted = approved_exception(client, db)
    late = late_publication(client, db, settings)
    verify_keys = tamper_and_verify(settings)

    first = _keys(db)
    assert first[recording_key("activity", missing)] is InstanceKind.recording_missing
    assert recording_key("activity", mendable) not in first
    assert first[exception_key(excepted)] is InstanceKind.recording_excepted
    assert verify_keys and all(first[k] is InstanceKind.verify_failure for k in verify_keys)
    assert first[duty_key("publication", late)] is InstanceKind.duty_late

    # the same instances carry the same keys in the next run; a second failing verify
    # run of the same problem is the same instance
    assert set(tamper_and_verify(settings)) == set(verify_keys)
    assert _keys(db) == first

    only = _keys(db, Filters(kind=InstanceKind.recording_excepted))
    assert set(only) == {k for k, v in first.items() if v is InstanceKind.recording_excepted}


def _decide(client: TestClient, key: str, outcome: str, reason: str) -> tuple[int, str]:
    page = client.get("/app/supervision/accountability")
    assert page.status_code == 200, page.text
    response = client.post(
        "/app/supervision/accountability/decide",
        data={
            "csrf_token": csrf_of(page.text),
            "instance_key": key,
            "outcome": outcome,
            "reason": reason,
        },
    )
    return response.status_code, response.text


def _decisions(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(AccountabilityDecision)) or 0)


def test_leader_decides_bad_input_changes_nothing(client: TestClient, db: Session) -> None:
    excepted = approved_exception(client, db)  # signed in as the leader now
    key = exception_key(excepted)
    before = _decisions(db)

    status, html = _decide(client, key, "not_pursued", "")
    assert status == 400 and "不予追责须说明理由" in html
    assert 'id="reason-error"' in html and 'aria-invalid="true"' in html
    status, html = _decide(client, key, "dismissed", "理由充分的说明")
    assert status == 422 and "处理决定" in html
    status, _html = _decide(client, "exception:999999", "education", "")
    assert status == 404
    missing = client.get("/app/supervision/accountability/decide?key=exception:999999")
    assert missing.status_code == 404
    assert _decisions(db) == before

    assert _decide(client, key, "education", "")[0] == 303
    assert _decide(client, key, "not_pursued", "设备故障属实，已批准例外")[0] == 303
    assert _decisions(db) == before + 2
    with writing(db) as w:
        report = service.report(w, Filters(kind=InstanceKind.recording_excepted))
    decided = report.decisions[key].row
    assert decided.outcome.value == "not_pursued" and decided.supersedes_id is not None
    kinds = list(db.scalars(select(ledger_entry.c.kind)))
    assert kinds.count("supervision.accountability.decide") >= 2

    # only a leader decides
    _as(client, "zhangwei")
    page = client.get("/app/supervision/accountability/decide", params={"key": key})
    assert page.status_code == 403
