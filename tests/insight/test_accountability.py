"""The overdue report's pure part: lateness in working days across holidays and make-up
working days, filters and totals. Expected counts are counted by hand in the comments."""

from __future__ import annotations

from datetime import date

from tests.conftest import schedule_2027
from zhifa.core.calendar import WorkingCalendar, default_calendar
from zhifa.core.calendar_schedule import schedule_from_dict
from zhifa.insight.accountability import Duty, DutyKind, Filters, build_report, lateness

# 测试用 2027 schedule: 春节 2月5日(五)–12日(五) off, 2月20日(六) a make-up working day.
CAL_2027 = WorkingCalendar([schedule_from_dict(schedule_2027(["2027-02-20"]), allow_example=True)])
# Official 2026 schedule: 国庆 10月1日–7日 off, 9月20日(日) and 10月10日(六) make-up working days.
CAL_2026 = default_calendar()


def duty(
    due_on: date,
    done_on: date | None,
    *,
    kind: DutyKind = DutyKind.publication,
    record_id: int = 1,
    unit: tuple[int, str] = (1, "第一中队"),
    person: tuple[int, str] = (7, "张三"),
) -> Duty:
    return Duty(
        kind=kind,
        record_id=record_id,
        reference=f"沪普应急罚〔2026〕{record_id}号",
        subject="未按规定进行安全生产教育和培训",
        unit_id=unit[0],
        unit=unit[1],
        person_id=person[0],
        person=person[1],
        limit_code="publicity.penalty",
        basis="公示办法第七条",
        due_on=due_on,
        due_provisional=False,
        done_on=done_on,
        link="/app/publicity/obligations/1",
    )


def late_days(calendar: WorkingCalendar, due_on: date, done_on: date | None, on: date) -> int:
    result = lateness(calendar, duty(due_on, done_on), on)
    assert result is not None
    return result.working_days


def test_on_the_due_day_or_before_is_on_time() -> None:
    due_on = date(2027, 2, 4)
    assert lateness(CAL_2027, duty(due_on, due_on), date(2027, 3, 1)) is None
    assert lateness(CAL_2027, duty(due_on, date(2027, 2, 1)), date(2027, 3, 1)) is None
    # still open, but the due day has not ended yet
    assert lateness(CAL_2027, duty(due_on, None), due_on) is None


def test_late_working_days_across_spring_festival_2027() -> None:
    due_on = date(2027, 2, 4)  # Thursday before the holiday
    on = date(2027, 3, 31)
    # 5–12 holiday, 13–14 weekend, 15 Monday: the first working day after -> 1
    assert late_days(CAL_2027, due_on, date(2027, 2, 15), on) == 1
    # 15, 16, 17, 18, 19 and the make-up Saturday 20 -> 6
    assert late_days(CAL_2027, due_on, date(2027, 2, 20), on) == 6
    # Sunday 21 is a rest day: still 6
    assert late_days(CAL_2027, due_on, date(2027, 2, 21), on) == 6
    # done during the holiday: late, but no working day has passed
    assert late_days(CAL_2027, due_on, date(2027, 2, 8), on) == 0
    # still open: counted to the report day (Wednesday 17th: 15, 16, 17 -> 3)
    assert late_days(CAL_2027, due_on, None, date(2027, 2, 17)) == 3
    # a schedule was loaded for 2027: not provisional
    result = lateness(CAL_2027, duty(due_on, date(2027, 2, 20)), on)
    assert result is not None and result.provisional is False


def test_late_working_days_across_national_day_2026() -> None:
    due_on = date(2026, 9, 30)  # Wednesday before the holiday
    on = date(2026, 12, 31)
    assert late_days(CAL_2026, due_on, date(2026, 10, 8), on) == 1  # Thursday 8th
    assert late_days(CAL_2026, due_on, date(2026, 10, 10), on) == 3  # 8, 9, make-up Sat 10
    assert late_days(CAL_2026, due_on, date(2026, 10, 12), on) == 4  # + Monday 12
    assert late_days(CAL_2026, date(2026, 9, 18), date(2026, 9, 21), on) == 2  # Sun 20 works


def test_filters_order_and_totals() -> None:
    a, b = (1, "第一中队"), (2, "第二中队")
    zhang, li = (7, "张三"), (8, "李四")
    duties = [
        duty(date(2026, 9, 30), date(2026, 10, 8), record_id=1, unit=a, person=zhang),  # 1
        duty(date(2026, 9, 30), date(2026, 10, 12), record_id=2, unit=a, person=li),  # 4
        duty(date(2026, 9, 30), date(2026, 9, 30), record_id=3, unit=b, person=li),  # on time
        duty(
            date(2026, 10, 9), None, kind=DutyKind.correction, record_id=4, unit=b, person=zhang
        ),  # open on Tue 13th: 10 (make-up), 12, 13 -> 3
        duty(date(2026, 11, 2), None, kind=DutyKind.withdrawal, record_id=5, unit=b),  # not due
    ]
    on = date(2026, 10, 13)
    report = build_report(CAL_2026, duties, on, Filters())
    assert [(r.duty.record_id, r.working_days) for r in report.rows] == [(2, 4), (4, 3), (1, 1)]
    assert [r.still_open for r in report.rows] == [False, True, False]
    by_unit = {t.name: (t.count, t.still_open, t.working_days, t.worst) for t in report.by_unit}
    assert by_unit == {"第一中队": (2, 0, 5, 4), "第二中队": (1, 1, 3, 3)}
    by_person = {t.name: (t.count, t.working_days) for t in report.by_person}
    assert by_person == {"张三": (2, 4), "李四": (1, 4)}
    assert [t.name for t in report.by_unit] == ["第一中队", "第二中队"]

    def ids(f: Filters) -> list[int]:
        return sorted(r.duty.record_id for r in build_report(CAL_2026, duties, on, f).rows)

    assert ids(Filters(unit_id=2)) == [4]
    assert ids(Filters(person_id=7)) == [1, 4]
    assert ids(Filters(kind=DutyKind.correction)) == [4]
    assert ids(Filters(start=date(2026, 10, 1))) == [4]
    assert ids(Filters(end=date(2026, 9, 30))) == [1, 2]
