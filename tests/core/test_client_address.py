"""Client addresses cannot be forged: `X-Forwarded-For` counts only from the configured
reverse proxies (ZHIFA_TRUSTED_PROXIES, none by default), read from the right. Checked
against a real `zhifa serve` process: the sign-in log, the access log and a rate limit."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.conftest import zhifa_server
from zhifa.core.access import forwarded_client
from zhifa.core.auth import issue_api_token
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import AccessContext, AccessLog, LoginEvent, User
from zhifa.core.settings import Settings

FORGED = "203.0.113.9"


def _networks(*items: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(item) for item in items]


def test_forwarded_client_reads_from_the_right() -> None:
    proxies = _networks("10.0.0.0/8", "::1/128")
    assert forwarded_client("127.0.0.1", ["1.2.3.4"], []) == "127.0.0.1"
    assert forwarded_client("198.51.100.1", ["1.2.3.4"], proxies) == "198.51.100.1"
    assert forwarded_client("10.0.0.5", ["1.2.3.4"], proxies) == "1.2.3.4"
    # The client may prepend anything; the right-most untrusted hop is the client.
    assert forwarded_client("10.0.0.5", ["6.6.6.6, 1.2.3.4, 10.0.0.9"], proxies) == "1.2.3.4"
    assert forwarded_client("10.0.0.5", ["6.6.6.6", "1.2.3.4"], proxies) == "1.2.3.4"
    assert forwarded_client("10.0.0.5", ["1.2.3.4:5678"], proxies) == "1.2.3.4"
    assert forwarded_client("::1", ["[2001:db8::7]:443"], proxies) == "2001:db8::7"
    assert forwarded_client("10.0.0.5", ["garbage, 1.2.3.4"], proxies) == "1.2.3.4"
    assert forwarded_client("10.0.0.5", ["1.2.3.4, garbage"], proxies) == "10.0.0.5"
    assert forwarded_client("10.0.0.5", ["10.0.0.7"], proxies) == "10.0.0.7"  # all proxies
    assert forwarded_client("10.0.0.5", [], proxies) == "10.0.0.5"


def _sign_in_wrongly(url: str, headers: dict[str, str]) -> None:
    with httpx.Client(base_url=url, headers=headers, follow_redirects=False) as web:
        form = web.get("/app/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        answer = web.post(
            "/app/login",
            data={"username": "legal", "password": "wrong-1234", "csrf_token": token.group(1)},
        )
        assert answer.status_code == 401


def _lookups(url: str, count: int) -> list[int]:
    """Certificate lookups, each claiming another address."""
    return [
        httpx.get(f"{url}/c/ZF-0000", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(count)
    ]


def _observed(settings: Settings, token: str, url: str) -> tuple[str, str]:
    """What the sign-in log and the access log recorded for one forged request each."""
    headers = {"X-Forwarded-For": FORGED}
    _sign_in_wrongly(url, headers)
    read = httpx.get(
        f"{url}/api/v1/officers", headers={**headers, "Authorization": f"Bearer {token}"}
    )
    assert read.status_code == 200, read.text
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with make_session_factory(engine)() as db:
        login = db.scalars(select(LoginEvent).order_by(LoginEvent.id.desc())).first()
        access = db.scalar(
            select(AccessContext.client)
            .join(AccessLog, AccessLog.id == AccessContext.access_id)
            .order_by(AccessLog.id.desc())
        )
    engine.dispose()
    assert login is not None and access is not None
    return login.client, access


def _token(settings: Settings) -> str:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        legal = db.scalar(select(User).where(User.username == "legal"))
        assert legal is not None
        token = issue_api_token(db, legal.id, "测试", None)
    engine.dispose()
    return token


def _configure(data_dir: Path, text: str) -> None:
    (data_dir / "zhifa.toml").write_text(text + "certificate_lookups_per_window = 3\n")


def test_a_forged_header_from_loopback_is_not_believed(sqlite_settings: Settings) -> None:
    token = _token(sqlite_settings)
    _configure(sqlite_settings.data_dir, "")
    with zhifa_server(sqlite_settings.data_dir) as url:
        assert _observed(sqlite_settings, token, url) == ("127.0.0.1", "127.0.0.1")
        # A rate limit counts the real client, however many addresses it claims.
        assert _lookups(url, 4) == [404, 404, 404, 429]


def test_a_trusted_proxy_names_the_client(sqlite_settings: Settings) -> None:
    token = _token(sqlite_settings)
    _configure(sqlite_settings.data_dir, 'trusted_proxies = ["127.0.0.1/32"]\n')
    with zhifa_server(sqlite_settings.data_dir) as url:
        assert _observed(sqlite_settings, token, url) == (FORGED, FORGED)
        assert _lookups(url, 4) == [404, 404, 404, 404]  # four clients behind the proxy
