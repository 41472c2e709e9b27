"""Yearly figures (公示办法 第三条、第七条第四款), on SQLite and PostgreSQL: every computed
figure equals a count made here independently from the raw rows of the demo's actions
(walked through the real services); the due day of the duty; pure rules of the counting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from zhifa.core.blobstore import open_blob_store
from zhifa.core.calendar import WorkingCalendar
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.demo.actions import seed_demo_actions
from zhifa.demo.publicity import seed_demo_publicity
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly import service as yearly_service
from zhifa.insight.yearly.figures import DocRow

BEIJING = ZoneInfo("Asia/Shanghai")


def _day(value: Any) -> date | None:
    """A timestamp column as a Beijing day (SQLite gives text, PostgreSQL datetimes)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(BEIJING).date()


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _json(value: Any) -> dict[str, Any]:
    import json

    return json.loads(value) if isinstance(value, str) else value


def _raw_counts(db: Session, year: int, on: date) -> dict[str, Decimal | None]:
    """The figures counted again from plain SQL rows, written apart from the module."""
    actions = [
        {"id": i, "kind": k, "party": p, "opened": _day(o), "closed": _day(c)}
        for i, k, p, o, c in db.execute(
            text("SELECT id, kind, party_id, opened_at, closed_at FROM action")
        )
    ]
    docs = [
        {"id": i, "action": a, "kind": k, "fields": _json(f), "on": _date(d), "number": n, "old": s}
        for i, a, k, f, d, n, s in db.execute(
            text(
                "SELECT id, action_id, kind, fields, issue_date, doc_number, supersedes_id "
                "FROM document WHERE status = 'issued'"
            )
        )
    ]
    end_of_year = date(year, 12, 31)
    docs = [d for d in docs if d["on"] is not None and d["on"] <= end_of_year]
    replaced = {d["old"] for d in docs if d["old"] is not None}
    current = [d for d in docs if d["id"] not in replaced]
    this_year = [d for d in current if d["on"].year == year]

    def opened(kind: str) -> list[dict[str, Any]]:
        return [a for a in actions if a["kind"] == kind and a["opened"].year == year]

    def lines(doc: dict[str, Any]) -> int:
        return len([x for x in str(doc["fields"].get("problems", "")).split("\n") if x.strip()])

    order_kinds = ("rectification_order", "on_site_measure_decision")
    orders = [d for d in current if d["kind"] in order_kinds]
    by_number = {d["number"]: d for d in orders}
    done = {
        d["fields"].get("order_number")
        for d in this_year
        if d["kind"] == "reinspection_opinion"
        and d["fields"].get("conclusion") == "已按要求整改完毕"
    }
    penalties = [
        d for d in this_year if d["kind"] in ("penalty_decision", "on_site_penalty_decision")
    ]

    def with_word(*words: str) -> Decimal:
        return Decimal(
            len([d for d in penalties if any(w in d["fields"]["penalty_content"] for w in words)])
        )

    fines = sum(Decimal(str(d["fields"].get("fine_amount") or 0)) for d in penalties)
    seizures = [d["fields"]["measure"] for d in this_year if d["kind"] == "seizure_decision"]
    granted = {d["action"] for d in current if d["kind"] == "license_decision"}
    closed = [a for a in actions if a["closed"] is not None and a["closed"].year == year]
    calendar = working_calendar(db)
    duties = [
        (_date(d), s, _date(c))
        for d, s, c in db.execute(
            text("SELECT due_on, status, completed_on FROM publication_obligation")
        )
    ]
    duties = [
        x
        for x in duties
        if x[0].year == year and (x[0] <= on or x[1] == "published") and x[1] != "exempted"
    ]
    on_time = [x for x in duties if x[1] == "published" and x[2] is not None and x[2] <= x[0]]
    activities = [
        (i, _day(s))
        for i, s in db.execute(text("SELECT id, started_at FROM activity"))
        if _day(s).year == year  # type: ignore[union-attr]
    ]
    media = {a for (a,) in db.execute(text("SELECT activity_id FROM media"))}
    covered = [i for i, _ in activities if i in media]

    def mean(values: list[int], places: str = "0.1") -> Decimal | None:
        if not values:
            return None
        return (Decimal(sum(values)) / len(values)).quantize(Decimal(places), ROUND_HALF_UP)

    def rate(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)

    return {
        "inspection.enterprises": Decimal(len({a["party"] for a in opened("inspection")})),
        "inspection.count": Decimal(len(opened("inspection"))),
        "inspection.hazards": Decimal(sum(lines(d) for d in orders if d["on"].year == year)),
        "inspection.rectified": Decimal(sum(lines(by_number[n]) for n in done if n in by_number)),
        "penalty.decisions": Decimal(len(penalties)),
        "penalty.warning": with_word("警告"),
        "penalty.fine": with_word("罚款"),
        "penalty.confiscation": with_word("没收"),
        "penalty.license": with_word("暂扣", "吊销"),
        "penalty.suspension": with_word("停产停业"),
        "penalty.fine_amount": (fines / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP),
        "compulsion.measures": Decimal(len(seizures)),
        "compulsion.sealing": Decimal(len([m for m in seizures if "查封" in m])),
        "compulsion.seizure": Decimal(len([m for m in seizures if "扣押" in m])),
        "license.accepted": Decimal(len(opened("license"))),
        "license.granted": Decimal(len([d for d in this_year if d["kind"] == "license_decision"])),
        "license.refused": Decimal(
            len([a for a in closed if a["kind"] == "license" and a["id"] not in granted])
        ),
        "levy.count": Decimal(len(opened("levy"))),
        "total.decisions": Decimal(
            len(penalties)
            + len(seizures)
            + len([d for d in this_year if d["kind"] == "license_decision"])
            + len([a for a in closed if a["kind"] == "license" and a["id"] not in granted])
            + len(opened("levy"))
        ),
        "handling.closed": Decimal(len(closed)),
        "handling.calendar_days": mean([(a["closed"] - a["opened"]).days for a in closed]),
        "handling.working_days": mean(
            [calendar.working_days_between(a["opened"], a["closed"]).count for a in closed]
        ),
        "publicity.due": Decimal(len(duties)),
        "publicity.on_time": Decimal(len(on_time)),
        "publicity.on_time_rate": rate(len(on_time), len(duties)),
        "recording.activities": Decimal(len(activities)),
        "recording.covered": Decimal(len(covered)),
        "recording.coverage": rate(len(covered), len(activities)),
    }


def test_computed_figures_equal_independent_counts(settings: Settings, db: Session) -> None:
    assert seed_demo_actions(db, settings, open_blob_store(settings)) > 0
    seed_demo_publicity(db, settings)
    on = today()
    expected = _raw_counts(db, on.year, on)
    sheet = yearly_service.sheet(db, working_calendar(db), on.year, on, "某区应急管理局")
    assert sheet.basis is yearly.Basis.computed
    shown = sheet.values
    for code, value in expected.items():
        assert shown[code] == yearly.formatted(value), code
    # the demo really exercises the counts (no vacuous zeros); 警告 is counted by
    # test_counting_rules below: the demo's one 警告 had no basis in the
    # article it cited (安全生产法 第九十九条 provides fines only) and became a fine
    for code in (
        "inspection.count",
        "inspection.hazards",
        "inspection.rectified",
        "penalty.fine",
        "compulsion.sealing",
        "compulsion.seizure",
        "license.granted",
        "levy.count",
        "handling.closed",
        "publicity.due",
        "publicity.on_time",
        "recording.activities",
    ):
        assert Decimal(shown[code]) > 0, code
    # entered figures are not there before the sections submit them
    assert shown["safety.training_sessions"] == "—"
    assert shown["penalty.confiscation_amount"] == "—"


def test_yearly_duty_due_31_january_next_year(db: Session) -> None:
    calendar = working_calendar(db)
    for start in (date(2026, 1, 1), date(2026, 7, 15), date(2026, 12, 31)):
        assert due(calendar, "publicity.yearly_figures", start).date == date(2027, 1, 31)
    duty = yearly_service.obligation(db, calendar, 2026, date(2026, 11, 27))
    assert duty.due_on == date(2027, 1, 31)
    assert duty.state.value == "未到期" and duty.published_on is None
    late = yearly_service.obligation(db, calendar, 2026, date(2027, 2, 1))
    assert late.state.value == "已逾期"
    close = yearly_service.obligation(db, calendar, 2026, date(2027, 1, 29))
    assert close.state.value == "临期"


def _doc(id_: int, kind: str, fields: dict[str, Any], supersedes: int | None = None) -> DocRow:
    return DocRow(id_, 1, kind, date(2026, 3, 1), f"N{id_}", fields, supersedes)


def test_counting_rules() -> None:
    first = _doc(1, "rectification_order", {"problems": "甲\n\n  乙  \n"})
    corrected = _doc(2, "rectification_order", {"problems": "甲\n乙\n丙"}, supersedes=1)
    assert yearly.problem_count(first) == 2
    assert yearly.effective([first, corrected]) == [corrected]
    data = yearly.YearData(
        2026,
        actions=(),
        documents=(
            first,
            corrected,
            _doc(3, "penalty_decision", {"penalty_content": "警告，罚款", "fine_amount": "155"}),
            _doc(4, "on_site_penalty_decision", {"penalty_content": "罚款", "fine_amount": "50"}),
            _doc(5, "seizure_decision", {"measure": "查封、扣押"}),
        ),
        duties=(),
        activities=(),
    )
    values = yearly.compute(data, WorkingCalendar())
    assert values["inspection.hazards"] == 3  # the correction's three, not the original's two
    assert values["penalty.decisions"] == 2
    assert values["penalty.warning"] == 1 and values["penalty.fine"] == 2
    assert values["penalty.fine_amount"] == Decimal("0.02")  # 205 元 = 0.0205 万元
    assert values["compulsion.sealing"] == values["compulsion.seizure"] == 1
    assert values["publicity.on_time_rate"] is None and values["handling.calendar_days"] is None
