"""The demo publishes a realistic set of decisions through the real pipeline: each kind,
fines, natural persons masked, one exempted (issue 6, point 9)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import factory_like, make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings, load_settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.demo.publicity import (
    CORRECTED_FACTS,
    EXEMPTED_CASE,
    WITHDRAWAL_REASON,
    seed_demo_publicity,
)
from zhifa.enforcement.masking import person_name_in
from zhifa.enforcement.models import Action, Party, PartyVersion
from zhifa.publicity import outbox
from zhifa.publicity.channels import credit_export, webhook, wechat
from zhifa.publicity.models import (
    CorrectionRequest,
    ObligationStatus,
    OutboxMessage,
    Publication,
    PublicationObligation,
    PublicationStatus,
)
from zhifa.publicity.portal.models import PortalEntry
from zhifa.publicity.rules import EXCLUDED_ITEMS
from zhifa.web.app import create_app, create_portal_app


@pytest.fixture(scope="module")
def demo_world(
    seeded_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Session]]:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(seeded_sqlite_template, data_dir)
    settings = load_settings(data_dir, secret_key="t" * 40)
    engine = make_engine(settings.resolved_database_url)
    db = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    seed_demo_actions(db, settings, open_blob_store(settings))
    seed_demo_publicity(db, settings)
    yield settings, db
    db.close()
    engine.dispose()


def test_every_decision_is_published_or_exempted(demo_world: tuple[Settings, Session]) -> None:
    settings, db = demo_world
    obligations = db.scalars(select(PublicationObligation)).all()
    assert {o.kind for o in obligations} == {"penalty", "compulsion", "license"}
    assert all(o.status is not ObligationStatus.open for o in obligations)
    exempted = [o for o in obligations if o.status is ObligationStatus.exempted]
    assert [db.get(Action, o.action_id).title for o in exempted] == [EXEMPTED_CASE]  # type: ignore[union-attr]
    assert seed_demo_publicity(db, settings) == 0  # idempotent


def test_published_snapshots_have_fines_and_masked_persons(
    demo_world: tuple[Settings, Session],
) -> None:
    _, db = demo_world
    published = db.scalars(
        select(Publication).where(Publication.status == PublicationStatus.published)
    ).all()
    texts = [p.snapshot_json for p in published]
    assert any("罚款金额" in t and re.search(r'"value":"0\.\d+"', t) for t in texts)
    # natural persons' names per the setting (姓+某某 by default), never in full
    persons = db.scalars(select(Party).where(Party.kind == "person")).all()
    full_names = {person_name_in(p.versions[-1].name) for p in persons}
    assert not [n for n in full_names if any(n in t for t in texts)]
    assert any("某某" in t for t in texts)
    # the phone number an officer typed into the facts is masked
    assert not any("13912345678" in t for t in texts)


def test_one_corrected_and_one_withdrawn(demo_world: tuple[Settings, Session]) -> None:
    _, db = demo_world
    statuses = {
        p.status
        for p in db.scalars(select(Publication)).all()
        if p.status is not PublicationStatus.published
    }
    assert statuses == {PublicationStatus.superseded, PublicationStatus.withdrawn}
    corrected = db.scalars(select(Publication).where(Publication.version == 2)).all()
    assert len(corrected) == 1 and "更正" in corrected[0].correction_note
    assert CORRECTED_FACTS in corrected[0].snapshot_json
    withdrawn = db.scalars(
        select(Publication).where(Publication.status == PublicationStatus.withdrawn)
    ).one()
    assert withdrawn.end_reason == WITHDRAWAL_REASON


# ---- no unmasked 身份证号 or phone number anywhere public (issue 6, point 10) ------------

_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx]"
)
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_SKIP = ("/app", "/api", "/static", "/login", "/logout", "/log/")


def _secrets(db: Session) -> set[str]:
    """Every identity number and phone the database holds, and the ones typed into the
    demo (a phone in the facts, the requester's contact)."""
    found = {"13912345678", "13800138000"}
    for version in db.scalars(select(PartyVersion)).all():
        found |= {v for v in (version.id_number, version.phone) if v}
    found |= {u.phone for u in db.scalars(select(User)).all() if u.phone}
    return found


# A machine token (CSRF, the correction form's signed challenge, an HMAC): long, made of
# URL-safe characters, with letters among its digits. Its digit runs mean nothing.
_TOKEN = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9._~:=+/-]{24,}")


class _Readable(HTMLParser):
    """What a reader sees and a machine reads of a page: its text, the values of its
    attributes and of its form fields, but not the value of a hidden field that is a
    token (its digits are random, not content)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        hidden_token = (
            tag == "input"
            and (named.get("type") or "").lower() == "hidden"
            and _TOKEN.fullmatch(named.get("value") or "") is not None
        )
        for name, value in attrs:
            if value and not (hidden_token and name == "value"):
                self.parts.append(value)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _json_values(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_values(item)
    elif value is not None:
        yield str(value)


def _readable(text: str) -> str:
    """The parts of a page or export that are content, one per line (so a pattern cannot
    join two of them): an HTML page's text and attributes, a JSON document's keys and
    values, anything else (CSV, plain text, spreadsheet cells) as it is."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return "\n".join(_json_values(json.loads(text)))
        except ValueError:
            pass
    if stripped.startswith("<"):
        parser = _Readable()
        parser.feed(text)
        parser.close()
        return "\n".join(parser.parts)
    return text


def _problems(where: str, text: str, secrets: set[str]) -> list[str]:
    """Any known identity number or phone anywhere in the raw text (a hidden field too);
    any that merely looks like one in what a reader or a machine reads of it."""
    hits = [f"{where}: {s}" for s in secrets if s in text]
    content = _readable(text)
    found = _ID_NUMBER.findall(content) + _MOBILE.findall(content)
    hits += [f"{where}: pattern {m}" for m in found]
    return hits


def test_the_scan_reads_content_not_tokens() -> None:
    """A run of digits inside a hidden field's HMAC is no phone number (it once failed the
    scan below); the same digits anywhere a person or a program reads them are."""
    hmac_token = "9f2c4e13111267252ab0c7d1e9f3a5b7c2d4e6f8a0b1c3d5"
    page = f'<form><input type="hidden" name="challenge" value="{hmac_token}"></form>'
    assert _problems("page", page, set()) == []
    for leak in (
        "<p>联系电话 13111267252</p>",
        '<input name="phone" value="13111267252">',
        '<input type="hidden" name="party" value="13111267252">',
        '<a href="/search?q=13111267252">查询</a>',
        '<img alt="13111267252" src="/x.png">',
        '{"party": {"phone": "13111267252"}}',
        '[{"id": "110101199003071234"}]',
        "名称,电话\n某某,13111267252\n",
    ):
        assert _problems("page", leak, set()) != [], leak
    assert _problems("page", page, {"13111267252"}) != []  # a known phone, even hidden


def _crawl(client: TestClient, start: list[str]) -> dict[str, str]:
    """Every same-site page reachable from `start` without signing in."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen or path.startswith(_SKIP) or len(seen) > 400:
            continue
        response = client.get(path)
        seen[path] = response.text
        if "html" not in response.headers.get("content-type", ""):
            continue
        for link in re.findall(r'href="(/[^"#]*)"', response.text):
            queue.append(html.unescape(link))
    return seen


def _reported_apart(table: list[list[str]], reported: list[str]) -> list[list[str]]:
    """`table` without the columns reported to 信用中国 only (`rules.REPORTED_ONLY`), whose
    cells are added to `reported`."""
    header = [str(cell) for cell in table[0]] if table else []
    apart = {i for i, label in enumerate(header) if label in EXCLUDED_ITEMS}
    reported += [str(row[i]) for row in table[1:] for i in apart if row[i]]
    return [[cell for i, cell in enumerate(row) if i not in apart] for row in table]


def _exports(db: Session, settings: Settings, reported: list[str]) -> dict[str, str]:
    """What the channels send out: the 信用中国 batch files (CSV, XLSX) without their
    reported-only columns (those cells go to `reported`), each WeChat article and each
    webhook body, built from the real outbox messages."""
    factory = factory_like(db)
    outbox.deliver_due(factory, settings)
    db.rollback()
    store = open_blob_store(settings)
    batch = credit_export.close_batch(db, store, settings.blob_max_bytes, None)
    db.commit()
    found: dict[str, str] = {}
    for name, digest in batch.files.items():
        data = store.open(digest).read()
        if name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            rows = [ws.iter_rows(values_only=True) for ws in book.worksheets]
            tables = [[["" if c is None else str(c) for c in row] for row in t] for t in rows]
        else:
            tables = [list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))]
        kept = [_reported_apart(table, reported) for table in tables]
        found[name] = "\n".join(cell for table in kept for row in table for cell in row if cell)
    for message in db.scalars(select(OutboxMessage)).all():
        outgoing = outbox.outgoing_message(db, message, f"scan-{message.id}")
        found[f"wechat {message.id}"] = wechat.article_html(outgoing)
        found[f"webhook {message.id}"] = webhook.body_bytes(webhook.payload(outgoing)).decode()
    db.rollback()
    return found


def test_no_identity_number_or_phone_on_any_public_page_or_export(
    demo_world: tuple[Settings, Session],
) -> None:
    settings, db = demo_world
    secrets = _secrets(db)
    assert len(secrets) > 20  # the demo really holds identity numbers and phones
    entries = db.scalars(select(PortalEntry)).all()
    assert len(entries) >= 8
    receipts = [c.receipt_number for c in db.scalars(select(CorrectionRequest)).all()]
    start = ["/", "/search?q=罚款", "/search?q=安全", "/verify/document"]
    start += [f"/p/{e.id}" for e in entries] + [f"/p/{e.id}.json" for e in entries]
    start += [f"/corrections/{r}" for r in receipts]
    db.rollback()  # release SQLite's write lock for the app's own sessions
    pages: dict[str, str] = {}
    for label, app in (("app", create_app(settings)), ("portal", create_portal_app(settings))):
        with TestClient(app, follow_redirects=True) as client:
            pages |= {f"{label} {path}": text for path, text in _crawl(client, start).items()}
    assert any("某某" in text for text in pages.values())
    reported: list[str] = []
    exports = _exports(db, settings, reported)
    assert any(name.endswith(".xlsx") for name in exports) and len(exports) > 10
    problems = [
        p for where, text in (pages | exports).items() for p in _problems(where, text, secrets)
    ]
    assert problems == []
    # a person's 身份证号 goes to 信用中国 in its reported-only column, and nothing else does
    assert reported and set(reported) <= secrets | {"身份证"}
    assert _ID_NUMBER.search("\n".join(reported))
