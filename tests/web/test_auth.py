"""Sign-in, sessions, CSRF, lock-out, password change, role checks."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD, csrf_of, login
from zhifa.core.models import LoginEvent, WebSession
from zhifa.enforcement.models import Party


def _count(db: Session, model: type) -> int:
    db.rollback()  # a fresh snapshot: see what the app committed since
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_public_home_needs_no_login(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "行政执法信息公示" in page.text
    assert "7个工作日内" in page.text


def test_internal_app_redirects_to_login(client: TestClient) -> None:
    response = client.get("/app/parties")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/app/login")


def test_api_without_credentials_is_401_json(client: TestClient) -> None:
    response = client.get("/api/v1/parties")
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录"


def test_wrong_password_is_refused_and_logged(client: TestClient, db: Session) -> None:
    form = client.get("/app/login")
    response = client.post(
        "/app/login",
        data={"username": "legal", "password": "wrong-1234", "csrf_token": csrf_of(form.text)},
    )
    assert response.status_code == 401
    assert "用户名或密码错误，或登录尝试过于频繁。" in response.text
    event = db.scalars(select(LoginEvent).order_by(LoginEvent.id.desc())).first()
    assert event is not None
    assert (event.username, event.success, event.reason) == ("legal", False, "bad_password")
    assert "zhifa_session" not in response.cookies
    # the form comes back with the username kept, the password not, the cursor in the latter
    assert re.search(r'id="username"[^>]*value="legal"', response.text)
    assert "wrong-1234" not in response.text
    assert re.search(r'id="password"[^>]*autofocus', response.text)


def test_what_is_not_a_username_is_never_shown_back(client: TestClient) -> None:
    """A password typed into the username box (it has no username's format) is not kept:
    the box comes back empty, with the cursor in it."""
    for typed in ("Hunter2-Qz7!secret", "13987654321", "王 legal", "legal<script>"):
        form = client.get("/app/login")
        response = client.post(
            "/app/login",
            data={"username": typed, "password": "wrong-1234", "csrf_token": csrf_of(form.text)},
        )
        assert response.status_code in (401, 429)
        assert re.search(r'id="username"[^>]*value=""[^>]*autofocus', response.text), typed
        assert typed not in response.text and "Hunter2" not in response.text


def test_login_form_without_its_csrf_token_is_refused(client: TestClient, db: Session) -> None:
    client.get("/app/login")
    response = client.post(
        "/app/login", data={"username": "legal", "password": DEMO_PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403
    assert _count(db, WebSession) == 0


def test_repeated_failures_make_the_next_attempt_wait(client: TestClient, db: Session) -> None:
    # Only the waiting is checked here; tests/core/test_sign_in.py has the rest.
    for _ in range(5):
        form = client.get("/app/login")
        sent = time.monotonic()
        client.post(
            "/app/login",
            data={"username": "office", "password": "bad-pass-1", "csrf_token": csrf_of(form.text)},
        )
    form = client.get("/app/login")
    response = client.post(
        "/app/login",
        data={"username": "office", "password": DEMO_PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert "锁定" not in response.text
    if time.monotonic() - sent < 2:  # the 2 s wait is still running (the usual case)
        wait = response.headers["retry-after"]
        assert response.status_code == 429 and wait in ("1", "2")
        assert f"用户名或密码错误，或登录尝试过于频繁。请 {wait} 秒后再试。" in response.text
        reasons = [e.reason for e in db.scalars(select(LoginEvent).order_by(LoginEvent.id))]
        assert reasons[-2:] == ["bad_password", "throttled"]


def test_login_and_logout(client: TestClient) -> None:
    csrf = login(client, "leader")
    home = client.get("/app")
    assert home.status_code == 200
    assert "工作台" in home.text and "沈建平" in home.text
    cookie = client.cookies.get("zhifa_session")
    response = client.post("/app/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    client.cookies.set("zhifa_session", cookie)  # replaying the old cookie must not work
    assert client.get("/app").status_code == 303


def test_state_change_without_csrf_changes_nothing(client: TestClient, db: Session) -> None:
    login(client, "legal")
    before = _count(db, Party)
    form = {
        "kind": "enterprise",
        "name": "上海测试化工有限公司",
        "uscc": "91310107MA1G8XXX0X",
        "address": "上海市普陀区真北路1号",
    }
    assert client.post("/app/parties/new", data=form).status_code == 403
    assert client.post("/app/parties/new", data={**form, "csrf_token": "forged"}).status_code == 403
    response = client.post("/api/v1/parties", json={**form, "uscc": None})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert _count(db, Party) == before


def test_password_change(client: TestClient) -> None:
    csrf = login(client, "archivist")
    other = TestClient(client.app, follow_redirects=False)
    login(other, "archivist")
    weak = client.post(
        "/app/password",
        data={
            "csrf_token": csrf,
            "current_password": DEMO_PASSWORD,
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    assert weak.status_code == 400
    assert "密码至少需要 8 位" in weak.text
    wrong = client.post(
        "/app/password",
        data={
            "csrf_token": csrf,
            "current_password": "nope-1234",
            "new_password": "Newpass2026",
            "confirm_password": "Newpass2026",
        },
    )
    assert "当前密码不正确" in wrong.text
    done = client.post(
        "/app/password",
        data={
            "csrf_token": csrf,
            "current_password": DEMO_PASSWORD,
            "new_password": "Newpass2026",
            "confirm_password": "Newpass2026",
        },
    )
    assert done.status_code == 303
    assert other.get("/app").status_code == 303  # the other browser was signed out
    fresh = TestClient(client.app, follow_redirects=False)
    login(fresh, "archivist", "Newpass2026")


def test_roles_are_checked(client: TestClient) -> None:
    login(client, "zhangwei")  # an officer
    page = client.get("/app/admin/users")
    assert page.status_code == 403
    assert "您没有执行此操作的权限" in page.text
    assert client.get("/api/v1/users").status_code == 403
    assert client.get("/app/parties").status_code == 200


def test_security_headers(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "content-security-policy" not in client.get("/api/docs").headers
