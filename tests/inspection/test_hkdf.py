"""HKDF (RFC 5869, SHA-256) against the RFC's own test vectors A.1-A.3."""

from __future__ import annotations

import pytest

from zhifa.inspection.draw import _Expander, hkdf_expand, hkdf_extract

H = bytes.fromhex

VECTORS = [
    (  # A.1 basic
        H("0b" * 22),
        H("000102030405060708090a0b0c"),
        H("f0f1f2f3f4f5f6f7f8f9"),
        42,
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    ),
    (  # A.2 longer inputs and outputs
        bytes(range(0x00, 0x50)),
        bytes(range(0x60, 0xB0)),
        bytes(range(0xB0, 0x100)),
        82,
        "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
        "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
        "cc30c58179ec3e87c14c01d5c1f3434f1d87",
    ),
    (  # A.3 zero-length salt and info
        H("0b" * 22),
        b"",
        b"",
        42,
        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    ),
]


@pytest.mark.parametrize(("ikm", "salt", "info", "length", "prk", "okm"), VECTORS)
def test_rfc5869_vectors(ikm, salt, info, length, prk, okm):
    assert hkdf_extract(salt, ikm).hex() == prk
    assert hkdf_expand(H(prk), info, length).hex() == okm


@pytest.mark.parametrize(("ikm", "salt", "info", "length", "prk", "okm"), VECTORS)
def test_the_fast_one_block_expand_is_hkdf_expand(ikm, salt, info, length, prk, okm):
    # The draw's rank keys are the first 32 bytes of the RFC's OKM for the same info.
    assert _Expander(H(prk)).key(info).hex() == okm[:64]


def test_expand_refuses_impossible_lengths():
    with pytest.raises(ValueError):
        hkdf_expand(bytes(32), b"", 255 * 32 + 1)
