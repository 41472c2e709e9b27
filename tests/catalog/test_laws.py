"""Laws through the API and the pages, on SQLite and PostgreSQL: register with articles,
revise as a new version with history, dates out of order refused with nothing written,
who may edit, escaped output."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.catalog.helpers import LAW, as_user, count
from tests.conftest import csrf_of
from zhifa.catalog.models import Article, Law, LawVersion
from zhifa.core.audit import check_rows


def test_register_revise_and_history(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    created = client.post("/api/v1/laws", json=LAW, headers=headers)
    assert created.status_code == 201, created.text
    law = created.json()
    assert law["status_today"] == "in_force"
    assert [a["label"] for a in law["articles"]] == ["第一条", "第二十条第一款"]
    revision = {**LAW, "doc_number": "测试公告第2号", "reason": "更正文号"}
    del revision["articles"]
    revised = client.put(f"/api/v1/laws/{law['id']}", json=revision, headers=headers)
    assert revised.status_code == 200, revised.text
    assert revised.json()["version"] == 2
    same = client.put(f"/api/v1/laws/{law['id']}", json=revision, headers=headers)
    assert same.status_code == 400 and "没有变化" in same.json()["detail"]
    page = client.get(f"/app/catalog/laws/{law['id']}")
    assert "第 2 版（当前）" in page.text and "第 1 版" in page.text and "更正文号" in page.text
    added = client.post(
        f"/api/v1/laws/{law['id']}/articles",
        json={"article": "第二十条", "paragraph": "第一款", "text": "重复"},
        headers=headers,
    )
    assert added.status_code == 409 and "已登记" in added.json()["detail"]
    db.rollback()
    assert list(check_rows(db)) == []


def test_dates_out_of_order_change_nothing(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    before = (count(db, Law), count(db, LawVersion), count(db, Article))
    bad = {**LAW, "published_on": "2024-03-02", "effective_on": "2024-03-01"}
    answer = client.post("/api/v1/laws", json=bad, headers=headers)
    assert answer.status_code == 400
    assert answer.json() == {"detail": "施行日期不能早于公布日期", "field": "effective_on"}
    repealed_first = {**LAW, "amended_on": "2025-01-01", "repealed_on": "2024-12-31"}
    answer = client.post("/api/v1/laws", json=repealed_first, headers=headers)
    assert answer.json()["detail"] == "废止日期不能早于修改日期"
    bad_article = {**LAW, "articles": [{"article": "第一条"}, {"article": "第X条"}]}
    answer = client.post("/api/v1/laws", json=bad_article, headers=headers)
    assert answer.status_code == 400 and "格式不正确" in answer.json()["detail"]
    assert (count(db, Law), count(db, LawVersion), count(db, Article)) == before


def test_form_register_with_bad_then_good_dates(client: TestClient, db: Session) -> None:
    as_user(client, "legal")
    form = client.get("/app/catalog/laws/new")
    assert form.status_code == 200
    data = {k: v for k, v in LAW.items() if k != "articles"} | {"level": "local_regulation"}
    data["csrf_token"] = csrf_of(form.text)
    before = count(db, Law)
    refused = client.post("/app/catalog/laws/new", data={**data, "effective_on": "2023-12-31"})
    assert refused.status_code == 400
    assert "施行日期不能早于公布日期" in refused.text
    assert 'value="上海市安全生产条例（测试）"' in refused.text  # the form keeps what was typed
    assert count(db, Law) == before
    done = client.post("/app/catalog/laws/new", data=data)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "法规已登记" in page.text and "地方性法规" in page.text
    article = client.post(
        done.headers["location"].split("?")[0] + "/articles",
        data={"article": "第3条", "text": "第三条内容", "csrf_token": data["csrf_token"]},
    )
    assert article.status_code == 303
    assert "第三条内容" in client.get(article.headers["location"]).text
    # An empty article is refused in words on the law's page (it was a 500).
    empty = client.post(
        done.headers["location"].split("?")[0] + "/articles",
        data={"article": "", "text": "", "csrf_token": data["csrf_token"]},
    )
    assert empty.status_code == 422 and "第三条内容" in empty.text and "条文" in empty.text


def test_only_the_legal_section_and_admin_edit(client: TestClient, db: Session) -> None:
    for username in ("zhangwei", "supervision", "office", "leader"):
        headers = as_user(client, username)
        assert client.get("/app/catalog/laws").status_code == 200  # everyone reads
        assert client.get("/api/v1/laws/1/impact").status_code == 200
        assert client.post("/api/v1/laws", json=LAW, headers=headers).status_code == 403
        assert client.get("/app/catalog/laws/new").status_code == 403
        assert client.get("/app/catalog/laws/1/change").status_code == 403
        change = {"kind": "repealed", "effective_on": "2030-01-01", "reason": "x"}
        assert (
            client.post("/api/v1/laws/1/changes", json=change, headers=headers).status_code == 403
        )
        item = {"name": "x", "kind": "penalty", "basis": "《安全生产法》第六十五条"}
        assert (
            client.put(
                "/api/v1/power-items/1", json=item | {"reason": "x"}, headers=headers
            ).status_code
            == 403
        )
        assert client.post("/api/v1/random-checks", json={}, headers=headers).status_code == 403
        assert "登记法规" not in client.get("/app/catalog/laws").text
    headers = as_user(client, "admin")
    assert client.post("/api/v1/laws", json=LAW, headers=headers).status_code == 201
    client.cookies.clear()
    assert client.get("/api/v1/laws").status_code == 401


def test_form_without_csrf_is_refused(client: TestClient, db: Session) -> None:
    as_user(client, "legal")
    data = {k: v for k, v in LAW.items() if k != "articles"}
    assert client.post("/app/catalog/laws/new", data=data).status_code == 403


def test_script_in_fields_is_escaped(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    script = "<script>alert(1)</script>"
    law = {**LAW, "title": f"{script}条例", "articles": [{"article": "第一条", "text": script}]}
    created = client.post("/api/v1/laws", json=law, headers=headers).json()
    item = {
        "code": "XSS-1",
        "name": f"{script}事项",
        "kind": "penalty",
        "basis": f"《{script}条例》第一条",
        "duties": script,
        "accountability": script,
    }
    made = client.post("/api/v1/power-items", json=item, headers=headers)
    assert made.status_code == 201, made.text
    pages = [
        "/app/catalog/laws",
        f"/app/catalog/laws/{created['id']}",
        f"/app/catalog/laws/{created['id']}/change",
        "/app/catalog/power-items",
        f"/app/catalog/power-items/{made.json()['id']}",
    ]
    for path in pages:
        html = client.get(path).text
        assert script not in html, path
        assert "&lt;script&gt;" in html, path
