"""Importing laws from CSV, XLSX and JSON, on SQLite and PostgreSQL: each bad row reported
by its line, 全部不导入 changes nothing, 只导入没有错误的法规 imports whole good laws only."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user, count
from tests.conftest import csrf_of
from zhifa.catalog.models import Article, Law, LawVersion, PowerItemVersion
from zhifa.core.audit import check_rows
from zhifa.enforcement.models import PowerItem

HEADING = ["标题", "层级", "制定机关", "文号", "版本说明", "公布日期", "施行日期", "修改日期",
           "废止日期", "条", "款", "项", "条文"]  # fmt: skip
GOOD_A = ["甲市测试条例", "地方性法规", "甲市人大常委会", "公告1号", "", "2020-01-01", "2020-03-01"]
GOOD_B = ["乙部测试规章", "部门规章", "乙部", "部令2号", "2022年修正", "2022-05-01", "2022-06-01"]
BAD_C = [
    "丙测试办法",
    "规范性文件",
    "丙局",
    "",
    "",
    "2023-05-01",
    "2023-04-01",
]  # dates out of order

# Line 1 is the heading: lines 2-3 law A, 4-6 law B (line 5 has a bad article number),
# 7 law C (dates out of order), 8 a row with an unknown level.
ROWS = [
    [*GOOD_A, "", "", "第一条", "", "", "甲第一条"],
    [*GOOD_A, "", "", "第二条", "第一款", "", "甲第二条第一款"],
    [*GOOD_B, "", "", "第一条", "", "", "乙第一条"],
    [*GOOD_B, "", "", "第二条款", "", "", "编号错误"],
    [*GOOD_B, "", "", "第三条", "", "", "乙第三条"],
    [*BAD_C, "", "", "第一条", "", "", "丙第一条"],
    ["丁测试文件", "红头文件", "丁局", "", "", "2023-01-01", "2023-01-01", "", "", "", "", "", ""],
]
EXPECTED_ERRORS = [
    "第 5 行：条款编号“第二条款”格式不正确，应如“第六十二条”或“第六十二条第一款第三项”",
    "第 7 行：施行日期不能早于公布日期",
    "第 8 行：层级：应为法律、行政法规、地方性法规、部门规章、地方政府规章、规范性文件之一",
]


def _csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADING, *rows])
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADING, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counts(db: Session) -> tuple[int, int, int]:
    return count(db, Law), count(db, LawVersion), count(db, Article)


def _upload(client: TestClient, headers: dict, name: str, data: bytes, mode: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/laws/import", files={"file": (name, data)}, data={"mode": mode}, headers=headers
    )


def _errors_match(errors: list[str]) -> None:
    assert errors[0] == EXPECTED_ERRORS[0]
    assert errors[1] == EXPECTED_ERRORS[1]
    assert errors[2].startswith(EXPECTED_ERRORS[2])
    assert len(errors) == 3


def test_csv_all_or_nothing_imports_nothing(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    before = _counts(db)
    answer = _upload(client, headers, "laws.csv", _csv(ROWS), "all")
    assert answer.status_code == 422, answer.text
    body = answer.json()
    _errors_match(body["errors"])
    assert body["laws_imported"] == 0 and body["laws_found"] == 4
    assert _counts(db) == before


def test_csv_good_rows_only_imports_whole_good_laws(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    laws_before, versions_before, articles_before = _counts(db)
    answer = _upload(client, headers, "laws.csv", _csv(ROWS, "gb18030"), "good")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    _errors_match(body["errors"])
    assert (body["laws_imported"], body["articles_imported"]) == (1, 2)
    assert set(body["skipped"]) == {"乙部测试规章", "丙测试办法", "丁测试文件"}
    assert _counts(db) == (laws_before + 1, versions_before + 1, articles_before + 2)
    titles = set(db.scalars(select(LawVersion.title)))
    assert "甲市测试条例" in titles and "乙部测试规章" not in titles  # B not half-imported
    assert list(check_rows(db)) == []
    again = _upload(client, headers, "laws.csv", _csv(ROWS[:2]), "good")
    assert again.status_code == 422
    assert again.json()["errors"] == ["第 2 行：《甲市测试条例》已登记，不能重复导入"]


def test_xlsx_through_the_page(client: TestClient, db: Session) -> None:
    as_user(client, "legal")
    csrf = csrf_of(client.get("/app/catalog/laws/import").text)
    before = _counts(db)
    files = {"file": ("法规.xlsx", _xlsx(ROWS))}
    refused = client.post(
        "/app/catalog/laws/import", files=files, data={"mode": "all", "csrf_token": csrf}
    )
    assert refused.status_code == 422
    for message in EXPECTED_ERRORS:
        assert message in refused.text
    assert "按您的选择全部未导入" in refused.text
    assert _counts(db) == before
    good = _xlsx([ROWS[0], ROWS[1], ROWS[2], ROWS[4]])
    done = client.post(
        "/app/catalog/laws/import",
        files={"file": ("法规.xlsx", good)},
        data={"mode": "all", "csrf_token": csrf},
    )
    assert done.status_code == 200
    assert "已导入 2 部、条文 4 条" in done.text
    assert _counts(db)[0] == before[0] + 2


def test_json_rows_reported_by_law_and_article(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    law = dict(zip(["title", "level", "issuing_body", "doc_number", "edition", "published_on",
                    "effective_on"], GOOD_A, strict=True))  # fmt: skip
    document = {
        "laws": [
            law | {"articles": [{"article": "第一条", "text": "一"}, {"article": "第一条"}]},
            law | {"title": "戊测试条例", "articles": [{"article": "第9条", "text": "九"}]},
            law | {"title": "己测试条例", "published_on": "2020-13-01"},
        ]
    }
    data = json.dumps(document, ensure_ascii=False).encode()
    before = _counts(db)
    answer = _upload(client, headers, "laws.json", data, "all")
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        "第 1 部法规第 2 个条文：第一条在同一法规中重复",
        "第 3 部法规：公布日期无效，应为 YYYY-MM-DD 格式的真实日期",
    ]
    assert _counts(db) == before
    answer = _upload(client, headers, "laws.json", data, "good")
    assert answer.json()["laws_imported"] == 1
    assert _counts(db)[0] == before[0] + 1


def test_unreadable_files_are_refused(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    cases = [
        ("laws.txt", b"x", "只支持 CSV、XLSX 或 JSON 文件"),
        ("laws.json", b"{not json", "JSON 格式错误（第 1 行第 2 列）"),
        ("laws.xlsx", b"PK\x03\x04broken", "无法读取 XLSX 文件"),
        ("laws.csv", "标题,层级,颜色\n".encode(), "第 1 行（表头）：缺少列"),
        ("laws.csv", "\ufeff".encode(), "文件是空的"),
    ]
    before = _counts(db)
    for name, data, message in cases:
        answer = _upload(client, headers, name, data, "all")
        assert answer.status_code == 400, (name, answer.text)
        assert message in answer.json()["detail"], name
    officer = as_user(client, "zhangwei")
    assert _upload(client, officer, "laws.csv", _csv(ROWS[:1]), "all").status_code == 403
    assert _counts(db) == before


ITEM_HEADING = [
    "编码",
    "事项名称",
    "类别",
    "执法领域",
    "实施主体",
    "法律依据",
    "责任事项",
    "追责情形",
]
ITEM_ROWS = [
    ["CF-201", "测试处罚事项一", "行政处罚", "安全生产", "执法大队",
     "《安全生产法》第一百零二条", "", ""],
    ["CF-202", "测试处罚事项二", "行政处罚", "", "", "《安全生产法》第九百条", "", ""],
    ["JC-201", "测试检查事项", "检查", "安全生产", "", "《安全生产法》第六十五条", "", ""],
    ["CF-201", "重复编码", "penalty", "", "", "《安全生产法》第六十五条", "", ""],
    ["QZ-201", "测试强制事项", "行政强制", "", "不存在的科", "《安全生产法》第六十五条", "", ""],
    ["XK-201", "测试许可事项", "license", "", "安全生产监督管理科",
     "《危险化学品安全管理条例》第三十三条", "", ""],
]  # fmt: skip


def test_power_item_import_reports_rows_and_respects_the_choice(
    client: TestClient, db: Session
) -> None:
    headers = as_user(client, "legal")
    out = io.StringIO()
    csv.writer(out).writerows([ITEM_HEADING, *ITEM_ROWS])
    data = out.getvalue().encode()
    before = count(db, PowerItem), count(db, PowerItemVersion)
    answer = client.post(
        "/api/v1/power-items/import",
        files={"file": ("items.csv", data)},
        data={"mode": "all"},
        headers=headers,
    )
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert errors[0] == "第 3 行：《安全生产法》没有登记第九百条，不能引用第九百条"
    assert (
        errors[1]
        == "第 4 行：类别应为行政处罚、行政强制、行政检查、行政征收征用、行政许可、其他之一"
    )
    assert errors[2] == "第 5 行：事项编码 CF-201 已存在"
    assert errors[3] == "第 6 行：实施主体“不存在的科”不是本局的单位"
    assert len(errors) == 4
    assert (count(db, PowerItem), count(db, PowerItemVersion)) == before
    as_user(client, "legal")
    csrf = csrf_of(client.get("/app/catalog/power-items/import").text)
    page = client.post(
        "/app/catalog/power-items/import",
        files={"file": ("items.csv", data)},
        data={"mode": "good", "csrf_token": csrf},
    )
    assert page.status_code == 200
    assert "已导入 2 项" in page.text and "第 3 行：" in page.text
    assert (count(db, PowerItem), count(db, PowerItemVersion)) == (before[0] + 2, before[1] + 2)
    codes = set(db.scalars(select(PowerItem.code)))
    assert {"CF-201", "XK-201"} <= codes and not {"CF-202", "JC-201", "QZ-201"} & codes
    assert list(check_rows(db)) == []
