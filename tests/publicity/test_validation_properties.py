"""Property tests over the write paths of public items (issue 13 point 1), through real
HTTP on SQLite: generated wrong 统一社会信用代码, dates and amounts in a correction, and
generated change dates before the decision, are refused with nothing
written (rows and ledger entries counted before and after); generated good ones are
accepted. Documents: generated times ahead of now are refused, times in the past issue."""

from __future__ import annotations

import shutil
import string
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.factories import open_action
from tests.portal.helpers import publish_decision
from tests.publicity.test_validation import API, staff_correction, written
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings, load_settings
from zhifa.enforcement.identifiers import USCC_CATEGORIES, USCC_CHARSET, uscc_check_char
from zhifa.publicity import validation
from zhifa.recording.documents import service as document_service
from zhifa.web.app import create_app

EXAMPLES = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def world(
    seeded_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Session, Settings]]:
    """One copy of the seeded demo for the module (each example is one request)."""
    data_dir = tmp_path_factory.mktemp("props") / "data"
    shutil.copytree(str(seeded_sqlite_template), data_dir)
    config = load_settings(data_dir, secret_key="t" * 40, jobs_in_process=False)
    engine = make_engine(config.resolved_database_url, write_transactions=False)
    with (
        make_session_factory(engine)() as db,
        TestClient(create_app(config), follow_redirects=False) as client,
    ):
        yield client, db, config
    engine.dispose()


# ---- generators ------------------------------------------------------------------------------

good_usccs = st.builds(
    lambda dept, region, body: (lambda first17: first17 + uscc_check_char(first17))(
        dept + sorted(USCC_CATEGORIES[dept])[0] + region + body
    ),
    st.sampled_from(sorted(USCC_CATEGORIES)),
    st.text(string.digits, min_size=6, max_size=6),
    st.text(USCC_CHARSET, min_size=9, max_size=9),
)


def _wrong_check(code: str) -> str:
    other = next(c for c in USCC_CHARSET if c != code[-1])
    return code[:-1] + other


bad_usccs = st.one_of(
    good_usccs.map(_wrong_check),  # one character off: the check character catches it
    st.text(string.digits + string.ascii_uppercase, min_size=1, max_size=17),  # too short
    good_usccs.map(lambda code: code[:5] + "I" + code[6:]),  # a letter GB 32100 leaves out
)
future_days = st.integers(min_value=1, max_value=3650).map(lambda n: today() + timedelta(n))
bad_amounts = st.one_of(
    st.decimals(max_value=Decimal("-0.000001"), allow_nan=False, allow_infinity=False, places=6),
    st.decimals(min_value=Decimal("1E-12"), max_value=1, places=9).filter(
        lambda d: -d.as_tuple().exponent > validation.WAN_PLACES  # type: ignore[operator]
    ),
    st.text(string.ascii_letters + "万元", min_size=1, max_size=8),
)
good_amounts = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(999), places=6)


# ---- corrections --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def correction(world: tuple[TestClient, Session, Settings]) -> str:
    client, db, _ = world
    correction_id, _ = staff_correction(client, db)
    return f"{API}/corrections/{correction_id}/proposal"


def _refused(client: TestClient, db: Session, url: str, edits: dict[str, str]) -> None:
    before = written(db)
    answer = client.post(url, json={"edits": edits, "summary": "更正"})
    assert answer.status_code in (400, 422), (edits, answer.text)
    assert written(db) == before


@EXAMPLES
@given(code=bad_usccs)
def test_wrong_codes_are_refused(world: tuple, correction: str, code: str) -> None:
    _refused(world[0], world[1], correction, {"uscc": code})


@EXAMPLES
@given(day=future_days)
def test_decision_dates_ahead_are_refused(world: tuple, correction: str, day: date) -> None:
    _refused(world[0], world[1], correction, {"decided_on": day.isoformat()})


@EXAMPLES
@given(amount=bad_amounts)
def test_wrong_amounts_are_refused(world: tuple, correction: str, amount: object) -> None:
    _refused(world[0], world[1], correction, {"fine_wan": str(amount)})


@EXAMPLES
@given(code=good_usccs, amount=good_amounts, back=st.integers(min_value=0, max_value=300))
def test_good_items_are_accepted(
    world: tuple, correction: str, code: str, amount: Decimal, back: int
) -> None:
    edits = {
        "uscc": code,
        "fine_wan": format(amount, "f"),
        "decided_on": (today() - timedelta(back)).isoformat(),
    }
    answer = world[0].post(correction, json={"edits": edits, "summary": "更正"})
    assert answer.status_code == 200, (edits, answer.text)
    items = {i["key"]: i["value"] for i in answer.json()["snapshot"]["items"]}
    assert items["uscc"] == code and items["decided_on"] == edits["decided_on"]


# ---- withdrawals and updates ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def changes(world: tuple[TestClient, Session, Settings]) -> str:
    client, db, _ = world
    published = publish_decision(client, db)
    return f"{API}/obligations/{published['obligation_id']}/changes"


CHANGE = {"cause": "changed", "reason": "变更", "decision_ref": "普府复决字〔2026〕1号"}


@EXAMPLES
@given(back=st.integers(min_value=1, max_value=3650))
def test_changes_before_the_decision_are_refused(world: tuple, changes: str, back: int) -> None:
    client, db, _ = world
    before = written(db)
    day = today() - timedelta(back)  # the decision was issued today
    answer = client.post(changes, json={**CHANGE, "occurred_on": day.isoformat()})
    assert answer.status_code == 400, answer.text
    assert "不能早于原决定的日期" in answer.json()["detail"]
    assert written(db) == before


# ---- documents --------------------------------------------------------------------------------


@EXAMPLES
@given(minutes=st.integers(min_value=2, max_value=60 * 24 * 400))
def test_document_times_ahead_are_refused(
    world: tuple[TestClient, Session, Settings], minutes: int
) -> None:
    client, db, config = world
    action_id, h = _inspection(client, config)
    when = (document_service.local_now() + timedelta(minutes=minutes)).isoformat()
    fields = {"checked": "检查", "place": "仓库", "started_at": when, "ended_at": when}
    url = f"/api/v1/actions/{action_id}/documents"
    made = client.post(url, json={"kind": "site_inspection_record", "fields": fields}, headers=h)
    assert made.status_code == 201, made.text
    before = written(db)
    refused = client.post(f"/api/v1/documents/{made.json()['id']}/issue", headers=h)
    assert refused.status_code == 400 and refused.json()["field"] == "started_at"
    assert written(db) == before


_INSPECTION: list[tuple[int, dict[str, str]]] = []


def _inspection(client: TestClient, config: Settings) -> tuple[int, dict[str, str]]:
    """One inspection action for the module's document examples, and its officer's
    signed-in headers (after the legal section's examples: this signs the client in anew)."""
    if not _INSPECTION:
        action_id = open_action(config, "inspection.on_site")
        _INSPECTION.append((action_id, {"X-CSRF-Token": login(client, "zhangwei")}))
    return _INSPECTION[0]
