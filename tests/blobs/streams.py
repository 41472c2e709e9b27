"""Test streams generated on the fly, so huge inputs cost no memory.

Self-contained (no package imports) so subprocess scripts can import it too.
"""

from __future__ import annotations

import hashlib
import io
import random
import threading
from typing import Any

BLOCK = 64 * 1024


class PatternStream(io.RawIOBase):
    """``size`` bytes of a seeded pseudo-random 64 KiB block repeated."""

    def __init__(self, size: int, seed: int = 0) -> None:
        self._block = random.Random(seed).randbytes(BLOCK)
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = min(len(view), self._size - self._pos, BLOCK - self._pos % BLOCK)
        start = self._pos % BLOCK
        view[:count] = self._block[start : start + count]
        self._pos += count
        return count


def pattern_digest(size: int, seed: int = 0, algorithm: str = "sha256") -> str:
    hasher = hashlib.new(algorithm)
    stream = PatternStream(size, seed)
    while chunk := stream.read(1024 * 1024):
        hasher.update(chunk)
    return f"{algorithm}:{hasher.hexdigest()}"


class GatedStream(io.RawIOBase):
    """Yields ``head`` bytes, then blocks until ``gate`` is set, then yields ``tail``."""

    def __init__(self, head: bytes, tail: bytes) -> None:
        self.gate = threading.Event()
        self.reached_gate = threading.Event()
        self._parts = [head, tail]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._parts:
            return 0
        if len(self._parts) == 1:
            self.reached_gate.set()
            self.gate.wait(30)
        data = self._parts.pop(0)
        view = memoryview(buffer).cast("B")
        view[: len(data)] = data  # tests keep parts smaller than one read
        return len(data)
