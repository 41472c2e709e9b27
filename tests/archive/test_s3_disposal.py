"""Holds and disposal against a real SeaweedFS with S3 Object Lock: each object's own
retain-until is set when it is stored and at filing, a hold extends it, the server
refuses to delete before that date (the item is reported "锁定未到期" and stays) and
lets it go once the date has passed; `zhifa verify --full` is clean afterwards.

The instance's blob store URL is S3 (`blob_url`, credentials from the standard AWS
variables). Its default lock is `retention_days=1`; the services here get the same
bucket opened with a default lock of a few seconds, the one shortcut that lets a lock
pass while the test runs (deployment sets retention_days, never seconds)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.archive.disposal_helpers import (
    ARCHIVIST,
    LEGAL,
    closed_inspection_with_old_clips,
    execute,
    months_ago,
    through_approval,
)
from tests.archive.helpers import file_case, ready_to_file
from tests.blobs import conftest as blob_fixtures
from tests.blobs.conftest import SeaweedS3
from tests.factories import principal
from zhifa.archive.disposal import service as disposal
from zhifa.archive.disposal.due import expired
from zhifa.archive.disposal.rules import BlobOutcome, ItemState, TargetKind
from zhifa.archive.holds import service as holds
from zhifa.archive.holds.rules import HoldKind, HoldTarget
from zhifa.blobs import BlobStore, open_store
from zhifa.core.blobstore import lock_after, open_blob_store
from zhifa.core.clock import today
from zhifa.core.db import factory_like
from zhifa.core.features import JobContext, registry
from zhifa.core.keys import load_ledger_verifier
from zhifa.core.schema import all_metadata
from zhifa.core.settings import Settings, load_settings
from zhifa.core.verification import verify_instance

pytestmark = pytest.mark.s3
seaweedfs_s3 = blob_fixtures.seaweedfs_s3  # the suite's SeaweedFS server, one per session

SHORT_DEFAULT = timedelta(seconds=3)  # not a legal limit: a test store's default lock
GIVE_UP_AFTER = 60.0  # an upper bound while waiting for a short lock, never a timing check


@pytest.fixture
def s3_settings(
    settings: Settings,
    seaweedfs_s3: SeaweedS3,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Settings]:
    """The archive fixture's instance moved onto a fresh S3 bucket: every blob copied."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs_s3.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs_s3.secret_key)
    url = (
        f"s3://zhifa-{secrets.token_hex(4)}?endpoint={seaweedfs_s3.endpoint}"
        "&region=us-east-1&retention_days=1"
    )
    local = open_blob_store(settings)
    moved = load_settings(
        settings.data_dir,
        database_url=settings.resolved_database_url,
        blob_url=url,
        secret_key=settings.secret_key,
    )
    store = _short(moved)
    for digest in local.iter_digests():
        with local.open(digest) as stream:
            assert store.put(stream).digest == digest
    yield moved


def _short(settings: Settings) -> BlobStore:
    return open_store(settings.resolved_blob_url, retention=SHORT_DEFAULT)


def _wait_unlocked(store: BlobStore, digest: str) -> None:
    deadline = time.monotonic() + GIVE_UP_AFTER
    while time.monotonic() < deadline:
        until = store.retained_until(digest)
        if until is None or until < datetime.now(UTC):
            return
        time.sleep(0.2)
    raise AssertionError(f"{digest} still locked after {GIVE_UP_AFTER:.0f}s")


def _object_exists(seaweed: SeaweedS3, settings: Settings, digest: str) -> bool:
    bucket = settings.resolved_blob_url.split("://", 1)[1].split("?", 1)[0]
    client = seaweed.client()
    listed = client.list_objects_v2(Bucket=bucket)
    return any(digest.split(":", 1)[1] in obj["Key"] for obj in listed.get("Contents", []))


def test_per_object_locks_holds_and_disposal_on_seaweedfs(
    s3_settings: Settings,
    db: Session,
    seaweedfs_s3: SeaweedS3,
) -> None:
    store = _short(s3_settings)
    demo = len(expired(db, today()))  # the demo's own routine inspection clip
    ready_to_file(db)
    archive = file_case(db, store)
    db.commit()
    assert archive.keep_until is not None
    # set at filing, per object: through the file's period, not the bucket's default
    for item in archive.items:
        assert store.retained_until(item.digest) == lock_after(archive.keep_until)
    _, (gone,) = closed_inspection_with_old_clips(
        db, settings=s3_settings, store=store, recorded=months_ago(7)
    )
    _, (held,) = closed_inspection_with_old_clips(
        db, settings=s3_settings, store=store, recorded=months_ago(8)
    )
    assert gone.digest != held.digest
    before = store.retained_until(held.digest)
    hold = holds.place(
        db,
        store,
        holds.HoldIn(
            hold_kind=HoldKind.review,
            hold_target=HoldTarget.media,
            hold_target_id=held.id,
            reason="当事人申请行政复议",
            hold_reference="普府复〔2026〕8号",
        ),
        principal(db, LEGAL),
    )
    extended = store.retained_until(held.digest)
    assert extended is not None and (before is None or extended > before)
    assert extended > datetime.now(UTC) + timedelta(days=364)
    holds.release(db, hold.id, holds.ReleaseIn(release_reason="复议决定维持"), principal(db, LEGAL))
    db.commit()
    assert store.retained_until(held.digest) == extended  # never shortened

    day = archive.keep_until + timedelta(days=1)
    targets = [f"media:{gone.id}", f"media:{held.id}", f"archive_file:{archive.id}"]
    batch = disposal.create_batch(
        db, disposal.BatchIn(due_items=targets), principal(db, ARCHIVIST), day
    )
    through_approval(db, store, batch, day)
    _wait_unlocked(store, gone.digest)
    execute(db, store, batch.id, ARCHIVIST, day)
    batch = disposal.get_batch(db, batch.id)
    states = {(i.target_kind, i.target_id): i.state for i in batch.items}
    assert states == {
        (TargetKind.media, gone.id): ItemState.destroyed,
        (TargetKind.media, held.id): ItemState.locked,
        (TargetKind.archive_file, archive.id): ItemState.locked,
    }
    outcomes = disposal.outcomes_of(db, batch)
    for item in batch.items:
        for outcome in outcomes[item.id]:
            assert store.exists(outcome.digest) == (outcome.outcome is not BlobOutcome.removed)
            if outcome.outcome is BlobOutcome.locked:
                assert "锁定至" in outcome.detail
    assert not _object_exists(seaweedfs_s3, s3_settings, gone.digest)
    assert _object_exists(seaweedfs_s3, s3_settings, held.digest)
    all_metadata()
    report = verify_instance(s3_settings, db, store, load_ledger_verifier(s3_settings), full=True)
    assert report.problems == []
    # both clips show the same first frame: the thumbnail is shared and stays
    assert gone.thumbnail_digest == held.thumbnail_digest
    assert store.exists(gone.thumbnail_digest or "")
    assert [line.split(" ", 2)[1].rstrip(":") for line in report.disposed] == [gone.digest]
    # The instance's own store (its URL) serves the job; the locked items are due again.
    db.commit()
    job = registry().jobs["archive.disposal_due"]
    report_line = job.run(JobContext(factory_like(db), s3_settings))
    # today (the real day): the released clip, whose lock still runs, is due again
    n = demo + 1
    assert report_line == (
        f"到期待鉴定 {n} 件（案卷 0，未归档视音频 {n}）；保全或已列入批次 0 件；续期保全锁定 0 项"
    )
