"""The draw nobody can steer, algorithm `zhifa-draw/1` (pure: no database, clock or I/O).

Commit, then randomness, then compute — see docs/draw.md for the whole procedure.

**Canonical bytes.** The announcement is a JSON object; its bytes are
`json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))` encoded
as UTF-8: object keys sorted by Unicode code point, no whitespace between tokens, strings
written as they are (only `"`, `\\` and control characters escaped), integers in plain
decimal. Floats are not allowed anywhere (ratios are decimal strings such as "0.05").

**Merkle roots.** Each frozen list (a stratum's candidates, the inspectors) is sorted by
code point, without duplicates, and committed by its RFC 9162 §2.1 Merkle tree hash with
SHA-256: leaf = SHA-256(0x00 ‖ UTF-8 label), node = SHA-256(0x01 ‖ left ‖ right), the
split at the largest power of two below the size, the empty list SHA-256("").

**Compute.** `PRK = HKDF-Extract(salt = SHA-256(announcement bytes), IKM = randomness)`
(RFC 5869 with SHA-256). A candidate's rank key is `HKDF-Expand(PRK, "zhifa-draw/1 target"
‖ 0x00 ‖ stratum ‖ 0x00 ‖ label, 32)`; each stratum is sorted by (key, label) and its
first n are drawn, n from its quota (below). Then, for every drawn target — strata in the
announcement's order, targets in rank order — the inspectors are sorted by
(`HKDF-Expand(PRK, "zhifa-draw/1 inspector" ‖ 0x00 ‖ target ‖ 0x00 ‖ inspector, 32)`,
label) and the first `team_size` who are not avoided for that target, are qualified for
it and have fewer than `cap` assignments so far in this draw form its team. A target that
cannot be staffed fails the whole draw. Keys are compared as bytes: nothing is reduced
modulo anything, and nothing is retried.

**Quota.** `{"kind": "all"}` takes the whole stratum; `{"kind": "count", "count": c}`
takes c (c ≤ size); `{"kind": "ratio", "ratio": "0.05", "rounding": R}` takes
size × ratio rounded by R, one of 向上取整 (ceiling), 四舍五入 (half up) or 向下取整
(floor), and at least 1 when the stratum is not empty and the ratio is above 0.

**Substitutions.** A drawn target that cannot be inspected (closed, unreachable) is
replaced, once a reason is entered, by the next candidate in its stratum's rank order
not yet drawn; the substitute takes the replaced target's place and gets its own team by
the same rule, the replaced target's team released, every other team unchanged.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from itertools import pairwise

from zhifa.core.errors import DomainError
from zhifa.inspection.beacon import Source, source_of
from zhifa.ledger.merkle import root_from_leaves

ALGORITHM = "zhifa-draw/1"
TARGET_INFO = b"zhifa-draw/1 target"
INSPECTOR_INFO = b"zhifa-draw/1 inspector"
SEP = b"\x00"


class DrawError(DomainError):
    """A draw that cannot be made as announced: it fails loudly, nothing is chosen."""


# ---- canonical JSON and Merkle roots


def canonical_json(obj: object) -> bytes:
    """The one byte form of a JSON value (see the module docstring)."""
    _refuse_floats(obj)
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _refuse_floats(obj: object) -> None:
    if isinstance(obj, float):
        raise DrawError('公告中不得出现浮点数（比例请写成 "0.05" 这样的字符串）')
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise DrawError("公告中对象的键须为字符串")
            _refuse_floats(value)
    elif isinstance(obj, list | tuple):
        for item in obj:
            _refuse_floats(item)


def merkle_root(labels: Iterable[str]) -> str:
    """RFC 9162 Merkle tree hash (SHA-256) of the UTF-8 labels, as hex."""
    return root_from_leaves(label.encode() for label in labels).hex()


# ---- HKDF (RFC 5869, SHA-256)


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.digest(salt or bytes(32), ikm, "sha256")


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    if not 0 < length <= 255 * 32:
        raise ValueError("HKDF-Expand length out of range")
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.digest(prk, block + info + bytes([counter]), "sha256")
        out += block
        counter += 1
    return out[:length]


class _Expander:
    """HKDF-Expand(PRK, info, 32) = HMAC(PRK, info ‖ 0x01), with the pads hashed once.

    `keys(prefix, tails)` gives the keys of every `prefix ‖ tail` (each tail already
    ending in the counter byte 0x01) with the prefix hashed once: the draw's hot loop.
    """

    def __init__(self, prk: bytes) -> None:
        key = prk.ljust(64, b"\x00")  # a PRK is 32 bytes: never longer than the block
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def key(self, info: bytes) -> bytes:
        return self.keys(info, [b"\x01"])[0]

    def keys(self, prefix: bytes, tails: Iterable[bytes]) -> list[bytes]:
        inner = self._inner.copy()
        inner.update(prefix)
        inner_copy, outer_copy = inner.copy, self._outer.copy
        out = []
        for tail in tails:
            i = inner_copy()
            i.update(tail)
            o = outer_copy()
            o.update(i.digest())
            out.append(o.digest())
        return out


# ---- quotas


class Rounding(StrEnum):
    CEILING = "向上取整"
    HALF_UP = "四舍五入"
    FLOOR = "向下取整"


@dataclass(frozen=True)
class Quota:
    kind: str  # "all" | "count" | "ratio"
    count: int | None = None
    ratio: str | None = None  # a decimal string, 0 < ratio <= 1
    rounding: Rounding | None = None

    def to_json(self) -> dict[str, object]:
        if self.kind == "all":
            return {"kind": "all"}
        if self.kind == "count":
            return {"kind": "count", "count": self.count}
        return {"kind": "ratio", "ratio": self.ratio, "rounding": str(self.rounding)}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Quota:
        kind = data.get("kind")
        if kind == "all":
            return cls("all")
        if kind == "count":
            count = data.get("count")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise DrawError("抽取数量须为非负整数", field="count")
            return cls("count", count=count)
        if kind == "ratio":
            ratio, rounding = data.get("ratio"), data.get("rounding")
            num, den = _decimal(ratio)
            if num > den:
                raise DrawError("抽取比例不得大于 1（100%）", field="ratio")
            if rounding not in set(Rounding):
                raise DrawError("取整规则须为 向上取整、四舍五入 或 向下取整", field="rounding")
            return cls("ratio", ratio=str(ratio), rounding=Rounding(str(rounding)))
        raise DrawError("抽取方式须为 全部、按数量 或 按比例", field="quota")

    def size(self, population: int) -> int:
        """How many of a stratum of `population` are drawn."""
        if self.kind == "all":
            return population
        if self.kind == "count":
            assert self.count is not None
            if self.count > population:
                raise DrawError(f"抽取数量 {self.count} 大于名录中的 {population} 个", "count")
            return self.count
        num, den = _decimal(self.ratio)
        product = population * num
        if self.rounding is Rounding.CEILING:
            n = -(-product // den)
        elif self.rounding is Rounding.FLOOR:
            n = product // den
        else:
            n = (2 * product + den) // (2 * den)
        return max(n, 1) if population and num else n


def _decimal(text: object) -> tuple[int, int]:
    """A plain decimal string "0.05" as the exact fraction (5, 100)."""
    whole, _, frac = str(text).partition(".")
    if not isinstance(text, str) or not (whole + frac).isascii() or not (whole + frac).isdigit():
        raise DrawError('抽取比例须写成小数，如 "0.05"', field="ratio")
    return int(whole + frac), 10 ** len(frac)


# ---- the announcement (what is committed before the randomness exists)


@dataclass(frozen=True)
class Stratum:
    name: str
    candidates: tuple[str, ...]
    quota: Quota

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "quota": self.quota.to_json(),
            "candidates": list(self.candidates),
            "merkle_root": self.root,
        }

    @cached_property
    def root(self) -> str:
        return merkle_root(self.candidates)


@dataclass(frozen=True)
class Announcement:
    """Everything the draw depends on except the randomness.

    `avoidance` holds (inspector, target) pairs; `target_fields` maps a target to the
    field (专业领域) its inspection needs and `field_inspectors` a field to the inspectors
    qualified for it; a target with no field may be inspected by anyone.
    """

    plan: Mapping[str, object]
    announced_at: str  # ISO 8601 UTC, e.g. "2026-12-07T09:00:00Z"
    strata: tuple[Stratum, ...]
    inspectors: tuple[str, ...]
    team_size: int
    cap: int
    randomness: tuple[Source, ...]
    avoidance: frozenset[tuple[str, str]] = frozenset()
    target_fields: Mapping[str, str] = field(default_factory=dict)
    field_inspectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(self)

    def to_json(self) -> dict[str, object]:
        return {
            "algorithm": ALGORITHM,
            "plan": dict(self.plan),
            "announced_at": self.announced_at,
            "strata": [s.to_json() for s in self.strata],
            "inspectors": {
                "labels": list(self.inspectors),
                "merkle_root": merkle_root(self.inspectors),
            },
            "team_size": self.team_size,
            "cap": self.cap,
            "avoidance": [list(pair) for pair in sorted(self.avoidance)],
            "qualification": {
                "target_fields": dict(sorted(self.target_fields.items())),
                "field_inspectors": {
                    f: sorted(labels) for f, labels in sorted(self.field_inspectors.items())
                },
            },
            "randomness": [s.to_json() for s in self.randomness],
        }

    def canonical_bytes(self) -> bytes:
        return self._canonical

    @cached_property
    def _canonical(self) -> bytes:
        return canonical_json(self.to_json())

    def avoided_for(self, target: str) -> frozenset[str]:
        """The inspectors in a 回避 pair with the target."""
        return self._avoided_by_target.get(target, frozenset())

    @cached_property
    def _avoided_by_target(self) -> dict[str, frozenset[str]]:
        by_target: dict[str, set[str]] = {}
        for inspector, target in self.avoidance:
            by_target.setdefault(target, set()).add(inspector)
        return {t: frozenset(i) for t, i in by_target.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Announcement:
        """Read a published announcement, checking its algorithm and Merkle roots."""
        try:
            if data["algorithm"] != ALGORITHM:
                raise DrawError(f"不支持的抽取算法：{data['algorithm']}")
            strata = []
            for s in _list(data["strata"]):
                stratum = Stratum(s["name"], tuple(s["candidates"]), Quota.from_json(s["quota"]))
                if s["merkle_root"] != stratum.root:
                    raise DrawError(f"“{stratum.name}”名录的默克尔根与名录不符")
                strata.append(stratum)
            inspectors = data["inspectors"]
            assert isinstance(inspectors, dict)
            if inspectors["merkle_root"] != merkle_root(inspectors["labels"]):
                raise DrawError("检查人员名录的默克尔根与名录不符")
            qualification = data["qualification"]
            assert isinstance(qualification, dict)
            plan = data["plan"]
            assert isinstance(plan, dict)
            return cls(
                plan=plan,
                announced_at=str(data["announced_at"]),
                strata=tuple(strata),
                inspectors=tuple(inspectors["labels"]),
                team_size=_int(data["team_size"]),
                cap=_int(data["cap"]),
                randomness=tuple(source_of(s) for s in _list(data["randomness"])),
                avoidance=frozenset((a, b) for a, b in _list(data["avoidance"])),
                target_fields=dict(qualification["target_fields"]),
                field_inspectors={
                    f: tuple(labels) for f, labels in qualification["field_inspectors"].items()
                },
            )
        except (KeyError, TypeError, ValueError, AssertionError) as exc:
            if isinstance(exc, DrawError):
                raise
            raise DrawError(f"公告格式不正确：{exc!r}") from exc


def _list(value: object) -> list[dict]:  # type: ignore[type-arg]
    if not isinstance(value, list):
        raise DrawError("公告格式不正确：应为列表")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DrawError("公告格式不正确：应为整数")
    return value


def _check(ann: Announcement) -> None:
    if ann.team_size < 2:
        raise DrawError("检查组不得少于 2 名执法人员", field="team_size")
    if ann.cap < 1:
        raise DrawError("每名检查人员的检查次数上限须至少为 1", field="cap")
    if not ann.randomness:
        raise DrawError("公告须指定将来的随机源", field="randomness")
    names = [s.name for s in ann.strata]
    if not names or len(set(names)) != len(names):
        raise DrawError("层级须至少一个且名称不得重复", field="strata")
    seen: set[str] = set()
    for stratum in ann.strata:
        if not stratum.candidates:
            raise DrawError(f"“{stratum.name}”名录为空", field="strata")
        _sorted_unique(stratum.candidates, f"“{stratum.name}”名录")
        Quota.from_json(stratum.quota.to_json()).size(len(stratum.candidates))
        if seen & set(stratum.candidates):
            raise DrawError(f"“{stratum.name}”中有对象同时属于其他层级", field="strata")
        seen |= set(stratum.candidates)
    _sorted_unique(ann.inspectors, "检查人员名录")
    known = set(ann.inspectors)
    for field_name in ann.target_fields.values():
        if field_name not in ann.field_inspectors:
            raise DrawError(
                f"专业领域“{field_name}”未列出具备资格的检查人员", field="qualification"
            )
    for labels in ann.field_inspectors.values():
        if not set(labels) <= known:
            raise DrawError("资格名单中有不在检查人员名录里的人员", field="qualification")


def _sorted_unique(labels: Sequence[str], what: str) -> None:
    if any(not isinstance(x, str) or not x for x in labels):
        raise DrawError(f"{what}中有空的标识")
    if any(a >= b for a, b in pairwise(labels)):
        raise DrawError(f"{what}须按标识排序且不得重复")


# ---- the result


@dataclass(frozen=True)
class StratumDraw:
    name: str
    population: int
    drawn: tuple[str, ...]  # in rank order

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "population": self.population,
            "size": len(self.drawn),
            "drawn": list(self.drawn),
        }


@dataclass(frozen=True)
class Team:
    target: str
    stratum: str
    inspectors: tuple[str, ...]  # in rank order

    def to_json(self) -> dict[str, object]:
        return {"target": self.target, "stratum": self.stratum, "inspectors": list(self.inspectors)}


@dataclass(frozen=True)
class Substitution:
    stratum: str
    replaced: str
    substitute: str
    rank: int  # 0-based position of the substitute in its stratum's rank order
    reason: str
    inspectors: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "stratum": self.stratum,
            "replaced": self.replaced,
            "substitute": self.substitute,
            "rank": self.rank,
            "reason": self.reason,
            "inspectors": list(self.inspectors),
        }


@dataclass(frozen=True)
class DrawResult:
    strata: tuple[StratumDraw, ...]
    teams: tuple[Team, ...]  # in assignment order
    substitutions: tuple[Substitution, ...] = ()

    def outputs_json(self) -> dict[str, object]:
        return {
            "strata": [s.to_json() for s in self.strata],
            "teams": [t.to_json() for t in self.teams],
        }

    def current_teams(self) -> tuple[Team, ...]:
        """The teams after the substitutions, each substitute in its target's place."""
        teams = list(self.teams)
        for sub in self.substitutions:
            at = next(i for i, t in enumerate(teams) if t.target == sub.replaced)
            teams[at] = Team(sub.substitute, sub.stratum, sub.inspectors)
        return tuple(teams)


# ---- compute


class _Keys:
    """The rank keys of one draw, all derived from one PRK."""

    def __init__(self, ann: Announcement, ikm: bytes) -> None:
        prk = hkdf_extract(hashlib.sha256(ann.canonical_bytes()).digest(), ikm)
        self._expand = _Expander(prk)
        self._tails = {i: i.encode() + b"\x01" for i in ann.inspectors}

    def ranked_stratum(self, stratum: Stratum) -> list[str]:
        prefix = TARGET_INFO + SEP + stratum.name.encode() + SEP
        keys = self._expand.keys(prefix, (c.encode() + b"\x01" for c in stratum.candidates))
        return [c for _, c in sorted(zip(keys, stratum.candidates, strict=True))]

    def first_inspectors(self, target: str, eligible: Sequence[str], k: int) -> list[str]:
        """The first k of the eligible inspectors in the target's rank order (the same as
        ranking everyone and passing over the ineligible, without their keys)."""
        prefix = INSPECTOR_INFO + SEP + target.encode() + SEP
        keys = self._expand.keys(prefix, [self._tails[i] for i in eligible])
        return [i for _, i in heapq.nsmallest(k, zip(keys, eligible, strict=True))]


def _staff(keys: _Keys, ann: Announcement, target: str, load: Mapping[str, int]) -> tuple[str, ...]:
    field_name = ann.target_fields.get(target)
    qualified = set(ann.field_inspectors[field_name]) if field_name is not None else None
    avoided, cap = ann.avoided_for(target), ann.cap
    eligible = [
        i
        for i in ann.inspectors
        if i not in avoided and load.get(i, 0) < cap and (qualified is None or i in qualified)
    ]
    if len(eligible) < ann.team_size:
        raise DrawError(
            f"无法为检查对象 {target} 配齐 {ann.team_size} 名检查人员"
            f"（经回避、资格和每人 {cap} 次上限筛选后只剩 {len(eligible)} 名），本次抽取失败",
            field="inspectors",
        )
    return tuple(keys.first_inspectors(target, eligible, ann.team_size))


def compute(ann: Announcement, ikm: bytes) -> DrawResult:
    """Draw the targets of every stratum, then staff each drawn target."""
    if not ikm:
        raise DrawError("随机值为空，不能抽取", field="randomness")
    keys = _Keys(ann, ikm)
    strata = []
    for stratum in ann.strata:
        n = stratum.quota.size(len(stratum.candidates))
        strata.append(
            StratumDraw(
                stratum.name, len(stratum.candidates), tuple(keys.ranked_stratum(stratum)[:n])
            )
        )
    load: dict[str, int] = {}
    teams = []
    for drawn in strata:
        for target in drawn.drawn:
            team = _staff(keys, ann, target, load)
            for inspector in team:
                load[inspector] = load.get(inspector, 0) + 1
            teams.append(Team(target, drawn.name, team))
    return DrawResult(tuple(strata), tuple(teams))


def substitute(
    ann: Announcement, ikm: bytes, result: DrawResult, target: str, reason: str
) -> tuple[DrawResult, Substitution]:
    """Replace a drawn target by the next in its stratum's rank order (reason first)."""
    if not reason.strip():
        raise DrawError("替补前须先填写理由（如已关闭、无法联系）", field="reason")
    current = result.current_teams()
    replaced = next((t for t in current if t.target == target), None)
    if replaced is None:
        raise DrawError(f"{target} 不是本次抽中的检查对象", field="target")
    stratum = next(s for s in ann.strata if s.name == replaced.stratum)
    keys = _Keys(ann, ikm)
    ranked = keys.ranked_stratum(stratum)
    used = {t.target for t in result.teams} | {s.substitute for s in result.substitutions}
    rank = next((i for i, c in enumerate(ranked) if c not in used), None)
    if rank is None:
        raise DrawError(f"“{stratum.name}”已无可替补的检查对象", field="target")
    load: dict[str, int] = {}
    for team in current:
        if team.target != target:
            for inspector in team.inspectors:
                load[inspector] = load.get(inspector, 0) + 1
    record = Substitution(
        stratum.name,
        target,
        ranked[rank],
        rank,
        reason.strip(),
        _staff(keys, ann, ranked[rank], load),
    )
    return DrawResult(result.strata, result.teams, (*result.substitutions, record)), record
