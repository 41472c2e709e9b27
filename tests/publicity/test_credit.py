"""Publication apart from credit publicity (issue 14 points 1 and 2), through the API on
SQLite and PostgreSQL: every penalty is published on the portal whatever its severity; a
轻微 one reaches 信用中国 only with a recorded 确有必要 reason; the credit period is the
rule's (no pick), shown with the earliest day of 信用修复 and the automatic end; a 信用修复
before that earliest day is refused with nothing written, and one recorded ends the credit
publicity (a 删除 row noting 已修复 in the 信用中国 export) while the portal keeps the
publication."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.publicity import test_outbox
from tests.publicity.test_flow import _decision, _obligation
from tests.publicity.test_outbox import Instance, assert_ledgered, deliveries
from zhifa.core.audit import check_rows
from zhifa.core.clock import people_date, today
from zhifa.publicity.models import CreditExportRow, CreditRepair, DeliveryStatus, OutboxMessage
from zhifa.publicity.portal.models import PortalEntry

instance_of = test_outbox.instance_of

API = "/api/v1/publicity"
REPAIR = {
    "decided_by": "信用中国（上海）",
    "reference": "沪信修〔2026〕第0001号",
    "reason": "已纠正失信行为、缴清罚款并作出信用承诺",
}


def _publish(inst: Instance, db: Session, **choices: Any) -> dict[str, Any]:
    """A penalty decision drafted with `choices`, reviewed and published; the publication."""
    _, document_id, _ = _decision(inst.client, db)
    ob = _obligation(inst.client, document_id)
    _as(inst.client, "legal")
    draft = inst.client.post(f"{API}/obligations/{ob['id']}/draft", json=choices)
    assert draft.status_code == 201, draft.text
    url = f"{API}/publications/{draft.json()['id']}"
    assert inst.client.post(f"{url}/review", json={}).status_code == 200
    done = inst.client.post(f"{url}/publish")
    assert done.status_code == 200, done.text
    return dict(done.json())


def _of(inst: Instance, code: str, publication_id: int) -> list[Any]:
    """The deliveries to channel `code` of messages about one publication."""
    with inst.factory() as session:
        ids = set(
            session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.publication_id == publication_id)
            )
        )
    return [d for d in deliveries(inst, code) if d.message_id in ids]


def test_a_minor_penalty_reaches_the_portal_but_not_credit_china(instance_of, db: Session) -> None:
    inst = instance_of({})
    minor = _publish(inst, db, severity="minor")
    portal = _of(inst, "portal", minor["id"])
    assert [d.status for d in portal] == [DeliveryStatus.delivered]  # published
    assert _of(inst, "credit_shanghai", minor["id"]) == []  # not sent to 信用中国
    with inst.factory() as session:
        entry = session.scalar(select(PortalEntry).where(PortalEntry.id == minor["obligation_id"]))
        assert entry is not None
    assert inst.client.get(f"/p/{minor['obligation_id']}").status_code == 200
    credit = minor["credit"]
    assert credit["sent_to_credit_china"] is False and "不报送信用中国" in credit["status"]
    # the portal publication ends with the longest period a 轻微 one may have (3 months)
    assert minor["public_until"] == credit["credit_ends_on"]

    # 确有必要 recorded: 信用中国 receives it too
    needed = _publish(inst, db, severity="minor", credit_necessity="涉及公共安全，确有必要提示")
    sent = _of(inst, "credit_shanghai", needed["id"])
    assert [d.status for d in sent] == [DeliveryStatus.delivered]
    assert needed["credit"]["sent_to_credit_china"] is True
    assert needed["credit"]["credit_necessity"] == "涉及公共安全，确有必要提示"
    assert_ledgered(inst)


def test_the_period_is_the_rules_and_repair_waits_for_the_shortest(
    instance_of, db: Session
) -> None:
    inst = instance_of({})
    _, document_id, _ = _decision(inst.client, db)
    ob = _obligation(inst.client, document_id)
    _as(inst.client, "legal")
    picked = inst.client.post(
        f"{API}/obligations/{ob['id']}/draft", json={"severity": "general", "months": 6}
    )
    assert picked.status_code == 422 and "不能自选" in picked.json()["detail"]
    assert "最早可申请信用修复日" in picked.json()["detail"]

    general = _publish(inst, db, severity="general")
    credit = general["credit"]
    assert credit["sent_to_credit_china"] is True and credit["repaired_on"] is None
    earliest = credit["earliest_repair_on"]
    assert earliest > today().isoformat() and credit["credit_ends_on"] == general["public_until"]
    assert "最短公示期届满后" in credit["earliest_repair_basis"]
    page = inst.client.get(f"/app/publicity/publications/{general['id']}")
    assert "最早可申请信用修复" in page.text and "信用公示自动结束" in page.text

    with inst.factory() as session:
        before = session.scalar(select(func.count()).select_from(CreditExportRow))
    url = f"{API}/publications/{general['id']}/credit-repair"
    early = inst.client.post(url, json={**REPAIR, "decided_on": today().isoformat()})
    assert early.status_code == 422, early.text
    assert "最短公示期未满" in early.json()["detail"]
    assert people_date(date.fromisoformat(earliest)) in early.json()["detail"]
    with inst.factory() as session:  # nothing written
        assert session.scalar(select(func.count()).select_from(CreditRepair)) == 0
        assert session.scalar(select(func.count()).select_from(CreditExportRow)) == before


def test_a_recorded_credit_repair_ends_the_credit_publicity_only(instance_of, db: Session) -> None:
    inst = instance_of({})
    # a 轻微 one sent to 信用中国 may be repaired from the decision day (法定责任履行完毕即可)
    pub = _publish(inst, db, severity="minor", credit_necessity="确有必要提示风险")
    assert pub["credit"]["earliest_repair_on"] == today().isoformat()
    url = f"{API}/publications/{pub['id']}/credit-repair"
    _as(inst.client, "zhangwei")  # an officer may not record it
    body = {**REPAIR, "decided_on": today().isoformat()}
    assert inst.client.post(url, json=body).status_code == 403
    _as(inst.client, "legal")
    blank = inst.client.post(url, json={**body, "reference": " "})
    assert blank.status_code == 422 and "文号" in blank.json()["detail"]
    done = inst.client.post(url, json=body)
    assert done.status_code == 201, done.text
    assert done.json()["reference"] == REPAIR["reference"]

    shown = inst.client.get(f"{API}/publications/{pub['id']}").json()
    assert shown["status"] == "published"  # the portal publication runs on
    assert shown["credit"]["repaired_on"] == today().isoformat()
    assert shown["credit"]["status"].startswith("已修复")
    assert [d.status for d in _of(inst, "portal", pub["id"])] == [DeliveryStatus.delivered]
    sent = _of(inst, "credit_shanghai", pub["id"])
    assert len(sent) == 2 and all(d.status is DeliveryStatus.delivered for d in sent)
    with inst.factory() as session:
        row = session.scalar(
            select(CreditExportRow).where(CreditExportRow.delivery_id == sent[1].id)
        )
        assert row is not None and row.operation == "删除"
        assert "已修复" in row.values[-1] and REPAIR["reference"] in row.values[-1]
    assert inst.client.get(f"/p/{pub['obligation_id']}").status_code == 200
    again = inst.client.post(url, json=body)
    assert again.status_code == 409 and "已记录信用修复" in again.json()["detail"]
    assert_ledgered(inst)
    with inst.factory() as session:  # the repair is a ledgered row
        assert [f for f in check_rows(session) if f.subject.startswith("credit_repair")] == []
        assert session.scalar(select(func.count()).select_from(CreditRepair)) == 1
