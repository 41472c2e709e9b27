"""Merkle tree hashing and proofs as specified by RFC 9162 §2.1 (SHA-256).

Proof generation works on a `NodeStore` of perfect-subtree hashes: every subtree that
RFC 9162's recursive split produces is a run of perfect subtrees, so a proof needs only
O(log n) stored hashes and never rehashes leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhifa.ledger.store import NodeStore

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

# A perfect subtree: (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
Coord = tuple[int, int]


class ProofError(ValueError):
    """A proof failed verification or its parameters are impossible."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than size (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_cover(start: int, end: int) -> list[Coord]:
    """The perfect subtrees, left to right, that make up the RFC subtree D[start:end].

    Valid for every range RFC 9162's recursive split produces: those ranges start at a
    multiple of the largest power of two not above their size.
    """
    coords: list[Coord] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start & ((1 << level) - 1):
            raise ValueError(f"range [{start}, {end}) is not a subtree of the RFC split")
        coords.append((level, start >> level))
        start += 1 << level
    return coords


def fold_cover(hashes: Sequence[bytes]) -> bytes:
    """The hash of a run of perfect subtrees: the right-most pair is joined first."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for left in reversed(hashes[:-1]):
        acc = node_hash(left, acc)
    return acc


def root_from_leaves(leaves: Iterable[bytes]) -> bytes:
    """MTH of raw leaves, streamed: memory beyond the input stays O(log n)."""
    tree = TreeBuilder()
    batch: list[bytes] = []
    for leaf in leaves:
        batch.append(leaf_hash(leaf))
        if len(batch) == 4096:
            tree.add(batch)
            batch = []
    tree.add(batch)
    return tree.root()


def push_frontier(frontier: list[tuple[int, bytes]], level: int, digest: bytes) -> list[bytes]:
    """Add a perfect subtree on the right of a frontier; return the parents it completes.

    The frontier lists (level, hash) of the perfect subtrees of the tree so far, largest
    first. Pushes must come in leaf order, so equal levels meet only at the right end.
    """
    made: list[bytes] = []
    while frontier and frontier[-1][0] == level:
        _, left = frontier.pop()
        digest = node_hash(left, digest)
        level += 1
        made.append(digest)
    frontier.append((level, digest))
    return made


# Nodes made while building, per level: (index of the first, their hashes in order).
Made = dict[int, tuple[int, list[bytes]]]


class TreeBuilder:
    """Builds a tree over a stream of leaf hashes, hashing aligned runs level by level.

    Keeps only the frontier (O(log n) hashes); can report every node it completes so a
    caller can compare them with stored ones.
    """

    def __init__(self) -> None:
        self.frontier: list[tuple[int, bytes]] = []
        self.size = 0

    def root(self) -> bytes:
        return fold_cover([h for _, h in self.frontier])

    def add(self, hashes: Sequence[bytes], made: Made | None = None) -> None:
        """Append leaf hashes; if `made` is given, record the nodes completed in it."""
        start = 0
        while start < len(hashes):
            run = 1 << ((len(hashes) - start).bit_length() - 1)
            while self.size & (run - 1):
                run >>= 1  # a run must start at a multiple of its own length
            self._add_aligned(hashes[start : start + run], made)
            start += run

    def _add_aligned(self, run: Sequence[bytes], made: Made | None) -> None:
        first, level, layer = self.size, 0, list(run)
        sha256 = hashlib.sha256
        while len(layer) > 1:
            layer = [
                sha256(NODE_PREFIX + layer[i] + layer[i + 1]).digest()
                for i in range(0, len(layer), 2)
            ]
            level += 1
            if made is not None:
                _note(made, level, first >> level, layer)
        self.size += len(run)
        for h in push_frontier(self.frontier, level, layer[0]):
            level += 1
            if made is not None:
                _note(made, level, (self.size - 1) >> level, [h])


def _note(made: Made, level: int, idx: int, hashes: list[bytes]) -> None:
    if level in made:
        made[level][1].extend(hashes)
    else:
        made[level] = (idx, list(hashes))


# ---- proof shapes: which subtree ranges a proof consists of (RFC 9162 §2.1.3.1, §2.1.4.1)


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Ranges of PATH(index, D[0:size]) in proof order (the leaf's sibling first)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    out: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + _split(end - start)
        if index < mid:
            out.append((mid, end))
            end = mid
        else:
            out.append((start, mid))
            start = mid
    out.reverse()
    return out


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """Ranges of PROOF(old_size, D[0:new_size]) in proof order."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    out: list[tuple[int, int]] = []
    start, end, m, complete = 0, new_size, old_size, True
    while m != end - start:
        mid = _split(end - start)
        if m <= mid:
            out.append((start + mid, end))
            end = start + mid
        else:
            out.append((start, start + mid))
            start += mid
            m -= mid
            complete = False
    if not complete:
        out.append((start, end))
    out.reverse()
    return out


def resolve_ranges(store: NodeStore, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Hash each range from stored perfect-subtree hashes, with one batched lookup."""
    covers = [perfect_cover(start, end) for start, end in ranges]
    wanted = {coord for cover in covers for coord in cover}
    found = store.get_nodes(sorted(wanted))
    return [fold_cover([found[c] for c in cover]) for cover in covers]


def root_hash(store: NodeStore, size: int) -> bytes:
    if size == 0:
        return EMPTY_ROOT
    return resolve_ranges(store, [(0, size)])[0]


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    return resolve_ranges(store, inclusion_ranges(index, size))


def consistency_proof(store: NodeStore, old_size: int, new_size: int) -> list[bytes]:
    return resolve_ranges(store, consistency_ranges(old_size, new_size))


# ---- verification (RFC 9162 §2.1.3.2 and §2.1.4.2)


def _check_hashes(*hashes: bytes) -> None:
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise ProofError(f"a hash must be {HASH_SIZE} bytes, got {len(h)}")


def root_from_inclusion_proof(
    index: int, size: int, leaf_digest: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root that an inclusion proof leads to; raises ProofError if it is malformed."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_hashes(leaf_digest, *proof)
    fn, sn, acc = index, size - 1, leaf_digest
    for sibling in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            acc = node_hash(sibling, acc)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            acc = node_hash(acc, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return acc


def verify_inclusion(
    index: int, size: int, leaf_digest: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless `proof` shows leaf `index` is in the tree with `root`."""
    _check_hashes(root)
    if root_from_inclusion_proof(index, size, leaf_digest, proof) != root:
        raise ProofError(f"inclusion proof for leaf {index} does not lead to the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless the tree (old_size, old_root) is a prefix of (new_size, ...)."""
    _check_hashes(old_root, new_root, *proof)
    if not 0 <= old_size <= new_size:
        raise ProofError(f"size went backwards: {old_size} -> {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("same size but different roots")
        return
    if old_size == 0:
        if proof:
            raise ProofError("proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    _run_consistency(old_size, new_size, old_root, new_root, proof)


def _run_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # the old tree is itself a complete subtree
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not lead to the new root")
