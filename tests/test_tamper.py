"""The tamper suite: every kind of silent deletion or alteration is reported by
`zhifa verify` with where it happened, and a clean store verifies with exit code 0."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from zhifa.cli import app
from zhifa.core.blobstore import open_blob_store, store_blob
from zhifa.core.checkpoints import checkpoint_if_grown
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.enforcement import parties
from zhifa.ledger import generate_signer, sign_note
from zhifa.ledger.checkpoint import Checkpoint

runner = CliRunner()


def _verify(settings: Settings, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["verify", "--data-dir", str(settings.data_dir), *extra])
    return result.exit_code, result.output


def _sql(settings: Settings, statement: str, **params: object) -> None:
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def _one(settings: Settings, statement: str, **params: object) -> object:
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with engine.connect() as conn:
        value = conn.execute(text(statement), params).one()
    engine.dispose()
    return value


def _checkpoint(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine)() as db:
        checkpoint_if_grown(db, load_ledger_signer(settings), settings.log_origin)
    engine.dispose()


def _revise_first_party(settings: Settings, address: str) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        view = parties.get_party(db, 1)
        details = {k: getattr(view.current, k) for k in parties.PartyDetails.model_fields}
        data = parties.PartyRevision(**{**details, "address": address, "reason": "测试"})
        parties.revise_party(db, 1, data, who=None)
        db.commit()
    engine.dispose()


def _backup(src: Path, dst: Path) -> None:
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)


@pytest.fixture
def store(sqlite_settings: Settings) -> Iterator[Settings]:
    """A seeded store with two files, a signed checkpoint and one clean verification."""
    settings = sqlite_settings
    engine = make_engine(settings.resolved_database_url)
    blobs = open_blob_store(settings)
    with make_session_factory(engine)() as db:
        for content in (b"scene photo " * 1000, b"inspection record " * 500):
            store_blob(db, blobs, io.BytesIO(content), who=None, max_bytes=10**6)
        db.commit()
    engine.dispose()
    _checkpoint(settings)
    code, output = _verify(settings, "--full")
    assert code == 0, output
    assert "全部核验通过" in output
    yield settings


def _blob_file(settings: Settings, which: int = 0) -> Path:
    root = settings.data_dir / "blobs"
    found = sorted(root.rglob("*"), key=lambda p: p.name)
    files = [p for p in found if p.is_file() and "tmp" not in p.relative_to(root).parts]
    path = files[which]
    path.chmod(0o644)
    return path


def test_clean_store_verifies(store: Settings) -> None:
    code, output = _verify(store)
    assert code == 0 and "账本条目" in output


def test_byte_flipped_in_a_blob(store: Settings) -> None:
    path = _blob_file(store)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    code, output = _verify(store, "--full")
    assert code == 1
    assert "[文件]" in output and path.name in output and "mismatch" in output


def test_blob_deleted(store: Settings) -> None:
    path = _blob_file(store)
    path.unlink()
    code, output = _verify(store)  # recent files are always re-hashed
    assert code == 1 and path.name in output and "missing" in output


def test_blob_replaced_by_another_valid_file(store: Settings) -> None:
    first, second = _blob_file(store, 0), _blob_file(store, 1)
    first.write_bytes(second.read_bytes())
    code, output = _verify(store, "--full")
    assert code == 1 and first.name in output


def test_leaf_bytes_edited(store: Settings) -> None:
    (leaf,) = _one(store, 'SELECT leaf FROM ledger_entry WHERE "index" = 5')  # type: ignore[misc]
    _sql(
        store,
        'UPDATE ledger_entry SET leaf = :leaf WHERE "index" = 5',
        leaf=bytes(leaf).replace(b"system", b"sys7em"),
    )
    code, output = _verify(store)
    assert code == 1 and "条目 5" in output and "leaf_hash_mismatch" in output


def test_entry_deleted(store: Settings) -> None:
    _sql(store, 'DELETE FROM ledger_entry WHERE "index" = 10')
    code, output = _verify(store)
    assert code == 1 and "条目 10" in output and "gap" in output


def test_two_entries_swapped(store: Settings) -> None:
    rows = {}
    for index in (3, 4):
        rows[index] = _one(
            store,
            "SELECT time, actor, kind, subject, payload_sha256, leaf, leaf_hash "
            'FROM ledger_entry WHERE "index" = :i',
            i=index,
        )
    columns = ("time", "actor", "kind", "subject", "payload_sha256", "leaf", "leaf_hash")
    for index, other in ((3, 4), (4, 3)):
        values = dict(zip(columns, rows[other], strict=True))
        assignments = ", ".join(f"{c} = :{c}" for c in columns)
        _sql(store, f'UPDATE ledger_entry SET {assignments} WHERE "index" = :i', i=index, **values)
    code, output = _verify(store)
    assert code == 1 and "条目 3" in output and "条目 4" in output


def test_recorded_row_edited_without_entry(store: Settings) -> None:
    _sql(store, "UPDATE party_version SET name = '被改动的名称' WHERE id = 7")
    code, output = _verify(store)
    assert code == 1
    assert "[记录] party_version:7" in output and "被改动而未记录" in output


def test_recorded_row_deleted(store: Settings) -> None:
    _sql(store, "DELETE FROM certificate_version WHERE id = 14")
    code, output = _verify(store)
    assert code == 1 and "certificate_version:14" in output and "被删除" in output


def test_entry_forged_at_the_end_without_a_valid_checkpoint(store: Settings) -> None:
    """A forger appends a well-formed entry claiming a different state of a row, and
    signs a checkpoint with a key of their own: both are reported."""
    engine = make_engine(store.resolved_database_url)
    from zhifa import ledger

    with make_session_factory(engine)() as db:
        ledger.record(
            db,
            kind="party.revise",
            subject="party_version:2",
            actor="forger",
            payload={"table": "party_version", "row": {"name": "伪造"}},
        )
        db.commit()
    with make_session_factory(engine)() as db:
        from zhifa.ledger import sign_checkpoint

        sign_checkpoint(db, generate_signer(store.log_origin), origin=store.log_origin)
        db.commit()
    engine.dispose()
    code, output = _verify(store)
    assert code == 1
    assert "party_version:2" in output  # the row no longer matches its latest entry
    assert "checkpoint_untrusted" in output  # the forged checkpoint is not ours


def test_checkpoint_signature_altered(store: Settings) -> None:
    (note,) = _one(store, "SELECT signed_note FROM ledger_checkpoint ORDER BY id DESC LIMIT 1")  # type: ignore[misc]
    text_part, signature_line = str(note).rstrip("\n").rsplit("\n", 1)
    prefix, sig = signature_line.rsplit(" ", 1)
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    _sql(
        store,
        "UPDATE ledger_checkpoint SET signed_note = :n",
        n=f"{text_part}\n{prefix} {flipped}\n",
    )
    code, output = _verify(store)
    assert code == 1 and "检查点 #" in output


def test_checkpoint_signed_with_another_key(store: Settings) -> None:
    (size, root) = _one(store, "SELECT size, root_hash FROM ledger_checkpoint")  # type: ignore[misc]
    other = generate_signer(store.log_origin)
    note = sign_note(Checkpoint(store.log_origin, int(size), bytes(root)).to_text(), [other])
    _sql(store, "UPDATE ledger_checkpoint SET signed_note = :n", n=note)
    code, output = _verify(store)
    assert code == 1 and "checkpoint_untrusted" in output


def test_database_rolled_back_to_an_older_copy(store: Settings, tmp_path: Path) -> None:
    database = store.data_dir / "zhifa.sqlite3"
    _backup(database, tmp_path / "old.sqlite3")
    _revise_first_party(store, "上海市普陀区新地址1号")
    _checkpoint(store)
    assert _verify(store)[0] == 0  # this run remembers the newer checkpoint
    _backup(tmp_path / "old.sqlite3", database)
    code, output = _verify(store)
    assert code == 1 and "[回滚]" in output and "比上次核验时见到的" in output


def test_log_truncated_and_regrown(store: Settings, tmp_path: Path) -> None:
    database = store.data_dir / "zhifa.sqlite3"
    _backup(database, tmp_path / "old.sqlite3")
    _revise_first_party(store, "上海市普陀区甲路1号")
    _checkpoint(store)
    assert _verify(store)[0] == 0
    # Back to the old copy, then grown again by as many different entries.
    _backup(tmp_path / "old.sqlite3", database)
    _revise_first_party(store, "上海市普陀区乙路2号")
    _checkpoint(store)
    code, output = _verify(store)
    assert code == 1 and "[回滚]" in output and "不一致" in output
