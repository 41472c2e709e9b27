"""The one interface every blob store offers, and the values it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

from .digests import hash_stream, parse_digest
from .errors import BlobNotFound

#: Why a blob failed verification.
Problem = Literal["missing", "mismatch", "unlocked"]


@dataclass(frozen=True)
class BlobInfo:
    """A stored blob: its digest (``sha256:<hex>`` or ``sm3:<hex>``) and its size in bytes."""

    digest: str
    size: int

    @property
    def algorithm(self) -> str:
        return self.digest.split(":", 1)[0]


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of re-hashing one blob. True when the blob is intact.

    ``problem`` says what is wrong (``missing``, ``mismatch``, ``unlocked``) and
    ``detail`` says it in words, so a verifier can report a finding without guessing.
    """

    digest: str
    problem: Problem | None = None
    detail: str = ""
    actual_digest: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __bool__(self) -> bool:
        return self.ok


class BlobStore(ABC):
    """A content-addressed, write-once store of byte streams.

    A blob is named by the digest of its content; storing the same bytes twice returns
    the same digest and writes nothing new; stored bytes are never changed. Each blob
    carries its own lock date (retain-until), which can only move later; ``remove`` is
    the one way content leaves, and only once that date has passed.
    """

    #: Algorithm used for new blobs; existing blobs of other known algorithms stay readable.
    algorithm: str

    @abstractmethod
    def put(
        self,
        stream: BinaryIO,
        *,
        max_bytes: int | None = None,
        retain_until: datetime | None = None,
    ) -> BlobInfo:
        """Store the stream's bytes (read to its end) and return digest and size.

        ``retain_until`` (time-zone aware, in the future) is the blob's lock date; None
        means the store's default retention, if it has one. Content already stored keeps
        its lock, extended to ``retain_until`` if that is later; never shortened.
        Raises ``BlobTooLarge`` (and stores nothing) if the stream is longer than
        ``max_bytes``, ``InvalidRetention`` (before reading) for a bad date.
        """

    def put_file(
        self,
        path: Path,
        *,
        digest: str | None = None,
        max_bytes: int | None = None,
        retain_until: datetime | None = None,
    ) -> BlobInfo:
        """Store a finished file. ``digest`` is what the caller hashed as the bytes arrived;
        a store that can adopt the file without copying (see LocalBlobStore) trusts it,
        the others read the file again. Either way `verify` re-hashes later."""
        with path.open("rb") as stream:
            info = self.put(stream, max_bytes=max_bytes, retain_until=retain_until)
        if digest is not None and info.digest != digest:
            raise ValueError(f"file {path} hashes to {info.digest}, not {digest}")
        return info

    @abstractmethod
    def retain(self, digest: str, until: datetime) -> datetime:
        """Keep the blob locked at least until ``until`` (a hold, a longer schedule).

        Extend-only: a lock already ending later stays as it is. Returns the lock date
        now in force. ``BlobNotFound`` if absent, ``InvalidRetention`` for a bad date.
        """

    @abstractmethod
    def retained_until(self, digest: str) -> datetime | None:
        """The lock date in force (UTC), None if the blob has none; ``BlobNotFound``
        if absent."""

    @abstractmethod
    def remove(self, digest: str) -> None:
        """Delete the blob's content for good (an approved disposal).

        ``BlobLocked`` (and nothing removed) while its lock date has not passed,
        ``BlobNotFound`` if absent. Afterwards ``exists`` is False and ``verify`` reports
        ``missing``: telling a disposal from a loss is the caller's records' job.
        """

    @abstractmethod
    def open(self, digest: str) -> BinaryIO:
        """A binary stream of the blob's bytes; the caller closes it."""

    @abstractmethod
    def exists(self, digest: str) -> bool:
        """Whether a blob with this digest is stored."""

    @abstractmethod
    def stat(self, digest: str) -> BlobInfo:
        """Digest and size of a stored blob; ``BlobNotFound`` if absent."""

    @abstractmethod
    def iter_digests(self) -> Iterator[str]:
        """Every stored digest, each once, for verification runs."""

    def verify(self, digest: str) -> VerifyResult:
        """Re-read and re-hash a blob; says whether it still matches its digest."""
        algorithm, _ = parse_digest(digest)
        try:
            with self.open(digest) as stream:
                actual, _size = hash_stream(stream, algorithm)
        except BlobNotFound:
            return VerifyResult(digest, "missing", "blob is not in the store")
        if actual != digest:
            return VerifyResult(digest, "mismatch", "content no longer matches its digest", actual)
        return VerifyResult(digest)
