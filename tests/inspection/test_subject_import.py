"""Importing the 检查对象名录库 from real CSV and XLSX files: every wrong row is reported by
its line in Chinese and nothing is written (all or nothing); a clean file adds and
revises entries as versions, ledgered; the template downloads and reads back."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user
from tests.conftest import csrf_of
from tests.inspection.helpers import ENTERPRISES, LISTED, OUTSIDE, count, entries
from zhifa.core.audit import check_rows
from zhifa.inspection.subjects.imports import COLUMNS
from zhifa.inspection.subjects.models import InspectionSubject, InspectionSubjectVersion

HEADING = list(COLUMNS)
SECOND = ENTERPRISES[13]
GOOD_NEW = [
    OUTSIDE.uscc,
    "C3360",
    "B",
    "桃浦镇",
    "粉尘涉爆、有限空间",
    "无需许可",
    "在营",
    "是",
    "",
]
GOOD_REVISE = [
    LISTED.uscc,
    "F5166",
    "A级",
    "长征镇",
    "危险化学品",
    "持证有效",
    "在营",
    "是",
    "年度复核",
]
ROWS_WITH_ERRORS = [
    GOOD_NEW,  # line 2
    [SECOND.uscc, "C51", "B", "桃浦镇", "", "无需许可", "", "", ""],  # 3: 大类 not of C
    [SECOND.uscc.lower(), "G59", "E", "外滩街道", "核辐射", "已过期", "歇业", "也许", ""],  # 4
    [LISTED.uscc, "F51", "A", "长征镇", "", "持证有效", "", "", ""],  # 5: no 变更原因
    [OUTSIDE.uscc, "C3360", "B", "桃浦镇", "", "无需许可", "", "", ""],  # 6: twice in file
]
EXPECTED = [
    "第 3 行：行业代码：大类 51 不属于门类 C（制造业，大类 13–43），属于门类 F",
    "第 4 行：风险等级取值无效，请从列表中选择；属地：应为普陀区的街道或镇之一："
    "长寿路街道、曹杨新村街道、长风新村街道、宜川路街道、甘泉路街道、石泉路街道、真如镇街道、"
    "万里街道、长征镇、桃浦镇；特殊标识：未知的特殊标识：核辐射（可选：危险化学品、易燃易爆、"
    "烟花爆竹、有限空间、粉尘涉爆、燃气、涉氨制冷、金属冶炼）；状态取值无效，请从列表中选择；"
    "纳入抽查应为是或否",
    "第 5 行：该单位已在名录中，修改须填写变更原因",
    f"第 6 行：统一社会信用代码 {OUTSIDE.uscc} 在文件中重复",
]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADING, *rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADING, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: TestClient, headers: dict[str, str], name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/inspection/subjects/import", files={"file": (name, data)}, headers=headers
    )


def _state(db: Session) -> tuple[int, int, int]:
    return (
        count(db, InspectionSubject),
        count(db, InspectionSubjectVersion),
        len(entries(db, "inspection_subject_version")),
    )


def test_a_file_with_wrong_rows_changes_nothing_and_says_where(
    client: TestClient, db: Session
) -> None:
    headers = as_user(client, "supervision")
    before = _state(db)
    for name, data in (
        ("名录.csv", _csv(ROWS_WITH_ERRORS)),
        ("名录.xlsx", _xlsx(ROWS_WITH_ERRORS)),
    ):
        response = _upload(client, headers, name, data)
        assert response.status_code == 422, response.text
        report = response.json()
        assert report["added"] == 0 and report["revised"] == 0 and report["found"] == 5
        assert [f"{e['where']}：{e['message']}" for e in report["errors"]] == EXPECTED
        assert _state(db) == before


def test_a_clean_xlsx_adds_and_revises_as_versions(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    subjects, versions, ledgered = _state(db)
    response = _upload(client, headers, "名录.xlsx", _xlsx([GOOD_NEW, GOOD_REVISE]))
    assert response.status_code == 200, response.text
    assert response.json() | {"errors": []} == {
        "found": 2, "added": 1, "revised": 1, "unchanged": 0, "errors": [],
    }  # fmt: skip
    assert _state(db) == (subjects + 1, versions + 2, ledgered + 2)
    # The same file again: nothing left to change.
    again = _upload(client, headers, "名录.csv", _csv([GOOD_NEW, GOOD_REVISE]))
    assert again.json()["unchanged"] == 2 and _state(db)[1] == versions + 2
    listed = {s["uscc"]: s for s in client.get("/api/v1/inspection/subjects").json()}
    assert listed[LISTED.uscc]["current"]["risk_grade"] == "A"
    assert listed[LISTED.uscc]["current"]["version"] == 2
    assert listed[OUTSIDE.uscc]["current"]["special_flags"] == ["confined_space", "dust_explosion"]
    assert list(check_rows(db)) == []


def test_import_page_reports_rows_and_template_downloads(client: TestClient, db: Session) -> None:
    as_user(client, "supervision")
    page = client.get("/app/inspection/subjects/import")
    before = _state(db)
    shown = client.post(
        "/app/inspection/subjects/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("名录.csv", _csv(ROWS_WITH_ERRORS))},
    )
    assert shown.status_code == 422
    assert "全部未导入" in shown.text and all(e in shown.text for e in EXPECTED)
    assert _state(db) == before
    template = client.get("/app/inspection/subjects/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADING
    text = client.get("/app/inspection/subjects/template.csv").content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADING)
    # The template's example row is well-formed: only the unregistered code is refused.
    response = _upload(client, {"X-CSRF-Token": csrf_of(page.text)}, "t.xlsx", template.content)
    assert [e["message"] for e in response.json()["errors"]] == [
        "统一社会信用代码 91310107MA1G00000Q 尚未登记为行政相对人（单位），请先登记"
    ]
