"""The pure rules of 双随机 results: when a result may be recorded, the public snapshot
(a 个体工商户's name masked as every publication masks it; it passes the publication
validation) and the platform export row."""

from __future__ import annotations

from datetime import date

from zhifa.enforcement.identifiers import uscc_check_char
from zhifa.inspection.tasks.rules import (
    EXPORT_COLUMNS,
    InspectionResult,
    ResultFacts,
    ResultSource,
    export_header,
    export_row,
    result_problem,
    snapshot,
)
from zhifa.publicity import validation
from zhifa.publicity.snapshots import Bureau

TODAY = date(2026, 12, 7)
BUREAU = Bureau("上海市普陀区应急管理局", "11310107MB2F12345H")
SOLE_TRADER = "92310107MA1G5K2R8" + uscc_check_char("92310107MA1G5K2R8")


def _facts(**changes: object) -> ResultFacts:
    fields: dict[str, object] = {
        "result": InspectionResult.no_problem, "checked_on": date(2026, 12, 1), "today": TODAY,
        "site_record_issued": True, "batch_starts_on": date(2026, 12, 1), "published": False,
    }  # fmt: skip
    fields.update(changes)
    return ResultFacts(**fields)  # type: ignore[arg-type]


def test_when_a_result_may_be_recorded() -> None:
    assert result_problem(_facts()) is None
    no_visit = result_problem(_facts(site_record_issued=False))
    assert (
        no_visit is not None and no_visit.field == "result" and "现场检查记录" in no_visit.message
    )
    unreachable = _facts(site_record_issued=False, result=InspectionResult.unreachable)
    assert result_problem(unreachable) is None
    ahead = result_problem(_facts(checked_on=date(2026, 12, 8)))
    assert ahead is not None and ahead.field == "checked_on"
    early = result_problem(_facts(checked_on=date(2026, 11, 30)))
    assert early is not None and "开始日" in early.message
    done = result_problem(_facts(published=True))
    assert done is not None and "已公示" in done.message


def _source(**party: str) -> ResultSource:
    return ResultSource(
        plan="2026年度计划", batch="第一批", item="危险化学品安全检查",
        party={"kind": "person", "name": "平安五金店（张三）", "uscc": SOLE_TRADER, **party},
        checked_on=date(2026, 12, 1), result=InspectionResult.corrected,
    )  # fmt: skip


def test_a_sole_traders_name_is_masked_and_the_snapshot_validates() -> None:
    snap = snapshot(_source(), BUREAU, "surname")
    values = {i["key"]: i["value"] for i in snap["items"]}
    assert values["party_name"] == "平安五金店（张某某）"
    assert values["party_category"] == "个体工商户" and values["uscc"] == SOLE_TRADER
    assert "张三" not in str(snap)
    assert validation.problems(snap, TODAY) == []
    # A check day ahead of today and a wrong check character are refused as for decisions.
    assert [p.field for p in validation.problems(snap, date(2026, 11, 30))] == ["decided_on"]
    other = "1" if SOLE_TRADER.endswith("0") else "0"
    wrong = snapshot(_source(uscc=SOLE_TRADER[:-1] + other), BUREAU, "surname")
    assert [p.field for p in validation.problems(wrong, TODAY)] == ["uscc"]


def test_the_export_row_has_exactly_the_platforms_columns() -> None:
    assert export_header() == ["检查事项", "检查对象", "统一社会信用代码", "检查时间",
                               "检查结果", "检查机关"]  # fmt: skip
    row = export_row(snapshot(_source(), BUREAU, "surname"))
    assert len(row) == len(EXPORT_COLUMNS)
    assert row == ["危险化学品安全检查", "平安五金店（张某某）", SOLE_TRADER, "2026-12-01",
                   "发现问题已责令改正", "上海市普陀区应急管理局"]  # fmt: skip
