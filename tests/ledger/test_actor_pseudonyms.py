"""The public ledger names people by keyed pseudonyms only: a session without the key
cannot record a person's act (it fails, it never falls back to the name), text that is
no username is refused, and the bureau resolves a pseudonym (`zhifa ledger actor`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from zhifa.cli import app
from zhifa.core.audit import (
    ActorKeyMissing,
    ledger_actor,
    pseudonym,
    record_change,
    resolve_pseudonym,
)
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import Unit, UnitKind, User
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry

runner = CliRunner()


def _session(settings: Settings, *, keyed: bool) -> Session:
    engine = make_engine(settings.resolved_database_url)
    key = settings.ledger_actor_key() if keyed else None
    return make_session_factory(engine, actor_key=key)()


def _user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def test_pseudonyms_are_stable_keyed_and_resolvable(settings: Settings) -> None:
    key = settings.ledger_actor_key()
    other = Settings(secret_key="x" * 40).ledger_actor_key()
    with _session(settings, keyed=True) as db:
        legal = _user(db, "legal")
        actor = pseudonym(key, legal.id)
        assert actor.startswith("u:") and len(actor) == 22
        assert ledger_actor(db, "legal") == actor == pseudonym(key, legal.id)
        assert pseudonym(other, legal.id) != actor  # meaningless without the key
        assert resolve_pseudonym(db, key, actor) == legal
        assert resolve_pseudonym(db, other, actor) is None
        assert resolve_pseudonym(db, key, "legal") is None


def test_a_person_cannot_be_recorded_without_the_key(settings: Settings) -> None:
    with _session(settings, keyed=False) as db:
        unit = Unit(name="无密钥测试科", kind=UnitKind.section)
        db.add(unit)
        with pytest.raises(ActorKeyMissing):
            record_change(db, "legal", "unit.create", unit)
        db.rollback()
        db.add(unit := Unit(name="系统测试科", kind=UnitKind.section))
        record_change(db, None, "unit.create", unit)  # jobs and the CLI need no key
        db.commit()
        actor = db.scalar(select(ledger_entry.c.actor).order_by(ledger_entry.c["index"].desc()))
        assert actor == "system"


def test_typed_text_is_no_actor(settings: Settings) -> None:
    with _session(settings, keyed=True) as db:
        unit = Unit(name="输入测试科", kind=UnitKind.section)
        db.add(unit)
        for typed in ("13912345678", "no-such-user", "u:0123456789abcdef0123"):
            with pytest.raises(ValueError, match="ledger actor"):
                record_change(db, typed, "unit.create", unit)
        db.rollback()


def test_cli_resolves_a_pseudonym(sqlite_settings: Settings) -> None:
    data = str(sqlite_settings.data_dir)
    env = {"ZHIFA_SECRET_KEY": "t" * 40}
    with _session(sqlite_settings, keyed=True) as db:
        leader = _user(db, "leader")
        actor = pseudonym(sqlite_settings.ledger_actor_key(), leader.id)
    found = runner.invoke(app, ["ledger", "actor", actor, "--data-dir", data], env=env)
    assert found.exit_code == 0, found.output
    assert f"{actor}\tleader\t{leader.full_name}" in found.output
    by_name = runner.invoke(app, ["ledger", "actor", "leader", "--data-dir", data], env=env)
    assert by_name.exit_code == 0 and by_name.output.startswith(actor)
    system = runner.invoke(app, ["ledger", "actor", "system", "--data-dir", data], env=env)
    assert system.exit_code == 0 and "非个人" in system.output
    # Another instance's key resolves nothing: the pseudonym is only the bureau's to read.
    other = {"ZHIFA_SECRET_KEY": "o" * 40}
    lost = runner.invoke(app, ["ledger", "actor", actor, "--data-dir", data], env=other)
    assert lost.exit_code == 1 and "没有与" in lost.output
