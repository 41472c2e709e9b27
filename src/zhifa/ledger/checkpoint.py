"""Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes.

A checkpoint's text is: origin line, decimal tree size, base64 root hash, then optional
extension lines. `sign_checkpoint` never signs a tree that is not an extension of the
tree the previous stored checkpoint signed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, insert, select
from sqlalchemy.orm import Session

from zhifa.ledger.log import LedgerError, SqlNodeStore, lock
from zhifa.ledger.merkle import (
    HASH_SIZE,
    ProofError,
    consistency_proof,
    root_hash,
    verify_consistency,
)
from zhifa.ledger.models import ledger_checkpoint
from zhifa.ledger.note import (
    MalformedNote,
    NoteError,
    Signer,
    Verifier,
    open_note,
    parse_note,
    sign_note,
)


class InconsistentCheckpoint(LedgerError):
    """The log is no longer an extension of the last signed checkpoint: refuse to sign."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def to_text(self) -> str:
        if not self.origin or "\n" in self.origin:
            raise ValueError("origin must be one non-empty line")
        if any(not line or "\n" in line for line in self.extensions):
            raise ValueError("extension lines must be non-empty single lines")
        root = base64.b64encode(self.root_hash).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note text (without its signatures)."""
    if not text.endswith("\n"):
        raise MalformedNote("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise MalformedNote("checkpoint needs origin, size and root on non-empty lines")
    origin, size_text, root_text, *extensions = lines
    if not size_text.isascii() or not size_text.isdigit():
        raise MalformedNote(f"tree size is not a decimal number: {size_text!r}")
    if size_text != str(int(size_text)):
        raise MalformedNote("tree size has leading zeroes")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedNote("root hash is not base64") from None
    if len(root) != HASH_SIZE:
        raise MalformedNote(f"root hash must be {HASH_SIZE} bytes")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def open_checkpoint(note: str, verifiers: Sequence[Verifier]) -> Checkpoint:
    """Verify a signed checkpoint note and return its checkpoint."""
    return parse_checkpoint(open_note(note, verifiers).text)


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    size: int
    root_hash: bytes
    signed_note: str
    created_at: datetime


def _stored(row: Any) -> StoredCheckpoint:
    return StoredCheckpoint(
        id=int(row.id),
        size=int(row.size),
        root_hash=bytes(row.root_hash),
        signed_note=row.signed_note,
        created_at=row.created_at,
    )


def list_checkpoints(session: Session | Connection) -> list[StoredCheckpoint]:
    rows = session.execute(select(ledger_checkpoint).order_by(ledger_checkpoint.c.id))
    return [_stored(row) for row in rows]


def checkpoint_by_id(session: Session | Connection, checkpoint_id: int) -> StoredCheckpoint | None:
    row = session.execute(
        select(ledger_checkpoint).where(ledger_checkpoint.c.id == checkpoint_id)
    ).first()
    return None if row is None else _stored(row)


def latest_checkpoint(session: Session | Connection) -> StoredCheckpoint | None:
    row = session.execute(
        select(ledger_checkpoint).order_by(ledger_checkpoint.c.id.desc()).limit(1)
    ).first()
    return None if row is None else _stored(row)


def _signed_state(previous: StoredCheckpoint, signer: Signer) -> Checkpoint:
    """What the previous checkpoint's note says; its signature is checked if it is ours."""
    try:
        note = parse_note(previous.signed_note)
        mine = signer.verifier()
        if any((s.name, s.key_id) == (mine.name, mine.key_id) for s in note.signatures):
            note = open_note(previous.signed_note, [mine])
        return parse_checkpoint(note.text)
    except NoteError as exc:
        raise InconsistentCheckpoint(f"checkpoint {previous.id} is not valid: {exc}") from exc


def sign_checkpoint(
    session: Session,
    signer: Signer,
    *,
    origin: str | None = None,
    extensions: Sequence[str] = (),
    time: datetime | None = None,
) -> StoredCheckpoint:
    """Sign the current tree head and store it, in the caller's transaction, stamped
    ``time`` (timezone-aware; default now).

    Takes the appenders' lock so the size cannot move while signing. Raises
    InconsistentCheckpoint if the tree does not extend the last stored checkpoint.
    """
    size = lock(session)
    store = SqlNodeStore(session.connection(), size=size)
    root = root_hash(store, size)
    previous = latest_checkpoint(session)
    if previous is not None:
        _check_extends(store, previous, signer, size, root)
    checkpoint = Checkpoint(origin or signer.name, size, root, tuple(extensions))
    note = sign_note(checkpoint.to_text(), [signer])
    if time is not None and time.tzinfo is None:
        raise ValueError("checkpoint times must be timezone-aware")
    created_at = (time or datetime.now(UTC)).astimezone(UTC)
    values = {"size": size, "root_hash": root, "signed_note": note, "created_at": created_at}
    inserted = session.execute(insert(ledger_checkpoint).values(values))
    new_id = cast("CursorResult[Any]", inserted).inserted_primary_key
    assert new_id is not None
    return StoredCheckpoint(int(new_id[0]), size, root, note, created_at)


def _check_extends(
    store: SqlNodeStore, previous: StoredCheckpoint, signer: Signer, size: int, root: bytes
) -> None:
    signed = _signed_state(previous, signer)
    if signed.size > size:
        raise InconsistentCheckpoint(
            f"log has {size} entries but checkpoint {previous.id} signed {signed.size}"
        )
    try:
        proof = consistency_proof(store, signed.size, size)
        verify_consistency(signed.size, size, signed.root_hash, root, proof)
    except (ProofError, LookupError) as exc:
        raise InconsistentCheckpoint(
            f"log of size {size} is not consistent with checkpoint {previous.id} "
            f"(size {signed.size}): {exc}"
        ) from exc
