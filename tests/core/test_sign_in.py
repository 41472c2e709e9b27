"""Sign-in throttling that cannot be turned against the bureau, one message for every
failure, API tokens while an account waits, password change (this session stays, the
others and the tokens end) and Secure cookies — through real HTTP on SQLite and
PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD, csrf_of, login
from zhifa.core.audit import pseudonym
from zhifa.core.auth import SIGN_IN_FAILED, issue_api_token
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import ApiToken, LoginEvent, LoginThrottle, User
from zhifa.core.settings import Settings, load_settings
from zhifa.ledger.models import ledger_entry
from zhifa.web.app import create_app

ERROR = re.compile(r'<div class="notice error" role="alert">([^<]*)</div>')


def attempt(client: TestClient, username: str, password: str) -> tuple[int, str, str | None]:
    """One sign-in through the real form: (status, the page's error text, Retry-After)."""
    form = client.get("/app/login")
    response = client.post(
        "/app/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(form.text)},
    )
    match = ERROR.search(response.text)
    return (
        response.status_code,
        match.group(1) if match else "",
        response.headers.get("retry-after"),
    )


def browser(client: TestClient, address: str) -> TestClient:
    """Another browser on the same app, at ``address``."""
    return TestClient(client.app, follow_redirects=False, client=(address, 40000))


def _user(db: Session, username: str) -> User:
    db.rollback()
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def _without_wait(message: str) -> str:
    return re.sub(r"请 \d+ 秒后再试。$", "", message)


def test_fifty_wrong_passwords_do_not_keep_admin_out_of_a_known_device(
    client: TestClient, db: Session
) -> None:
    known = browser(client, "10.0.0.7")
    login(known, "admin")  # an earlier sign-in: this browser is a known device of admin
    known.cookies.delete("zhifa_session")
    attacker = browser(client, "10.0.0.7")  # the same address: one office behind a NAT
    answers, waits_until = [], 0.0
    for n in range(50):
        sent = time.monotonic()
        answers.append(attempt(attacker, "admin", f"guess-{n}-wrong"))
        if answers[-1][0] == 401 and answers[-1][2]:  # a counted failure started a wait
            waits_until = sent + int(answers[-1][2])
    assert {status for status, _, _ in answers} == {401, 429}
    assert all(_without_wait(text) == SIGN_IN_FAILED for _, text, _ in answers)
    throttled = [(text, wait) for status, text, wait in answers if status == 429]
    assert throttled and all(wait and f"请 {wait} 秒后再试。" in text for text, wait in throttled)
    # Whoever is not on a known device waits, even with the right password...
    status, text, wait = attempt(attacker, "admin", DEMO_PASSWORD)
    if time.monotonic() < waits_until:  # (inside the wait however slow the machine is)
        assert status == 429 and wait and _without_wait(text) == SIGN_IN_FAILED
    # ...and the account holder on the known device signs in at once.
    login(known, "admin")
    assert known.get("/app").status_code == 200
    db.rollback()
    reasons = [e.reason for e in db.scalars(select(LoginEvent).order_by(LoginEvent.id))]
    assert "throttled" in reasons and reasons[-1] == ""


def test_a_new_device_signs_in_after_a_short_wait(settings: Settings) -> None:
    quick = settings.model_copy(update={"login_max_failures": 2, "login_account_delay_seconds": 2})
    with TestClient(create_app(quick), follow_redirects=False) as app_client:
        # Guesses from two addresses: the account itself now makes new devices wait.
        assert attempt(browser(app_client, "10.0.0.8"), "legal", "guess-1-wrong")[0] == 401
        sent = time.monotonic()
        second = attempt(browser(app_client, "10.0.0.9"), "legal", "guess-2-wrong")
        assert second[0] == 401 and second[2] == "2"
        newcomer = browser(app_client, "10.0.0.10")  # the holder, on a new device
        status, _, wait = attempt(newcomer, "legal", DEMO_PASSWORD)
        if time.monotonic() - sent < 2:  # inside the wait, however slow the machine
            assert status == 429 and wait in ("1", "2")
            time.sleep(int(wait) + 0.1)  # a short wait, then the right password works
            login(newcomer, "legal")
        else:
            assert status == 303


def test_one_message_for_unknown_name_wrong_password_disabled_and_throttled(
    client: TestClient, db: Session
) -> None:
    unknown = attempt(browser(client, "10.0.1.1"), "no-such-user", "whatever-123")
    wrong = attempt(browser(client, "10.0.1.2"), "legal", "whatever-123")
    assert unknown == wrong == (401, SIGN_IN_FAILED, None)
    login(client, "admin")
    csrf = csrf_of(client.get("/app/admin/users/new").text)
    office = _user(db, "office")
    disable = {"csrf_token": csrf, "full_name": office.full_name, "roles": ["office"]}
    assert client.post(f"/app/admin/users/{office.id}", data=disable).status_code == 303
    assert attempt(browser(client, "10.0.1.3"), "office", "whatever-123") == wrong
    # An unknown name and a known one are throttled alike: nothing tells them apart.
    for name, address in (("nobody-here", "10.0.2.1"), ("leader", "10.0.2.2")):
        guesser = browser(client, address)
        seen = [attempt(guesser, name, f"guess-{n}-wrong") for n in range(4)]
        assert seen == [(401, SIGN_IN_FAILED, None)] * 4, name
        sent = time.monotonic()
        assert attempt(guesser, name, "guess-5-wrong") == (
            401,
            f"{SIGN_IN_FAILED}请 2 秒后再试。",
            "2",
        )
        status, text, wait = attempt(guesser, name, "guess-6-wrong")
        assert _without_wait(text) == SIGN_IN_FAILED and wait is not None, name
        if time.monotonic() - sent < 2:  # still inside the wait, however slow the machine
            assert status == 429 and text == f"{SIGN_IN_FAILED}请 {wait} 秒后再试。", name


def test_api_tokens_keep_working_while_password_sign_in_waits(
    client: TestClient, settings: Settings, db: Session
) -> None:
    admin = _user(db, "admin")
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as session:
        token = issue_api_token(session, admin.id, "采集站", None)
        later = datetime.now(UTC) + timedelta(minutes=1)  # what a guessing run leaves
        session.add(LoginThrottle(key=f"a:{admin.id}", failures=9, wait_until=later))
        session.commit()
    engine.dispose()
    assert attempt(browser(client, "10.0.3.2"), "admin", DEMO_PASSWORD)[0] == 429
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "admin"


def test_administrator_lifts_an_account_wait(
    client: TestClient, settings: Settings, db: Session
) -> None:
    office = _user(db, "office")
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine)() as session:  # what a long guessing run leaves
        later = datetime.now(UTC) + timedelta(minutes=10)
        session.add(LoginThrottle(key=f"a:{office.id}", failures=12, wait_until=later))
        session.commit()
    engine.dispose()
    assert attempt(browser(client, "10.0.4.1"), "office", DEMO_PASSWORD)[0] == 429
    login(client, "admin")
    page = client.get(f"/app/admin/users/{office.id}")
    assert "须等待至" in page.text
    assert "登录须等待" in client.get("/app/admin/users").text
    lifted = client.post(
        f"/app/admin/users/{office.id}/unlock", data={"csrf_token": csrf_of(page.text)}
    )
    assert lifted.status_code == 303
    login(browser(client, "10.0.4.2"), "office")


def test_password_change_keeps_this_session_ends_the_others_and_revokes_tokens(
    client: TestClient, settings: Settings, db: Session
) -> None:
    csrf = login(client, "archivist")
    other = TestClient(client.app, follow_redirects=False)
    login(other, "archivist")
    archivist = _user(db, "archivist")
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as session:
        tokens = [issue_api_token(session, archivist.id, label, None) for label in ("甲", "乙")]
    engine.dispose()
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
    page = client.get(done.headers["location"])
    assert page.status_code == 200  # this browser is still signed in
    assert "API 令牌已全部吊销" in page.text
    assert other.get("/app").status_code == 303  # the other browser was signed out
    for token in tokens:
        refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401
    db.rollback()
    rows = db.scalars(select(ApiToken).where(ApiToken.user_id == archivist.id)).all()
    assert len(rows) == 2 and all(row.revoked_at is not None for row in rows)
    revocations = db.execute(
        select(ledger_entry.c.actor, ledger_entry.c.subject).where(
            ledger_entry.c.kind == "token.revoke"
        )
    ).all()
    actor = pseudonym(settings.ledger_actor_key(), archivist.id)
    assert sorted(revocations) == sorted((actor, f"api_token:{row.id}") for row in rows)


@pytest.fixture
def https_settings(sqlite_settings: Settings) -> Iterator[Settings]:
    yield load_settings(
        sqlite_settings.data_dir, secret_key="t" * 40, public_base_url="https://zhifa.example.cn"
    )


def _cookies(settings: Settings) -> dict[str, str]:
    """The Set-Cookie headers of the sign-in page and of a successful sign-in, by name."""
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as app_client:
        form = app_client.get("/app/login")
        signed_in = app_client.post(
            "/app/login",
            data={"username": "legal", "password": DEMO_PASSWORD, "csrf_token": csrf_of(form.text)},
        )
        assert signed_in.status_code == 303
    headers = form.headers.get_list("set-cookie") + signed_in.headers.get_list("set-cookie")
    return {header.split("=", 1)[0]: header for header in headers}


def test_cookies_are_secure_when_the_public_base_url_is_https(
    https_settings: Settings, sqlite_settings: Settings
) -> None:
    assert https_settings.secure_cookies and not sqlite_settings.secure_cookies
    secure = _cookies(https_settings)
    assert {"zhifa_login_csrf", "zhifa_session", "zhifa_device"} <= set(secure)
    for name in ("zhifa_session", "zhifa_device"):
        assert "; secure" in secure[name].lower(), secure[name]
    assert all("; secure" not in header.lower() for header in _cookies(sqlite_settings).values())
    # An explicit setting still wins (e.g. TLS ends at a proxy that rewrites cookies).
    plain = load_settings(
        https_settings.data_dir,
        secret_key="t" * 40,
        public_base_url="https://zhifa.example.cn",
        secure_cookies=False,
    )
    assert not plain.secure_cookies
    assert all("; secure" not in header.lower() for header in _cookies(plain).values())
