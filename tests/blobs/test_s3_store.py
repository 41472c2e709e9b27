"""The S3 store against a real SeaweedFS, and what its Object Lock really refuses.

What SeaweedFS 4.x enforces (all asserted below, through the S3 API):
* a COMPLIANCE-locked version cannot be deleted (AccessDenied), not even with
  BypassGovernanceRetention, nor through DeleteObjects;
* its retention cannot be shortened or switched to GOVERNANCE (PutObjectRetention fails);
* a bucket holding locked versions cannot be deleted;
* a plain DELETE or a new PUT on the key only adds a delete marker / a newer version;
  the locked original stays readable by its version id.
What it does not enforce:
* CopyObject ignores the Object Lock headers (the copy is unlocked); the store therefore
  copies with a multipart copy, whose CreateMultipartUpload does honour them;
* the lock lives only in the S3 gateway: the filer's own HTTP API deletes a locked
  version without complaint (test at the end). The filer, master and volume ports must
  never be reachable by anyone but the SeaweedFS operators.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import tracemalloc
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zhifa.blobs import (
    BlobNotFound,
    BlobTooLarge,
    S3BlobStore,
    StoreUnavailable,
    open_store,
)

from .conftest import SeaweedS3
from .streams import PatternStream, pattern_digest

pytestmark = pytest.mark.s3

MIB = 1024 * 1024
RETENTION = timedelta(days=1)
StoreFactory = Callable[..., S3BlobStore]


@pytest.fixture
def s3(seaweedfs_s3: SeaweedS3) -> Any:
    return seaweedfs_s3.client()


@pytest.fixture
def make_store(seaweedfs_s3: SeaweedS3) -> StoreFactory:
    """A store on a fresh bucket; small parts so multipart paths run on small data."""

    def make(**options: Any) -> S3BlobStore:
        options.setdefault("retention", RETENTION)
        options.setdefault("part_size", 5 * MIB)
        options.setdefault("copy_part_size", 5 * MIB)
        return S3BlobStore(
            options.pop("bucket", f"blobs-{secrets.token_hex(4)}"),
            endpoint_url=seaweedfs_s3.endpoint,
            access_key=seaweedfs_s3.access_key,
            secret_key=seaweedfs_s3.secret_key,
            **options,
        )

    return make


def _read(store: S3BlobStore, digest: str) -> bytes:
    with store.open(digest) as stream:
        return stream.read()


def _versions(s3: Any, bucket: str, prefix: str = "") -> list[dict[str, Any]]:
    return s3.list_object_versions(Bucket=bucket, Prefix=prefix).get("Versions", [])


def _only_version(s3: Any, store: S3BlobStore, digest: str) -> tuple[str, str]:
    key = store._key(digest)
    (version,) = _versions(s3, store.bucket, key)
    return key, version["VersionId"]


def _error_code(call: Callable[[], object]) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return str(caught.value.response["Error"]["Code"])


# -- storing -------------------------------------------------------------------------------


def test_bucket_is_created_with_object_lock(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    config = s3.get_object_lock_configuration(Bucket=store.bucket)["ObjectLockConfiguration"]
    assert config["ObjectLockEnabled"] == "Enabled"
    assert s3.get_bucket_versioning(Bucket=store.bucket)["Status"] == "Enabled"


def test_small_round_trip_and_retention(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    before = datetime.now(UTC)
    info = store.put(io.BytesIO(b"inspection photo"))
    assert info.digest.startswith("sha256:") and info.size == 16
    assert _read(store, info.digest) == b"inspection photo"
    assert store.exists(info.digest) and store.stat(info.digest) == info

    key, version = _only_version(s3, store, info.digest)
    assert key == f"sha256/{info.digest.split(':')[1]}"
    head = s3.head_object(Bucket=store.bucket, Key=key, VersionId=version)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    until = head["ObjectLockRetainUntilDate"]
    assert before + RETENTION - timedelta(seconds=5) <= until
    assert until <= datetime.now(UTC) + RETENTION + timedelta(seconds=5)


def test_large_stream_goes_through_temp_key_and_locked_multipart_copy(
    make_store: StoreFactory, s3: Any
) -> None:
    store = make_store()
    size = 23 * MIB + 17  # five upload parts, five copy parts
    info = store.put(PatternStream(size, seed=1))
    assert info == store.stat(info.digest)
    assert info.digest == pattern_digest(size, seed=1)
    assert store.verify(info.digest)
    key, version = _only_version(s3, store, info.digest)
    head = s3.head_object(Bucket=store.bucket, Key=key, VersionId=version)
    assert (head["ObjectLockMode"], head["ContentLength"]) == ("COMPLIANCE", size)
    # The temporary upload is gone, versions and all; no multipart upload is left open.
    assert _versions(s3, store.bucket, "tmp/") == []
    assert s3.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []


def test_stream_of_exactly_one_part(make_store: StoreFactory) -> None:
    store = make_store()
    info = store.put(PatternStream(5 * MIB, seed=2))
    assert info.size == 5 * MIB and store.verify(info.digest)


def test_empty_blob(make_store: StoreFactory) -> None:
    store = make_store()
    info = store.put(io.BytesIO(b""))
    assert info.size == 0 and _read(store, info.digest) == b""


def test_same_content_is_stored_once(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    small = [store.put(io.BytesIO(b"twice")) for _ in range(2)]
    large = [store.put(PatternStream(6 * MIB, seed=4)) for _ in range(2)]
    assert small[0] == small[1] and large[0] == large[1]
    keys = [v["Key"] for v in _versions(s3, store.bucket)]
    assert sorted(keys) == sorted(store._key(info.digest) for info in (small[0], large[0]))
    assert sorted(store.iter_digests()) == sorted([small[0].digest, large[0].digest])


def test_putting_again_extends_a_lock_that_would_end_sooner(
    make_store: StoreFactory, s3: Any
) -> None:
    bucket = f"blobs-{secrets.token_hex(4)}"
    short = make_store(bucket=bucket, retention=timedelta(days=1))
    info = short.put(io.BytesIO(b"needed for longer"))
    longer = make_store(bucket=bucket, retention=timedelta(days=30))
    longer.put(io.BytesIO(b"needed for longer"))
    key, version = _only_version(s3, longer, info.digest)
    until = s3.head_object(Bucket=bucket, Key=key, VersionId=version)["ObjectLockRetainUntilDate"]
    assert until > datetime.now(UTC) + timedelta(days=29)


def test_max_bytes_refusal_leaves_nothing(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    with pytest.raises(BlobTooLarge):
        store.put(io.BytesIO(b"x" * 100), max_bytes=99)
    with pytest.raises(BlobTooLarge):
        store.put(PatternStream(12 * MIB), max_bytes=11 * MIB)
    assert _versions(s3, store.bucket) == []
    assert s3.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []


def test_sm3_store(make_store: StoreFactory) -> None:
    store = make_store(algorithm="sm3")
    info = store.put(io.BytesIO(b"abc"))
    assert info.digest == "sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    big = store.put(PatternStream(7 * MIB, seed=5))
    assert big.digest == pattern_digest(7 * MIB, seed=5, algorithm="sm3")
    assert store.verify(info.digest) and store.verify(big.digest)


def test_unknown_digest(make_store: StoreFactory) -> None:
    store = make_store()
    digest = pattern_digest(1)
    assert not store.exists(digest)
    with pytest.raises(BlobNotFound):
        store.open(digest)
    assert store.verify(digest).problem == "missing"


def test_upload_keeps_memory_bounded(make_store: StoreFactory) -> None:
    store = make_store()
    tracemalloc.start()
    try:
        store.put(PatternStream(40 * MIB, seed=6))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 5 * MIB, peak  # a few parts' worth, not the 40 MiB stream


# -- what the server refuses -----------------------------------------------------------------


def test_locked_version_cannot_be_deleted(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    info = store.put(io.BytesIO(b"evidence"))
    key, version = _only_version(s3, store, info.digest)
    bucket = store.bucket

    assert _error_code(lambda: s3.delete_object(Bucket=bucket, Key=key, VersionId=version)) == (
        "AccessDenied"
    )
    bypass = dict(Bucket=bucket, Key=key, VersionId=version, BypassGovernanceRetention=True)
    assert _error_code(lambda: s3.delete_object(**bypass)) == "AccessDenied"
    errors = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": key, "VersionId": version}]}
    ).get("Errors", [])
    assert [e["Code"] for e in errors] == ["AccessDenied"]
    assert _read(store, info.digest) == b"evidence"


def test_retention_cannot_be_shortened_or_weakened(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    info = store.put(io.BytesIO(b"keep me"))
    key, version = _only_version(s3, store, info.digest)
    soon = datetime.now(UTC) + timedelta(minutes=1)
    for mode in ("COMPLIANCE", "GOVERNANCE"):
        with pytest.raises(ClientError):
            s3.put_object_retention(
                Bucket=store.bucket,
                Key=key,
                VersionId=version,
                Retention={"Mode": mode, "RetainUntilDate": soon},
            )
    head = s3.head_object(Bucket=store.bucket, Key=key, VersionId=version)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC) + RETENTION / 2


def test_overwrite_adds_a_version_and_the_original_stays(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    info = store.put(io.BytesIO(b"original"))
    key, original = _only_version(s3, store, info.digest)
    s3.put_object(Bucket=store.bucket, Key=key, Body=b"forged")

    assert s3.get_object(Bucket=store.bucket, Key=key)["Body"].read() == b"forged"
    kept = s3.get_object(Bucket=store.bucket, Key=key, VersionId=original)
    assert kept["Body"].read() == b"original"
    assert _error_code(
        lambda: s3.delete_object(Bucket=store.bucket, Key=key, VersionId=original)
    ) == ("AccessDenied")
    # The store reads the first, locked version, so the forgery cannot shadow it.
    assert _read(store, info.digest) == b"original"
    assert store.verify(info.digest)


def test_plain_delete_only_adds_a_delete_marker(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    info = store.put(io.BytesIO(b"still here"))
    key, original = _only_version(s3, store, info.digest)
    marker = s3.delete_object(Bucket=store.bucket, Key=key)
    assert marker.get("DeleteMarker") is True
    assert _error_code(lambda: s3.get_object(Bucket=store.bucket, Key=key)) == "NoSuchKey"
    kept = s3.get_object(Bucket=store.bucket, Key=key, VersionId=original)
    assert kept["Body"].read() == b"still here"
    assert store.exists(info.digest) and _read(store, info.digest) == b"still here"
    assert list(store.iter_digests()) == [info.digest]


def test_bucket_with_locked_blobs_cannot_be_deleted(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    store.put(io.BytesIO(b"anchor"))
    assert _error_code(lambda: s3.delete_bucket(Bucket=store.bucket)) == "BucketNotEmpty"


# -- checks and housekeeping -----------------------------------------------------------------


def test_verify_reports_an_unlocked_blob(make_store: StoreFactory, s3: Any) -> None:
    """A blob placed without a lock (e.g. by another tool) is intact but flagged."""
    store = make_store()
    digest = pattern_digest(1000, seed=8)
    s3.put_object(Bucket=store.bucket, Key=store._key(digest), Body=PatternStream(1000, 8).read())
    result = store.verify(digest)
    assert (result.ok, result.problem) == (False, "unlocked")


def test_putting_an_unlocked_blob_again_locks_it(make_store: StoreFactory, s3: Any) -> None:
    store = make_store()
    data = b"arrived without a lock"
    digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
    s3.put_object(Bucket=store.bucket, Key=store._key(digest), Body=data)
    assert store.verify(digest).problem == "unlocked"
    assert store.put(io.BytesIO(data)).digest == digest
    assert store.verify(digest)


def test_verify_detects_content_that_does_not_match_its_key(
    make_store: StoreFactory, s3: Any
) -> None:
    store = make_store()
    digest = pattern_digest(500, seed=9)
    s3.put_object(
        Bucket=store.bucket,
        Key=store._key(digest),
        Body=b"not the bytes the key promises",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=datetime.now(UTC) + RETENTION,
    )
    result = store.verify(digest)
    assert (result.ok, result.problem) == (False, "mismatch")


def test_stale_temporaries_are_removed(make_store: StoreFactory, s3: Any) -> None:
    """What a writer killed mid-upload leaves behind: a temp object, an open upload."""
    store = make_store()
    s3.put_object(Bucket=store.bucket, Key="tmp/dead-writer", Body=b"partial")
    s3.create_multipart_upload(Bucket=store.bucket, Key="tmp/dead-upload")
    assert store.remove_stale_temporaries(timedelta(hours=1)) == 0  # too young
    assert store.remove_stale_temporaries(timedelta(0)) == 2
    assert _versions(s3, store.bucket, "tmp/") == []
    assert s3.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []


def test_bucket_without_object_lock_is_refused(make_store: StoreFactory, s3: Any) -> None:
    bucket = f"plain-{secrets.token_hex(4)}"
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(StoreUnavailable, match="Object Lock"):
        make_store(bucket=bucket)


def test_missing_bucket_without_create_is_refused(make_store: StoreFactory) -> None:
    with pytest.raises(StoreUnavailable, match="does not exist"):
        make_store(create_bucket=False)


def test_wrong_credentials_are_a_clear_error(seaweedfs_s3: SeaweedS3) -> None:
    with pytest.raises(StoreUnavailable):
        S3BlobStore(
            "blobs-any",
            retention=RETENTION,
            endpoint_url=seaweedfs_s3.endpoint,
            access_key=seaweedfs_s3.access_key,
            secret_key="wrong",
        )


def test_open_store_url(seaweedfs_s3: SeaweedS3, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs_s3.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs_s3.secret_key)
    bucket = f"url-{secrets.token_hex(4)}"
    store = open_store(
        f"s3://{bucket}/zhifa/media?endpoint={seaweedfs_s3.endpoint}"
        "&region=us-east-1&retention_days=2&algorithm=sm3"
    )
    assert isinstance(store, S3BlobStore)
    assert (store.prefix, store.algorithm, store.retention) == ("zhifa/media/", "sm3", timedelta(2))
    info = store.put(io.BytesIO(b"via url"))
    key = f"zhifa/media/sm3/{info.digest.split(':')[1]}"
    assert seaweedfs_s3.client().head_object(Bucket=bucket, Key=key)["ObjectLockMode"] == (
        "COMPLIANCE"
    )


# -- the limit of SeaweedFS's enforcement ------------------------------------------------------


def test_filer_api_bypasses_object_lock(
    make_store: StoreFactory, s3: Any, seaweedfs_s3: SeaweedS3
) -> None:
    """Documents a SeaweedFS limit: the lock is checked by the S3 gateway only.

    Anyone who can reach the filer's HTTP port removes a COMPLIANCE-locked version. If
    this test starts failing, SeaweedFS has closed the gap: update the notes above.
    """
    store = make_store()
    info = store.put(io.BytesIO(b"locked, but only at the S3 door"))
    key, version = _only_version(s3, store, info.digest)
    url = f"{seaweedfs_s3.filer_url}/buckets/{store.bucket}/{key}.versions?recursive=true"
    with urllib.request.urlopen(urllib.request.Request(url, method="DELETE")) as response:
        assert response.status in (200, 204)
    assert version not in [v["VersionId"] for v in _versions(s3, store.bucket, key)]
    assert not store.exists(info.digest)
    assert store.verify(info.digest).problem == "missing"
