"""The draw's API answers refusals with 4xx and changes nothing; the portal's pages show
the announcement, the result and the substitutions without personal data, and serve the
published JSON byte for byte (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user
from tests.inspection.draw_helpers import DUE, announce, beacon, demo_plan, state
from zhifa.core.settings import Settings
from zhifa.inspection.draw import canonical_json
from zhifa.inspection.draws import service as draws
from zhifa.inspection.draws.public import public_names
from zhifa.inspection.draws.schemas import SubstituteIn, SubstitutionReason
from zhifa.inspection.published import verify
from zhifa.web.app import create_portal_app

API = "/api/v1/inspection/plans"


def test_api_announces_and_refuses_in_words(client: TestClient, db: Session) -> None:
    plan_id = demo_plan(db).id
    url = f"{API}/{plan_id}/batches/2/draw"
    officer = as_user(client, "zhangwei")
    assert client.post(url, json={}, headers=officer).status_code == 403
    headers = as_user(client, "supervision")
    assert client.get(url, headers=headers).status_code == 404  # not announced yet
    made = client.post(url, json={}, headers=headers)
    assert made.status_code == 201, made.text
    draw = made.json()
    assert draw["status"] == "announced" and draw["checkpoint_id"] and draw["outputs"] is None
    before = state(db)
    refusals = [
        (client.post(url, json={}, headers=headers), 409, "已发布抽取公告"),
        (
            client.post(f"{url}/beacon", json={"signature": "ab" * 48}, headers=headers),
            400,
            "现在还没有",
        ),
        (
            client.post(
                f"{url}/substitutions",
                json={"target": "x", "reason": "已迁出本区"},
                headers=headers,
            ),
            409,
            "尚未抽取",
        ),
        (
            client.post(
                f"{url}/substitutions", json={"target": "x", "reason": "老板不在"}, headers=headers
            ),
            422,
            "",
        ),
        (
            client.post(f"{API}/{plan_id}/batches/9/draw", json={}, headers=headers),
            404,
            "批次不存在",
        ),
        (
            client.post(
                f"{API}/{plan_id}/batches/1/draw",
                json={"round_at": "2020-01-01T00:00:00Z"},
                headers=headers,
            ),
            400,
            "24 小时",
        ),
    ]
    for got, status, words in refusals:
        assert got.status_code == status, got.text
        assert words in json.dumps(got.json(), ensure_ascii=False)
    assert state(db) == before


def test_portal_shows_the_draw_and_serves_its_json(
    client: TestClient, writer: Session, settings: Settings
) -> None:
    plan = demo_plan(writer)
    draw = beacon(writer, announce(writer, settings, plan))
    target = next(t for t in draws.current_teams(draw) if t.stratum == "一般").target
    reason = SubstitutionReason.unreachable
    draws.substitute(
        writer, draw, SubstituteIn(target=target, reason=reason, note="内部备注"), None, DUE
    )
    doc, sha, plan_id = draws.published_document(draw), draw.announcement_sha256, plan.id
    writer.commit()
    client.cookies.clear()  # the public: no login

    listing = client.get("/inspection/plans")
    assert listing.status_code == 200 and plan.title in listing.text
    page = client.get(f"/inspection/plans/{plan_id}")
    assert page.status_code == 200 and "区市场监督管理局" in page.text and "已抽取" in page.text
    here = f"/inspection/plans/{plan_id}/batches/1"
    shown = client.get(f"{here}/draw")
    assert shown.status_code == 200
    for text in (
        sha,
        "657413",
        "经营场所无法联系",
        target,
        "zhifa draw verify",
        "如何核验本次抽取",
    ):
        assert text in shown.text
    for private in ("王芳", "陈明", "内部备注", "张伟"):  # partners', officers' names; notes
        assert private not in shown.text and private not in page.text
    got = client.get(f"{here}/draw.json")
    assert got.status_code == 200 and got.content == canonical_json(doc)
    assert verify(json.loads(got.content)) == []
    ann = client.get(f"{here}/announcement.json")
    assert hashlib.sha256(ann.content).hexdigest() == sha
    assert client.get(f"/inspection/plans/{plan_id}/batches/2/draw").status_code == 404
    assert client.get(f"/inspection/plans/{plan_id}/batches/2/draw.json").status_code == 404
    assert client.get("/inspection/plans/abc").status_code == 404

    # The portal-only process serves the same pages behind its table guard.
    with TestClient(create_portal_app(settings)) as portal:
        for url in ("/inspection/plans", f"/inspection/plans/{plan_id}", f"{here}/draw",
                    f"{here}/announcement.json"):  # fmt: skip
            assert portal.get(url).status_code == 200, url
        assert portal.get(f"{here}/draw.json").content == got.content


def test_a_sole_traders_name_is_masked(db: Session) -> None:
    # 彭静's 个体工商户 of the demo (92… code): the trade name stays, her name is masked.
    shown = public_names(db, {"92310107489732732H"})
    assert shown == {"92310107489732732H": "上海市普陀区昌隆小吃店（彭某某）"}
