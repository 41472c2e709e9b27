"""Public randomness for the draws, checked offline (pure: no network, no clock, no I/O).

Two kinds of source, named in the announcement before the randomness exists:

* **drand quicknet** (League of Entropy): a BLS12-381 threshold signature on G1 over the
  round number alone ("unchained", scheme `bls-unchained-g1-rfc9380`, RFC 9380 hash to
  G1 with DST `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`). The signature is verified
  against the network's public key with the `drand-verify` package (a compiled wheel of
  the Rust crate by Nois Labs); the randomness is `sha256(signature)`.
  Constants: chain hash, public key, genesis and period as published by drand for the
  chain `52db9ba7…c84e971` (drand blog "quicknet is live", 2023-10-16, for the chain hash
  and the 3 s period; the chain's `/info` as quoted in noislabs/drand-verify's
  src/verify.rs for the public key; genesis 1692803367 as quoted by several clients).
* **a public lottery** (RFC 3797 §4): each set of drawn numbers is sorted ascending unless
  its order is significant, every number is written in decimal followed by ".", and every
  set is closed by "/"; the ASCII string is the source's bytes. RFC 3797 §6's example
  sets 9319 / 2 5 12 8 10 / 9 18 26 34 41 45 give `9319./2.5.8.10.12./9.18.26.34.41.45./`.

The input keying material of a draw is the concatenation, in the announcement's order, of
each source's bytes: 32 bytes for a drand round, the RFC 3797 string for a lottery.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import drand_verify

from zhifa.core.clock import people_datetime
from zhifa.core.errors import DomainError

QUICKNET_CHAIN_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_PUBLIC_KEY = (
    "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
    "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
    "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"
)
QUICKNET_SCHEME = "bls-unchained-g1-rfc9380"
QUICKNET_GENESIS = 1692803367  # Unix seconds of round 1
QUICKNET_PERIOD = 3  # seconds between rounds
# The randomness must come from a round at least this long after the signed checkpoint
# that covers the announcement: nobody can know it when the lists are frozen.
# not a legal limit: the draw protocol's margin of unpredictability (issue 15 point 3)
MIN_LEAD = timedelta(hours=24)

DRAND = "drand-quicknet"
LOTTERY = "rfc3797"


class BeaconError(DomainError):
    """A randomness value that cannot be used (wrong, too early, malformed)."""


# ---- drand quicknet


def round_time(round_number: int) -> datetime:
    """When quicknet publishes the round: genesis + (round - 1) * period, UTC."""
    if round_number < 1:
        raise BeaconError("drand 轮次须为正整数", field="round")
    seconds = QUICKNET_GENESIS + (round_number - 1) * QUICKNET_PERIOD
    return datetime.fromtimestamp(seconds, UTC)


def round_at(moment: datetime) -> int:
    """The first round published at or after ``moment``."""
    not_before = math.ceil(moment.timestamp())
    if not_before <= QUICKNET_GENESIS:
        return 1
    return -(-(not_before - QUICKNET_GENESIS) // QUICKNET_PERIOD) + 1


def earliest_round(checkpoint_time: datetime) -> int:
    """The first round whose time is at least MIN_LEAD after the checkpoint."""
    return round_at(checkpoint_time + MIN_LEAD)


def check_round_time(round_number: int, checkpoint_time: datetime) -> None:
    """Refuse a round published before, or less than 24 h after, the checkpoint."""
    at = round_time(round_number)
    if at < checkpoint_time + MIN_LEAD:
        raise BeaconError(
            f"drand 第 {round_number} 轮的时间（北京时间 {people_datetime(at)}）"
            f"早于公告签名检查点之后 24 小时，不能作为随机源",
            field="round",
        )


def verify_quicknet(round_number: int, signature_hex: str) -> bytes:
    """The round's randomness, sha256(signature), once the signature is verified."""
    try:
        signature = bytes.fromhex(signature_hex)
    except ValueError as exc:
        raise BeaconError("drand 签名须为十六进制", field="signature") from exc
    if len(signature) != 48:
        raise BeaconError("drand quicknet 签名须为 48 字节（96 个十六进制字符）", field="signature")
    try:
        drand_verify.verify_quicknet(round_number, signature.hex(), QUICKNET_PUBLIC_KEY)
    except ValueError as exc:
        raise BeaconError(
            f"drand 第 {round_number} 轮的签名验证未通过（与 quicknet 公钥不符）",
            field="signature",
        ) from exc
    return hashlib.sha256(signature).digest()


# ---- RFC 3797 lottery numbers


def rfc3797_bytes(sets: Sequence[Sequence[int]], ordered: Sequence[bool]) -> bytes:
    """RFC 3797 §4: sets sorted unless ordered, each number + ".", each set + "/"."""
    if len(sets) != len(ordered):
        raise BeaconError("彩票号码组数与公告不符", field="sets")
    out = []
    for numbers, keep_order in zip(sets, ordered, strict=True):
        if not numbers or any(isinstance(n, bool) or n < 0 for n in numbers):
            raise BeaconError("彩票号码须为非负整数，每组至少一个", field="sets")
        chosen = list(numbers) if keep_order else sorted(numbers)
        out.append("".join(f"{n}." for n in chosen) + "/")
    return "".join(out).encode("ascii")


# ---- the sources an announcement names, and the values entered afterwards


@dataclass(frozen=True)
class DrandSource:
    """A future quicknet round."""

    round: int

    def to_json(self) -> dict[str, object]:
        return {"kind": DRAND, "chain": QUICKNET_CHAIN_HASH, "round": self.round}


@dataclass(frozen=True)
class LotterySource:
    """A named public lottery draw on a named future date; one flag per set of numbers."""

    lottery: str
    draw_date: str
    ordered: tuple[bool, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "kind": LOTTERY,
            "lottery": self.lottery,
            "draw_date": self.draw_date,
            "sets": [{"ordered": flag} for flag in self.ordered],
        }


Source = DrandSource | LotterySource


def source_of(data: Mapping[str, object]) -> Source:
    kind = data.get("kind")
    if kind == DRAND:
        if data.get("chain", QUICKNET_CHAIN_HASH) != QUICKNET_CHAIN_HASH:
            raise BeaconError("只接受 drand quicknet 链", field="randomness")
        number = data.get("round")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise BeaconError("drand 轮次须为正整数", field="randomness")
        return DrandSource(number)
    if kind == LOTTERY:
        lottery, day, sets = data.get("lottery"), data.get("draw_date"), data.get("sets")
        if not (isinstance(lottery, str) and lottery and isinstance(day, str) and day):
            raise BeaconError("须写明彩票名称与开奖日期", field="randomness")
        if not isinstance(sets, list) or not sets:
            raise BeaconError("须写明彩票号码的组数", field="randomness")
        flags = tuple(bool(s.get("ordered")) if isinstance(s, dict) else False for s in sets)
        return LotterySource(lottery, day, flags)
    raise BeaconError(f"未知的随机源类型：{kind}", field="randomness")


def check_sources_after(sources: Sequence[Source], checkpoint_time: datetime) -> None:
    """Every drand round named must lie at least 24 h after the checkpoint."""
    for source in sources:
        if isinstance(source, DrandSource):
            check_round_time(source.round, checkpoint_time)


def source_bytes(source: Source, value: Mapping[str, object]) -> bytes:
    """The bytes a source contributes, from the value entered for it (checked)."""
    if isinstance(source, DrandSource):
        signature = value.get("signature")
        if value.get("kind") != DRAND or not isinstance(signature, str):
            raise BeaconError("须填写 drand 轮次的签名", field="signature")
        if value.get("round", source.round) != source.round:
            raise BeaconError(f"须填写公告指定的第 {source.round} 轮", field="round")
        return verify_quicknet(source.round, signature)
    sets = value.get("sets")
    if value.get("kind") != LOTTERY or not isinstance(sets, list):
        raise BeaconError("须填写彩票开奖号码", field="sets")
    if not all(isinstance(s, list) and all(isinstance(n, int) for n in s) for s in sets):
        raise BeaconError("彩票号码须为整数", field="sets")
    return rfc3797_bytes(sets, source.ordered)


def input_keying_material(
    sources: Sequence[Source], values: Sequence[Mapping[str, object]]
) -> bytes:
    """The draw's IKM: each source's bytes, in the announcement's order."""
    if len(sources) != len(values):
        raise BeaconError("随机值的个数与公告指定的随机源不符", field="randomness")
    return b"".join(source_bytes(s, v) for s, v in zip(sources, values, strict=True))
