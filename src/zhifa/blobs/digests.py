"""Digest algorithms and the ``<algorithm>:<hex>`` digest strings.

The algorithm travels inside the digest so that a store can hold SHA-256 and SM3 blobs
side by side, and a reader never has to guess how a digest was computed.
"""

from __future__ import annotations

import hashlib
import re
from typing import BinaryIO, Protocol

from .errors import BlobTooLarge, InvalidDigest, UnsupportedAlgorithm

#: Bytes read or written per step; large enough for throughput, small enough for memory.
CHUNK_SIZE = 1024 * 1024

#: Known algorithms and the length of their hex digest.
ALGORITHMS: dict[str, int] = {"sha256": 64, "sm3": 64}

DEFAULT_ALGORITHM = "sha256"

_HEX = re.compile(r"[0-9a-f]+")


class Hasher(Protocol):
    """The part of a ``hashlib`` object the stores use."""

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


def check_algorithm(algorithm: str) -> str:
    """Return ``algorithm`` if it is known and this Python can compute it."""
    if algorithm not in ALGORITHMS:
        known = ", ".join(sorted(ALGORITHMS))
        raise UnsupportedAlgorithm(f"unknown digest algorithm {algorithm!r}; known: {known}")
    try:
        hashlib.new(algorithm)
    except ValueError as exc:
        # SM3 comes from OpenSSL; a build without it must fail loudly, not fall back.
        raise UnsupportedAlgorithm(
            f"digest algorithm {algorithm!r} is not available in this Python's OpenSSL",
            f"本机 Python 的 OpenSSL 不支持 {algorithm} 算法",
        ) from exc
    return algorithm


def new_hasher(algorithm: str) -> Hasher:
    """A fresh hash object for ``algorithm``."""
    return hashlib.new(check_algorithm(algorithm))


def format_digest(algorithm: str, hexdigest: str) -> str:
    """``sha256`` + ``ab12…`` -> ``sha256:ab12…``."""
    return f"{algorithm}:{hexdigest}"


def parse_digest(digest: str) -> tuple[str, str]:
    """Split and validate a digest string; returns ``(algorithm, hex)``.

    Validation matters beyond tidiness: the hex part becomes a file path or object key,
    so anything but lowercase hex of the exact length is refused.
    """
    if not isinstance(digest, str) or ":" not in digest:
        raise InvalidDigest(f"digest must look like 'sha256:<hex>', got {digest!r}")
    algorithm, hexdigest = digest.split(":", 1)
    if algorithm not in ALGORITHMS:
        raise UnsupportedAlgorithm(f"unknown digest algorithm {algorithm!r} in {digest!r}")
    if len(hexdigest) != ALGORITHMS[algorithm] or not _HEX.fullmatch(hexdigest):
        raise InvalidDigest(
            f"digest {digest!r} must carry {ALGORITHMS[algorithm]} lowercase hex characters"
        )
    return algorithm, hexdigest


def is_valid_digest(digest: str) -> bool:
    """Whether ``digest`` is a well-formed digest of a known algorithm."""
    try:
        parse_digest(digest)
    except ValueError:
        return False
    return True


def hash_stream(stream: BinaryIO, algorithm: str) -> tuple[str, int]:
    """Hash a stream to its end in constant memory; returns ``(digest, size)``."""
    hasher = new_hasher(algorithm)
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        hasher.update(chunk)
        size += len(chunk)
    return format_digest(algorithm, hasher.hexdigest()), size


class HashingReader:
    """Reads a source stream while hashing and counting it, enforcing a size limit.

    Both stores read their input through this, so the digest always describes exactly
    the bytes that were written, and an oversized stream is refused as soon as the
    limit is crossed (never after buffering it all).
    """

    def __init__(self, source: BinaryIO, algorithm: str, max_bytes: int | None = None) -> None:
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must be zero or positive")
        self._source = source
        self._hasher = new_hasher(algorithm)
        self._algorithm = algorithm
        self._max_bytes = max_bytes
        self.size = 0

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        """Up to ``size`` bytes (fewer is not the end); ``b""`` at the end."""
        chunk = self._source.read(size)
        if not chunk:
            return b""
        self.size += len(chunk)
        if self._max_bytes is not None and self.size > self._max_bytes:
            raise BlobTooLarge(self._max_bytes)
        self._hasher.update(chunk)
        return bytes(chunk)

    def read_exactly(self, size: int) -> bytearray:
        """Exactly ``size`` bytes, or fewer only at the end of the source.

        A bytearray grows in place, so a part costs its own size and no joined copy.
        """
        buffer = bytearray()
        while len(buffer) < size and (chunk := self.read(min(size - len(buffer), CHUNK_SIZE))):
            buffer += chunk
        return buffer

    @property
    def digest(self) -> str:
        return format_digest(self._algorithm, self._hasher.hexdigest())
