"""Yearly figures through the real HTTP pages, on SQLite and PostgreSQL: the sections
enter their parts, others are refused (403, in Chinese); bad input changes nothing; the
legal section returns and approves, publishes to the portal and records the report; the
XLSX for the municipal bureau reads back as the page's numbers; the portal page (also in
the portal-only process) shows the published numbers and nothing internal."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.factories import writing
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.settings import Settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly.models import YearlyPart, YearlyReport
from zhifa.ledger.models import ledger_entry
from zhifa.web.app import create_portal_app

SAFETY = {
    "safety.training_sessions": "12",
    "safety.trained_people": "860",
    "safety.accidents": "1",
}
BRIGADE = {
    "penalty.confiscation_amount": "0.35",
    "brigade.officer_training": "56",
    "brigade.reconsiderations": "1",
    "brigade.lawsuits": "0",
    "brigade.overturned": "0",
}
ROW = re.compile(r'<tr data-code="([a-z_.]+)"><td>(\d+)</td><td>[^<]*</td><td>[^<]*</td>'
                 r'<td class="num">([^<]*)</td>')  # fmt: skip


def _post(client: TestClient, url: str, data: dict[str, str] | None = None) -> object:
    return client.post(url, data=data or {}, follow_redirects=False)


def _page_values(html: str) -> dict[str, tuple[int, str]]:
    return {code: (int(number), value) for code, number, value in ROW.findall(html)}


def _state(db: Session) -> tuple[int, int, int]:
    db.rollback()
    parts = db.scalar(select(func.count()).select_from(YearlyPart)) or 0
    reports = db.scalar(select(func.count()).select_from(YearlyReport)) or 0
    ours = ledger_entry.c.kind.like("yearly_figures.%")
    entries = db.scalar(select(func.count()).select_from(ledger_entry).where(ours)) or 0
    return parts, reports, entries


def _refusals(client: TestClient, db: Session, base: str) -> None:
    """Wrong section, wrong role, bad numbers, a future year: 4xx, nothing written."""
    before = _state(db)
    _as(client, "zhangwei")  # 执法大队 may not enter 安全生产监督管理科's part
    answer = _post(client, f"{base}/parts/safety", SAFETY)
    assert answer.status_code == 403 and "只有安全生产监督管理科" in answer.text  # type: ignore[attr-defined]
    assert _post(client, f"{base}/parts/safety/approve").status_code == 403  # type: ignore[attr-defined]
    _as(client, "legal")  # the reviewer enters nothing
    assert _post(client, f"{base}/parts/brigade", BRIGADE).status_code == 403  # type: ignore[attr-defined]
    _as(client, "supervision")
    for bad, message in (
        ("-3", "不能为负数"),
        ("十二", "应为数字"),
        ("1.5", "应为整数"),
        ("", "请填写"),
    ):
        answer = _post(client, f"{base}/parts/safety", {**SAFETY, "safety.accidents": bad})
        assert answer.status_code == 422 and message in answer.text, (bad, answer.text)  # type: ignore[attr-defined]
    unknown = _post(client, f"{base}/parts/safety", {**SAFETY, "penalty.fine": "3"})
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    future = f"/app/insight/yearly/{today().year + 1}/parts/safety"
    answer = _post(client, future, SAFETY)
    assert answer.status_code == 422 and "未来年度" in answer.text  # type: ignore[attr-defined]
    assert client.get(f"/app/insight/yearly/{today().year + 1}").status_code == 422
    assert client.get("/app/insight/yearly/abcd").status_code == 422
    assert _post(client, f"{base}/parts/nobody", SAFETY).status_code == 404  # type: ignore[attr-defined]
    assert _state(db) == before


def _enter_and_review(client: TestClient, db: Session, base: str) -> None:
    _as(client, "supervision")
    assert _post(client, f"{base}/parts/safety", SAFETY).status_code == 303  # type: ignore[attr-defined]
    again = _post(client, f"{base}/parts/safety", SAFETY)
    assert again.status_code == 409  # type: ignore[attr-defined]
    _as(client, "zhangwei")
    assert _post(client, f"{base}/parts/brigade", BRIGADE).status_code == 303  # type: ignore[attr-defined]
    _as(client, "legal")
    early = _post(client, f"{base}/publish")
    assert early.status_code == 409 and "尚未审核通过" in early.text  # type: ignore[attr-defined]
    empty = _post(client, f"{base}/parts/safety/return", {"reason": "  "})
    assert empty.status_code == 422 and "退回原因" in empty.text  # type: ignore[attr-defined]
    reason = {"reason": "培训人次与台账不符，请核对"}
    assert _post(client, f"{base}/parts/safety/return", reason).status_code == 303  # type: ignore[attr-defined]
    returned = client.get(base).text
    assert (
        "培训人次与台账不符" in returned
        and "马骏 报送于" in returned
        and "钱雅琴 退回于" in returned
    )
    _as(client, "supervision")
    fixed = {**SAFETY, "safety.trained_people": "862"}
    assert _post(client, f"{base}/parts/safety", fixed).status_code == 303  # type: ignore[attr-defined]
    _as(client, "legal")
    for part in ("safety", "brigade"):
        assert _post(client, f"{base}/parts/{part}/approve").status_code == 303  # type: ignore[attr-defined]
    db.rollback()
    kinds = [k for (k,) in db.execute(select(ledger_entry.c.kind))]
    for kind in ("submit", "return", "approve"):
        assert f"yearly_figures.{kind}" in kinds


def test_enter_review_publish_export_report(
    client: TestClient, db: Session, settings: Settings
) -> None:
    with writing(db) as session:  # beside the app's jobs
        seed_demo_actions(session, settings, open_blob_store(settings))
    year = today().year
    base = f"/app/insight/yearly/{year}"
    _refusals(client, db, base)
    _enter_and_review(client, db, base)

    years = client.get("/app/insight/yearly").text  # last year's figures: never published
    assert re.search(rf'data-year="{year - 1}">.*?已逾期', years, re.S)
    page = client.get(base)
    assert page.status_code == 200 and "publicity.yearly_figures" not in page.text  # words
    assert f"{year + 1}年1月31日" in page.text and "未发布" in page.text
    shown = _page_values(page.text)
    assert len(shown) == len(yearly.FIGURES)
    assert shown["safety.trained_people"][1] == "862"
    assert shown["brigade.officer_training"][1] == "56"
    assert shown["inspection.count"][1] != "0"

    # the XLSX reads back as the page's numbers, row by numbered row
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    sheet = book["年度执法数据"]
    assert sheet["A1"].value == f"{settings.bureau_name}{year}年度行政执法数据统计表"
    assert sheet.freeze_panes == "A5"
    numbered = {
        r[0]: r[3] for r in sheet.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)
    }
    for number, value in shown.values():
        cell = numbered[number]
        same = cell == value if value == "—" else Decimal(str(cell)) == Decimal(value)
        assert same, (number, cell, value)
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("填表人") for t in texts) and any("填报日期" in t for t in texts)
    assert book["指标说明"].max_row == 3 + len(yearly.FIGURES)

    # publish: frozen, ledgered, on the portal
    assert _post(client, f"{base}/publish").status_code == 303  # type: ignore[attr-defined]
    assert "已完成" in client.get(base).text
    public = client.get(f"/figures/{year}")
    assert public.status_code == 200 and "<svg" in public.text and "<title" in public.text
    assert _page_values(public.text) == shown
    for internal in ("马骏", "钱雅琴", "张伟", "培训人次与台账不符", "submitted_by", "yearly_part"):
        assert internal not in public.text
    assert f"/figures/{year}" in client.get("/figures").text
    assert client.get("/figures/1999").status_code == 404

    # the report to the municipal bureau
    reports = f"{base}/reports"
    bad_day = {"reported_on": "2999-01-01", "method": "电子邮件"}
    assert _post(client, reports, bad_day).status_code == 422  # type: ignore[attr-defined]
    bad_method = {"reported_on": today().isoformat(), "method": "飞鸽传书"}
    assert _post(client, reports, bad_method).status_code == 422  # type: ignore[attr-defined]
    good = {"reported_on": today().isoformat(), "method": "电子邮件", "note": "已发送至市局"}
    assert _post(client, reports, good).status_code == 303  # type: ignore[attr-defined]
    assert "已发送至市局" in client.get(base).text

    # the portal-only process serves the same page from the portal tables alone
    with TestClient(create_portal_app(settings)) as portal:
        alone = portal.get(f"/figures/{year}")
        assert alone.status_code == 200 and _page_values(alone.text) == shown
