"""Per-object lock dates on a real SeaweedFS: set at put, extended by retain (a hold),
never shortened, and removal refused by the server until the date has passed.

What SeaweedFS 4.x does with lock dates (asserted below through the S3 API): it keeps
retain-until in whole seconds, cutting off any fraction; it refuses a DeleteObject of a
locked version with 403 AccessDenied and lets it through once the stored second has
passed; it refuses a PutObject whose retain-until has already passed (InvalidRequest).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zhifa.blobs import (
    BlobLocked,
    BlobNotFound,
    InvalidRetention,
    S3BlobStore,
)
from zhifa.blobs import s3 as s3_module

from .conftest import SeaweedS3
from .lockwait import remove_once_unlocked
from .streams import PatternStream

pytestmark = pytest.mark.s3

MIB = 1024 * 1024
StoreFactory = Callable[..., S3BlobStore]


@pytest.fixture
def s3(seaweedfs_s3: SeaweedS3) -> Any:
    return seaweedfs_s3.client()


@pytest.fixture
def store(seaweedfs_s3: SeaweedS3) -> S3BlobStore:
    return S3BlobStore(
        f"locks-{secrets.token_hex(4)}",
        retention=timedelta(days=1),
        endpoint_url=seaweedfs_s3.endpoint,
        access_key=seaweedfs_s3.access_key,
        secret_key=seaweedfs_s3.secret_key,
        part_size=5 * MIB,
        copy_part_size=5 * MIB,
    )


def _in(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)  # not a legal limit: test lock dates


def _whole(when: datetime) -> datetime:
    """A date rounded up to the whole second, as the store sets it."""
    return when.replace(microsecond=0) + timedelta(seconds=1 if when.microsecond else 0)


def _server_dates(s3: Any, store: S3BlobStore, digest: str) -> list[datetime]:
    key = store._key(digest)
    versions = s3.list_object_versions(Bucket=store.bucket, Prefix=key).get("Versions", [])
    heads = [
        s3.head_object(Bucket=store.bucket, Key=key, VersionId=v["VersionId"]) for v in versions
    ]
    assert all(h["ObjectLockMode"] == "COMPLIANCE" for h in heads)
    return [h["ObjectLockRetainUntilDate"] for h in heads]


def test_each_blob_is_locked_until_its_own_date(store: S3BlobStore, s3: Any) -> None:
    soon, late = _in(days=10, microseconds=500_000), _in(days=400)
    first = store.put(io.BytesIO(b"kept ten days"), retain_until=soon)
    second = store.put(PatternStream(7 * MIB, seed=11), retain_until=late)  # multipart path
    assert _server_dates(s3, store, first.digest) == [_whole(soon)]
    assert _server_dates(s3, store, second.digest) == [_whole(late)]
    assert store.retained_until(first.digest) == _whole(soon)
    assert store.retained_until(second.digest) == _whole(late)
    # A blob stored without a date still gets the store's default period.
    plain = store.put(io.BytesIO(b"default period"))
    (until,) = _server_dates(s3, store, plain.digest)
    assert _in(hours=23) < until < _in(hours=25)


def test_remove_is_refused_while_locked(store: S3BlobStore, s3: Any) -> None:
    until = _in(days=3)
    info = store.put(io.BytesIO(b"evidence under lock"), retain_until=until)
    with pytest.raises(BlobLocked) as refused:
        store.remove(info.digest)
    assert refused.value.until == _whole(until)
    assert "北京时间" in refused.value.message_zh and "不能删除" in refused.value.message_zh
    assert store.exists(info.digest) and store.verify(info.digest)
    assert len(_server_dates(s3, store, info.digest)) == 1


def test_server_refuses_when_the_clocks_disagree(
    store: S3BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's own check is only a courtesy: a client clock running days ahead gets
    past it, and SeaweedFS's AccessDenied on the locked version still stops the delete."""
    info = store.put(io.BytesIO(b"the server decides"), retain_until=_in(days=1))

    class AheadClock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) + timedelta(days=2)  # not a legal limit: a skewed clock

    monkeypatch.setattr(s3_module, "datetime", AheadClock)
    with pytest.raises(BlobLocked) as refused:
        store.remove(info.digest)
    assert isinstance(refused.value.__cause__, ClientError)
    assert refused.value.__cause__.response["Error"]["Code"] == "AccessDenied"
    monkeypatch.undo()
    assert store.verify(info.digest)


def test_remove_deletes_every_version_once_the_date_has_passed(store: S3BlobStore, s3: Any) -> None:
    until = _in(seconds=3)
    info = store.put(io.BytesIO(b"disposed of after its period"), retain_until=until)
    key = store._key(info.digest)
    # What the key may also hold: a racing writer's locked copy, a newer version, a marker.
    s3.put_object(
        Bucket=store.bucket,
        Key=key,
        Body=b"disposed of after its period",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=_whole(until),
    )
    s3.put_object(Bucket=store.bucket, Key=key, Body=b"an unlocked newer version")
    s3.delete_object(Bucket=store.bucket, Key=key)

    _refusals, removed_at = remove_once_unlocked(store, info.digest)
    assert removed_at >= _whole(until)  # never before the date
    listing = s3.list_object_versions(Bucket=store.bucket, Prefix=key)
    assert listing.get("Versions", []) == [] and listing.get("DeleteMarkers", []) == []
    assert not store.exists(info.digest)
    assert store.verify(info.digest).problem == "missing"
    assert list(store.iter_digests()) == []
    with pytest.raises(BlobNotFound):
        store.remove(info.digest)


def test_retain_extends_and_never_shortens(store: S3BlobStore, s3: Any) -> None:
    first, later = _in(days=2), _in(days=5)
    info = store.put(io.BytesIO(b"under a hold"), retain_until=first)
    assert store.retain(info.digest, later) == _whole(later)
    assert _server_dates(s3, store, info.digest) == [_whole(later)]
    # An earlier date is no request to shorten: the later date in force is returned.
    assert store.retain(info.digest, first) == _whole(later)
    assert _server_dates(s3, store, info.digest) == [_whole(later)]
    assert store.retained_until(info.digest) == _whole(later)


def test_retain_refuses_bad_dates_and_unknown_blobs(store: S3BlobStore) -> None:
    info = store.put(io.BytesIO(b"dated"))
    with pytest.raises(InvalidRetention):
        store.retain(info.digest, datetime(2099, 1, 1))  # no time zone
    with pytest.raises(InvalidRetention):
        store.retain(info.digest, _in(seconds=-1))
    with pytest.raises(InvalidRetention):
        store.put(io.BytesIO(b"never stored"), retain_until=_in(days=-1))
    unknown = "sha256:" + "0" * 64
    for call in (
        lambda: store.retain(unknown, _in(days=1)),
        lambda: store.retained_until(unknown),
        lambda: store.remove(unknown),
    ):
        with pytest.raises(BlobNotFound):
            call()


def test_a_hold_keeps_the_blob_past_its_original_date(store: S3BlobStore) -> None:
    original, hold = _in(seconds=2), _in(seconds=6)
    info = store.put(io.BytesIO(b"held for an inquiry"), retain_until=original)
    assert store.retain(info.digest, hold) == _whole(hold)
    _refusals, removed_at = remove_once_unlocked(store, info.digest)
    assert removed_at >= _whole(hold) > _whole(original)
    assert not store.exists(info.digest)


def test_putting_again_extends_and_never_shortens(store: S3BlobStore, s3: Any) -> None:
    sooner, later = _in(days=2), _in(days=30)
    data = b"relied on by a second record"
    info = store.put(io.BytesIO(data), retain_until=sooner)
    store.put(io.BytesIO(data), retain_until=later)
    assert _server_dates(s3, store, info.digest) == [_whole(later)]
    store.put(io.BytesIO(data), retain_until=sooner)
    store.put(io.BytesIO(data))  # the default period (1 day) ends sooner still
    assert _server_dates(s3, store, info.digest) == [_whole(later)]
    big = store.put(PatternStream(6 * MIB, seed=12), retain_until=sooner)
    store.put(PatternStream(6 * MIB, seed=12), retain_until=later)
    assert _server_dates(s3, store, big.digest) == [_whole(later)]


def test_retain_extends_every_locked_version(store: S3BlobStore, s3: Any) -> None:
    data = b"written twice by racing writers"
    info = store.put(io.BytesIO(data), retain_until=_in(days=1))
    s3.put_object(
        Bucket=store.bucket,
        Key=store._key(info.digest),
        Body=data,
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=_in(days=2),
    )
    hold = _in(days=9)
    assert store.retain(info.digest, hold) == _whole(hold)
    assert _server_dates(s3, store, info.digest) == [_whole(hold)] * 2


# -- what SeaweedFS itself does with lock dates ------------------------------------------------


def test_seaweedfs_keeps_lock_dates_in_whole_seconds(store: S3BlobStore, s3: Any) -> None:
    sent = _in(days=1).replace(microsecond=750_000)
    response = s3.put_object(
        Bucket=store.bucket,
        Key="probe/fraction",
        Body=b"x",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=sent,
    )
    head = s3.head_object(
        Bucket=store.bucket, Key="probe/fraction", VersionId=response["VersionId"]
    )
    assert head["ObjectLockRetainUntilDate"] == sent.replace(microsecond=0)  # cut, not rounded


def test_seaweedfs_refuses_a_lock_date_in_the_past(store: S3BlobStore, s3: Any) -> None:
    with pytest.raises(ClientError) as refused:
        s3.put_object(
            Bucket=store.bucket,
            Key="probe/past",
            Body=b"x",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=_in(seconds=-5),
        )
    assert refused.value.response["Error"]["Code"] == "InvalidRequest"
