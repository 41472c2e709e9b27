"""Stores of perfect-subtree hashes, the only thing proofs need.

Level 0 holds the leaf hashes; a node (level, index) for level >= 1 is written once, when
the leaf that completes it is appended. A tree of n leaves has n leaf hashes and fewer
than n higher nodes, so appending costs amortised O(1) hashes and rows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from zhifa.ledger.merkle import Coord, leaf_hash, node_hash, push_frontier


class MissingNode(LookupError):
    """A perfect-subtree hash the tree should have is not in the store."""


class NodeStore(ABC):
    """Read access to the hashes of complete subtrees of one append-only tree."""

    @abstractmethod
    def size(self) -> int:
        """How many leaves the tree has."""

    @abstractmethod
    def get_nodes(self, coords: Sequence[Coord]) -> dict[Coord, bytes]:
        """Hashes of the given perfect subtrees; raise MissingNode for any absent one."""


def frontier_coords(size: int) -> list[Coord]:
    """The perfect subtrees, largest first, that make up a tree of `size` leaves."""
    coords: list[Coord] = []
    start = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            coords.append((level, start >> level))
            start += 1 << level
    return coords


def appended_nodes(
    frontier: list[tuple[int, bytes]], index: int, digest: bytes
) -> list[tuple[int, int, bytes]]:
    """Push leaf `index` onto `frontier`; return the (level, idx, hash) nodes it completes."""
    made = push_frontier(frontier, 0, digest)
    return [(level, index >> level, h) for level, h in enumerate(made, start=1)]


class MemoryNodeStore(NodeStore):
    """All levels in Python lists; for tests, proofs in benchmarks and offline checking."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = [[]]
        self._frontier: list[tuple[int, bytes]] = []

    @classmethod
    def from_leaves(cls, leaves: Iterable[bytes]) -> MemoryNodeStore:
        store = cls()
        store.extend_leaf_hashes([leaf_hash(leaf) for leaf in leaves])
        return store

    def size(self) -> int:
        return len(self._levels[0])

    def append_leaf_hash(self, digest: bytes) -> None:
        index = len(self._levels[0])
        self._levels[0].append(digest)
        for level, idx, h in appended_nodes(self._frontier, index, digest):
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(h)
            assert len(self._levels[level]) == idx + 1

    def extend_leaf_hashes(self, digests: Sequence[bytes]) -> None:
        """Bulk append, level by level; much faster than one leaf at a time."""
        self._levels[0].extend(digests)
        level = 0
        # Invariant: each level holds exactly the parents of the complete pairs below it.
        while len(self._levels[level]) >= 2:
            below = self._levels[level]
            if level + 1 == len(self._levels):
                self._levels.append([])
            above = self._levels[level + 1]
            above.extend(
                node_hash(below[2 * i], below[2 * i + 1])
                for i in range(len(above), len(below) // 2)
            )
            level += 1
        self._frontier = [
            (lv, self._levels[lv][idx]) for lv, idx in frontier_coords(len(self._levels[0]))
        ]

    def levels(self) -> int:
        return len(self._levels)

    def level(self, level: int) -> Sequence[bytes]:
        """Every stored hash of one level, in index order (read-only view for bulk export)."""
        return tuple(self._levels[level])

    def get_nodes(self, coords: Sequence[Coord]) -> dict[Coord, bytes]:
        out: dict[Coord, bytes] = {}
        for level, idx in coords:
            if level >= len(self._levels) or not 0 <= idx < len(self._levels[level]):
                raise MissingNode(f"no node at level {level}, index {idx}")
            out[(level, idx)] = self._levels[level][idx]
        return out
