"""Content-addressed, write-once blob stores: a local folder or an Object Lock S3 bucket.

This package imports nothing else of zhifa, so it can be published on its own::

    store = open_store("file:///var/lib/zhifa/blobs")
    info = store.put(stream, max_bytes=2 * 1024**3, retain_until=end_of_schedule)
    with store.open(info.digest) as f: ...
    assert store.verify(info.digest)
    store.retain(info.digest, end_of_hold)     # extend-only; returns the date in force
    store.remove(info.digest)                  # BlobLocked until that date has passed
"""

from .base import BlobInfo, BlobStore, Problem, VerifyResult
from .digests import ALGORITHMS, DEFAULT_ALGORITHM, hash_stream, is_valid_digest, parse_digest
from .errors import (
    BlobError,
    BlobLocked,
    BlobNotFound,
    BlobTooLarge,
    InvalidDigest,
    InvalidRetention,
    StoreConfigError,
    StoreUnavailable,
    UnsupportedAlgorithm,
)
from .factory import open_store
from .local import LocalBlobStore
from .s3 import S3BlobStore

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "BlobError",
    "BlobInfo",
    "BlobLocked",
    "BlobNotFound",
    "BlobStore",
    "BlobTooLarge",
    "InvalidDigest",
    "InvalidRetention",
    "LocalBlobStore",
    "Problem",
    "S3BlobStore",
    "StoreConfigError",
    "StoreUnavailable",
    "UnsupportedAlgorithm",
    "VerifyResult",
    "hash_stream",
    "is_valid_digest",
    "open_store",
    "parse_digest",
]
