"""No wrong data reaches the public (issue 13 point 1), through real HTTP on SQLite: a
correction that would publish 统一社会信用代码 `12345` or a 处罚决定日期 after its own
公示截止期 is refused with nothing written; so is a withdrawal dated before the decision; a
document cannot be issued with a date ahead of now or before the document it follows; the
draft form has no default severity (issue 14), explains each choice, and its refusal stays on
the form. The pure checks (`publicity/validation.py`) are tested on their own too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.enforcement.test_actions import _as
from tests.factories import open_action
from tests.portal.helpers import publish_decision, snapshot
from tests.publicity.test_flow import _decision, _obligation
from zhifa import ledger
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.enforcement.identifiers import uscc_check_char
from zhifa.publicity import validation
from zhifa.publicity.models import CorrectionRequest, Publication, PublicationUpdate, Withdrawal
from zhifa.recording.documents import service as document_service
from zhifa.recording.documents.models import Document
from zhifa.web.app import create_app

API = "/api/v1/publicity"
DAY = date(2026, 12, 7)
GOOD_USCC = "91310107MA1FWCKA9P"


@pytest.fixture
def db(sqlite_settings: Settings) -> Iterator[Session]:
    engine = make_engine(sqlite_settings.resolved_database_url, write_transactions=False)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def client(sqlite_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_settings), follow_redirects=False) as test_client:
        yield test_client


def written(db: Session) -> tuple[int, ...]:
    """Rows a refused write must leave as they were, and the ledger's size."""
    db.rollback()
    models = (Publication, CorrectionRequest, Withdrawal, PublicationUpdate, Document)
    counts = [int(db.scalar(select(func.count()).select_from(m)) or 0) for m in models]
    return (*counts, ledger.log_size(db))


def staff_correction(client: TestClient, db: Session) -> tuple[int, dict[str, Any]]:
    """A published penalty decision and a correction the legal section opened on it:
    (correction id, the publication)."""
    published = publish_decision(client, db)
    opened = client.post(
        f"{API}/corrections",
        json={"obligation_id": published["obligation_id"], "what_is_wrong": "核对公示内容"},
    )
    assert opened.status_code == 201, opened.text
    return opened.json()["id"], published


# ---- the pure checks ---------------------------------------------------------------------------


def penalty(**values: str) -> dict[str, Any]:
    good = {
        "party_name": "上海宏达烟花爆竹销售有限公司",
        "party_category": "法人及非法人组织",
        "uscc": GOOD_USCC,
        "doc_number": "（普）应急罚〔2026〕1号",
        "category": "罚款",
        "fine_wan": "0.2",
        "decided_on": "2026-12-01",
        "public_until": "2027-12-01",
        "authority_uscc": "11310107MB2F12345H",
        "source_uscc": "11310107MB2F12345H",
    }
    return snapshot("penalty", **{**good, **values})


def test_a_well_formed_snapshot_passes() -> None:
    assert validation.problems(penalty(), DAY) == []
    person = penalty(party_category="自然人", uscc="")
    assert validation.problems(person, DAY) == []


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"uscc": "12345"}, "uscc", "统一社会信用代码长度应为18位"),
        ({"uscc": GOOD_USCC[:-1] + "0"}, "uscc", "校验码错误"),
        ({"authority_uscc": "11310107MB2F12345X"}, "authority_uscc", "处罚机关统一社会信用代码"),
        ({"uscc": ""}, "uscc", "须公示其统一社会信用代码"),
        ({"decided_on": "2030-01-01"}, "decided_on", "不能晚于今天"),
        ({"decided_on": "2026-02-30"}, "decided_on", "真实日期"),
        ({"public_until": "2026-11-30"}, "decided_on", "不能晚于公示截止期"),
        ({"public_until": "2026-12-06"}, "public_until", "已过，不能再公示"),
        ({"fine_wan": "-1"}, "fine_wan", "不能为负数"),
        ({"fine_wan": "0.0000001"}, "fine_wan", "最多保留6位小数"),
        ({"fine_wan": "两万"}, "fine_wan", "应为数字"),
        ({"fine_wan": "1000000"}, "fine_wan", "数额过大"),
        ({"fine_wan": ""}, "fine_wan", "处罚类别含罚款的，须填写罚款金额"),
        ({"category": "警告"}, "category", "处罚类别须含罚款"),
        ({"category": "罚款；打板子"}, "category", "处罚类别取值无效"),
        ({"party_category": "法人"}, "party_category", "行政相对人类别取值无效"),
        ({"doc_number": ""}, "doc_number", "不能为空"),
    ],
)
def test_each_wrong_item_is_named(values: dict[str, str], field: str, words: str) -> None:
    found = validation.problems(penalty(**values), DAY)
    assert found and found[0].field == field and words in found[0].message, found


def test_licence_and_compulsion_items() -> None:
    licence = snapshot(
        "license",
        party_name="上海隆盛商贸有限公司",
        party_category="法人及非法人组织",
        uscc=GOOD_USCC,
        doc_number="（普）应急许〔2026〕1号",
        category="普通",
        decided_on="2026-12-07",
        valid_from="2026-12-07",
        valid_until="2026-12-01",
        public_until="2026-12-01",
    )
    assert [p.field for p in validation.problems(licence, DAY)][-1] == "valid_until"
    seizure = snapshot(
        "compulsion",
        party_name="某公司",
        party_category="法人及非法人组织",
        uscc=GOOD_USCC,
        doc_number="（普）应急查扣〔2026〕1号",
        measure="没收",
        decided_on="2026-12-07",
        public_until="2027-12-07",
    )
    assert validation.problems(seizure, DAY)[0].field == "measure"


def test_a_change_is_not_dated_before_the_decision() -> None:
    assert validation.change_problem(DAY, DAY) is None
    assert validation.change_problem(DAY + timedelta(1), DAY) is None
    assert "不能早于原决定" in str(validation.change_problem(DAY - timedelta(1), DAY))


# ---- the reported bug and its neighbours, through the API --------------------------------------


def test_a_correction_with_a_wrong_code_or_date_is_refused_and_writes_nothing(
    client: TestClient, db: Session
) -> None:
    correction_id, published = staff_correction(client, db)
    url = f"{API}/corrections/{correction_id}/proposal"
    before = written(db)
    for edits, words in (
        ({"uscc": "12345"}, "统一社会信用代码长度应为18位"),
        ({"decided_on": "2030-01-01"}, "不能晚于今天"),
        ({"fine_wan": "-2"}, "不能为负数"),
        ({"category": "打板子"}, "处罚类别取值无效"),
    ):
        refused = client.post(url, json={"edits": edits, "summary": "更正"})
        assert refused.status_code in (400, 422), refused.text
        assert words in refused.json()["detail"], refused.json()
        assert written(db) == before
    # a date in the past but after the period's end passes the edge, not the service
    late = client.post(url, json={"edits": {"decided_on": "2027-12-31"}, "summary": "更正"})
    assert late.status_code == 400 and "不能晚于今天" in late.json()["detail"]
    assert written(db) == before
    accepted = client.post(url, json={"edits": {"uscc": GOOD_USCC}, "summary": "更正代码"})
    assert accepted.status_code == 200, accepted.text
    assert published["status"] == "published"


def test_a_withdrawal_dated_before_the_decision_is_refused(client: TestClient, db: Session) -> None:
    published = publish_decision(client, db)
    url = f"{API}/obligations/{published['obligation_id']}/changes"
    change = {"cause": "revoked", "reason": "已被复议撤销", "decision_ref": "普府复决字〔2026〕1号"}
    before = written(db)
    early = client.post(url, json={**change, "occurred_on": "2020-01-01"})
    assert early.status_code == 400 and "不能早于原决定的日期" in early.json()["detail"]
    assert written(db) == before
    done = client.post(url, json={**change, "occurred_on": today().isoformat()})
    assert done.status_code == 201, done.text


def test_draft_severity_in_words_without_a_default_and_minor_is_published(
    client: TestClient, db: Session
) -> None:
    _, document_id, _ = _decision(client, db)
    ob = _obligation(client, document_id)
    _as(client, "legal")
    bogus = client.post(f"{API}/obligations/{ob['id']}/draft", json={"severity": "bogus"})
    assert bogus.status_code == 422 and bogus.json()["detail"].startswith("严重程度")
    assert "一般失信信息" in bogus.json()["detail"]
    page = client.get(f"/app/publicity/obligations/{ob['id']}")
    assert 'name="severity"' in page.text and " checked" not in page.text  # no default
    assert "没有默认值" in page.text and "最早可申请信用修复" in page.text
    before = written(db)  # the form posts with the signed-in session's CSRF header
    form = {"credit_necessity": "为提示公共安全风险"}
    refused = client.post(f"/app/publicity/obligations/{ob['id']}/draft", data=form)
    assert refused.status_code == 422 and 'id="severity-error"' in refused.text
    assert "没有默认值" in refused.text and "为提示公共安全风险" in refused.text
    assert written(db) == before
    form = {"severity": "general", "credit_necessity": "确有必要"}
    refused = client.post(f"/app/publicity/obligations/{ob['id']}/draft", data=form)
    assert refused.status_code == 422 and 'id="credit_necessity-error"' in refused.text
    assert 'value="general" checked' in refused.text
    assert written(db) == before
    # 轻微 is published (安全生产法 第七十八条第二款), only not sent to 信用中国
    drafted = client.post(
        f"/app/publicity/obligations/{ob['id']}/draft", data={"severity": "minor"}
    )
    assert drafted.status_code == 303


# ---- documents: dates not ahead, and after the documents they follow ---------------------------


def test_a_document_dated_ahead_or_before_what_it_follows_is_not_issued(
    sqlite_settings: Settings, client: TestClient, db: Session
) -> None:
    action_id = open_action(sqlite_settings, "inspection.on_site")
    h = {"X-CSRF-Token": login(client, "zhangwei")}

    def draft(kind: str, fields: dict[str, Any]) -> int:
        url = f"/api/v1/actions/{action_id}/documents"
        made = client.post(url, json={"kind": kind, "fields": fields}, headers=h)
        assert made.status_code == 201, made.text
        return int(made.json()["id"])

    now = document_service.local_now()
    ahead = now + timedelta(days=90)
    inspection = {"checked": "检查了储存间", "place": "仓库"}
    future = draft(
        "site_inspection_record",
        {**inspection, "started_at": ahead.isoformat(), "ended_at": ahead.isoformat()},
    )
    before = written(db)
    refused = client.post(f"/api/v1/documents/{future}/issue", headers=h)
    assert refused.status_code == 400 and refused.json()["field"] == "started_at"
    assert "不能晚于现在" in refused.json()["detail"]
    assert written(db) == before

    started = now - timedelta(days=2)
    done = draft(
        "site_inspection_record",
        {**inspection, "started_at": started.isoformat(), "ended_at": started.isoformat()},
    )
    assert client.post(f"/api/v1/documents/{done}/issue", headers=h).status_code == 200
    deadline = (today() + timedelta(days=10)).isoformat()
    early_day = (started.date() - timedelta(days=1)).isoformat()
    order = draft(
        "rectification_order", {"problems": "x", "found_on": early_day, "deadline": deadline}
    )
    before = written(db)
    refused = client.post(f"/api/v1/documents/{order}/issue", headers=h)
    assert refused.status_code == 400 and refused.json()["field"] == "found_on"
    assert "现场检查记录" in refused.json()["detail"]
    assert written(db) == before
    fixed = client.patch(
        f"/api/v1/documents/{order}",
        json={"fields": {"found_on": started.date().isoformat()}},
        headers=h,
    )
    assert fixed.status_code == 200, fixed.text
    assert client.post(f"/api/v1/documents/{order}/issue", headers=h).status_code == 200


def test_a_generated_code_passes() -> None:
    first17 = "91310107MA1FWCKA9"
    assert validation.item_problem("penalty", "uscc", first17 + uscc_check_char(first17)) is None
