"""`zhifa draw verify FILE`: 一致 and exit 0, or 不一致 with what differs and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.inspection.fixtures import CHECKPOINT, SIGNATURE, announcement, drand_value
from zhifa.cli import app
from zhifa.inspection.beacon import verify_quicknet
from zhifa.inspection.draw import compute, substitute
from zhifa.inspection.published import published, verify


def _doc() -> dict:
    ann = announcement()
    ikm = verify_quicknet(123, SIGNATURE)
    result = compute(ann, ikm)
    result, _ = substitute(ann, ikm, result, result.strata[1].drawn[1], "企业已注销")
    return published(ann, CHECKPOINT, [drand_value()], ikm, result)


def _run(tmp_path: Path, doc: dict) -> tuple[int, str]:
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["draw", "verify", str(path)])
    return result.exit_code, result.output


def test_a_published_draw_verifies(tmp_path):
    code, out = _run(tmp_path, _doc())
    assert code == 0, out
    assert "一致" in out and "不一致" not in out


def test_a_changed_team_is_reported(tmp_path):
    doc = _doc()
    doc["outputs"]["teams"][2]["inspectors"] = ["310107001", "310107008"]
    code, out = _run(tmp_path, doc)
    assert code == 1
    assert "不一致" in out and "91310107MA1G000011" in out


def test_a_changed_candidate_list_is_reported(tmp_path):
    doc = _doc()
    doc["announcement"]["strata"][1]["candidates"].pop()
    code, out = _run(tmp_path, doc)
    assert code == 1 and "默克尔根" in out


def test_a_wrong_signature_is_reported(tmp_path):
    doc = _doc()
    doc["beacon"]["values"][0]["round"] = 124
    code, out = _run(tmp_path, doc)
    assert code == 1 and "第 123 轮" in out
    doc = _doc()
    doc["beacon"]["values"][0]["signature"] = "a" + SIGNATURE[1:]
    assert _run(tmp_path, doc)[0] == 1


def test_a_beacon_too_soon_after_the_checkpoint_is_reported():
    doc = _doc()
    doc["checkpoint_time"] = "2023-08-23T00:00:00Z"
    assert any("24 小时" in p for p in verify(doc))


def test_a_changed_substitution_is_reported():
    doc = _doc()
    doc["substitutions"][0]["substitute"] = "91310107MA1H000001"
    assert any("替补" in p for p in verify(doc))


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "draw.json"
    path.write_text("not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["draw", "verify", str(path)])
    assert result.exit_code == 1 and "不一致" in result.output
