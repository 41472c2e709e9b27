"""The published draw: one JSON document anyone can recompute (pure).

Layout (`format` "zhifa-draw-result/1"), written in canonical JSON (see draw.py):

    {
      "format": "zhifa-draw-result/1",
      "announcement": {                      # exactly what was committed; its canonical
        "algorithm": "zhifa-draw/1",         # bytes are the HKDF salt's preimage
        "plan": {...},                       # plan/batch identification (strings, integers)
        "announced_at": "2026-12-07T09:00:00Z",
        "strata": [{"name", "quota", "candidates": [sorted labels], "merkle_root"}],
        "inspectors": {"labels": [sorted labels], "merkle_root"},
        "team_size": 2, "cap": 5,
        "avoidance": [[inspector, target], ...],
        "qualification": {"target_fields": {target: field},
                          "field_inspectors": {field: [inspector, ...]}},
        "randomness": [{"kind": "drand-quicknet", "chain", "round"} |
                       {"kind": "rfc3797", "lottery", "draw_date", "sets": [{"ordered"}]}]
      },
      "announcement_sha256": "<hex of SHA-256 of the announcement's canonical bytes>",
      "checkpoint_time": "2026-12-07T09:05:00Z",   # the signed checkpoint covering it
      "beacon": {
        "values": [{"kind": "drand-quicknet", "round", "signature"} |
                   {"kind": "rfc3797", "sets": [[numbers], ...]}],
        "randomness": "<hex of the IKM: each source's bytes in order>"
      },
      "outputs": {
        "strata": [{"name", "population", "size", "drawn": [labels in rank order]}],
        "teams": [{"target", "stratum", "inspectors": [labels in rank order]}]
      },
      "substitutions": [{"stratum", "replaced", "substitute", "rank", "reason",
                         "inspectors"}]
    }
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime

from zhifa.core.errors import DomainError
from zhifa.inspection.beacon import check_sources_after, input_keying_material
from zhifa.inspection.draw import (
    Announcement,
    DrawResult,
    canonical_json,
    compute,
    substitute,
)

FORMAT = "zhifa-draw-result/1"


def published(
    ann: Announcement,
    checkpoint_time: str,
    values: Sequence[Mapping[str, object]],
    ikm: bytes,
    result: DrawResult,
) -> dict[str, object]:
    return {
        "format": FORMAT,
        "announcement": ann.to_json(),
        "announcement_sha256": hashlib.sha256(ann.canonical_bytes()).hexdigest(),
        "checkpoint_time": checkpoint_time,
        "beacon": {"values": [dict(v) for v in values], "randomness": ikm.hex()},
        "outputs": result.outputs_json(),
        "substitutions": [s.to_json() for s in result.substitutions],
    }


def verify(doc: Mapping[str, object]) -> list[str]:
    """Every way the document disagrees with a recomputation; empty when it agrees."""
    try:
        return _verify(doc)
    except DomainError as exc:
        return [exc.message]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"文件格式不正确：{exc!r}"]


def _verify(doc: Mapping[str, object]) -> list[str]:
    if doc.get("format") != FORMAT:
        return [f"不是本系统公布的抽取结果（format 应为 {FORMAT}）"]
    raw = doc["announcement"]
    assert isinstance(raw, dict)
    ann = Announcement.from_json(raw)
    problems = []
    raw_bytes = canonical_json(raw)
    if raw_bytes != ann.canonical_bytes():
        problems.append("公告含有多余或不规范的内容")
    if doc["announcement_sha256"] != hashlib.sha256(raw_bytes).hexdigest():
        problems.append("公告的 SHA-256 与公告内容不符")
    checkpoint = datetime.fromisoformat(str(doc["checkpoint_time"]))
    if checkpoint < datetime.fromisoformat(ann.announced_at):
        problems.append("签名检查点早于公告时间")
    check_sources_after(ann.randomness, checkpoint)
    beacon = doc["beacon"]
    assert isinstance(beacon, dict)
    ikm = input_keying_material(ann.randomness, beacon["values"])
    if ikm.hex() != beacon["randomness"]:
        return [*problems, "随机值与公布的 drand 签名或彩票号码不符"]
    result = compute(ann, ikm)
    problems += _differences(result.outputs_json(), doc["outputs"])
    for record in _records(doc.get("substitutions", [])):
        result, mine = substitute(ann, ikm, result, record["replaced"], record["reason"])
        if mine.to_json() != record:
            problems.append(
                f"替补 {record['replaced']}：公布为 {record.get('substitute')}"
                f"（{'、'.join(record.get('inspectors', []))}），"
                f"重算为 {mine.substitute}（{'、'.join(mine.inspectors)}）"
            )
    return problems


def _records(value: object) -> list[dict]:  # type: ignore[type-arg]
    if not isinstance(value, list):
        raise ValueError("substitutions 应为列表")
    return value


def _differences(mine: Mapping[str, object], theirs: object) -> list[str]:
    if not isinstance(theirs, dict):
        return ["缺少抽取结果（outputs）"]
    problems = []
    ours_strata = {s["name"]: s for s in mine["strata"]}  # type: ignore[attr-defined]
    their_strata = {s.get("name"): s for s in theirs.get("strata", [])}
    for name in ours_strata.keys() | their_strata.keys():
        a, b = ours_strata.get(name), their_strata.get(name)
        if a != b:
            problems.append(
                f"层级“{name}”：公布抽中 {_short(b and b.get('drawn'))}，重算抽中 "
                f"{_short(a and a['drawn'])}"
            )
    ours_teams = {t["target"]: t["inspectors"] for t in mine["teams"]}  # type: ignore[attr-defined]
    their_teams = {t.get("target"): t.get("inspectors") for t in theirs.get("teams", [])}
    for target in sorted(ours_teams.keys() | their_teams.keys(), key=str):
        if ours_teams.get(target) != their_teams.get(target):
            problems.append(
                f"检查对象 {target} 的检查组：公布为 {_short(their_teams.get(target))}，"
                f"重算为 {_short(ours_teams.get(target))}"
            )
    if not problems and mine != theirs:
        problems.append("抽取结果的顺序或字段与重算不同")
    return problems


def _short(labels: object) -> str:
    if not isinstance(labels, list):
        return "（无）"
    shown = "、".join(str(x) for x in labels[:8])
    return shown + (f" 等 {len(labels)} 个" if len(labels) > 8 else "")
