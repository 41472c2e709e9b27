"""put_file: a file hashed on arrival is adopted by a link (no second copy); a wrong
claimed digest is still caught by verify, and stores that must copy check it at once."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from zhifa.blobs import BlobTooLarge, LocalBlobStore
from zhifa.blobs.base import BlobStore


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "upload.part"
    path.write_bytes(data)
    return path


def test_local_store_adopts_by_link(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs", create=True)
    data = random.Random(300_000).randbytes(300_000)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    source = _file(tmp_path, data)
    info = store.put_file(source, digest=digest)
    assert info.digest == digest and info.size == len(data)
    stored = store._path(digest)
    assert stored.stat().st_ino == source.stat().st_ino
    assert stored.stat().st_mode & 0o777 == 0o444
    source.unlink()  # the upload area lets go of its name; the blob keeps the bytes
    with store.open(digest) as handle:
        assert handle.read() == data
    assert store.verify(digest)


def test_a_false_claim_is_caught_by_verify(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs", create=True)
    claimed = "sha256:" + hashlib.sha256(b"something else").hexdigest()
    store.put_file(_file(tmp_path, b"actual bytes"), digest=claimed)
    result = store.verify(claimed)
    assert not result and result.problem == "mismatch"


def test_size_limit_and_unknown_digest(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs", create=True)
    with pytest.raises(BlobTooLarge):
        store.put_file(_file(tmp_path, b"x" * 10), digest=None, max_bytes=5)
    info = store.put_file(_file(tmp_path, b"hashed by the store"))  # no claim: copied
    assert info.digest == "sha256:" + hashlib.sha256(b"hashed by the store").hexdigest()


def test_copying_stores_check_the_claim(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs", create=True)
    wrong = "sha256:" + "0" * 64
    with pytest.raises(ValueError, match="hashes to"):
        BlobStore.put_file(store, _file(tmp_path, b"data"), digest=wrong)
