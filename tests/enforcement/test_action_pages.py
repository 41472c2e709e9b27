"""The officer's pages, driven through their forms as a browser would post them."""

from __future__ import annotations

import base64
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of, login
from tests.enforcement.test_actions import _item, _valid_officers, tiny_png
from zhifa.core.models import User


def _officer_client(client: TestClient, db: Session) -> tuple[TestClient, list[int]]:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    login(client, lead.username)
    return client, officers


def test_open_record_duties_and_close_through_pages(client: TestClient, db: Session) -> None:
    client, officers = _officer_client(client, db)
    form = client.get("/app/actions/new?party_id=5")
    assert form.status_code == 200 and "开启案件" in form.text
    csrf = csrf_of(form.text)
    opened = client.post(
        "/app/actions/new",
        data={
            "csrf_token": csrf,
            "procedure": "other.general",
            "power_item_id": str(_item(db, "other")),
            "party_id": "5",
            "title": "事故现场勘查",
            "officer_ids": [str(i) for i in officers],
        },
    )
    assert opened.status_code == 303, opened.text
    detail = client.get(opened.headers["location"])
    assert "案件已开启" in detail.text and "尚未记录“办理”的现场执法活动" in detail.text
    action_path = opened.headers["location"].split("?")[0]
    bad = client.post(
        f"{action_path}/activities",
        data={
            "csrf_token": csrf,
            "started_at": "昨天",
            "place": "现场",
            "officer_ids": [str(i) for i in officers],
        },
    )
    assert bad.status_code == 422 and "日期无效" in bad.text
    recorded = client.post(
        f"{action_path}/activities",
        data={
            "csrf_token": csrf,
            "started_at": "2026-11-26T09:00",
            "place": "事故现场",
            "party_present": "李主任",
            "officer_ids": [str(i) for i in officers],
        },
    )
    assert recorded.status_code == 303
    activity_path = recorded.headers["location"].split("?")[0]
    page = client.get(recorded.headers["location"])
    assert "现场执法活动已记录" in page.text and page.text.count("已出示执法证") == 2
    for officer_id in officers:
        shown = client.post(
            f"{activity_path}/shown",
            data={"csrf_token": csrf, "officer_id": str(officer_id), "at": "2026-11-26T09:01"},
        )
        assert shown.status_code == 303
    told = client.post(
        f"{activity_path}/matters",
        data={
            "csrf_token": csrf,
            "at": "2026-11-26T09:02",
            "matters": ["reason", "basis", "recusal", "cooperation"],
        },
    )
    assert told.status_code == 303
    unsigned = client.post(
        f"{activity_path}/acknowledgement",
        data={
            "csrf_token": csrf,
            "method": "signature",
            "signer_name": "李主任",
            "signature": "",
            "at": "2026-11-26T09:20",
        },
    )
    assert unsigned.status_code == 400 and "签名图像无效" in unsigned.text
    signed = client.post(
        f"{activity_path}/acknowledgement",
        data={
            "csrf_token": csrf,
            "method": "signature",
            "signer_name": "李主任",
            "signature": "data:image/png;base64," + base64.b64encode(tiny_png()).decode(),
            "at": "2026-11-26T09:20",
        },
    )
    assert signed.status_code == 303
    ready = client.get(action_path)
    assert "本步骤要求已全部满足" in ready.text
    closed = client.post(
        f"{action_path}/transitions", data={"csrf_token": csrf, "to_step": "closing"}
    )
    assert closed.status_code == 303
    final = client.get(action_path)
    assert "已办结" in final.text and "办理 → 结束" in final.text
    listing = client.get("/app/actions?status=closed")
    assert "事故现场勘查" in listing.text
    party_page = client.get("/app/parties/5")
    assert "事故现场勘查" in party_page.text


def test_moving_too_early_explains_what_is_missing(client: TestClient, db: Session) -> None:
    client, officers = _officer_client(client, db)
    csrf = csrf_of(client.get("/app/actions/new").text)
    opened = client.post(
        "/app/actions/new",
        data={
            "csrf_token": csrf,
            "procedure": "inspection.on_site",
            "power_item_id": str(_item(db, "inspection")),
            "party_id": "2",
            "title": "日常检查",
            "officer_ids": [str(i) for i in officers],
        },
    )
    path = opened.headers["location"].split("?")[0]
    refused = client.post(f"{path}/transitions", data={"csrf_token": csrf, "to_step": "closing"})
    assert refused.status_code == 400
    assert "“现场检查”尚未完成：尚未记录“现场检查”的现场执法活动" in refused.text
    assert re.search(r"<select name=\"to_step\"", refused.text)  # the form is shown again
    ids = db.scalars(select(User.id).where(User.username == "legal")).all()
    assert ids  # the legal section sees every action
    legal = TestClient(client.app, follow_redirects=False)
    login(legal, "legal")
    assert legal.get(path).status_code == 200
