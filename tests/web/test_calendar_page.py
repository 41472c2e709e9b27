"""The calendar page and API: due dates, provisional years, loading a schedule."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.conftest import csrf_of, login, schedule_2027


def test_due_date_page_and_api(client: TestClient) -> None:
    login(client, "zhangwei")
    page = client.get("/app/calendar", params={"start": "2026-09-28", "n": 7})
    assert page.status_code == 200
    # Sep 29, 30, then Oct 1–7 off, Oct 8, 9, 10 (make-up Saturday), 12, 13.
    assert "<strong>2026年10月13日</strong>" in page.text and "依据官方安排" in page.text
    api = client.get("/api/v1/calendar/due", params={"start": "2026-09-28", "n": 7}).json()
    assert api["date"] == "2026-10-13" and api["provisional"] is False
    assert api["ends_at"] == "2026-10-14T00:00:00+08:00"
    future = client.get("/api/v1/calendar/due", params={"start": "2027-09-28", "n": 7}).json()
    assert future["provisional"] is True
    bad = client.get("/app/calendar", params={"start": "2026-13-01", "n": 7})
    assert bad.status_code == 422 and "日期无效" in bad.text
    assert client.get("/api/v1/calendar/due", params={"start": "x", "n": 7}).status_code == 422


def test_only_the_administrator_loads_schedules(client: TestClient) -> None:
    csrf = login(client, "zhangwei")
    refused = client.post(
        "/app/calendar/schedules",
        data={"csrf_token": csrf},
        files={"file": ("2027.json", b"{}", "application/json")},
    )
    assert refused.status_code == 403


def test_admin_loads_schedule_and_bad_file_is_explained(client: TestClient) -> None:
    login(client, "admin")
    csrf = csrf_of(client.get("/app/calendar").text)
    broken = client.post(
        "/app/calendar/schedules",
        data={"csrf_token": csrf},
        files={"file": ("2027.json", b'{"year": 2027', "application/json")},
    )
    assert broken.status_code == 400, broken.text
    assert "不是有效的 UTF-8 JSON" in broken.text, broken.text[broken.text.find("<main>") :][:600]
    schedule = schedule_2027([])
    loaded = client.post(
        "/app/calendar/schedules",
        data={"csrf_token": csrf},
        files={"file": ("2027.json", json.dumps(schedule).encode(), "application/json")},
    )
    assert loaded.status_code == 303
    due = client.get("/api/v1/calendar/due", params={"start": "2027-09-28", "n": 7}).json()
    assert due["provisional"] is False and due["date"] == "2027-10-14"
    page = client.get("/app/calendar")
    assert "2027 年：官方安排" in page.text and "测试用放假安排" in page.text


def test_due_api_leans_and_says_so(client: TestClient) -> None:
    login(client, "zhangwei")
    params = {"start": "2027-02-03", "n": 5}
    plain = client.get("/api/v1/calendar/due", params=params).json()
    assert plain["date"] == "2027-02-16" and plain["lean"] is None  # law: statutory + 补假
    late = client.get("/api/v1/calendar/due", params={**params, "lean": "latest"}).json()
    assert late["date"] == "2027-02-18" and late["lean"] == "latest"
    assert "最晚可能日" in late["basis"]
    row = client.get(
        "/api/v1/calendar/limit-due",
        params={"start": "2027-02-03", "code": "penalty.hearing_request"},
    ).json()
    assert row["date"] == "2027-02-18" and row["lean"] == "latest" and "当事人期限" in row["basis"]
    duty = client.get(
        "/api/v1/calendar/limit-due",
        params={"start": "2027-02-03", "code": "publicity.withdrawal_penalty"},
    ).json()
    assert duty["date"] == "2027-02-12" and duty["lean"] == "earliest"
    official = client.get(
        "/api/v1/calendar/limit-due",
        params={"start": "2026-02-10", "code": "penalty.hearing_request"},
    ).json()
    assert official["provisional"] is False and official["lean"] is None
    unknown = client.get("/api/v1/calendar/limit-due", params={"start": "2027-02-03", "code": "x"})
    assert unknown.status_code == 400 and "未知的时限代码" in unknown.text
    # found by the API fuzzer: an hours row, or a start the calendar cannot count from,
    # is refused in words (never a 500)
    refused = [
        ({"start": "2027-02-03", "code": "compulsion.on_site_report"}, "按小时"),
        ({"start": "9999-12-31", "code": "publicity.period_serious_max"}, "2004年至2099年"),
        ({"start": "0001-01-01", "code": "penalty.hearing_notice"}, "2004年至2099年"),
    ]
    for query, words in refused:
        answer = client.get("/api/v1/calendar/limit-due", params=query)
        assert answer.status_code == 400 and words in answer.json()["detail"], query
    far = client.get(
        "/api/v1/calendar/due", params={"start": "9999-12-31", "n": 3, "kind": "months"}
    )
    assert far.status_code == 400 and "2004年至2099年" in far.json()["detail"]
    page = client.get("/app/calendar", params={**params, "kind": "working_days", "lean": "latest"})
    assert "<strong>2027年2月18日</strong>" in page.text and "最晚可能日" in page.text
