"""Signing the ledger's checkpoints: on demand and as a scheduled job."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhifa.core.features import JobContext
from zhifa.core.keys import load_ledger_signer
from zhifa.ledger import Signer, StoredCheckpoint, latest_checkpoint, lock, sign_checkpoint


def checkpoint_if_grown(db: Session, signer: Signer, origin: str) -> StoredCheckpoint | None:
    """Sign the tree head unless the latest checkpoint already covers it. Commits."""
    size = lock(db)  # under the appenders' lock, so several processes sign once per size
    latest = latest_checkpoint(db)
    if size == 0 or (latest is not None and latest.size == size):
        db.rollback()
        return None
    stored = sign_checkpoint(db, signer, origin=origin)
    db.commit()
    return stored


def checkpoint_job(context: JobContext) -> str:
    """The scheduled job: sign a checkpoint if the log grew since the last one."""
    signer = load_ledger_signer(context.settings)
    with context.factory() as db:
        stored = checkpoint_if_grown(db, signer, context.settings.log_origin)
    return f"已签名检查点（账本大小 {stored.size}）" if stored else "账本未增长，无需签名"
