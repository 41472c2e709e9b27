"""Waiting out a short lock: try ``remove`` until it goes through, checking every refusal."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from zhifa.blobs import BlobLocked, BlobStore

#: Upper bound only (a lock a few seconds ahead ends long before): never a timing check.
GIVE_UP_AFTER = 120.0


def remove_once_unlocked(store: BlobStore, digest: str) -> tuple[int, datetime]:
    """Remove the blob as soon as the store lets it go; returns how often it was refused
    and when the removal went through. Every refusal must leave the content intact."""
    refusals = 0
    deadline = time.monotonic() + GIVE_UP_AFTER
    while time.monotonic() < deadline:
        try:
            store.remove(digest)
        except BlobLocked as locked:
            refusals += 1
            assert locked.until == store.retained_until(digest)
            assert store.verify(digest), "a refused removal must leave the content intact"
            time.sleep(0.1)
            continue
        return refusals, datetime.now(UTC)
    raise AssertionError(f"{digest} was still locked after {GIVE_UP_AFTER:.0f}s")
