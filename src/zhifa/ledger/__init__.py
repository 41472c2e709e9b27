"""The tamper-evident, append-only log (RFC 9162 Merkle tree, C2SP signed checkpoints).

Imports nothing else of zhifa, so it can be published on its own.

Use:
- `record(session, kind=..., subject=..., actor=..., payload=...)` in the same transaction
  as the change it records; the entry commits or rolls back with it.
- `sign_checkpoint(session, signer)` now and then (it refuses a tree that does not extend
  the last checkpoint); `verify_log(session, verifiers)` for `zhifa verify`.
- Proofs: `inclusion_proof(SqlNodeStore(session), index, size)` and friends.

Locking: the first `record()` (or `lock()`) of a transaction takes the appenders' lock,
held until commit. On SQLite it is the database write lock; a transaction that reads
before its first write must begin with BEGIN IMMEDIATE (zhifa's engine does), or a
concurrent commit makes its first write fail with "database is locked": WAL mode cannot
upgrade a stale read snapshot. Nothing is written then; the caller may retry.
On PostgreSQL it is an advisory lock plus a row lock on ledger_head.

Tables live on `zhifa.ledger.models.metadata`; `ledger_head` creates its own row.
"""

from zhifa.ledger.checkpoint import (
    Checkpoint,
    InconsistentCheckpoint,
    StoredCheckpoint,
    checkpoint_by_id,
    latest_checkpoint,
    list_checkpoints,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from zhifa.ledger.log import (
    Entry,
    LedgerError,
    SqlNodeStore,
    canonical_json,
    get_entry,
    lock,
    log_size,
    payload_digest,
    record,
)
from zhifa.ledger.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_from_leaves,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from zhifa.ledger.models import metadata
from zhifa.ledger.note import (
    InvalidNoteSignature,
    MalformedNote,
    Note,
    NoteError,
    NoteSignature,
    Signer,
    UnverifiedNote,
    Verifier,
    generate_signer,
    open_note,
    parse_note,
    parse_signer,
    parse_verifier,
    sign_note,
    signer_from_pem,
    signer_to_pem,
    signer_to_string,
)
from zhifa.ledger.store import MemoryNodeStore, MissingNode, NodeStore
from zhifa.ledger.verify import Finding, Problem, verify_log

__all__ = [
    "EMPTY_ROOT",
    "Checkpoint",
    "Entry",
    "Finding",
    "InconsistentCheckpoint",
    "InvalidNoteSignature",
    "LedgerError",
    "MalformedNote",
    "MemoryNodeStore",
    "MissingNode",
    "NodeStore",
    "Note",
    "NoteError",
    "NoteSignature",
    "Problem",
    "ProofError",
    "Signer",
    "SqlNodeStore",
    "StoredCheckpoint",
    "UnverifiedNote",
    "Verifier",
    "canonical_json",
    "checkpoint_by_id",
    "consistency_proof",
    "generate_signer",
    "get_entry",
    "inclusion_proof",
    "latest_checkpoint",
    "leaf_hash",
    "list_checkpoints",
    "lock",
    "log_size",
    "metadata",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "parse_signer",
    "parse_verifier",
    "payload_digest",
    "record",
    "root_from_inclusion_proof",
    "root_from_leaves",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "signer_from_pem",
    "signer_to_pem",
    "signer_to_string",
    "verify_consistency",
    "verify_inclusion",
    "verify_log",
]
