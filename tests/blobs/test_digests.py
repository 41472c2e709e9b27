"""Digest strings and the hashing reader."""

from __future__ import annotations

import hashlib
import io

import pytest

from zhifa.blobs import InvalidDigest, UnsupportedAlgorithm, hash_stream, parse_digest
from zhifa.blobs.digests import HashingReader, check_algorithm, is_valid_digest
from zhifa.blobs.errors import BlobTooLarge

SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
# GB/T 32905-2016 example 1: SM3("abc").
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_is_available_and_matches_the_standard_vector() -> None:
    assert check_algorithm("sm3") == "sm3"
    assert hashlib.new("sm3", b"abc").hexdigest() == SM3_ABC


@pytest.mark.parametrize(("algorithm", "expected"), [("sha256", SHA256_ABC), ("sm3", SM3_ABC)])
def test_hash_stream_carries_the_algorithm(algorithm: str, expected: str) -> None:
    assert hash_stream(io.BytesIO(b"abc"), algorithm) == (f"{algorithm}:{expected}", 3)


def test_parse_digest_round_trip() -> None:
    assert parse_digest(f"sm3:{SM3_ABC}") == ("sm3", SM3_ABC)


@pytest.mark.parametrize(
    "bad",
    [
        SHA256_ABC,  # no algorithm
        f"sha256:{SHA256_ABC.upper()}",
        f"sha256:{SHA256_ABC[:-1]}",
        "sha256:../../../../etc/passwd",
        f"sha256:{SHA256_ABC[:-2]}/x",
        "",
    ],
)
def test_malformed_digests_are_refused(bad: str) -> None:
    with pytest.raises(InvalidDigest):
        parse_digest(bad)
    assert not is_valid_digest(bad)


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        parse_digest(f"md5:{SHA256_ABC[:32]}")
    with pytest.raises(UnsupportedAlgorithm):
        check_algorithm("sha1")


def test_hashing_reader_stops_at_the_limit() -> None:
    reader = HashingReader(io.BytesIO(b"x" * 10), "sha256", max_bytes=9)
    with pytest.raises(BlobTooLarge) as caught:
        reader.read_exactly(100)
    assert caught.value.limit == 9
    assert "9" in caught.value.message_zh


def test_hashing_reader_accepts_exactly_the_limit() -> None:
    reader = HashingReader(io.BytesIO(b"abc"), "sha256", max_bytes=3)
    assert reader.read_exactly(100) == b"abc"
    assert reader.digest == f"sha256:{SHA256_ABC}"
    assert reader.size == 3


def test_negative_limit_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        HashingReader(io.BytesIO(b""), "sha256", max_bytes=-1)
