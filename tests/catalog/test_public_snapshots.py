"""The general public-snapshot mechanism on SQLite and PostgreSQL: versions per (kind,
subject), the ledger entry's payload digest equals the published digest, delivery to the
portal's read model in the same transaction, the other channels' treatment, withdrawal,
and nothing half-written on bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import check_rows
from zhifa.core.auth import Principal
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.channels.webhook import payload
from zhifa.publicity.models import Delivery, OutboxMessage, PublicSnapshot, SnapshotStatus
from zhifa.publicity.outbox import outgoing_message
from zhifa.publicity.portal import subjects as portal_snapshots
from zhifa.publicity.public_snapshots import (
    latest_published,
    publish_snapshot,
    withdraw_snapshot,
)
from zhifa.publicity.snapshots import canonical, digest

KIND = "test_item"  # a kind of its own: the demo has published the catalogue already


def principal(session: Session, username: str = "legal") -> Principal:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return Principal(user.id, user.username, user.full_name, user.roles)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.resolved_database_url)
    s = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    yield s
    s.close()
    engine.dispose()


def _publish(session: Session, subject: str, body: str, note: str = "") -> PublicSnapshot:
    row = publish_snapshot(
        session,
        kind=KIND,
        subject=subject,
        title=f"对生产经营单位的检查（{body}）",
        unit_name="执法大队",
        snapshot={"format": "test/1", "code": subject, "body": body, "n": [1, 2]},
        who=principal(session),
        note=note,
    )
    session.commit()
    return row


def test_versions_digest_ledger_and_portal(session: Session) -> None:
    first = _publish(session, "T-001", "危险化学品")
    second = _publish(session, "T-001", "烟花爆竹", "依新修订的条例更新")
    other = _publish(session, "T-002", "其他")
    assert (first.version, second.version, other.version) == (1, 2, 1)
    session.refresh(first)
    assert first.status is SnapshotStatus.superseded
    assert second.supersedes_id == first.id and second.status is SnapshotStatus.published
    assert latest_published(session, KIND, "T-001").id == second.id
    # Frozen canonical text; the ledger entry's payload digest is the published digest.
    expected = {"format": "test/1", "code": "T-001", "body": "烟花爆竹", "n": [1, 2]}
    assert second.snapshot_json == canonical(expected)
    assert second.digest == digest(second.snapshot_json)
    entry = session.execute(
        select(ledger_entry).where(ledger_entry.c.index == second.ledger_index)
    ).one()
    assert entry.payload_sha256 == second.digest
    assert entry.kind == "public_snapshot.snapshot"
    # The portal's read model: the current version and the history, in the same commit.
    row = portal_snapshots.current(session, KIND, "T-001")
    assert row is not None and row.version == 2 and row.status == "published"
    assert row.snapshot_json == second.snapshot_json and row.ledger_index == second.ledger_index
    assert row.note == "依新修订的条例更新" and row.unit_name == "执法大队"
    events = [(v.version, v.event) for v in portal_snapshots.history(session, KIND, "T-001")]
    assert events == [(1, "publish"), (2, "update")]
    assert (
        portal_snapshots.snapshot_of(portal_snapshots.history(session, KIND, "T-001")[0])["body"]
        == "危险化学品"
    )
    # Search: a two-character word as written; all terms must match.
    assert [r.subject for r in portal_snapshots.listing(session, KIND, query="烟花")] == ["T-001"]
    assert portal_snapshots.listing(session, KIND, query="危险") == []  # no longer current
    assert [r.subject for r in portal_snapshots.listing(session, KIND, query="爆竹 执法大队")] == [
        "T-001"
    ]
    assert portal_snapshots.units(session, KIND) == ["执法大队"]
    assert list(check_rows(session)) == []


def test_channels_receive_snapshot_messages(session: Session) -> None:
    row = _publish(session, "T-010", "内容")
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.public_snapshot_id == row.id)
    )
    assert message is not None and message.publication_id is None
    assert message.event == OutboxEvent.publish
    deliveries = session.scalars(select(Delivery).where(Delivery.message_id == message.id)).all()
    receipts = {d.receipt for d in deliveries if d.status.value == "delivered"}
    assert any("不属双公示报送范围" in r for r in receipts)  # the 信用中国 export ignores it
    assert any(r.startswith("门户网站公示目录 T-010 第") for r in receipts)  # words, no codes
    # A webhook carries it in its own format, identified by kind and subject.
    body = payload(outgoing_message(session, message, "key-1"))
    assert body["format"] == "zhifa-public-snapshot/1"
    assert (body["kind"], body["subject"], body["version"]) == (KIND, "T-010", 1)
    assert body["digest"] == row.digest and body["snapshot"] == json.loads(row.snapshot_json)


def test_withdraw(session: Session) -> None:
    _publish(session, "T-020", "撤下前")
    row = withdraw_snapshot(session, KIND, "T-020", principal(session), "该事项已取消")
    session.commit()
    assert row.status is SnapshotStatus.withdrawn
    assert latest_published(session, KIND, "T-020") is None
    portal = portal_snapshots.current(session, KIND, "T-020")
    assert portal is not None and portal.status == "withdrawn" and portal.snapshot_json == ""
    assert portal.note == "该事项已取消"
    assert portal_snapshots.listing(session, kind=KIND) == []
    with pytest.raises(NotFound):
        withdraw_snapshot(session, KIND, "T-020", principal(session), "再次撤下")
    session.rollback()
    # Published again later: the next version, current again.
    again = _publish(session, "T-020", "重新公示")
    assert again.version == 2 and again.supersedes_id == row.id
    assert portal_snapshots.current(session, KIND, "T-020").status == "published"
    assert list(check_rows(session)) == []


@pytest.mark.parametrize(
    ("kind", "subject", "title", "snapshot", "field"),
    [
        ("Bad Kind", "S", "标题", {}, "kind"),
        ("power_item", " ", "标题", {}, "subject"),
        ("power_item", "S", "", {}, "title"),
        ("power_item", "S", "标题", {"x": float("nan")}, "snapshot"),
        ("power_item", "S", "标题", {"x": object()}, "snapshot"),
    ],
)
def test_bad_input_writes_nothing(
    session: Session, kind: str, subject: str, title: str, snapshot: dict, field: str
) -> None:
    before = session.scalar(
        select(ledger_entry.c.index).order_by(ledger_entry.c.index.desc()).limit(1)
    )
    with pytest.raises(DomainError) as error:
        publish_snapshot(
            session,
            kind=kind,
            subject=subject,
            title=title,
            unit_name="",
            snapshot=snapshot,
            who=principal(session),
        )
    assert error.value.field == field
    session.rollback()
    assert session.scalars(select(PublicSnapshot).where(PublicSnapshot.subject == "S")).all() == []
    after = session.scalar(
        select(ledger_entry.c.index).order_by(ledger_entry.c.index.desc()).limit(1)
    )
    assert after == before
