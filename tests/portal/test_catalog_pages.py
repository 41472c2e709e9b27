"""The published catalogue on the portal, on SQLite and PostgreSQL: the demo catalogue and
officer list are public after `zhifa seed-demo`'s publishing step (run twice: idempotent);
an edited item shows as pending on the staff page, is published through the form (CSRF)
as its next version with the history kept; search by two-character words, browsing by
kind and unit; withdrawal with a public reason; and the portal-only process serves every
page with its table guard."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of
from tests.enforcement.test_actions import _as
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.demo.catalog import publish_demo_catalogue
from zhifa.enforcement.models import PowerItem
from zhifa.publicity.portal.models import PortalSnapshot
from zhifa.web.app import create_portal_app

ITEM = "CF-001"


def publish_demo(settings: Settings) -> None:
    """What `zhifa seed-demo` does after the seed: the catalogue and officers go public."""
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as session:
        assert publish_demo_catalogue(session) == 34  # 20 catalogue entries, 14 certificates
        assert publish_demo_catalogue(session) == 0  # again: nothing new
    engine.dispose()


@pytest.fixture(autouse=True)
def _published(settings: Settings) -> None:
    publish_demo(settings)


def _revise_item(client: TestClient, db: Session, name: str) -> None:
    item = db.scalar(select(PowerItem).where(PowerItem.code == ITEM))
    assert item is not None
    db.rollback()
    current = client.get(f"/api/v1/power-items/{item.id}").json()["current"]
    body = {
        k: current[k] for k in ("kind", "field", "unit_id", "basis", "duties", "accountability")
    }
    response = client.put(
        f"/api/v1/power-items/{item.id}", json={**body, "name": name, "reason": "名称调整"}
    )
    assert response.status_code == 200, response.text


def test_demo_catalogue_is_public_and_searchable(client: TestClient) -> None:
    everything = client.get("/catalog")
    assert everything.status_code == 200
    subjects = set(re.findall(r'href="/catalog/(\w+)/([\w-]+)"', everything.text))
    kinds = {kind for kind, _ in subjects}
    assert kinds == {"power_item", "service_guide", "random_check_item"}
    assert ("power_item", ITEM) in subjects
    # Two-character words as written; every term must match.
    fireworks = client.get("/catalog", params={"q": "烟花"}).text
    assert "烟花爆竹" in fireworks and ITEM not in fireworks
    both = client.get("/catalog", params={"q": "烟花 零售", "kind": "service_guide"}).text
    assert "办事指南" in both and "共 1 项" in both
    assert "共 0 项" in client.get("/catalog", params={"q": "烟花 重大危险源"}).text
    by_unit = client.get("/catalog", params={"unit": "应急管理科"}).text
    assert "ZS-001" in by_unit and ITEM not in by_unit
    assert client.get("/catalog", params={"kind": "nonsense"}).status_code == 422
    # An item: its fields, and the text of the article it cites.
    page = client.get(f"/catalog/power_item/{ITEM}").text
    assert "《中华人民共和国安全生产法》第一百零一条第二项" in page or "第一百零一条第二项" in page
    assert "设定依据" in page and "依据条文" in page
    assert client.get("/catalog/power_item/NOPE-1").status_code == 404
    assert client.get("/catalog/officer/whatever").status_code == 404
    officers = client.get("/officers")
    assert officers.status_code == 200 and "已过期" in officers.text  # 杨帆's certificate


def test_staff_publish_new_version_history_and_withdraw(client: TestClient, db: Session) -> None:
    _as(client, "legal")
    _revise_item(client, db, "对未按规定登记建档重大危险源的行政处罚（新版）")
    staff = client.get("/app/catalog/publish", params={"kind": "power_item"})
    assert staff.status_code == 200 and "有新版本待公示" in staff.text
    # The portal still shows version 1 until the legal section publishes.
    assert "（新版）" not in client.get(f"/catalog/power_item/{ITEM}").text
    del client.headers["X-CSRF-Token"]
    refused = client.post(f"/app/catalog/publish/power_item/{ITEM}")
    assert refused.status_code == 403
    token = csrf_of(client.get("/app/catalog/publish").text)
    done = client.post(f"/app/catalog/publish/power_item/{ITEM}", data={"csrf_token": token})
    assert done.status_code == 303 and "done=published" in done.headers["location"]
    page = client.get(f"/catalog/power_item/{ITEM}").text
    assert "（新版）" in page and "当前为第 2 版" in page and "名称调整" in page
    old = client.get(f"/catalog/power_item/{ITEM}", params={"v": 1}).text
    assert "您正在查看第 1 版" in old and "（新版）" not in old
    assert client.get(f"/catalog/power_item/{ITEM}", params={"v": 9}).status_code == 404
    # Publishing the same version again is refused with a message, nothing written.
    again = client.post(f"/app/catalog/publish/power_item/{ITEM}", data={"csrf_token": token})
    assert again.status_code == 409 and "无需重复公示" in again.text
    db.rollback()  # a fresh read
    row = db.scalar(select(PortalSnapshot).where(PortalSnapshot.subject == ITEM))
    assert row is not None and row.version == 2
    db.rollback()
    # Withdrawal needs a reason; then the portal shows the notice and the list drops it.
    url = f"/app/catalog/publish/power_item/{ITEM}/withdraw"
    blank = client.post(url, data={"csrf_token": token, "reason": " "})
    assert blank.status_code == 422 and "请填写撤下原因" in blank.text
    gone = client.post(url, data={"csrf_token": token, "reason": "该事项已由上级部门承接"})
    assert gone.status_code == 303
    notice = client.get(f"/catalog/power_item/{ITEM}").text
    assert "该事项已停止公示" in notice and "该事项已由上级部门承接" in notice
    assert f"/catalog/power_item/{ITEM}" not in client.get("/catalog").text
    staff = client.get("/app/catalog/publish", params={"kind": "power_item"}).text
    assert "未公示" in staff and "公示全部待公示项（1 项）" in staff
    # Publishing every pending item brings it back as version 3.
    back = client.post("/app/catalog/publish/power_item", data={"csrf_token": token})
    assert back.status_code == 303 and back.headers["location"].endswith("done=published:1")
    assert "当前为第 3 版" in client.get(f"/catalog/power_item/{ITEM}").text
    officers = client.get("/app/catalog/publish", params={"kind": "officer"}).text
    assert "打印证件卡片" in officers and "已公示当前版本" in officers
    assert client.get("/app/catalog/publish", params={"kind": "nonsense"}).status_code == 404


def test_only_the_publishing_role_reaches_the_staff_pages(client: TestClient) -> None:
    _as(client, "wanglei")  # an officer
    assert client.get("/app/catalog/publish").status_code == 403
    assert client.post(f"/app/catalog/publish/power_item/{ITEM}").status_code == 403


def test_portal_only_process_serves_the_catalogue_pages(settings: Settings) -> None:
    with TestClient(create_portal_app(settings), follow_redirects=False) as portal:
        listing = portal.get("/catalog")
        assert listing.status_code == 200
        links = re.findall(r'href="(/catalog/\w+/[\w-]+)"', listing.text)
        assert links
        for link in links:
            page = portal.get(link)
            assert page.status_code == 200, link
        officers = portal.get("/officers")
        numbers = re.findall(r'href="/c/([\w-]+)"', officers.text)
        assert len(numbers) >= 10
        assert portal.get(f"/c/{numbers[0]}").status_code == 200
        assert portal.get("/c", params={"number": numbers[1]}).status_code == 200
        assert portal.get("/c/NOPE-0000").status_code == 404
        assert (
            portal.get("/catalog", params={"q": "危险化学品", "unit": "执法大队"}).status_code
            == 200
        )
        assert portal.get("/app/catalog/publish").status_code == 404  # staff pages are not there
