"""Administration (users, units, API tokens), officers and certificates, route guards."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD, csrf_of, login
from zhifa.core.auth import issue_api_token
from zhifa.core.models import CertificateVersion, User
from zhifa.web.app import create_app

# Routes anyone may open; every other route must carry a permission check.
PUBLIC_ROUTES = {
    ("GET", "/"),
    ("GET", "/search"),
    ("GET", "/p/{public_id}"),
    ("GET", "/p/{public_id}.json"),
    ("GET", "/healthz"),
    ("GET", "/app/login"),
    ("POST", "/app/login"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/oauth2-redirect"),
    ("GET", "/log/checkpoint"),
    ("GET", "/log/key"),
    ("GET", "/log/entries"),
    ("GET", "/log/proof/inclusion"),
    ("GET", "/log/proof/consistency"),
    ("GET", "/verify/document"),
    ("GET", "/corrections/new"),
    ("POST", "/corrections"),
    ("GET", "/corrections"),  # the public looks a receipt up
    ("GET", "/corrections/{receipt}"),
    ("GET", "/complaints/new"),  # 投诉举报: the public form, its receipt and status
    ("POST", "/complaints"),
    ("GET", "/complaints"),
    ("GET", "/complaints/{receipt}"),
    ("GET", "/catalog"),
    ("GET", "/catalog/{kind}/{subject}"),
    ("GET", "/officers"),
    ("GET", "/c"),
    ("GET", "/c/{number}"),
    ("GET", "/figures"),
    ("GET", "/figures/{year}"),
    ("GET", "/inspection/plans"),
    ("GET", "/inspection/plans/{plan_id}"),
    ("GET", "/inspection/plans/{plan_id}/batches/{index}/draw"),
    ("GET", "/inspection/plans/{plan_id}/batches/{index}/draw.json"),
    ("GET", "/inspection/plans/{plan_id}/batches/{index}/announcement.json"),
    ("GET", "/random-inspections"),  # the published 双随机 results
}


def _users(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(User)) or 0)


def _permission_of(route: APIRoute) -> object:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if hasattr(dependency.call, "zhifa_permission"):
            return dependency.call.zhifa_permission
        pending.extend(dependency.dependencies)
    return None


def _api_routes(routes: list, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:  # type: ignore[type-arg]
    """Every APIRoute, including those of included routers (which FastAPI wraps)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            inner = prefix + route.include_context.prefix
            yield from _api_routes(route.original_router.routes, inner)


def test_every_route_checks_a_permission(sqlite_settings) -> None:  # type: ignore[no-untyped-def]
    app = create_app(sqlite_settings)
    checked, unguarded = 0, []
    for path, route in _api_routes(app.routes):
        for method in route.methods:
            checked += 1
            if (method, path) not in PUBLIC_ROUTES and _permission_of(route) is None:
                unguarded.append((method, path))
    assert unguarded == []
    assert checked > 80  # the walk really reaches the feature routers


def test_admin_creates_user_and_bad_input_changes_nothing(client: TestClient, db: Session) -> None:
    csrf = login(client, "admin")
    headers = {"X-CSRF-Token": csrf}
    before = _users(db)
    user = {
        "username": "newofficer",
        "full_name": "新警员",
        "password": "Strong2026pw",
        "roles": ["officer"],
    }
    dup = client.post("/api/v1/users", json={**user, "username": "zhangwei"}, headers=headers)
    assert dup.status_code == 409
    assert dup.json() == {"detail": "用户名“zhangwei”已被使用", "field": "username"}
    role = client.post("/api/v1/users", json={**user, "roles": ["chief"]}, headers=headers)
    assert role.status_code == 422
    assert role.json()["field"] == "roles" and "角色取值无效" in role.json()["detail"]
    weak = client.post("/api/v1/users", json={**user, "password": "abc"}, headers=headers)
    assert weak.status_code == 400 and weak.json()["field"] == "password"
    assert _users(db) == before
    created = client.post("/api/v1/users", json=user, headers=headers)
    assert created.status_code == 201
    assert _users(db) == before + 1
    fresh = TestClient(client.app, follow_redirects=False)
    login(fresh, "newofficer", "Strong2026pw")


def test_admin_user_pages(client: TestClient) -> None:
    login(client, "admin")
    listing = client.get("/app/admin/users")
    assert listing.status_code == 200 and "系统管理员" in listing.text
    form = client.get("/app/admin/users/new")
    response = client.post(
        "/app/admin/users/new",
        data={
            "csrf_token": csrf_of(form.text),
            "username": "Bad Name",
            "full_name": "某人",
            "password": "Strong2026pw",
            "roles": ["legal"],
        },
    )
    assert response.status_code == 422 and "用户名格式不正确" in response.text
    units = client.get("/app/admin/units")
    assert "第一中队" in units.text and "执法大队" in units.text


def test_api_token_lifecycle(client: TestClient, db: Session) -> None:
    user = db.scalar(select(User).where(User.username == "zhangwei"))
    assert user is not None
    token = issue_api_token(db, user.id, "执法记录仪采集站", None)
    bearer = TestClient(client.app, headers={"Authorization": f"Bearer {token}"})
    me = bearer.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "zhangwei"
    # Machine clients send no CSRF token: the bearer token itself is the proof.
    assert bearer.get("/api/v1/parties").status_code == 200
    login(client, "admin")
    listed = client.get("/api/v1/tokens").json()
    mine = next(t for t in listed if t["user_id"] == user.id)
    assert token not in str(listed) and not mine["revoked"]
    csrf = csrf_of(client.get("/app/password").text)
    assert (
        client.delete(f"/api/v1/tokens/{mine['id']}", headers={"X-CSRF-Token": csrf}).status_code
        == 204
    )
    refused = bearer.get("/api/v1/me")
    assert refused.status_code == 401 and refused.json()["detail"] == "API 令牌无效或已吊销"


def test_officers_and_certificates(client: TestClient, db: Session) -> None:
    login(client, "legal")
    page = client.get("/app/officers")
    assert page.status_code == 200
    assert page.text.count("已过期") == 1  # exactly one expired certificate in the demo
    officers = client.get("/api/v1/officers").json()
    assert len(officers) >= 12
    states = [c["state_today"] for o in officers for c in o["certificates"]]
    assert states.count("expired") == 1
    expired_officer = next(
        o for o in officers if any(c["state_today"] == "expired" for c in o["certificates"])
    )
    cert = expired_officer["certificates"][0]
    csrf = csrf_of(client.get("/app/password").text)
    renewal = {
        "number": cert["number"],
        "issuing_authority": cert["issuing_authority"],
        "scope": cert["scope"],
        "valid_from": "2026-01-01",
        "valid_to": "2030-12-31",
        "status": "active",
        "reason": "换发新证",
    }
    bad_date = client.put(
        f"/api/v1/certificates/{cert['id']}",
        json={**renewal, "valid_to": "2030-02-30"},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad_date.status_code == 422 and bad_date.json()["field"] == "valid_to"
    reversed_term = client.put(
        f"/api/v1/certificates/{cert['id']}",
        json={**renewal, "valid_to": "2020-01-01"},
        headers={"X-CSRF-Token": csrf},
    )
    assert reversed_term.status_code == 400
    assert reversed_term.json()["detail"] == "有效期至不能早于有效期起"
    renewed = client.put(
        f"/api/v1/certificates/{cert['id']}", json=renewal, headers={"X-CSRF-Token": csrf}
    )
    assert renewed.status_code == 200 and renewed.json()["state_today"] == "valid"
    db.rollback()
    versions = db.scalars(
        select(CertificateVersion).where(CertificateVersion.certificate_id == cert["id"])
    ).all()
    assert [v.version for v in versions] == [1, 2]  # the old term is kept
    found = client.get("/api/v1/officers", params={"q": cert["number"]}).json()
    assert [o["user_id"] for o in found] == [expired_officer["user_id"]]
    page = client.get("/app/officers", params={"q": expired_officer["full_name"]})
    assert "共 1 名执法人员" in page.text
    detail = client.get(f"/app/officers/{expired_officer['user_id']}")
    assert "换发新证" in detail.text and "第 2 版" in detail.text


def test_officer_cannot_edit_certificates(client: TestClient) -> None:
    csrf = login(client, "zhangwei")
    response = client.post(
        "/api/v1/certificates",
        json={
            "officer_id": 1,
            "number": "31107999999",
            "issuing_authority": "上海市人民政府",
            "scope": "安全生产",
            "valid_from": "2026-01-01",
            "valid_to": "2028-01-01",
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 403


def test_api_docs_are_served(client: TestClient) -> None:
    login(client, "zhangwei")  # staff only by default (tests/web/test_api_docs.py)
    assert client.get("/api/docs").status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/parties" in spec["paths"]
    assert DEMO_PASSWORD not in str(spec)
