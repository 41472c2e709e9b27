"""An archive record's ledger evidence: its latest entry, the snapshot payload that entry
hashes, a signed checkpoint that covers it (signed now, in the caller's transaction, if
the newest one does not yet) and the entry's inclusion proof in that checkpoint's tree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.archive.packages.source import LedgerEvidence
from zhifa.core.audit import snapshot, subject_of
from zhifa.core.db import Base
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.ledger import (
    Entry,
    ProofError,
    SqlNodeStore,
    StoredCheckpoint,
    canonical_json,
    get_entry,
    inclusion_proof,
    latest_checkpoint,
    leaf_hash,
    sign_checkpoint,
    verify_inclusion,
)
from zhifa.ledger.models import ledger_entry


def latest_entry(db: Session, row: Base) -> Entry | None:
    """The newest ledger entry of a recorded row, or None if it was never recorded."""
    index = db.scalar(
        select(func.max(ledger_entry.c["index"])).where(ledger_entry.c.subject == subject_of(row))
    )
    return None if index is None else get_entry(db, int(index))


def covering_checkpoint(db: Session, settings: Settings, index: int) -> StoredCheckpoint:
    """A signed checkpoint whose tree holds entry ``index``: the newest one, or one signed
    now (in the caller's transaction) when the newest predates the entry."""
    latest = latest_checkpoint(db)
    if latest is not None and latest.size > index:
        return latest
    signer = load_ledger_signer(settings)
    return sign_checkpoint(db, signer, origin=settings.log_origin)


@dataclass(frozen=True)
class RowEvidence:
    entry: Entry
    evidence: LedgerEvidence
    proof_ok: bool


def row_evidence(db: Session, row: Base, checkpoint: StoredCheckpoint) -> RowEvidence | None:
    """The row's latest entry with its payload and inclusion proof in ``checkpoint``; None
    when the row has no entry or the checkpoint does not cover it."""
    entry = latest_entry(db, row)
    if entry is None or entry.index >= checkpoint.size:
        return None
    proof = inclusion_proof(SqlNodeStore(db, size=checkpoint.size), entry.index, checkpoint.size)
    evidence = LedgerEvidence(entry.index, entry.leaf, canonical_json(snapshot(row)), proof)
    try:
        verify_inclusion(
            entry.index, checkpoint.size, leaf_hash(entry.leaf), list(proof), checkpoint.root_hash
        )
        proof_ok = True
    except ProofError:
        proof_ok = False
    return RowEvidence(entry, evidence, proof_ok)
