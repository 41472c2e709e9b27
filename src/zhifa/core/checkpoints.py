"""Signing the ledger's checkpoints: on demand and by a background job."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from zhifa.ledger import Signer, StoredCheckpoint, latest_checkpoint, lock, sign_checkpoint

log = logging.getLogger(__name__)


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


class CheckpointJob:
    """A daemon thread that signs a checkpoint every ``interval`` seconds if the log grew."""

    def __init__(
        self, factory: sessionmaker[Session], signer: Signer, origin: str, interval: float
    ) -> None:
        self._factory, self._signer, self._origin = factory, signer, origin
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zhifa-checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                with self._factory() as db:
                    stored = checkpoint_if_grown(db, self._signer, self._origin)
                if stored is not None:
                    log.info("signed checkpoint at size %d", stored.size)
            except Exception:  # keep signing later; the failure is in the log
                log.exception("checkpoint signing failed")
