"""What the public can read carries nothing personal and no text anyone typed (invariant
4): secrets typed into every public form and the sign-in fields appear in no public
response and no ledger leaf, and no leaf names a user — on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of
from tests.portal.test_portal_only import _walk
from tests.publicity.test_corrections import publish, submit
from zhifa.core.audit import PSEUDONYM_PATTERN, pseudonym, resolve_pseudonym
from zhifa.core.models import LoginEvent, User
from zhifa.core.settings import Settings
from zhifa.ledger import log_size
from zhifa.web.app import create_portal_app

PASSWORD = "Hunter2-Qz7!secret"
PHONE = "13987654321"
ID_NUMBER = "31010719900307123X"
SECRETS = (PASSWORD, PHONE, ID_NUMBER)
ACTOR = re.compile(r"^(system|public|anonymous|u:[0-9a-f]{20})$")


def leaves(client: TestClient, db: Session) -> list[dict[str, Any]]:
    """Every leaf of the public log, read as an outsider reads it."""
    db.rollback()
    size = log_size(db)
    found: list[dict[str, Any]] = []
    for start in range(0, size, 1000):
        answer = client.get("/log/entries", params={"start": start, "end": min(size, start + 1000)})
        assert answer.status_code == 200, answer.text
        found += [json.loads(base64.b64decode(e["leaf"])) for e in answer.json()["entries"]]
    return found


def _sign_in(client: TestClient, username: str, password: str) -> str:
    form = client.get("/app/login")
    answer = client.post(
        "/app/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(form.text)},
    )
    assert answer.status_code in (401, 429), answer.status_code
    return answer.text


def _type_secrets_everywhere(client: TestClient, public_id: int) -> None:
    """An outsider types each secret into every public form and the sign-in fields."""
    outsider = TestClient(client.app, follow_redirects=False, client=("198.51.100.7", 1))
    for secret in SECRETS:
        for username, password in ((secret, secret), ("admin", secret), (secret, "x1234567")):
            page = _sign_in(outsider, username, password)
            assert secret not in page  # not even echoed to whoever typed it
        outsider.get("/c", params={"number": secret})
        outsider.get(f"/c/{secret}")
        for field in ("q", "party", "unit"):
            outsider.get("/search", params={field: secret})
    outsider.cookies.clear()
    accepted = submit(
        outsider,
        public_id,
        name="张三",
        contact=PHONE,
        what_is_wrong=f"身份证号 {ID_NUMBER}，密码 {PASSWORD}，电话 {PHONE}，罚款金额有误。",
    )
    assert accepted.status_code == 303, accepted.text[:500]


def _public_pages(
    client: TestClient, db: Session, settings: Settings, public_id: int
) -> dict[str, str]:
    """Every page the public reaches, fetched by someone else: the portal's routes (the
    correction form's among them) and the public log."""
    pages: dict[str, str] = {}
    reader = TestClient(client.app, follow_redirects=False, client=("192.0.2.1", 1))
    with TestClient(create_portal_app(settings), follow_redirects=False) as portal:
        for url in _walk(portal.app.routes, {"public_id": str(public_id)}):
            pages[url] = reader.get(url).text
    pages["/corrections/new"] = reader.get(f"/corrections/new?p={public_id}").text
    for url in ("/log/checkpoint", "/log/key"):
        pages[url] = reader.get(url).text
    pages["/log/entries"] = json.dumps(leaves(reader, db), ensure_ascii=False)
    return pages


def test_typed_secrets_reach_no_public_response_and_no_leaf(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    _type_secrets_everywhere(client, public_id)
    for url, text in _public_pages(client, db, settings, public_id).items():
        for secret in SECRETS:
            assert secret not in text, (url, secret)
    for leaf in leaves(client, db):
        assert not any(secret in json.dumps(leaf, ensure_ascii=False) for secret in SECRETS)
    # Nor does the sign-in log keep what was typed into the username box.
    db.rollback()
    for event in db.scalars(select(LoginEvent)):
        assert event.username == "" or not any(s in event.username for s in SECRETS)
    failed = db.scalars(select(LoginEvent).where(LoginEvent.reason == "unknown_user")).all()
    assert failed and {event.username for event in failed} == {""}


def test_no_leaf_names_a_user(client: TestClient, db: Session, settings: Settings) -> None:
    publish(client, db)  # officers and the legal section at work, through the API
    db.rollback()
    users = db.scalars(select(User)).all()
    names = {u.username for u in users} | {u.full_name for u in users}
    actors = [leaf["actor"] for leaf in leaves(client, db)]
    assert all(ACTOR.match(actor) for actor in actors), {a for a in actors if not ACTOR.match(a)}
    assert not names & set(actors)
    people = {actor for actor in actors if PSEUDONYM_PATTERN.match(actor)}
    assert len(people) >= 2  # an officer and the legal section, each under its own
    key = settings.ledger_actor_key()
    resolved = {actor: resolve_pseudonym(db, key, actor) for actor in people}
    assert all(user is not None for user in resolved.values())
    legal = next(u for u in users if u.username == "legal")
    assert resolved[pseudonym(key, legal.id)] == legal
