"""Issue 13 point 3, "No dead ends", in the enforcement chapter: a case opened with one
officer is warned at once and fixed by adding a colleague (with the certificate checks);
the opening form lists the 执法事项 of the chosen procedure and finds the party by what is
typed (telling nobody personal data they may not see); a refusal keeps the user on the
form, the message beside the field and what was typed kept."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of, login
from tests.enforcement.test_actions import _as, _expired_officer, _item, _valid_officers
from zhifa.core.models import User
from zhifa.enforcement.models import ActionOfficer, Party, PartyKind, PartyVersion, PowerItem
from zhifa.ledger.models import ledger_entry

BODY = {"started_at": "2026-11-26T09:00:00", "place": "现场"}


def _entries(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(ledger_entry)) or 0)


def _open_alone(
    client: TestClient, db: Session, officer: int, kind: str = "other"
) -> dict[str, Any]:
    procedure = {"other": "other.general", "inspection": "inspection.on_site"}[kind]
    response = client.post(
        "/api/v1/actions",
        json={
            "procedure": procedure,
            "party_id": 3,
            "power_item_id": _item(db, kind),
            "title": "单人开启的案件",
            "officer_ids": [officer],
        },
    )
    assert response.status_code == 201, response.text
    opened: dict[str, Any] = response.json()
    return opened


def _username(db: Session, user_id: int) -> str:
    user = db.get(User, user_id)
    assert user is not None
    return user.username


# ---- API ------------------------------------------------------------------------------------


def test_a_case_opened_alone_is_warned_and_fixed_by_adding_a_colleague(
    client: TestClient, db: Session
) -> None:
    lead, colleague = _valid_officers(db, 2)
    _as(client, _username(db, lead))
    action = _open_alone(client, db, lead)
    assert any("请添加承办人员" in w for w in action["warnings"]), action["warnings"]
    path = f"/api/v1/actions/{action['id']}"
    blocked = client.post(f"{path}/activities", json={**BODY, "officer_ids": [lead]})
    assert blocked.status_code == 400 and "至少 2 名" in blocked.json()["detail"]

    before = _entries(db)
    for bad, message in (
        (_expired_officer(db), "已过期"),
        (lead, "已是本案承办人员"),
        (db.scalar(select(User.id).where(User.username == "legal")), "不是在岗执法人员"),
    ):
        refused = client.post(f"{path}/officers", json={"officer_id": bad})
        assert refused.status_code == 400, refused.text
        assert refused.json()["field"] == "officer_id" and message in refused.json()["detail"]
    assert client.post(f"{path}/officers", json={"officer_id": "x"}).status_code == 422
    assert _entries(db) == before

    added = client.post(f"{path}/officers", json={"officer_id": colleague})
    assert added.status_code == 201, added.text
    assert added.json()["officer_ids"] == [lead, colleague] and added.json()["warnings"] == []
    assert _entries(db) == before + 1
    row = db.scalar(
        select(ActionOfficer).where(
            ActionOfficer.action_id == action["id"], ActionOfficer.officer_id == colleague
        )
    )
    assert row is not None and not row.lead
    kinds = db.scalars(select(ledger_entry.c.kind).order_by(ledger_entry.c.index.desc()).limit(1))
    assert list(kinds) == ["action.add_officer"]

    # The blocked step proceeds; the colleague now sees and handles the case.
    activity = client.post(f"{path}/activities", json={**BODY, "officer_ids": [lead, colleague]})
    assert activity.status_code == 201, activity.text
    other = TestClient(client.app, follow_redirects=False)
    login(other, _username(db, colleague))
    assert other.get(path).status_code == 200


def test_a_colleague_must_cover_the_cases_field(
    client: TestClient, db: Session, writer: Session
) -> None:
    item = writer.get(PowerItem, _item(db, "other"))
    assert item is not None
    item.field = "应急管理"
    writer.commit()
    lead = db.scalar(select(User.id).where(User.username == "zhangwei"))  # 安全生产、应急管理
    only_safety = db.scalar(select(User.id).where(User.username == "wanglei"))  # 安全生产
    both = db.scalar(select(User.id).where(User.username == "chenjing"))
    assert lead and only_safety and both
    _as(client, "zhangwei")
    action = _open_alone(client, db, lead)
    path = f"/api/v1/actions/{action['id']}/officers"
    refused = client.post(path, json={"officer_id": only_safety})
    assert refused.status_code == 400 and "不含“应急管理”" in refused.json()["detail"]
    assert client.post(path, json={"officer_id": both}).status_code == 201


def test_only_those_handling_a_case_add_to_it(client: TestClient, db: Session) -> None:
    lead, _, outsider = _valid_officers(db, 3)
    _as(client, _username(db, lead))
    action = _open_alone(client, db, lead)
    other = TestClient(client.app, follow_redirects=False)
    _as(other, _username(db, outsider))
    # Not theirs reads like not there, also for a change.
    answer = other.post(f"/api/v1/actions/{action['id']}/officers", json={"officer_id": outsider})
    assert answer.status_code == 404


def test_a_case_with_two_able_officers_has_no_warning(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    _as(client, _username(db, officers[0]))
    response = client.post(
        "/api/v1/actions",
        json={
            "procedure": "inspection.on_site",
            "party_id": 3,
            "power_item_id": _item(db, "inspection"),
            "title": "检查",
            "officer_ids": officers,
        },
    )
    assert response.status_code == 201 and response.json()["warnings"] == []
    expired = _expired_officer(db)
    with_expired = client.post(
        "/api/v1/actions",
        json={
            "procedure": "inspection.on_site",
            "party_id": 3,
            "power_item_id": _item(db, "inspection"),
            "title": "检查",
            "officer_ids": [officers[0], expired],
        },
    ).json()["warnings"]
    assert "本案现有 1 名" in with_expired[0] and "已过期" in with_expired[1]


def test_power_items_of_a_procedure(client: TestClient, db: Session) -> None:
    _as(client, "zhangwei")
    items = client.get("/api/v1/power-items?procedure=inspection.on_site")
    assert items.status_code == 200 and items.json()
    assert {i["kind"] for i in items.json()} == {"inspection"}
    unknown = client.get("/api/v1/power-items?procedure=nope")
    assert unknown.status_code == 400 and unknown.json()["field"] == "procedure"


# ---- pages ----------------------------------------------------------------------------------


def _kinds_of(db: Session, html: str) -> set[str]:
    ids = [int(i) for i in re.findall(r'<option value="(\d+)"', html)]
    return {str(db.get(PowerItem, i).kind) for i in ids}  # type: ignore[union-attr]


def test_the_form_lists_the_items_of_the_chosen_procedure(client: TestClient, db: Session) -> None:
    login(client, "zhangwei")
    form = client.get("/app/actions/new")
    select_html = form.text.split('id="power_item_id"')[1].split("</select>")[0]
    assert _kinds_of(db, select_html) == {"penalty"}  # the first procedure's kind
    partial = client.get("/app/actions/new/power-items?procedure=inspection.on_site")
    assert partial.status_code == 200 and "<html" not in partial.text
    assert _kinds_of(db, partial.text) == {"inspection"}
    assert 'hx-get="/app/actions/new/power-items"' in form.text


def _person(db: Session) -> tuple[PartyVersion, str]:
    """A 自然人 party's current version (a person without a 个体工商户's code, whom the
    picker shows by the masked ID number), and their ID number."""
    row = db.scalar(
        select(PartyVersion)
        .join(Party, Party.id == PartyVersion.party_id)
        .where(Party.kind == PartyKind.person, PartyVersion.version == Party.current_version)
        .where(PartyVersion.uscc.is_(None))
        .order_by(Party.id)
    )
    assert row is not None and row.id_number is not None
    return row, row.id_number


def test_the_party_picker_searches_and_keeps_personal_data_need_to_know(
    client: TestClient, db: Session
) -> None:
    login(client, "chenjing")  # no case of this person: their data is masked for her
    form = client.get("/app/actions/new")
    assert 'name="party_id"' not in form.text  # no list of the 20 latest any more
    person, id_number = _person(db)
    fragment = person.name[1:]
    found = client.get("/app/actions/new/parties", params={"party_q": fragment})
    assert found.status_code == 200 and person.name in found.text
    assert id_number not in found.text and id_number[-4:] in found.text
    # A person's address or full ID number finds nobody for one who may not see them.
    street = person.address[-8:]
    assert (
        person.name not in client.get("/app/actions/new/parties", params={"party_q": street}).text
    )
    by_id = client.get("/app/actions/new/parties", params={"party_q": id_number})
    assert person.name not in by_id.text and "没有找到" in by_id.text
    # An enterprise by a fragment of its code.
    enterprise = db.scalar(
        select(PartyVersion).where(PartyVersion.uscc.is_not(None)).order_by(PartyVersion.id)
    )
    assert enterprise is not None and enterprise.uscc is not None
    by_code = client.get("/app/actions/new/parties", params={"party_q": enterprise.uscc[4:14]})
    assert enterprise.name in by_code.text
    api = client.get("/api/v1/party-picks", params={"q": fragment}).json()
    assert person.name in [p["name"] for p in api]
    assert id_number not in str(api)


def test_search_without_javascript_keeps_what_was_typed(client: TestClient, db: Session) -> None:
    login(client, "zhangwei")
    csrf = csrf_of(client.get("/app/actions/new").text)
    person, _ = _person(db)
    searched = client.post(
        "/app/actions/new",
        data={
            "csrf_token": csrf,
            "procedure": "inspection.on_site",
            "title": "节前检查",
            "party_q": person.name,
            "find_party": "1",
            "officer_ids": ["1"],
        },
    )
    assert searched.status_code == 200
    assert 'value="节前检查"' in searched.text and person.name in searched.text
    assert 'value="inspection.on_site" selected' in searched.text


def test_a_refused_opening_keeps_the_form(client: TestClient, db: Session) -> None:
    lead = _valid_officers(db, 1)[0]
    login(client, _username(db, lead))
    csrf = csrf_of(client.get("/app/actions/new").text)
    refused = client.post(
        "/app/actions/new",
        data={
            "csrf_token": csrf,
            "procedure": "inspection.on_site",
            "power_item_id": str(_item(db, "inspection")),
            "title": "节前检查",
            "party_q": "化工",
            "officer_ids": [str(lead)],
        },
    )
    assert refused.status_code == 422
    assert (
        'id="party_id-error"' in refused.text
        and 'aria-describedby="party_id-error"' in refused.text
    )
    assert 'value="节前检查"' in refused.text and 'value="化工"' in refused.text
    # The chosen party stays chosen, and counts among what the search found.
    person, _ = _person(db)
    chosen = client.post(
        "/app/actions/new",
        data={
            "csrf_token": csrf,
            "party_q": person.name,
            "party_id": str(person.party_id),
            "find_party": "1",
        },
    )
    assert (
        f'value="{person.party_id}" required checked' in chosen.text and "找到 1 个" in chosen.text
    )
    # One officer named: the form says so before anything is opened.
    assert 'id="officer-warning"' in refused.text
    assert not re.search(r'id="officer-warning"[^>]*hidden', refused.text)


def test_the_case_page_warns_and_adds_a_colleague(client: TestClient, db: Session) -> None:
    lead, colleague = _valid_officers(db, 2)
    csrf = login(client, _username(db, lead))
    opened = client.post(
        "/app/actions/new",
        data={
            "csrf_token": csrf,
            "procedure": "other.general",
            "power_item_id": str(_item(db, "other")),
            "party_id": "3",
            "title": "单人开启",
            "officer_ids": [str(lead)],
        },
    )
    assert opened.status_code == 303, opened.text
    path = opened.headers["location"].split("?")[0]
    page = client.get(path)
    assert 'id="staffing-warning"' in page.text and "添加承办人员" in page.text
    expired = _expired_officer(db)
    refused = client.post(f"{path}/officers", data={"csrf_token": csrf, "officer_id": str(expired)})
    assert refused.status_code == 400 and 'id="officer_id-error"' in refused.text
    assert "已过期" in refused.text.split('id="officer_id-error"')[1][:200]
    early = client.post(
        f"{path}/transitions", data={"csrf_token": csrf, "to_step": "closing", "reason": "办完"}
    )
    assert early.status_code == 400 and 'id="to_step-error"' in early.text
    assert 'value="办完"' in early.text
    added = client.post(f"{path}/officers", data={"csrf_token": csrf, "officer_id": str(colleague)})
    assert added.status_code == 303
    after = client.get(added.headers["location"])
    assert "已添加承办人员" in after.text and 'id="staffing-warning"' not in after.text
    # Both take part in the on-site activity unless unticked.
    assert len(re.findall(r'name="officer_ids" value="\d+" checked', after.text)) == 2
    recorded = client.post(
        f"{path}/activities",
        data={
            "csrf_token": csrf,
            "started_at": "2026-11-26T09:00",
            "place": "现场",
            "officer_ids": [str(lead), str(colleague)],
        },
    )
    assert recorded.status_code == 303


def test_a_refused_acknowledgement_keeps_what_was_typed(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    csrf = login(client, _username(db, officers[0]))
    client.headers["X-CSRF-Token"] = csrf
    action = client.post(
        "/api/v1/actions",
        json={
            "procedure": "other.general",
            "party_id": 3,
            "power_item_id": _item(db, "other"),
            "title": "测试",
            "officer_ids": officers,
        },
    ).json()
    activity = client.post(
        f"/api/v1/actions/{action['id']}/activities", json={**BODY, "officer_ids": officers}
    ).json()
    refused = client.post(
        f"/app/activities/{activity['id']}/acknowledgement",
        data={
            "csrf_token": csrf,
            "method": "refused",
            "signer_name": "王经理",
            "note": "拒签",
            "at": "2026-11-26T09:30",
        },
    )
    assert refused.status_code == 400
    assert 'id="note-error"' in refused.text and 'value="拒签"' in refused.text
    assert 'value="refused" checked' in refused.text and 'value="王经理"' in refused.text


def test_the_party_list_finds_a_person_by_address_only_for_those_who_may_see_it(
    client: TestClient, db: Session
) -> None:
    person, id_number = _person(db)
    _as(client, "chenjing")
    street = person.address[-8:]
    names = [p["name"] for p in client.get("/api/v1/parties", params={"q": street}).json()["items"]]
    assert person.name not in names
    by_id = client.get("/api/v1/parties", params={"q": id_number}).json()["items"]
    assert person.name not in [p["name"] for p in by_id]
    page = client.get("/app/parties", params={"q": street})
    assert page.status_code == 200 and person.name not in page.text
    by_name = client.get("/api/v1/parties", params={"q": person.name}).json()["items"]
    assert person.name in [p["name"] for p in by_name]
