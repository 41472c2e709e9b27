"""Who may see which record, checked as a matrix: every demo role × every record-reading
route × records that are the person's own, of the same unit, of another unit, granted, and
granted with the grant expired. The expectation is written here from the rule (permission
table, assignment, grants), independently of `enforcement.visibility`; the routes are
found by walking the app, so a new record route is in the matrix without being listed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.pg_server import create_database, drop_database
from tests.web.test_admin_and_officers import _api_routes, _permission_of
from zhifa.core.audit import record_change
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import make_engine, make_session_factory, utcnow
from zhifa.core.grants import GrantRecord, RecordGrant
from zhifa.core.keys import ensure_ledger_signer
from zhifa.core.models import AccessLog, User
from zhifa.core.permissions import PERMISSIONS, Permission, Role
from zhifa.core.settings import Settings, load_settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.demo.publicity import seed_demo_publicity
from zhifa.enforcement.models import Action, Activity, PartyVersion
from zhifa.publicity.models import Publication, PublicationObligation
from zhifa.recording.documents.models import Document
from zhifa.recording.media.models import Media
from zhifa.web.app import create_app

OFFICER = "chenjing"  # 第一中队
ROLE_ACCOUNTS = {
    Role.legal: "legal",
    Role.supervision: "supervision",
    Role.office: "office",
    Role.leader: "leader",
    Role.archivist: "archivist",
    Role.admin: "admin",
}
# Path parameters the matrix knows how to fill from one action's records.
RECORD_PARAMS = {
    "action_id",
    "activity_id",
    "document_id",
    "media_id",
    "party_id",
    "obligation_id",
    "publication_id",
}
PURPOSE = {"purpose": "案卷评查"}
# Pages of a form that acts in the case: seeing the case is not enough (a grant only reads).
HANDLING_PAGES = {
    "/app/actions/{action_id}/media/upload",
    "/app/actions/{action_id}/onsite",  # the on-site mode records as it goes
    "/app/onsite/{activity_id}",
}


@dataclass(frozen=True)
class Records:
    """One action and the ids of its records, for filling a route's path."""

    category: str
    ids: dict[str, int]


def _writer(settings: Settings) -> Session:
    engine = make_engine(settings.resolved_database_url)
    return make_session_factory(engine, actor_key=settings.ledger_actor_key())()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """One demo world per database for the whole module: seeding the cases is slow, and
    each test below changes only grants it does not share with the others."""
    tmp = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        template = request.getfixturevalue("seeded_sqlite_template")
        shutil.copytree(template, tmp / "data")
        settings = load_settings(tmp / "data", secret_key="t" * 40)
        url = None
    else:
        port = request.getfixturevalue("postgres_port")
        url = create_database(port, template=request.getfixturevalue("seeded_postgres_template"))
        settings = load_settings(tmp / "data", database_url=url, secret_key="t" * 40)
        ensure_ledger_signer(settings)
    with _writer(settings) as writer:
        seed_demo_actions(writer, settings, open_blob_store(settings))
        seed_demo_publicity(writer, settings)
    yield settings
    if url is not None:
        drop_database(request.getfixturevalue("postgres_port"), url)


@pytest.fixture
def world(settings: Settings) -> Iterator[Session]:
    """A session that reads the world without ever taking SQLite's write lock (the app
    writes an access log row on every read)."""
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    db = make_session_factory(engine)()
    yield db
    db.close()
    engine.dispose()


def _user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def _handled_by(action: Action, user: User) -> bool:
    return action.opened_by == user.id or any(o.officer_id == user.id for o in action.officers)


def _records(db: Session, action: Action, category: str) -> Records:
    ids = {"action_id": action.id, "party_id": action.party_id}
    for key, model in (("activity_id", Activity), ("document_id", Document), ("media_id", Media)):
        found = db.scalar(select(model.id).where(model.action_id == action.id).limit(1))
        if found is not None:
            ids[key] = found
    obligation = db.scalar(
        select(PublicationObligation).where(PublicationObligation.action_id == action.id)
    )
    if obligation is not None:
        ids["obligation_id"] = obligation.id
        pub = db.scalar(select(Publication.id).where(Publication.obligation_id == obligation.id))
        if pub is not None:
            ids["publication_id"] = pub
    return Records(category, ids)


def _grant(client: TestClient, csrf: str, grantee: User, kind: str, record_id: int) -> None:
    until = (utcnow() + timedelta(days=30)).isoformat()
    body = {
        "grantee_id": grantee.id,
        "record_type": kind,
        "record_id": record_id,
        "reason": "案卷评查",
        "valid_until": until,
    }
    made = client.post("/api/v1/grants", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text


def _expired_grant(settings: Settings, grantee: User, grantor: User, action_id: int) -> None:
    """A grant whose end has passed (the service refuses to make one: written directly)."""
    past = utcnow() - timedelta(days=1)
    row = RecordGrant(
        grantee_id=grantee.id,
        record_type=GrantRecord.action,
        record_id=action_id,
        reason="上一轮评查",
        granted_by=grantor.id,
        granted_at=past - timedelta(days=10),
        valid_until=past,
    )
    with _writer(settings) as db:
        db.add(row)
        record_change(db, "system", "grant.create", row)
        db.commit()


def _record_routes(app: Any) -> list[tuple[str, APIRoute]]:
    routes = []
    for path, route in _api_routes(app.routes):
        params = {p.strip("{}").split(":")[0] for p in path.split("/") if p.startswith("{")}
        if "GET" in route.methods and params and params <= RECORD_PARAMS:
            routes.append((path, route))
    return routes


def _fill(path: str, ids: dict[str, int]) -> str | None:
    parts = []
    for part in path.split("/"):
        if part.startswith("{"):
            value = ids.get(part.strip("{}"))
            if value is None:
                return None
            part = str(value)
        parts.append(part)
    return "/".join(parts)


def _reads(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(AccessLog)) or 0)


def _sees(perms: frozenset[Permission], user: User, action: Action, granted: set[int]) -> bool:
    return Permission.action_all in perms or _handled_by(action, user) or action.id in granted


def test_role_route_record_matrix(world: Session, settings: Settings) -> None:
    db = world
    app = create_app(settings)
    officer = _user(db, OFFICER)
    office, leader = _user(db, "office"), _user(db, "leader")
    actions = {a.id: a for a in db.scalars(select(Action))}

    own = next(a for a in actions.values() if a.opened_by == officer.id)
    same_unit = next(
        a for a in actions.values() if a.unit_id == officer.unit_id and not _handled_by(a, officer)
    )
    others = [
        a for a in actions.values() if a.unit_id != officer.unit_id and not _handled_by(a, officer)
    ]
    granted, expired = others[0], others[1]
    # The party of a third action is granted on its own: its details, not the action.
    party_only = others[2]

    db.rollback()
    boss = TestClient(app, follow_redirects=False)
    csrf = login(boss, "leader")
    for grantee in (officer, office):
        _grant(boss, csrf, grantee, "action", granted.id)
    _grant(boss, csrf, officer, "party", party_only.party_id)
    _expired_grant(settings, officer, leader, expired.id)
    db.rollback()

    categories = [
        _records(db, own, "own"),
        _records(db, same_unit, "same unit"),
        _records(db, others[3], "other unit"),
        _records(db, granted, "granted"),
        _records(db, expired, "expired grant"),
    ]
    grants = {officer.id: {granted.id}, office.id: {granted.id}}
    principals = {OFFICER: (officer, PERMISSIONS[Role.officer])}
    principals |= {
        name: (_user(db, name), PERMISSIONS[role]) for role, name in ROLE_ACCOUNTS.items()
    }

    routes = _record_routes(app)
    assert len(routes) >= 25, [p for p, _ in routes]  # the walk reaches the record routes
    cells, checked_paths, problems = 0, set(), []
    missing_of: dict[tuple[str, str], Any] = {}
    for name, (user, perms) in principals.items():
        client = TestClient(app, follow_redirects=False)
        login(client, name)
        for records in categories:
            action = actions[records.ids["action_id"]]
            visible = _sees(perms, user, action, grants.get(user.id, set()))
            for path, route in routes:
                url = _fill(path, records.ids)
                if url is None:
                    continue
                allowed = _permission_of(route) in perms
                before = _reads(db)
                got = client.get(url, params=PURPOSE)
                cells += 1
                checked_paths.add(path)
                where = f"{name} {records.category} GET {url}"
                if got.status_code >= 500:
                    problems.append(f"{where}: {got.status_code}")
                elif not allowed:
                    if got.status_code != 403:
                        problems.append(f"{where}: {got.status_code}, expected 403 (role)")
                elif path.endswith("{party_id}/edit"):
                    continue  # the party rule, checked below
                elif path.count("{") == 1 and "{party_id}" in path:
                    # A party's page is open to every reader, masked unless theirs.
                    if got.status_code != 200:
                        problems.append(f"{where}: {got.status_code}, expected 200")
                elif (
                    visible
                    and path in HANDLING_PAGES
                    and not (Permission.action_all in perms or _handled_by(action, user))
                ):
                    if got.status_code != 403:
                        problems.append(f"{where}: {got.status_code}, expected 403 (reads only)")
                elif visible:
                    if got.status_code in (403, 404):
                        problems.append(f"{where}: {got.status_code}, expected to see it")
                else:
                    if (name, path) not in missing_of:
                        url_missing = _fill(path, dict.fromkeys(records.ids, 2**31 - 1)) or ""
                        missing_of[name, path] = client.get(url_missing, params=PURPOSE)
                    missing = missing_of[name, path]
                    if got.status_code != 404 or got.content != missing.content:
                        problems.append(f"{where}: {got.status_code}, expected 404 like missing")
                    if _reads(db) != before:
                        problems.append(f"{where}: a refused request was logged as a read")
    print(f"matrix: {len(principals)} people x {len(routes)} routes x {len(categories)} records")
    print(f"matrix: {cells} requests checked")
    assert problems == [], "\n".join(problems)
    assert cells > 500
    assert {"/api/v1/actions/{action_id}", "/app/actions/{action_id}"} <= checked_paths


def _party_phone(db: Session, party_id: int) -> str:
    version = db.scalar(
        select(PartyVersion)
        .where(PartyVersion.party_id == party_id)
        .order_by(PartyVersion.version.desc())
    )
    assert version is not None and version.phone
    return version.phone


def test_party_details_by_need_to_know(world: Session, settings: Settings) -> None:
    db = world
    app = create_app(settings)
    officer = _user(db, OFFICER)
    actions = list(db.scalars(select(Action)))
    own = next(a for a in actions if a.opened_by == officer.id)
    person = own.party_id  # a 个体工商户's keeper: an identity number and a mobile
    other = next(a for a in actions if not _handled_by(a, officer))
    client = TestClient(app, follow_redirects=False)
    csrf = login(client, OFFICER)

    mine = client.get(f"/api/v1/parties/{person}").json()
    assert mine["phone"] == _party_phone(db, person) and "*" not in (mine["id_number"] or "*")
    theirs = client.get(f"/api/v1/parties/{other.party_id}")
    assert theirs.status_code == 200
    assert theirs.json()["phone"] != _party_phone(db, other.party_id)
    assert "*" in theirs.json()["phone"]
    page = client.get(f"/app/parties/{other.party_id}")
    assert _party_phone(db, other.party_id) not in page.text and "已脱敏" in page.text
    assert "修改（生成新版本）" not in page.text
    listed = client.get("/api/v1/parties", params={"q": "上海"}).json()["items"]
    assert listed and all("*" in (p["phone"] or "*") for p in listed)

    # Changing a party that is not theirs is refused and changes nothing.
    before = db.scalar(select(func.max(PartyVersion.id)))
    edit = client.put(
        f"/api/v1/parties/{other.party_id}",
        json={"name": "改名", "address": "上海市普陀区某路1号", "reason": "试图修改"},
        headers={"X-CSRF-Token": csrf},
    )
    assert edit.status_code == 403 and "办理" in edit.json()["detail"]
    assert client.get(f"/app/parties/{other.party_id}/edit").status_code == 403
    db.rollback()
    assert db.scalar(select(func.max(PartyVersion.id))) == before

    # A leader's grant on the party lets the officer read it in full, until revoked.
    boss = TestClient(app, follow_redirects=False)
    boss_csrf = login(boss, "leader")
    _grant(boss, boss_csrf, officer, "party", other.party_id)
    assert client.get(f"/api/v1/parties/{other.party_id}").json()["phone"] == _party_phone(
        db, other.party_id
    )
    grant_id = boss.get("/api/v1/grants", params={"current": True}).json()[0]["id"]
    revoked = boss.post(f"/api/v1/grants/{grant_id}/revoke", headers={"X-CSRF-Token": boss_csrf})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert "*" in client.get(f"/api/v1/parties/{other.party_id}").json()["phone"]


def test_grants_are_a_leaders_decision_and_bad_input_changes_nothing(
    world: Session, settings: Settings
) -> None:
    db = world
    app = create_app(settings)
    grantee = _user(db, "office")
    action_id = db.scalar(select(func.max(Action.id)))
    body = {
        "grantee_id": grantee.id,
        "record_type": "action",
        "record_id": action_id,
        "reason": "案卷评查",
        "valid_until": (utcnow() + timedelta(days=5)).isoformat(),
    }
    legal = TestClient(app, follow_redirects=False)
    legal_csrf = login(legal, "legal")
    refused = legal.post("/api/v1/grants", json=body, headers={"X-CSRF-Token": legal_csrf})
    assert refused.status_code == 403

    boss = TestClient(app, follow_redirects=False)
    csrf = login(boss, "leader")
    headers = {"X-CSRF-Token": csrf}
    count = lambda: db.rollback() or db.scalar(select(func.count()).select_from(RecordGrant))  # noqa: E731
    before = count()
    bad = [
        ({**body, "reason": "  "}, 422, "理由"),
        ({**body, "valid_until": (utcnow() - timedelta(hours=1)).isoformat()}, 400, "晚于现在"),
        ({**body, "valid_until": (utcnow() + timedelta(days=400)).isoformat()}, 400, "最长一年"),
        ({**body, "record_id": 2**31 - 1}, 400, "不存在"),
        ({**body, "record_id": 2**40}, 422, ""),
        ({**body, "grantee_id": _user(db, "leader").id}, 400, "自己"),
        ({**body, "record_type": "secret"}, 422, ""),
    ]
    for payload, status, words in bad:
        got = boss.post("/api/v1/grants", json=payload, headers=headers)
        assert got.status_code == status, (payload, got.text)
        assert words in got.json()["detail"]
    assert count() == before

    page = boss.post(
        "/app/grants",
        data={**body, "valid_until": "2020-01-01", "csrf_token": csrf},
    )
    assert page.status_code == 400 and "截止时间须晚于现在" in page.text
    assert count() == before
    made = boss.post(
        "/app/grants",
        data={
            **body,
            "valid_until": (utcnow() + timedelta(days=3)).date().isoformat(),
            "csrf_token": csrf,
        },
    )
    assert made.status_code == 303
    listing = boss.get("/app/grants")
    assert "案卷评查" in listing.text and "有效" in listing.text
    assert count() == before + 1
