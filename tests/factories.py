"""Builders of test data that go through the services, and the one way a test writes
beside a running app.

`writing(db)`: the app's background jobs commit at any moment, and on SQLite a session
whose transaction began with a read (the ``db`` fixture, so that its reads never hold
the app up) cannot write after another connection committed — WAL refuses to upgrade a
stale snapshot with 'database is locked' at once, whatever the busy timeout. So a test
writes through a short transaction of its own that begins as a write, like the app's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.core.db import ACTOR_KEY, make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.enforcement import actions
from zhifa.enforcement.models import PartyKind, PowerItem
from zhifa.enforcement.parties import find_parties
from zhifa.enforcement.steps import procedure


@contextmanager
def writing(db: Session) -> Iterator[Session]:
    """A write transaction on ``db``'s database (same actor key), committed when the block
    ends; ``db`` is rolled back first, and after, so its next read sees what was written."""
    db.rollback()
    url = db.get_bind().url.render_as_string(hide_password=False)  # type: ignore[union-attr]
    engine = make_engine(url)
    try:
        with make_session_factory(engine, actor_key=db.info.get(ACTOR_KEY))() as session:
            yield session
            session.commit()
    finally:
        engine.dispose()
        db.rollback()


# ---- builders ------------------------------------------------------------------------------
# The demo's people, by what the tests need them for (zhifa.demo.data seeds them).
OFFICER, PARTNER = "zhangwei", "wanglei"  # 张伟, 王磊: 执法大队, valid certificates


def principal(db: Session, username: str) -> Principal:
    """The demo user ``username`` as the services see a signed-in person."""
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None, f"no demo user {username}"
    return Principal(user.id, user.username, user.full_name, user.roles)


def open_action(
    settings: Settings,
    procedure_code: str = "penalty.general",
    *,
    party_kind: PartyKind | None = PartyKind.enterprise,
    username: str = OFFICER,
    partner: str = PARTNER,
    title: str = "未如实记录安全生产教育和培训情况",
) -> int:
    """An action opened through the service by ``username`` with ``partner`` as the second
    officer (both must hold valid certificates), for the first demo party of
    ``party_kind`` (any kind if None) and the first power item of the procedure's kind;
    committed, returns its id."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
            who, second = principal(db, username), principal(db, partner)
            valid = {o.user.id for o in list_officers(db) if o.has_valid_certificate(today())}
            assert {who.user_id, second.user_id} <= valid, "both officers need valid certificates"
            proc = procedure(procedure_code)
            item = db.scalars(
                select(PowerItem).where(PowerItem.kind == proc.kind).order_by(PowerItem.code)
            ).first()
            assert item is not None
            parties, _ = find_parties(db, kind=party_kind) if party_kind else find_parties(db)
            data = actions.ActionIn(
                procedure=procedure_code,
                party_id=parties[0].party.id,
                power_item_id=item.id,
                title=title,
                officer_ids=[who.user_id, second.user_id],
            )
            action = actions.open_action(db, data, who)
            db.commit()
            return action.id
    finally:
        engine.dispose()
