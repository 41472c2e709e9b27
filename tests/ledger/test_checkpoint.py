"""Checkpoint text format, signing and the refusal to sign an inconsistent tree."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from zhifa.core.db import transaction
from zhifa.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    InconsistentCheckpoint,
    MalformedNote,
    Signer,
    generate_signer,
    latest_checkpoint,
    list_checkpoints,
    open_checkpoint,
    parse_checkpoint,
    parse_signer,
    record,
    sign_checkpoint,
    sign_note,
)
from zhifa.ledger.models import ledger_checkpoint, ledger_entry, ledger_head, ledger_node

ROOT8 = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")


def _record(session: Session, n: int, tag: str = "x") -> None:
    for i in range(n):
        record(session, kind="k", subject=f"{tag}/{i}", actor="a", payload={"i": i, "t": tag})


def test_checkpoint_text_format() -> None:
    cp = Checkpoint("example.com/behind-the-sofa", 8, ROOT8)
    text = "example.com/behind-the-sofa\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    assert cp.to_text() == text
    assert base64.b64decode("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=") == ROOT8
    assert parse_checkpoint(text) == cp
    with_ext = Checkpoint("o", 0, EMPTY_ROOT, ("ext one", "ext two"))
    assert parse_checkpoint(with_ext.to_text()) == with_ext


def test_signed_checkpoint_with_the_reference_key() -> None:
    # Golden value: Ed25519 is deterministic, so this note can be checked by any C2SP tool.
    signer = parse_signer(
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    )
    note = sign_note(Checkpoint("PeterNeumann", 8, ROOT8).to_text(), [signer])
    assert note.startswith("PeterNeumann\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n— ")
    assert open_checkpoint(note, [signer.verifier()]) == Checkpoint("PeterNeumann", 8, ROOT8)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n8\n",  # no root
        "origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",  # leading zero
        "origin\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n８\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",  # full-width digit
        "origin\n8\nAAAA\n",  # root too short
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",  # no final newline
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",  # empty origin
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n",  # empty extension
    ],
)
def test_malformed_checkpoint_text(text: str) -> None:
    with pytest.raises(MalformedNote):
        parse_checkpoint(text)


def test_sign_checkpoint_stores_each_one(factory: sessionmaker[Session], signer: Signer) -> None:
    with transaction(factory) as s:
        empty = sign_checkpoint(s, signer)
    assert (empty.size, empty.root_hash) == (0, EMPTY_ROOT)
    with transaction(factory) as s:
        _record(s, 5)
        first = sign_checkpoint(s, signer)
    with transaction(factory) as s:
        _record(s, 4, "y")
        second = sign_checkpoint(s, signer, origin="zhifa.test/other-origin")
    assert (first.size, second.size) == (5, 9)
    opened = open_checkpoint(second.signed_note, [signer.verifier()])
    assert opened == Checkpoint("zhifa.test/other-origin", 9, second.root_hash)
    assert first.signed_note.startswith(f"{signer.name}\n5\n")
    with factory() as s:
        assert [c.id for c in list_checkpoints(s)] == [empty.id, first.id, second.id]
        latest = latest_checkpoint(s)
    assert latest is not None and latest.signed_note == second.signed_note
    assert latest.created_at <= datetime.now(UTC)


def _truncate_and_regrow(factory: sessionmaker[Session], keep: int, regrow: int) -> None:
    """Tamper: drop entries from `keep` on, with their nodes, and append other ones."""
    with transaction(factory) as s:
        s.execute(delete(ledger_entry).where(ledger_entry.c["index"] >= keep))
        for level in range(1, 20):
            s.execute(
                delete(ledger_node).where(
                    ledger_node.c.level == level, ledger_node.c.idx >= keep >> level
                )
            )
        s.execute(update(ledger_head).values(size=keep))
    with transaction(factory) as s:
        _record(s, regrow, "forged")


def test_refuses_to_sign_a_rewritten_log(factory: sessionmaker[Session], signer: Signer) -> None:
    with transaction(factory) as s:
        _record(s, 10)
        sign_checkpoint(s, signer)
    _truncate_and_regrow(factory, keep=6, regrow=7)
    with pytest.raises(InconsistentCheckpoint, match="not consistent"), transaction(factory) as s:
        sign_checkpoint(s, signer)
    with factory() as s:
        assert len(list_checkpoints(s)) == 1


def test_refuses_to_sign_a_shrunk_log(factory: sessionmaker[Session], signer: Signer) -> None:
    with transaction(factory) as s:
        _record(s, 10)
        sign_checkpoint(s, signer)
    _truncate_and_regrow(factory, keep=6, regrow=0)
    with pytest.raises(InconsistentCheckpoint, match="signed 10"), transaction(factory) as s:
        sign_checkpoint(s, signer)


def test_refuses_when_the_last_checkpoint_was_forged(
    factory: sessionmaker[Session], signer: Signer
) -> None:
    with transaction(factory) as s:
        _record(s, 3)
        stored = sign_checkpoint(s, signer)
    forged = stored.signed_note.replace("\n3\n", "\n2\n")
    with transaction(factory) as s:
        s.execute(update(ledger_checkpoint).values(signed_note=forged))
    with pytest.raises(InconsistentCheckpoint, match="not valid"), transaction(factory) as s:
        sign_checkpoint(s, signer)


def test_a_new_key_may_continue_a_log(factory: sessionmaker[Session], signer: Signer) -> None:
    with transaction(factory) as s:
        _record(s, 3)
        sign_checkpoint(s, signer)
    rotated = generate_signer(signer.name)
    with transaction(factory) as s:
        _record(s, 2)
        cp = sign_checkpoint(s, rotated)
    assert cp.size == 5
