"""Property tests: proofs from the node store match the RFC's recursive definitions,
every generated proof verifies, and any flipped bit makes verification fail."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.ledger import (
    MemoryNodeStore,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_leaves,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from zhifa.ledger.merkle import TreeBuilder
from zhifa.ledger.store import frontier_coords

# ---- the RFC 9162 §2.1 definitions, written literally (slow, obviously right)


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], complete: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if complete else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], complete), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


# ----


def _leaves(n: int) -> list[bytes]:
    return [i.to_bytes(4, "big") * (i % 3 + 1) for i in range(n)]


def _flip(proof: list[bytes], which: int, bit: int) -> list[bytes]:
    out = list(proof)
    h = bytearray(out[which])
    h[bit // 8] ^= 1 << (bit % 8)
    out[which] = bytes(h)
    return out


sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=150, deadline=None)
@given(size=sizes, data=st.data())
def test_inclusion_proofs_match_rfc_and_verify(size: int, data: st.DataObject) -> None:
    leaves = _leaves(size)
    store = MemoryNodeStore.from_leaves(leaves)
    tree_size = data.draw(st.integers(min_value=1, max_value=size))
    index = data.draw(st.integers(min_value=0, max_value=tree_size - 1))
    proof = inclusion_proof(store, index, tree_size)
    assert proof == path(index, leaves[:tree_size])
    root = root_hash(store, tree_size)
    assert root == mth(leaves[:tree_size])
    verify_inclusion(index, tree_size, leaf_hash(leaves[index]), proof, root)
    if proof:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bit = data.draw(st.integers(min_value=0, max_value=255))
        try:
            verify_inclusion(
                index, tree_size, leaf_hash(leaves[index]), _flip(proof, which, bit), root
            )
        except ProofError:
            pass
        else:
            raise AssertionError("a proof with a flipped bit verified")


@settings(max_examples=150, deadline=None)
@given(size=sizes, data=st.data())
def test_consistency_proofs_match_rfc_and_verify(size: int, data: st.DataObject) -> None:
    leaves = _leaves(size)
    store = MemoryNodeStore.from_leaves(leaves)
    new = data.draw(st.integers(min_value=1, max_value=size))
    old = data.draw(st.integers(min_value=1, max_value=new))
    proof = consistency_proof(store, old, new)
    expected = [] if old == new else subproof(old, leaves[:new], True)
    assert proof == expected
    r1, r2 = root_hash(store, old), root_hash(store, new)
    verify_consistency(old, new, r1, r2, proof)
    if proof:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bit = data.draw(st.integers(min_value=0, max_value=255))
        try:
            verify_consistency(old, new, r1, r2, _flip(proof, which, bit))
        except ProofError:
            pass
        else:
            raise AssertionError("a proof with a flipped bit verified")


@settings(max_examples=100, deadline=None)
@given(size=sizes, bit=st.integers(min_value=0, max_value=255))
def test_flipped_root_bit_fails(size: int, bit: int) -> None:
    leaves = _leaves(size)
    store = MemoryNodeStore.from_leaves(leaves)
    root = root_hash(store, size)
    bad = _flip([root], 0, bit)[0]
    proof = inclusion_proof(store, size - 1, size)
    try:
        verify_inclusion(size - 1, size, leaf_hash(leaves[-1]), proof, bad)
    except ProofError:
        return
    raise AssertionError("verified against a wrong root")


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6))
def test_bulk_and_single_appends_build_the_same_store(sizes: list[int]) -> None:
    leaves = _leaves(sum(sizes))
    one_by_one, bulk = MemoryNodeStore(), MemoryNodeStore()
    start = 0
    for n in sizes:
        chunk = [leaf_hash(x) for x in leaves[start : start + n]]
        for h in chunk:
            one_by_one.append_leaf_hash(h)
        bulk.extend_leaf_hashes(chunk)
        start += n
    total = len(leaves)
    assert one_by_one.size() == bulk.size() == total
    assert root_hash(one_by_one, total) == root_hash(bulk, total) == root_from_leaves(leaves)
    one_by_one.append_leaf_hash(leaf_hash(b"next"))
    bulk.append_leaf_hash(leaf_hash(b"next"))
    assert root_hash(one_by_one, total + 1) == root_hash(bulk, total + 1)


def test_frontier_coords_cover_the_tree() -> None:
    assert frontier_coords(0) == []
    assert frontier_coords(8) == [(3, 0)]
    assert frontier_coords(13) == [(3, 0), (2, 2), (0, 12)]


@settings(max_examples=60, deadline=None)
@given(chunks=st.lists(st.integers(min_value=0, max_value=70), min_size=1, max_size=8))
def test_tree_builder_reports_every_node_once(chunks: list[int]) -> None:
    leaves = _leaves(sum(chunks))
    hashes = [leaf_hash(x) for x in leaves]
    tree, seen, start = TreeBuilder(), {}, 0
    for n in chunks:
        made: dict[int, tuple[int, list[bytes]]] = {}
        tree.add(hashes[start : start + n], made)
        for level, (first, got) in made.items():
            for offset, h in enumerate(got):
                assert (level, first + offset) not in seen
                seen[(level, first + offset)] = h
        start += n
        assert tree.size == start
        assert tree.root() == root_from_leaves(leaves[:start])
    store = MemoryNodeStore.from_leaves(leaves)
    assert store.get_nodes(list(seen)) == seen
    assert len(seen) == len(leaves) - bin(len(leaves)).count("1")
