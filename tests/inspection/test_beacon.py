"""drand quicknet verified offline against real published rounds; RFC 3797 encoding."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from zhifa.inspection.beacon import (
    BeaconError,
    DrandSource,
    LotterySource,
    check_round_time,
    earliest_round,
    input_keying_material,
    rfc3797_bytes,
    round_time,
    verify_quicknet,
)

# Round 123 of quicknet: noislabs/drand-verify, src/verify.rs (test
# verify_works_for_g1g2_swapped_rfc), as served by the relay at
# /52db9ba7…c84e971/public/123.
ROUND_123 = (
    123,
    "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92",
)
# Round 657413 of quicknet with its randomness: the README of the `drand-verify` 0.2.1
# package on PyPI (verify_quicknet example).
ROUND_657413 = (
    657413,
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b",
)
RANDOMNESS_657413 = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"
# Two rounds of 2026 with the randomness their publishers stored beside them:
# nutzwtf/nutz-contracts test/fixtures/bls/quicknet-rounds.json (29038076, the demo's) and
# docdailey/qrng-beacon-log chain/pulse-1010.json (32921832).
ROUNDS_2026 = (
    (
        29038076,
        "a6c7014d601310516f81a06ff5fdf612a1e34691fc1abf1ee23c65cb54d7c21a47c687331194321baab583ea825c4190",
        "4b1602edb23d7888852b4781c0464fd74ca200ff5203867903bc17b7390d87cc",
    ),
    (
        32921832,
        "8392037d37e97a5d286cfe67a5498de2027a3821ccb4e26605f8ef4f26570d735a730de8d93d81e897a9313469cf8e29",
        "1cde83caa529ae616e5197b1cf51dfaf525c07d221f99df8823909fbcf147d9b",
    ),
)


def test_real_quicknet_rounds_are_accepted():
    number, signature = ROUND_657413
    assert verify_quicknet(number, signature).hex() == RANDOMNESS_657413
    number, signature = ROUND_123
    assert verify_quicknet(number, signature) == hashlib.sha256(bytes.fromhex(signature)).digest()
    for number, signature, randomness in ROUNDS_2026:
        assert verify_quicknet(number, signature).hex() == randomness


def test_2026_rounds_fall_when_quicknet_published_them():
    assert round_time(ROUNDS_2026[0][0]) == datetime(2026, 5, 27, 21, 33, 12, tzinfo=UTC)
    assert round_time(ROUNDS_2026[1][0]) == datetime(2026, 10, 9, 18, 1, tzinfo=UTC)


def test_a_signature_for_another_round_is_refused():
    with pytest.raises(BeaconError, match="签名验证未通过"):
        verify_quicknet(124, ROUND_123[1])


def test_a_changed_signature_is_refused():
    number, signature = ROUND_657413
    # The other real signature is a valid G1 point, just not this round's.
    with pytest.raises(BeaconError, match="签名验证未通过"):
        verify_quicknet(number, ROUND_123[1])
    flipped = signature[:-2] + ("00" if signature[-2:] != "00" else "01")
    with pytest.raises(BeaconError):
        verify_quicknet(number, flipped)
    with pytest.raises(BeaconError, match="48 字节"):
        verify_quicknet(number, signature[:-2])
    with pytest.raises(BeaconError, match="十六进制"):
        verify_quicknet(number, "zz" * 48)


def test_round_time_follows_genesis_and_period():
    assert round_time(1) == datetime(2023, 8, 23, 15, 9, 27, tzinfo=UTC)  # 1692803367
    assert round_time(123) - round_time(1) == timedelta(seconds=3 * 122)


def test_a_round_before_or_within_24h_of_the_checkpoint_is_refused():
    checkpoint = datetime(2023, 8, 22, 15, 0, tzinfo=UTC)
    check_round_time(123, checkpoint)  # 24 h 15 min later: accepted
    with pytest.raises(BeaconError, match="24 小时"):
        check_round_time(123, checkpoint + timedelta(hours=1))  # only 23 h 15 min later
    with pytest.raises(BeaconError, match="24 小时"):
        check_round_time(123, datetime(2026, 12, 7, tzinfo=UTC))  # long before


def test_earliest_round_is_the_first_allowed():
    checkpoint = datetime(2026, 12, 7, 9, 0, 1, tzinfo=UTC)
    first = earliest_round(checkpoint)
    check_round_time(first, checkpoint)
    with pytest.raises(BeaconError):
        check_round_time(first - 1, checkpoint)


def test_rfc3797_section_6_example():
    key = rfc3797_bytes([[9319], [2, 5, 12, 8, 10], [9, 18, 26, 34, 41, 45]], [False] * 3)
    assert key == b"9319./2.5.8.10.12./9.18.26.34.41.45./"
    # RFC 3797 §6 lists MD5(0x0000 ‖ key ‖ 0x0000) for the first selection.
    digest = hashlib.md5(b"\x00\x00" + key + b"\x00\x00", usedforsecurity=False).hexdigest()
    assert digest.upper() == "990DD0A5692A029A98B5E01AA28F3459"


def test_rfc3797_keeps_the_order_of_an_ordered_set():
    assert rfc3797_bytes([[3, 1, 2], [7]], [True, False]) == b"3.1.2./7./"
    with pytest.raises(BeaconError):
        rfc3797_bytes([[1, -2]], [False])
    with pytest.raises(BeaconError):
        rfc3797_bytes([[]], [False])


def test_input_keying_material_joins_the_sources_in_order():
    number, signature = ROUND_657413
    sources = (DrandSource(number), LotterySource("双色球", "2023-09-15", (False, False)))
    values = [
        {"kind": "drand-quicknet", "round": number, "signature": signature},
        {"kind": "rfc3797", "sets": [[33, 1, 12, 7, 20, 5], [9]]},
    ]
    ikm = input_keying_material(sources, values)
    assert ikm == bytes.fromhex(RANDOMNESS_657413) + b"1.5.7.12.20.33./9./"
    with pytest.raises(BeaconError, match="第 657413 轮"):
        input_keying_material(sources, [{**values[0], "round": 1}, values[1]])
    with pytest.raises(BeaconError, match="个数"):
        input_keying_material(sources, values[:1])
