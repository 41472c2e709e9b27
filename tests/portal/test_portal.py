"""The public portal on SQLite and PostgreSQL: a real publication reaches it through the
outbox; its canonical snapshot's digest is the ledger entry's payload digest; search
finds two-character words as written and nothing else; corrections, withdrawals and
expiry change what the public sees; bad input gets a Chinese 4xx; output is escaped."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.portal.helpers import deliver, message, publish_decision, snapshot
from zhifa.core.db import make_engine, make_session_factory, transaction
from zhifa.core.settings import Settings
from zhifa.publicity import service
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.portal import decisions as portal_store
from zhifa.publicity.portal.models import PortalEntry, PortalVersion

BASE = 900_000  # obligation ids of made-up entries, far from the real ones


def _leaf(client: TestClient, index: int) -> dict:
    answer = client.get(f"/log/entries?start={index}&end={index + 1}")
    assert answer.status_code == 200, answer.text
    return json.loads(base64.b64decode(answer.json()["entries"][0]["leaf"]))


def test_published_decision_on_portal_with_verifiable_snapshot(
    client: TestClient, db: Session, settings: Settings
) -> None:
    published = publish_decision(client, db)
    public_id = published["obligation_id"]
    client.cookies.clear()  # the public, not signed in

    home = client.get("/")
    assert home.status_code == 200 and f'href="/p/{public_id}"' in home.text
    page = client.get(f"/p/{public_id}")
    assert page.status_code == 200
    labels = [i["label"] for i in json.loads(published["snapshot_json"])["items"]]
    positions = [page.text.index(f'<th scope="row">{label}</th>') for label in labels]
    assert positions == sorted(positions)  # the standard's order
    assert published["digest"] in page.text
    index = published["ledger_index"]
    assert f'href="/log/entries?start={index}&amp;end={index + 1}"' in page.text
    assert f'href="/corrections/new?p={public_id}"' in page.text

    body = client.get(f"/p/{public_id}.json")
    assert body.status_code == 200
    assert body.headers["content-type"] == "application/json; charset=utf-8"
    assert body.content == published["snapshot_json"].encode("utf-8")
    digest = hashlib.sha256(body.content).hexdigest()
    assert digest == published["digest"]
    leaf = _leaf(client, index)
    assert leaf["kind"] == "publication.snapshot" and leaf["payload_sha256"] == digest

    # expiry (zhifa publicity expire's service): gone from lists and search, 410 pages
    with transaction(make_session_factory(make_engine(settings.resolved_database_url))) as s:
        day_after = date.fromisoformat(published["public_until"]).toordinal() + 1
        assert service.expire_publications(s, on=date.fromordinal(day_after)) >= 1
    assert f'href="/p/{public_id}"' not in client.get("/").text
    gone = client.get(f"/p/{public_id}")
    assert gone.status_code == 410 and "公示期已满" in gone.text
    assert published["digest"] in gone.text  # the notice keeps what the log can check
    notice = client.get(f"/p/{public_id}.json")
    assert notice.status_code == 410 and notice.json()["status"] == "expired"
    db.rollback()
    row = db.get(PortalEntry, public_id)
    assert row is not None and row.snapshot_json == "" and row.party_name == ""


def _corpus(db: Session) -> None:
    texts = {
        1: ("某化工有限公司", "处以罚款人民币二万元", "2026-01-05", "penalty"),
        2: ("张某某", "责令改正，处以警告", "2026-01-20", "penalty"),
        3: ("某物流有限公司", "罚没违法所得，上缴款项", "2026-02-03", "penalty"),  # 罚 … 款 apart
        4: ("某商贸有限公司", "查封危险化学品仓库", "2026-02-10", "compulsion"),
        5: ("某燃气有限公司", "准予危险化学品经营许可", "2026-02-15", "license"),
        6: ("李某某", "罚款5000元", "2026-02-20", "penalty"),
    }
    for n, (party, content, decided, kind) in texts.items():
        key = "content" if kind == "penalty" else "measure" if kind == "compulsion" else "content"
        unit = "上海市普陀区应急管理局" if n != 6 else "上海市普陀区消防救援支队"
        snap = snapshot(
            kind, party_name=party, decided_on=decided, authority=unit, **{key: content}
        )
        deliver(db, message(BASE + n, snap))


def _found(db: Session, **filters: object) -> list[int]:
    page = portal_store.search(db, portal_store.Filters(**filters))  # type: ignore[arg-type]
    return [e.id - BASE for e in page.entries if e.id > BASE]


def test_search_semantics_and_filters(client: TestClient, db: Session) -> None:
    _corpus(db)
    assert _found(db, q="罚款") == [6, 1]  # newest first; 3 has 罚 and 款 apart
    assert _found(db, q="罚") == [6, 3, 2, 1]  # one character: anywhere (行政处罚 too)
    assert _found(db, q="警") == [2]
    assert _found(db, q="款") == [6, 3, 1]  # also at the end of a run
    assert _found(db, q="处以罚款") == [1]
    assert _found(db, q="罚款5000") == [6]
    assert _found(db, q="罚款 二万") == [1]  # terms separated by spaces: all must match
    assert _found(db, q="罚款二万") == []  # a phrase: exactly as written
    assert _found(db, q="危险化学品") == [5, 4]
    assert _found(db, q="化学品", kind="license") == [5]
    assert _found(db, q="罚款", kind="license") == []
    assert _found(db, kind="compulsion") == [4]
    assert _found(db, q="款", date_from=date(2026, 2, 1)) == [6, 3]
    assert _found(db, q="款", date_to=date(2026, 2, 1)) == [1]
    assert _found(db, party="张某") == [2]
    assert _found(db, q="有限公司", party="化工") == [1]
    assert _found(db, unit="消防") == [6]
    assert _found(db, q="张某某", party="物流") == []
    assert _found(db, q="，。！") == _found(db)  # nothing searchable: no text filter

    page = client.get("/search", params={"q": "罚款", "kind": "penalty"})
    assert page.status_code == 200
    assert f'href="/p/{BASE + 6}"' in page.text and f'href="/p/{BASE + 3}"' not in page.text
    for field in ("q", "kind", "from", "to", "unit", "party"):
        assert f'<label for="{field}">' in page.text


def test_pagination_and_capped_count(client: TestClient, db: Session) -> None:
    for n in range(1, 46):
        snap = snapshot("penalty", party_name=f"分页测试{n}号公司", content="处以罚款")
        deliver(db, message(BASE + 100 + n, snap))
    first = portal_store.search(db, portal_store.Filters(party="分页测试"))
    assert first.total == 45 and first.pages == 3 and not first.capped
    assert [e.id for e in first.entries] == [BASE + 100 + n for n in range(45, 25, -1)]
    third = portal_store.search(db, portal_store.Filters(party="分页测试"), page=3)
    assert [e.id for e in third.entries] == [BASE + 100 + n for n in range(5, 0, -1)]
    answer = client.get("/search", params={"party": "分页测试", "page": 2})
    assert answer.status_code == 200 and "第 2 / 3 页" in answer.text
    assert 'href="/search?party=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&amp;page=3"' in answer.text


def test_idempotent_correction_and_withdrawal(client: TestClient, db: Session) -> None:
    first = snapshot("penalty", party_name="某钢铁有限公司", content="处以罚款一万元")
    once = message(BASE + 200, first, key="same-key")
    assert deliver(db, once) == deliver(db, once)  # the same key twice: one change
    count = select(func.count()).select_from(PortalVersion)
    assert db.scalar(count.where(PortalVersion.entry_id == BASE + 200)) == 1

    fixed = snapshot("penalty", party_name="某钢铁有限公司", content="处以罚款二万元")
    note = "2026年3月9日更正：罚款金额由一万元更正为二万元"
    deliver(db, message(BASE + 200, fixed, event=OutboxEvent.correct, version=2, note=note))
    page = client.get(f"/p/{BASE + 200}")
    assert page.status_code == 200 and note in page.text and "二万元" in page.text
    assert "一万元</td>" not in page.text and "第 2 版" in page.text
    assert _found(db, q="二万元") == [200] and _found(db, q="一万元") == []
    body = client.get(f"/p/{BASE + 200}.json").content
    assert hashlib.sha256(body).hexdigest() == message(BASE + 200, fixed).digest

    own = snapshot(
        "penalty", party_name="某钢铁有限公司", content="处以罚款三万元", decided_on="2025-12-01"
    )
    deliver(db, message(BASE + 200, own, event=OutboxEvent.correct, version=3))
    assert "于2026年3月2日更正" in client.get(f"/p/{BASE + 200}").text  # a note is dated
    # the corrected decision day moved it in the order, indexed once
    assert _found(db, q="罚款", date_to=date(2025, 12, 1)) == [200]
    assert _found(db, q="三万元") == [200]

    reason = "该行政处罚决定已被依法撤销"
    deliver(db, message(BASE + 200, own, event=OutboxEvent.withdraw, version=3, note=reason))
    gone = client.get(f"/p/{BASE + 200}")
    assert gone.status_code == 200 and "已撤下" in gone.text and reason in gone.text
    assert "三万元" not in gone.text and "某钢铁" not in gone.text
    notice = client.get(f"/p/{BASE + 200}.json")
    assert notice.status_code == 410 and notice.json()["reason"] == reason
    assert _found(db, q="三万元") == [] and _found(db, party="某钢铁") == []
    history = client.get(f"/p/{BASE + 200}").text
    assert history.count("<td>第 ") == 4  # 公示, 更正, 更正, 撤下


def test_script_in_a_snapshot_is_shown_escaped(client: TestClient, db: Session) -> None:
    evil = "<script>alert(1)</script>"
    snap = snapshot("penalty", party_name=f"某公司{evil}", facts=f"经查{evil}", content="罚款")
    deliver(db, message(BASE + 300, snap))
    for url in (f"/p/{BASE + 300}", "/", "/search?q=罚款"):
        page = client.get(url)
        assert "<script>alert" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    echoed = client.get("/search", params={"q": evil})
    assert echoed.status_code == 200 and "<script>alert" not in echoed.text


def test_bad_input_gets_a_chinese_4xx(client: TestClient) -> None:
    cases = {
        "/search?kind=tax": (422, "公示类别不正确"),
        "/search?from=2026-13-01": (422, "日期格式应为"),
        "/search?from=2026-03-01&to=2026-02-01": (422, "起始日期不能晚于截止日期"),
        "/search?page=0": (422, "页码"),
        "/search?page=x": (422, "页码"),
        f"/search?q={'罚' * 101}": (422, "最多 100 个字"),
        "/p/abc": (404, "未找到该公示信息"),
        "/p/0": (404, "未找到该公示信息"),
        f"/p/{10**20}": (404, "未找到该公示信息"),
    }
    for url, (status, text) in cases.items():
        answer = client.get(url)
        assert answer.status_code == status and text in answer.text, url
    assert client.get("/p/123456789.json").json() == {"detail": "未找到该公示信息"}
    assert client.get("/search?from=&to=&kind=&page=").status_code == 200  # empty fields


def test_accessible_layout(client: TestClient) -> None:
    page = client.get("/").text
    for landmark in ('<header class="top" role="banner">', "<nav", '<main id="main"', "<footer"):
        assert landmark in page
    assert '<a class="skip" href="#main">' in page and '<label for="q">' in page
    assert '<html lang="zh-CN">' in page and 'name="viewport"' in page
    assert "http://" not in page and "https://" not in page  # no external assets
