"""The draw: fixed vectors, the documented reference, fairness, 回避, qualification, caps."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from tests.inspection.fixtures import (
    CHECKPOINT,
    INSPECTORS,
    KEY_UNITS,
    OTHER_UNITS,
    ROUND,
    SIGNATURE,
    announcement,
    drand_value,
)
from zhifa.inspection.beacon import verify_quicknet
from zhifa.inspection.draw import (
    Announcement,
    DrawError,
    Quota,
    Rounding,
    Stratum,
    canonical_json,
    compute,
    hkdf_expand,
    hkdf_extract,
    merkle_root,
    substitute,
)
from zhifa.inspection.published import published

DOC = Path(__file__).resolve().parents[2] / "docs" / "draw.md"

# Computed once by draw.py on round 123 and checked with the reference code of
# docs/draw.md (test_the_documented_reference_agrees runs it on the same draw).
EXPECTED_OUTPUTS = {
    "strata": [
        {
            "name": "重点",
            "population": 3,
            "size": 3,
            "drawn": ["91310107MA1G000033", "91310107MA1G000022", "91310107MA1G000011"],
        },
        {
            "name": "一般",
            "population": 20,
            "size": 4,
            "drawn": [
                "91310107MA1H000018",
                "91310107MA1H000015",
                "91310107MA1H000010",
                "91310107MA1H000008",
            ],
        },
    ],
    "teams": [
        {
            "target": "91310107MA1G000033",
            "stratum": "重点",
            "inspectors": ["310107003", "310107005"],
        },
        {
            "target": "91310107MA1G000022",
            "stratum": "重点",
            "inspectors": ["310107005", "310107003"],
        },
        {
            "target": "91310107MA1G000011",
            "stratum": "重点",
            "inspectors": ["310107002", "310107007"],
        },
        {
            "target": "91310107MA1H000018",
            "stratum": "一般",
            "inspectors": ["310107002", "310107007"],
        },
        {
            "target": "91310107MA1H000015",
            "stratum": "一般",
            "inspectors": ["310107001", "310107006"],
        },
        {
            "target": "91310107MA1H000010",
            "stratum": "一般",
            "inspectors": ["310107001", "310107006"],
        },
        {
            "target": "91310107MA1H000008",
            "stratum": "一般",
            "inspectors": ["310107004", "310107008"],
        },
    ],
}
EXPECTED_ANNOUNCEMENT_SHA256 = "361233aaeb2f0601ea2175dd8cc3dc07b3685e53cf81e70a339ecadeffbb7d51"


def _ikm() -> bytes:
    return verify_quicknet(ROUND, SIGNATURE)


def _beacon(i: int) -> bytes:
    """Fixed, seeded stand-ins for beacon randomness."""
    return hashlib.sha256(f"test beacon {i}".encode()).digest()


def _prk(ann: Announcement, ikm: bytes) -> bytes:
    return hkdf_extract(hashlib.sha256(ann.canonical_bytes()).digest(), ikm)


def _target_ranking(ann: Announcement, ikm: bytes, stratum: str) -> list[str]:
    """The stratum's rank order by the generic RFC 5869 code, written out again."""
    prk = _prk(ann, ikm)
    candidates = next(s.candidates for s in ann.strata if s.name == stratum)
    info = "zhifa-draw/1 target\x00" + stratum + "\x00"
    return sorted(candidates, key=lambda c: (hkdf_expand(prk, (info + c).encode(), 32), c))


def _inspector_ranking(ann: Announcement, ikm: bytes, target: str) -> list[str]:
    prk = _prk(ann, ikm)
    info = "zhifa-draw/1 inspector\x00" + target + "\x00"
    return sorted(ann.inspectors, key=lambda i: (hkdf_expand(prk, (info + i).encode(), 32), i))


def reference_recompute(doc: dict[str, object]) -> str:
    """Run the reference code block of docs/draw.md on `doc`; what it prints."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert code is not None
    assert len(code.group(1).splitlines()) <= 40
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(code.group(1), "docs/draw.md", "exec"), {"doc": doc})
    return out.getvalue().strip()


# ---- fixed vectors


def test_fixed_vector_on_a_real_round():
    ann = announcement()
    assert hashlib.sha256(ann.canonical_bytes()).hexdigest() == EXPECTED_ANNOUNCEMENT_SHA256
    assert compute(ann, _ikm()).outputs_json() == EXPECTED_OUTPUTS


def test_the_documented_reference_agrees():
    ann, ikm = announcement(), _ikm()
    doc = published(ann, CHECKPOINT, [drand_value()], ikm, compute(ann, ikm))
    assert doc["outputs"] == EXPECTED_OUTPUTS
    assert reference_recompute(json.loads(json.dumps(doc))) == "一致"
    # ... and it is not a rubber stamp: a swapped team is caught.
    teams = doc["outputs"]["teams"]  # type: ignore[index]
    teams[0]["inspectors"] = teams[0]["inspectors"][::-1]
    assert reference_recompute(doc) == "不一致"


def test_the_reference_agrees_on_many_draws_with_every_rounding_and_count():
    strata = (
        Stratum("A", OTHER_UNITS[:7], Quota("ratio", ratio="0.35", rounding=Rounding.HALF_UP)),
        Stratum("B", OTHER_UNITS[7:15], Quota("ratio", ratio="0.3", rounding=Rounding.FLOOR)),
        Stratum("C", OTHER_UNITS[15:], Quota("count", count=2)),
        Stratum("D", KEY_UNITS, Quota("all")),
    )
    ann = announcement(strata=strata, cap=3, avoidance=frozenset(), target_fields={})
    for i in range(25):
        doc = published(ann, CHECKPOINT, [], _beacon(i), compute(ann, _beacon(i)))
        assert reference_recompute(doc) == "一致"


# ---- fairness


def test_each_candidate_is_drawn_with_its_fair_frequency():
    """2000 seeded beacons, 5 of 20: each count within 5 sigma of Binomial(2000, 1/4)."""
    ann = announcement(
        strata=(Stratum("一般", OTHER_UNITS, Quota("count", count=5)),),
        inspectors=INSPECTORS[:6],
        cap=5,
        avoidance=frozenset(),
        target_fields={},
        field_inspectors={},
    )
    trials = 2000
    targets: Counter[str] = Counter()
    inspectors: Counter[str] = Counter()
    for i in range(trials):
        result = compute(ann, _beacon(i))
        targets.update(result.strata[0].drawn)
        for team in result.teams:
            inspectors.update(team.inspectors)
    p = 5 / 20
    bound = 5 * math.sqrt(trials * p * (1 - p))
    assert set(targets) == set(OTHER_UNITS)
    for label in OTHER_UNITS:
        assert abs(targets[label] - trials * p) < bound, (label, targets[label])
    # Each team is 2 of 6 inspectors: 1/3 of 10,000 slots-per-inspector chances.
    slots, q = trials * 5, 2 / 6
    bound = 5 * math.sqrt(slots * q * (1 - q))
    for label in INSPECTORS[:6]:
        assert abs(inspectors[label] - slots * q) < bound, (label, inspectors[label])


# ---- 回避, qualification, caps


def test_avoidance_qualification_and_caps_hold_on_many_beacons():
    ann = announcement()
    qualified = set(ann.field_inspectors["危险化学品"])
    for i in range(200):
        result = compute(ann, _beacon(i))
        load = Counter(x for team in result.teams for x in team.inspectors)
        assert max(load.values()) <= ann.cap
        for team in result.teams:
            assert len(team.inspectors) == len(set(team.inspectors)) == ann.team_size
            assert not {(x, team.target) for x in team.inspectors} & ann.avoidance
            if team.target == KEY_UNITS[1]:
                assert set(team.inspectors) <= qualified


def test_an_avoided_inspector_is_passed_over():
    """On the beacons where the avoided inspector ranks first for the target, they are
    skipped and the team is the next two of the ranking."""
    ann = announcement()
    target, avoided = KEY_UNITS[0], "310107001"
    assert (avoided, target) in ann.avoidance
    seen = 0
    for i in range(80):
        ranking = _inspector_ranking(ann, _beacon(i), target)
        if ranking[0] != avoided:
            continue
        seen += 1
        team = next(t for t in compute(ann, _beacon(i)).teams if t.target == target)
        assert avoided not in team.inspectors
        assert team.inspectors == tuple(ranking[1:3])  # 重点 is staffed first: no cap yet
    assert seen >= 3


def test_the_cap_moves_assignments_on():
    loose = compute(announcement(cap=7), _ikm())
    assert max(Counter(x for t in loose.teams for x in t.inspectors).values()) > 2
    tight = compute(announcement(cap=2), _ikm())
    assert max(Counter(x for t in tight.teams for x in t.inspectors).values()) == 2


def test_a_target_that_cannot_be_staffed_fails_the_draw():
    with pytest.raises(DrawError, match="无法为检查对象 91310107MA1G000022"):
        compute(announcement(field_inspectors={"危险化学品": ("310107003",)}), _ikm())
    # 7 targets need 14 places; 8 inspectors with one check each have 8.
    with pytest.raises(DrawError, match="本次抽取失败"):
        compute(announcement(cap=1), _ikm())


# ---- substitutions


def test_a_substitute_is_the_next_in_rank_with_its_own_team():
    ann, ikm = announcement(), _ikm()
    result = compute(ann, ikm)
    gone = result.strata[1].drawn[1]
    after, record = substitute(ann, ikm, result, gone, "  企业已注销  ")
    assert record.substitute == "91310107MA1H000020" and record.rank == 4
    assert record.reason == "企业已注销"
    assert _target_ranking(ann, ikm, "一般")[4] == record.substitute
    teams = after.current_teams()
    assert [t.target for t in teams].index(record.substitute) == 4
    assert gone not in {t.target for t in teams}
    assert teams[:4] == result.teams[:4] and teams[5:] == result.teams[5:]
    # A second substitution takes the one after.
    _, second = substitute(ann, ikm, after, record.substitute, "无法联系")
    assert second.rank == 5


def test_a_substitution_needs_a_reason_and_a_drawn_target():
    ann, ikm = announcement(), _ikm()
    result = compute(ann, ikm)
    with pytest.raises(DrawError, match="理由"):
        substitute(ann, ikm, result, result.strata[1].drawn[0], " ")
    with pytest.raises(DrawError, match="不是本次抽中"):
        substitute(ann, ikm, result, "91310107MA1H000001", "已关闭")
    with pytest.raises(DrawError, match="已无可替补"):
        substitute(ann, ikm, result, KEY_UNITS[0], "已关闭")  # 重点 takes everyone


# ---- quotas, canonical bytes, Merkle roots, announcement checks


@pytest.mark.parametrize(
    ("ratio", "rounding", "population", "size"),
    [
        ("0.05", Rounding.CEILING, 99, 5),
        ("0.05", Rounding.HALF_UP, 99, 5),
        ("0.05", Rounding.FLOOR, 99, 4),
        ("0.05", Rounding.HALF_UP, 90, 5),  # 4.5 rounds up
        ("0.05", Rounding.HALF_UP, 89, 4),
        ("0.05", Rounding.FLOOR, 3, 1),  # at least one of a non-empty stratum
        ("0.05", Rounding.CEILING, 0, 0),
        ("0", Rounding.CEILING, 10, 0),
        ("1", Rounding.FLOOR, 7, 7),
    ],
)
def test_quota_rounding(ratio, rounding, population, size):
    assert Quota("ratio", ratio=ratio, rounding=rounding).size(population) == size


def test_bad_quotas_are_refused():
    with pytest.raises(DrawError, match="不得大于 1"):
        Quota.from_json({"kind": "ratio", "ratio": "1.5", "rounding": "向上取整"})
    with pytest.raises(DrawError, match="小数"):
        Quota.from_json({"kind": "ratio", "ratio": "5%", "rounding": "向上取整"})
    with pytest.raises(DrawError, match="取整规则"):
        Quota.from_json({"kind": "ratio", "ratio": "0.5", "rounding": "随意"})
    with pytest.raises(DrawError, match="大于名录"):
        Quota("count", count=4).size(3)


def test_canonical_json_is_sorted_compact_utf8_without_floats():
    assert canonical_json({"b": 1, "a": ["重点", {"d": None, "c": True}]}) == (
        '{"a":["重点",{"c":true,"d":null}],"b":1}'.encode()
    )
    with pytest.raises(DrawError, match="浮点数"):
        canonical_json({"ratio": 0.05})


def test_merkle_root_is_rfc9162_with_domain_separation():
    def h(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    assert merkle_root([]) == h(b"").hex()
    assert merkle_root(["a"]) == h(b"\x00a").hex()
    three = h(b"\x01" + h(b"\x01" + h(b"\x00a") + h(b"\x00b")) + h(b"\x00c"))
    assert merkle_root(["a", "b", "c"]) == three.hex()


def test_bad_announcements_are_refused():
    with pytest.raises(DrawError, match="不得少于 2"):
        announcement(team_size=1)
    with pytest.raises(DrawError, match="排序"):
        announcement(inspectors=INSPECTORS[::-1])
    with pytest.raises(DrawError, match="同时属于"):
        announcement(
            strata=(
                Stratum("重点", KEY_UNITS, Quota("all")),
                Stratum("一般", KEY_UNITS, Quota("all")),
            )
        )
    with pytest.raises(DrawError, match="随机源"):
        announcement(randomness=())
    with pytest.raises(DrawError, match="名录为空"):
        announcement(strata=(Stratum("重点", (), Quota("all")),))
    with pytest.raises(DrawError, match="大于名录"):
        announcement(strata=(Stratum("重点", KEY_UNITS, Quota("count", count=4)),))
    with pytest.raises(DrawError, match="小数"):
        announcement(
            strata=(
                Stratum("重点", KEY_UNITS, Quota("ratio", ratio="abc", rounding=Rounding.FLOOR)),
            )
        )


def test_an_announcement_reads_back_and_its_roots_are_checked():
    ann = announcement()
    data = json.loads(ann.canonical_bytes())
    assert Announcement.from_json(data).canonical_bytes() == ann.canonical_bytes()
    data["strata"][1]["candidates"] = data["strata"][1]["candidates"][1:]
    with pytest.raises(DrawError, match="默克尔根"):
        Announcement.from_json(data)


def test_every_input_changes_the_outcome():
    """The salt binds the whole announcement: a changed plan name reorders the draw."""
    base = compute(announcement(), _ikm()).outputs_json()
    renamed = announcement(plan={"plan": "2026年度监督检查计划", "batch": "第二批"})
    assert compute(renamed, _ikm()).outputs_json() != base
    assert compute(announcement(), _beacon(0)).outputs_json() != base
