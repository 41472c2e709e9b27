"""RFC 6962 / RFC 9162 Merkle tree against the published test vectors.

The 8 leaves, roots, inclusion proofs and consistency proofs are the standard set of
certificate-transparency-go and transparency-dev/merkle (proof/verify_test.go, whose leaf
numbers are 1-based; here indexes are 0-based).
"""

from __future__ import annotations

import pytest

from zhifa.ledger import (
    EMPTY_ROOT,
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

LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]

# ROOTS[n] is the root of the first n leaves.
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]


def _hx(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


# (leaf index, tree size, proof)
INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        _hx(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        _hx(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (2, 3, _hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        _hx(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]

# (old size, new size, proof)
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        _hx(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _hx(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        _hx(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        _hx(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


@pytest.fixture(scope="module")
def store() -> MemoryNodeStore:
    return MemoryNodeStore.from_leaves(LEAVES)


def test_empty_tree_root_is_hash_of_nothing() -> None:
    assert root_from_leaves([]) == EMPTY_ROOT == ROOTS[0]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots(size: int, store: MemoryNodeStore) -> None:
    assert root_from_leaves(LEAVES[:size]) == ROOTS[size]
    assert root_hash(store, size) == ROOTS[size]


def test_leaf_hash_of_empty_leaf() -> None:
    # A one-leaf tree's root is its leaf hash.
    assert leaf_hash(b"") == ROOTS[1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_vectors(
    index: int, size: int, proof: list[bytes], store: MemoryNodeStore
) -> None:
    assert inclusion_proof(store, index, size) == proof
    verify_inclusion(index, size, leaf_hash(LEAVES[index]), proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_vectors(
    old: int, new: int, proof: list[bytes], store: MemoryNodeStore
) -> None:
    assert consistency_proof(store, old, new) == proof
    verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


def _inclusion_probes(
    index: int, size: int, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, list[bytes], bytes]]:
    leaf, root = leaf_hash(LEAVES[index]), ROOTS[size]
    probes = [
        ("index - 1", index - 1, size, leaf, proof, root),
        ("index + 1", index + 1, size, leaf, proof, root),
        ("index ^ 2", index ^ 2, size, leaf, proof, root),
        ("size * 2", index, size * 2, leaf, proof, root),
        ("size / 2", index, size // 2, leaf, proof, root),
        ("wrong leaf", index, size, leaf_hash(b"WrongLeaf"), proof, root),
        ("empty root", index, size, leaf, proof, EMPTY_ROOT),
        ("random root", index, size, leaf, proof, SOME_HASH),
        ("trailing root", index, size, leaf, [*proof, root], root),
        ("preceding root", index, size, leaf, [root, *proof], root),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 8]) + proof[i][1:]
        probes.append((f"bit flip in proof[{i}]", index, size, leaf, flipped, root))
    if proof:
        probes.append(("removed component", index, size, leaf, proof[:-1], root))
    if len(proof) > 1:
        probes.append(
            ("inserted component", index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root)
        )
    return probes


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION[1:])
def test_corrupted_inclusion_proofs_fail(index: int, size: int, proof: list[bytes]) -> None:
    for desc, i, n, leaf, path, root in _inclusion_probes(index, size, proof):
        with pytest.raises(ProofError):
            verify_inclusion(i, n, leaf, path, root)
            pytest.fail(f"verified although {desc}")


def _consistency_probes(
    old: int, new: int, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    r1, r2 = ROOTS[old], ROOTS[new]
    probes = [
        ("old - 1", old - 1, new, r1, r2, proof),
        ("old + 1", old + 1, new, r1, r2, proof),
        ("old ^ 2", old ^ 2, new, r1, r2, proof),
        ("new * 2", old, new * 2, r1, r2, proof),
        ("new / 2", old, new // 2, r1, r2, proof),
        ("wrong old root", old, new, SOME_HASH, r2, proof),
        ("wrong new root", old, new, r1, SOME_HASH, proof),
        ("swapped roots", old, new, r2, r1, proof),
        ("empty proof", old, new, r1, r2, []),
        ("trailing old root", old, new, r1, r2, [*proof, r1]),
        ("trailing new root", old, new, r1, r2, [*proof, r2]),
        ("preceding old root", old, new, r1, r2, [r1, *proof]),
        ("preceding new root", old, new, r1, r2, [r2, *proof]),
        ("preceding proof[0]", old, new, r1, r2, [proof[0], *proof]),
        ("truncated", old, new, r1, r2, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 16]) + proof[i][1:]
        probes.append((f"bit flip in proof[{i}]", old, new, r1, r2, flipped))
    return probes


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY[1:])
def test_corrupted_consistency_proofs_fail(old: int, new: int, proof: list[bytes]) -> None:
    for desc, m, n, r1, r2, path in _consistency_probes(old, new, proof):
        if m < 0:
            continue
        with pytest.raises(ProofError):
            verify_consistency(m, n, r1, r2, path)
            pytest.fail(f"verified although {desc}")


@pytest.mark.parametrize(
    ("old", "new", "r1", "r2", "proof", "ok"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 1, EMPTY_ROOT, ROOTS[1], [], True),
        (1, 1, ROOTS[1], ROOTS[1], [], True),
        (1, 1, ROOTS[1], ROOTS[2], [], False),  # same size, different roots
        (1, 0, ROOTS[1], EMPTY_ROOT, [], False),  # time travel
        (2, 1, ROOTS[2], ROOTS[1], [], False),
        (1, 2, ROOTS[1], ROOTS[2], [], False),  # empty proof
        (0, 1, EMPTY_ROOT, ROOTS[1], [EMPTY_ROOT], False),  # proof must be empty
        (1, 1, ROOTS[1], ROOTS[1], [EMPTY_ROOT], False),
    ],
)
def test_consistency_edge_cases(
    old: int, new: int, r1: bytes, r2: bytes, proof: list[bytes], ok: bool
) -> None:
    if ok:
        verify_consistency(old, new, r1, r2, proof)
    else:
        with pytest.raises(ProofError):
            verify_consistency(old, new, r1, r2, proof)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (-1, 3)])
def test_impossible_inclusion_parameters(index: int, size: int) -> None:
    with pytest.raises(ProofError):
        verify_inclusion(index, size, SOME_HASH, [], SOME_HASH)


def test_wrong_hash_lengths_are_refused() -> None:
    with pytest.raises(ProofError, match="32 bytes"):
        verify_inclusion(0, 1, b"short", [], ROOTS[1])
    with pytest.raises(ProofError, match="32 bytes"):
        verify_consistency(1, 2, ROOTS[1], ROOTS[2], [b""])
