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

from sqlalchemy.orm import Session

from zhifa.core.db import ACTOR_KEY, make_engine, make_session_factory


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
