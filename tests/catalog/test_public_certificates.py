"""Certificate check by the public (公示办法 第六条) on SQLite and PostgreSQL: the card's
QR code decodes (zxing-cpp, from the image inside the card PDF) to the portal's check
page; the page's state follows the published dates and status — expiry relative to
today, revocation and suspension published in the transaction of the change; the lookup
is rate-limited per client and shows only the public fields; an unknown number is a plain
404."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.portal.test_catalog_pages import publish_demo
from zhifa.catalog.updates.models import CatalogueUpdate, UpdateStatus
from zhifa.core.clock import people_date, today
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.publicity.portal.models import PortalSnapshot
from zhifa.web.app import create_app

BASE = "https://zhifa.example.gov.cn/portal"


@pytest.fixture(autouse=True)
def _published(settings: Settings) -> None:
    publish_demo(settings)


def _certificate(client: TestClient, username: str = "wanglei") -> dict:
    officers = client.get("/api/v1/officers").json()
    officer = next(o for o in officers if o["username"] == username)
    return officer["certificates"][0]


def _revise(client: TestClient, cert: dict, **changes: object) -> dict:
    body = {
        "number": cert["number"],
        "issuing_authority": cert["issuing_authority"],
        "scope": cert["scope"],
        "valid_from": cert["valid_from"],
        "valid_to": cert["valid_to"],
        "status": cert["status"],
        "reason": "测试变更",
        **changes,
    }
    response = client.put(f"/api/v1/certificates/{cert['id']}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _state(client: TestClient, number: str) -> str:
    page = client.get(f"/c/{number}")
    assert page.status_code == 200, page.text
    found = re.search(r'<strong class="state-label">([^<]+)</strong>', page.text)
    assert found, page.text
    return found.group(1)


def test_card_qr_code_decodes_to_the_check_page(settings: Settings) -> None:
    configured = settings.model_copy(update={"public_base_url": BASE})
    with TestClient(create_app(configured), follow_redirects=False) as client:
        _as(client, "legal")
        cert = _certificate(client)
        card = client.get(f"/app/catalog/certificates/{cert['id']}/card.pdf")
        assert card.status_code == 200 and card.headers["content-type"] == "application/pdf"
        page = PdfReader(io.BytesIO(card.content)).pages[0]
        assert cert["number"] in page.extract_text()
        images = page.images
        assert len(images) == 1
        decoded = zxingcpp.read_barcodes(images[0].image.convert("L"))
        assert [d.text for d in decoded] == [f"{BASE}/c/{cert['number']}"]
        assert decoded[0].format == zxingcpp.BarcodeFormat.QRCode
        # The address it opens is the check page of that certificate.
        assert _state(client, cert["number"]) == "有效"


def test_states_follow_expiry_revocation_and_suspension(client: TestClient, db: Session) -> None:
    _as(client, "legal")
    cert = _certificate(client)
    number, started = cert["number"], cert["valid_from"]
    assert _state(client, number) == "有效"
    yesterday, tomorrow = today() - timedelta(days=1), today() + timedelta(days=1)
    cert = _revise(client, cert, valid_to=yesterday.isoformat())
    assert _state(client, number) == "已过期"
    cert = _revise(client, cert, valid_to=(today() + timedelta(days=400)).isoformat())
    assert _state(client, number) == "有效"
    cert = _revise(client, cert, valid_from=tomorrow.isoformat())
    assert _state(client, number) == "未生效"
    cert = _revise(client, cert, valid_from=started, status="suspended")
    assert _state(client, number) == "暂扣"
    cert = _revise(client, cert, status="revoked")
    assert _state(client, number) == "已注销"
    # Each change was published with the change itself: one version per change.
    row = db.scalar(select(PortalSnapshot).where(PortalSnapshot.subject == number))
    assert row is not None and row.version == 6
    officers = client.get("/officers").text
    assert number in officers and "已注销" in officers
    # The update obligation each change opened (第八条) was fulfilled by its publication.
    updates = db.scalars(select(CatalogueUpdate).where(CatalogueUpdate.subject == number)).all()
    assert len(updates) == 5 and {u.status for u in updates} == {UpdateStatus.published}
    # A new number takes the old one down from the portal.
    _revise(client, cert, number="NEW-310777", status="active")
    gone = client.get(f"/c/{number}")
    assert gone.status_code == 410 and "执法证号已变更为 NEW-310777" in gone.text
    assert _state(client, "NEW-310777") == "有效"


def test_lookup_is_rate_limited_and_shows_public_fields_only(
    settings: Settings, db: Session
) -> None:
    limited = settings.model_copy(update={"certificate_lookups_per_window": 3})
    with TestClient(create_app(limited), follow_redirects=False) as client:
        _as(client, "legal")
        cert = _certificate(client)
        officer = db.scalar(select(User).where(User.username == "wanglei"))
        assert officer is not None and officer.phone
        db.rollback()
        found = client.get("/c", params={"number": cert["number"]})
        assert found.status_code == 200
        text = found.text
        valid_to = people_date(cert["valid_to"])  # 2028年5月9日, as people read it
        for public in ("王磊", cert["number"], cert["scope"], "执法大队", valid_to):
            assert public in text
        for private in (
            officer.phone,
            "wanglei",
            f"/officers/{officer.id}",
            cert["issuing_authority"],
        ):
            assert private not in text
        # The published snapshot holds the five public items and the status, nothing more.
        row = db.scalar(select(PortalSnapshot).where(PortalSnapshot.subject == cert["number"]))
        assert row is not None
        assert set(json.loads(row.snapshot_json)) == {
            "format",
            "name",
            "number",
            "scope",
            "unit",
            "valid_from",
            "valid_to",
            "status",
            "status_label",
        }
        db.rollback()
        unknown = client.get("/c/ZZ-00000000")
        assert unknown.status_code == 404 and "未找到该执法证" in unknown.text
        assert cert["number"] not in unknown.text and "王磊" not in unknown.text
        assert client.get(f"/c/{cert['number']}").status_code == 200  # the third
        refused = client.get(f"/c/{cert['number']}")  # the fourth lookup in the window
        assert refused.status_code == 429 and "查询过于频繁" in refused.text
        assert "王磊" not in refused.text
        # A malformed number is answered by the form, without counting or looking up.
        bad = client.get("/c", params={"number": "<script>"})
        assert bad.status_code == 422 and "<script>" not in bad.text
