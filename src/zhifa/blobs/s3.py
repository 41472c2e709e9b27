"""A blob store in an S3-compatible bucket with Object Lock (COMPLIANCE) on every blob.

Each blob is locked until its own date: ``put(..., retain_until=...)`` sets it in the
write request (else now + the store's ``retention``), ``retain`` extends it (a hold), and
``remove`` deletes every version of the key once it has passed. COMPLIANCE mode means no
one, root credentials included, can shorten the date or delete the content before it, so
the store only ever asks to extend, and never uses a governance bypass. See
``retention`` for why the date is per blob and extend-only.

Keys::

    <prefix><algorithm>/<hex>     finished blobs, each version locked in COMPLIANCE mode
    <prefix>tmp/<uuid>            large uploads in progress (never locked)

How a blob gets its key: S3 wants the key before the upload, but the key is the digest,
known only after the last byte. So:

* A stream that fits in one part (``part_size``, 8 MiB by default) is hashed in memory
  and written straight to its final key with the lock set in the same request.
* A longer stream is uploaded as a multipart upload to a temporary key while it is being
  hashed (memory stays at a few parts whatever the stream's length: ~3 x part_size
  measured, most of it botocore's request copies), then copied server-side to its final
  key, and the temporary version is deleted. The temp key carries no retention, so it
  can go.

The server-side copy is itself a multipart copy (CreateMultipartUpload with the lock
headers, then UploadPartCopy): SeaweedFS 4.x silently ignores Object Lock headers on a
plain CopyObject (the copy comes out unlocked; checked against a real server), but applies
them on CreateMultipartUpload. A multipart copy also has no 5 GiB limit. After every write
the store reads the lock back and, if a server dropped it, sets it with PutObjectRetention
or fails loudly: a blob is never reported stored while it is deletable.

Two writers racing to store the same new content may both write it; the key then holds
two identical locked versions, which is harmless: ``retain`` extends every locked version,
``retained_until`` reports the latest of their dates, ``remove`` deletes them all.

What SeaweedFS 4.x does (checked against a real server, see tests/blobs): it keeps the
retain-until at whole seconds (a fraction is cut off, hence dates are rounded up here),
refuses a DeleteObject of a locked version with 403 AccessDenied until the stored second
has passed, refuses a shorter PutObjectRetention with 403 AccessDenied, refuses a
PutObject whose retain-until is already past with 400 InvalidRequest, and answers 204 to
a delete of a version id that does not exist (so ``remove`` lists the key again after).

Reads use the *oldest* version of a key (the first, locked write). Versioning lets anyone
with write access add a newer version or a delete marker on top; neither can hide or
replace what was stored, and ``verify`` still checks the original bytes.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import BlobInfo, BlobStore, VerifyResult
from .digests import (
    ALGORITHMS,
    CHUNK_SIZE,
    DEFAULT_ALGORITHM,
    HashingReader,
    check_algorithm,
    format_digest,
    is_valid_digest,
    parse_digest,
)
from .errors import BlobLocked, BlobNotFound, StoreConfigError, StoreUnavailable
from .retention import LockRequest, default_lock, exact_lock

LOCK_MODE = "COMPLIANCE"
MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3 minimum for every part but the last
MAX_COPY_PART_SIZE = 5 * 1024 * MIB  # S3 maximum for one UploadPartCopy
MAX_PARTS = 10_000
DEFAULT_PART_SIZE = 8 * MIB
DEFAULT_COPY_PART_SIZE = 512 * MIB
DEFAULT_STALE_TMP_AGE = timedelta(hours=24)  # not a legal limit: temp clean-up

_ClientErrors = (ClientError, BotoCoreError)
_PART_CHECKSUMS = (
    "ChecksumCRC32",
    "ChecksumCRC32C",
    "ChecksumCRC64NVME",
    "ChecksumSHA1",
    "ChecksumSHA256",
)


class S3BlobStore(BlobStore):
    """Content-addressed, write-once blobs in an Object Lock bucket."""

    def __init__(
        self,
        bucket: str,
        *,
        retention: timedelta,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        prefix: str = "",
        algorithm: str = DEFAULT_ALGORITHM,
        create_bucket: bool = True,
        part_size: int = DEFAULT_PART_SIZE,
        copy_part_size: int = DEFAULT_COPY_PART_SIZE,
        stale_tmp_age: timedelta = DEFAULT_STALE_TMP_AGE,
        client: Any = None,
    ) -> None:
        _check_options(bucket, retention, part_size, copy_part_size)
        self.bucket = bucket
        self.retention = retention
        self.algorithm = check_algorithm(algorithm)
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = part_size
        self.copy_part_size = copy_part_size
        self.client = client or _make_client(
            endpoint_url, region, access_key, secret_key, session_token
        )
        self._region = region
        self._ensure_bucket(create_bucket)
        # Best effort: a read-only credential must still be able to open the store.
        with contextlib.suppress(StoreUnavailable):
            self.remove_stale_temporaries(stale_tmp_age)

    def __repr__(self) -> str:
        return f"S3BlobStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    # -- bucket ------------------------------------------------------------------------

    def _ensure_bucket(self, create: bool) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _status(exc) != 404:
                raise _unavailable(f"cannot use bucket {self.bucket!r}", exc) from exc
            if not create:
                raise StoreUnavailable(
                    f"bucket {self.bucket!r} does not exist", f"存储桶 {self.bucket} 不存在"
                ) from exc
            self._create_bucket()
        except BotoCoreError as exc:
            raise _unavailable("cannot reach the S3 endpoint", exc) from exc
        self._check_lock_configuration()

    def _create_bucket(self) -> None:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "ObjectLockEnabledForBucket": True}
        if self._region and self._region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
        try:
            self.client.create_bucket(**kwargs)
        except ClientError as exc:
            if _code(exc) != "BucketAlreadyOwnedByYou":  # a concurrent opener won
                raise _unavailable(f"cannot create bucket {self.bucket!r}", exc) from exc

    def _check_lock_configuration(self) -> None:
        try:
            config = self.client.get_object_lock_configuration(Bucket=self.bucket)
        except ClientError as exc:
            config = {}
            if _status(exc) not in (404, 400):
                raise _unavailable("cannot read the bucket's Object Lock setting", exc) from exc
        lock = config.get("ObjectLockConfiguration", {})
        if lock.get("ObjectLockEnabled") != "Enabled":
            raise StoreUnavailable(
                f"bucket {self.bucket!r} does not have Object Lock enabled; "
                "blobs stored there could be deleted, so it is refused",
                f"存储桶 {self.bucket} 未启用对象锁定，无法保证文件不可删改",
            )
        if lock.get("Rule"):
            # A default retention would lock temp uploads too, and they could never be
            # removed: large blobs would be stored twice for the whole default period.
            raise StoreUnavailable(
                f"bucket {self.bucket!r} has a default retention rule; remove it "
                "(this store sets COMPLIANCE retention on every blob itself)"
            )

    # -- keys --------------------------------------------------------------------------

    def _key(self, digest: str) -> str:
        algorithm, hexdigest = parse_digest(digest)
        return f"{self.prefix}{algorithm}/{hexdigest}"

    @property
    def _tmp_prefix(self) -> str:
        return f"{self.prefix}tmp/"

    def _part_size(self, number: int) -> int:
        """Parts grow every 1000 parts so that 10,000 parts reach ~440 GiB at 8 MiB."""
        return self.part_size * (1 + (number - 1) // 1000)

    # -- writing -----------------------------------------------------------------------

    def put(
        self,
        stream: BinaryIO,
        *,
        max_bytes: int | None = None,
        retain_until: datetime | None = None,
    ) -> BlobInfo:
        lock = (
            exact_lock(retain_until) if retain_until is not None else default_lock(self.retention)
        )
        reader = HashingReader(stream, self.algorithm, max_bytes)
        parts = self._read_parts(reader)
        first = next(parts)
        if len(first) < self._part_size(1):
            info = BlobInfo(reader.digest, reader.size)
            self._store_small(info, first, lock)
            return info
        pending = itertools.chain([first], parts)
        del first  # the upload loop must hold the only reference: memory stays ~one part
        return self._store_large(reader, pending, lock)

    def _read_parts(self, reader: HashingReader) -> Iterator[bytearray]:
        """The stream cut into upload parts; the last may be short, the first may be empty."""
        number = 1
        while True:
            size = self._part_size(number)
            part = reader.read_exactly(size)
            if number > 1 and not part:
                return
            if number > MAX_PARTS:
                raise StoreUnavailable(f"stream needs more than {MAX_PARTS} upload parts")
            short = len(part) < size
            yield part
            del part  # do not keep the previous part alive while reading the next
            if short:
                return
            number += 1

    def _store_small(self, info: BlobInfo, data: bytearray, lock: LockRequest) -> None:
        key = self._key(info.digest)
        if self._lock_existing(key, lock):
            return
        with _s3_errors("upload"):
            response = self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=bytes(data),
                ObjectLockMode=LOCK_MODE,
                ObjectLockRetainUntilDate=lock.until,
            )
        self._ensure_locked(key, response.get("VersionId"), lock)

    def _store_large(
        self, reader: HashingReader, pending: Iterator[bytearray], lock: LockRequest
    ) -> BlobInfo:
        tmp_key = f"{self._tmp_prefix}{uuid.uuid4().hex}"
        tmp_version = self._upload_temp(tmp_key, pending)
        try:
            info = BlobInfo(reader.digest, reader.size)
            key = self._key(info.digest)
            if not self._lock_existing(key, lock):
                version = self._copy_locked(tmp_key, tmp_version, key, info.size, lock)
                self._ensure_locked(key, version, lock)
        finally:
            # If this fails the temp version is left for remove_stale_temporaries().
            with contextlib.suppress(*_ClientErrors):
                self._delete_version(tmp_key, tmp_version)
        return info

    def _upload_temp(self, key: str, pending: Iterator[bytearray]) -> str | None:
        """Multipart-upload the parts to ``key``; returns the new version id."""
        with _s3_errors("upload"):
            upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            parts = []
            for number, data in enumerate(pending, start=1):
                parts.append(self._upload_part(key, upload_id, number, data))
                del data
            return self._complete(key, upload_id, parts)
        except BaseException:
            self._abort(key, upload_id)
            raise

    def _upload_part(
        self, key: str, upload_id: str, number: int, data: bytearray
    ) -> dict[str, Any]:
        with _s3_errors("upload"):
            response = self.client.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
            )
        return _part_entry(number, response)

    def _copy_locked(
        self,
        source_key: str,
        source_version: str | None,
        key: str,
        size: int,
        lock: LockRequest,
    ) -> str | None:
        """Server-side multipart copy that creates ``key`` already locked."""
        with _s3_errors("copy"):
            upload_id = self.client.create_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                ObjectLockMode=LOCK_MODE,
                ObjectLockRetainUntilDate=lock.until,
            )["UploadId"]
        source: dict[str, str] = {"Bucket": self.bucket, "Key": source_key}
        if source_version:
            source["VersionId"] = source_version
        try:
            parts = []
            for number, byte_range in enumerate(_ranges(size, self.copy_part_size), start=1):
                extra = {"CopySourceRange": byte_range} if byte_range else {}
                with _s3_errors("copy"):
                    response = self.client.upload_part_copy(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        CopySource=source,
                        **extra,
                    )
                parts.append(_part_entry(number, response["CopyPartResult"]))
            return self._complete(key, upload_id, parts)
        except BaseException:
            self._abort(key, upload_id)
            raise

    def _complete(self, key: str, upload_id: str, parts: list[dict[str, Any]]) -> str | None:
        with _s3_errors("upload"):
            response = self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        return cast(str | None, response.get("VersionId"))

    def _abort(self, key: str, upload_id: str) -> None:
        with contextlib.suppress(*_ClientErrors):
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def _delete_version(self, key: str, version_id: str | None) -> None:
        kwargs = {"VersionId": version_id} if version_id else {}
        self.client.delete_object(Bucket=self.bucket, Key=key, **kwargs)

    # -- locks -------------------------------------------------------------------------

    def _lock_existing(self, key: str, lock: LockRequest) -> bool:
        """If ``key`` is stored, make sure it is locked long enough; say if so.

        Putting the same content again means a new record relies on it, so its lock is
        extended to what this write asks when it would end sooner (never shortened).
        """
        versions, _markers = self._list_key(key)
        if not versions:
            return False
        self._extend(key, versions, lock)
        return True

    def _extend(self, key: str, versions: list[dict[str, Any]], lock: LockRequest) -> datetime:
        """Lock the original version and every locked one at least to the request;
        returns the latest lock date now in force."""
        original = _oldest(versions)["VersionId"]
        dates: list[datetime] = []
        for version in versions:
            head = self._head(key, version["VersionId"])
            if version["VersionId"] == original or head.get("ObjectLockMode"):
                dates.append(self._ensure_locked(key, version["VersionId"], lock, head))
        return max(dates)

    def _ensure_locked(
        self,
        key: str,
        version_id: str | None,
        lock: LockRequest,
        head: dict[str, Any] | None = None,
    ) -> datetime:
        """Make the version COMPLIANCE-locked until ``lock.not_before`` or later, or fail
        loudly; returns its lock date."""
        head = head or self._head(key, version_id)
        held = _compliance_until(head)
        if held is not None and held >= lock.not_before:
            return held
        kwargs = {"VersionId": version_id} if version_id else {}
        # A GOVERNANCE lock ending later than the request keeps its date (never shorten).
        until = max(lock.until, head.get("ObjectLockRetainUntilDate") or lock.until)
        with _s3_errors("set retention"):
            self.client.put_object_retention(
                Bucket=self.bucket,
                Key=key,
                Retention={"Mode": LOCK_MODE, "RetainUntilDate": until},
                **kwargs,
            )
        held = _compliance_until(self._head(key, version_id))
        if held is None or held < lock.not_before:
            raise StoreUnavailable(
                f"the S3 server did not apply Object Lock to {key}; it could be deleted",
                "对象存储未能锁定文件，已拒绝保存",
            )
        return held

    def _head(self, key: str, version_id: str | None) -> dict[str, Any]:
        kwargs = {"VersionId": version_id} if version_id else {}
        with _s3_errors("read"):
            return cast(
                dict[str, Any], self.client.head_object(Bucket=self.bucket, Key=key, **kwargs)
            )

    def _latest_lock(self, key: str, versions: list[dict[str, Any]]) -> datetime | None:
        """The latest lock date of the key's locked versions, None if none is locked."""
        heads = [self._head(key, version["VersionId"]) for version in versions]
        dates = [h["ObjectLockRetainUntilDate"] for h in heads if h.get("ObjectLockMode")]
        return max(dates, default=None)

    # -- lock dates and removal ----------------------------------------------------------

    def retain(self, digest: str, until: datetime) -> datetime:
        lock = exact_lock(until)
        key, versions = self._require_versions(digest)
        return self._extend(key, versions, lock)

    def retained_until(self, digest: str) -> datetime | None:
        key, versions = self._require_versions(digest)
        return self._latest_lock(key, versions)

    def remove(self, digest: str) -> None:
        """Delete every version of the blob's key (and its delete markers), the original
        last; refused with ``BlobLocked`` before any delete while a lock holds."""
        key = self._key(digest)
        versions, markers = self._list_key(key)
        if not versions:
            raise BlobNotFound(f"no blob {digest} in bucket {self.bucket!r}")
        until = self._latest_lock(key, versions)
        if until is not None and until > datetime.now(UTC):
            raise BlobLocked(digest, until)
        original = _oldest(versions)
        for item in [*markers, *(v for v in versions if v is not original), original]:
            self._delete_unlocked(digest, key, item["VersionId"])
        if self._list_key(key)[0]:
            raise StoreUnavailable(
                f"blob {digest} was stored again while it was being removed",
                "文件在删除过程中被重新保存，未删除",
            )

    def _delete_unlocked(self, digest: str, key: str, version_id: str) -> None:
        """Delete one version; a server still holding its lock (clocks differ) refuses."""
        try:
            self._delete_version(key, version_id)
        except ClientError as exc:
            until = self._latest_lock(key, self._list_key(key)[0])
            if _code(exc) == "AccessDenied" and until is not None:
                raise BlobLocked(digest, until) from exc
            raise _unavailable(f"S3 delete failed ({_code(exc)})", exc) from exc
        except BotoCoreError as exc:
            raise _unavailable("S3 delete failed", exc) from exc

    # -- reading -----------------------------------------------------------------------

    def _list_key(self, key: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The versions and the delete markers at ``key``, newest first."""
        versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        with _s3_errors("list"):
            for page in self.client.get_paginator("list_object_versions").paginate(
                Bucket=self.bucket, Prefix=key
            ):
                versions += [v for v in page.get("Versions", []) if v["Key"] == key]
                markers += [m for m in page.get("DeleteMarkers", []) if m["Key"] == key]
        return versions, markers

    def _require_versions(self, digest: str) -> tuple[str, list[dict[str, Any]]]:
        key = self._key(digest)
        versions, _markers = self._list_key(key)
        if not versions:
            raise BlobNotFound(f"no blob {digest} in bucket {self.bucket!r}")
        return key, versions

    def _require_version(self, digest: str) -> tuple[str, dict[str, Any]]:
        """The key and its first version written (delete markers ignored)."""
        key, versions = self._require_versions(digest)
        return key, _oldest(versions)

    def open(self, digest: str) -> BinaryIO:
        key, version = self._require_version(digest)
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=key, VersionId=version["VersionId"]
            )
        except ClientError as exc:
            if _status(exc) == 404:
                raise BlobNotFound(f"no blob {digest} in bucket {self.bucket!r}") from exc
            raise _unavailable(f"cannot read blob {digest}", exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(f"cannot read blob {digest}", exc) from exc
        return io.BufferedReader(_BodyReader(response["Body"]), CHUNK_SIZE)

    def exists(self, digest: str) -> bool:
        return bool(self._list_key(self._key(digest))[0])

    def stat(self, digest: str) -> BlobInfo:
        _key, version = self._require_version(digest)
        return BlobInfo(digest, int(version["Size"]))

    def iter_digests(self) -> Iterator[str]:
        for algorithm in sorted(ALGORITHMS):
            yield from self._iter_algorithm(algorithm)

    def _iter_algorithm(self, algorithm: str) -> Iterator[str]:
        top = f"{self.prefix}{algorithm}/"
        last: str | None = None
        with _s3_errors("list"):
            pages = self.client.get_paginator("list_object_versions").paginate(
                Bucket=self.bucket, Prefix=top
            )
            for page in pages:
                for version in page.get("Versions", []):
                    digest = format_digest(algorithm, version["Key"][len(top) :])
                    if digest != last and is_valid_digest(digest):
                        last = digest
                        yield digest

    def verify(self, digest: str) -> VerifyResult:
        """Re-hash the original version, then check that it is still locked."""
        result = super().verify(digest)
        if not result.ok:
            return result
        key, version = self._require_version(digest)
        if self._head(key, version["VersionId"]).get("ObjectLockMode") != LOCK_MODE:
            return VerifyResult(digest, "unlocked", "blob is intact but has no COMPLIANCE lock")
        return result

    # -- housekeeping ------------------------------------------------------------------

    def remove_stale_temporaries(self, older_than: timedelta = DEFAULT_STALE_TMP_AGE) -> int:
        """Delete temp versions and abort multipart uploads older than ``older_than``.

        Writers that died leave these behind. Age is the only safe test here, since S3
        knows nothing of client processes; keep ``older_than`` well above the longest
        upload. Returns how many items were removed.
        """
        cutoff = datetime.now(UTC) - older_than
        with _s3_errors("clean up"):
            return self._remove_temp_versions(cutoff) + self._abort_old_uploads(cutoff)

    def _remove_temp_versions(self, cutoff: datetime) -> int:
        removed = 0
        pages = self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=self._tmp_prefix
        )
        for page in pages:
            for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                if item["LastModified"] <= cutoff:
                    self._delete_version(item["Key"], item["VersionId"])
                    removed += 1
        return removed

    def _abort_old_uploads(self, cutoff: datetime) -> int:
        removed = 0
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"] <= cutoff:
                    self._abort(upload["Key"], upload["UploadId"])
                    removed += 1
        return removed


# -- helpers -----------------------------------------------------------------------------


class _BodyReader(io.RawIOBase):
    """Adapts botocore's streaming body to the standard raw-stream interface."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


def _check_options(bucket: str, retention: timedelta, part_size: int, copy_part: int) -> None:
    if not bucket:
        raise StoreConfigError("an S3 blob store needs a bucket name")
    if not isinstance(retention, timedelta) or retention <= timedelta(0):
        raise StoreConfigError("retention must be a positive period (e.g. retention_days=3650)")
    if part_size < MIN_PART_SIZE:
        raise StoreConfigError(f"part_size must be at least {MIN_PART_SIZE} bytes")
    if not MIN_PART_SIZE <= copy_part <= MAX_COPY_PART_SIZE:
        raise StoreConfigError(
            f"copy_part_size must be between {MIN_PART_SIZE} and {MAX_COPY_PART_SIZE} bytes"
        )


def _make_client(
    endpoint_url: str | None,
    region: str | None,
    access_key: str | None,
    secret_key: str | None,
    session_token: str | None,
) -> Any:
    """A boto3 S3 client; unset credentials fall back to the standard AWS sources."""
    config = Config(
        # Path-style addressing works with every self-hosted server (no wildcard DNS).
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=10,
        read_timeout=120,
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region or "us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        config=config,
    )


def _oldest(versions: list[dict[str, Any]]) -> dict[str, Any]:
    """The first version written; S3 lists newest first, so on equal times the later
    entry wins."""
    order = range(len(versions))
    return versions[min(order, key=lambda i: (versions[i]["LastModified"], -i))]


def _compliance_until(head: dict[str, Any]) -> datetime | None:
    """The version's lock date if it is COMPLIANCE-locked, else None."""
    if head.get("ObjectLockMode") != LOCK_MODE:
        return None
    return cast(datetime | None, head.get("ObjectLockRetainUntilDate"))


def _ranges(size: int, part: int) -> list[str | None]:
    """HTTP byte ranges covering ``size`` bytes; one unranged part for an empty object."""
    if size == 0:
        return [None]
    return [f"bytes={start}-{min(start + part, size) - 1}" for start in range(0, size, part)]


def _part_entry(number: int, response: dict[str, Any]) -> dict[str, Any]:
    """The part record CompleteMultipartUpload wants, keeping any checksum the client sent."""
    entry = {"PartNumber": number, "ETag": response["ETag"]}
    entry |= {k: response[k] for k in _PART_CHECKSUMS if response.get(k)}
    return entry


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _unavailable(what: str, exc: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"{what}: {exc}", "对象存储不可用或拒绝了请求")


@contextlib.contextmanager
def _s3_errors(action: str) -> Iterator[None]:
    """Turn boto errors into ``StoreUnavailable`` so callers handle one error family."""
    try:
        yield
    except ClientError as exc:
        raise _unavailable(f"S3 {action} failed ({_code(exc)})", exc) from exc
    except BotoCoreError as exc:
        raise _unavailable(f"S3 {action} failed", exc) from exc
