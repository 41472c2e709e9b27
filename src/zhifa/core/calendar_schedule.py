"""A year's official holiday schedule (国务院办公厅 部分节假日安排) and its JSON file format.

The format is documented in docs/calendar.md. The only I/O here is `parse_schedule_file`;
`schedule_from_dict` / `schedule_to_dict` let another layer store schedules elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from zhifa.core.calendar_rules import rules_cover, statutory_holidays
from zhifa.core.errors import DomainError

SCHEDULE_FORMAT: Final = "zhifa-holiday-schedule/1"
MIN_SCHEDULE_YEAR: Final = 2000
MAX_SCHEDULE_YEAR: Final = 2099

_WEEKDAYS: Final = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_REQUIRED_KEYS: Final = frozenset({"format", "year", "source", "holidays", "makeup_workdays"})
_OPTIONAL_KEYS: Final = frozenset({"example", "note"})


class ScheduleError(DomainError):
    """A schedule file or record that cannot be used; `problems` lists every finding."""

    def __init__(self, problems: list[str], origin: str = "放假安排") -> None:
        self.problems = list(problems)
        super().__init__(f"{origin}有误：" + "；".join(self.problems))


@dataclass(frozen=True)
class NamedDay:
    """One day of a schedule with the holiday it belongs to (e.g. 春节)."""

    date: date
    name: str


@dataclass(frozen=True)
class YearSchedule:
    """The official rest days and 调休 make-up working days of one calendar year.

    `holidays`: every day off of the holiday periods (weekend days inside a period included).
    `makeup_workdays`: Saturdays/Sundays declared working days (调休上班).
    Days listed in neither follow the week: Monday–Friday work, Saturday/Sunday rest.
    `example=True` marks sample data: a calendar treats such a year as provisional.
    """

    year: int
    source: str
    holidays: tuple[NamedDay, ...]
    makeup_workdays: tuple[NamedDay, ...]
    example: bool = False
    note: str = ""

    def holiday_map(self) -> dict[date, str]:
        return {d.date: d.name for d in self.holidays}

    def makeup_map(self) -> dict[date, str]:
        return {d.date: d.name for d in self.makeup_workdays}


def weekday_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def parse_schedule_file(path: str | Path, *, allow_example: bool = False) -> YearSchedule:
    """Read and validate a schedule JSON file; raise ScheduleError naming every problem."""
    origin = f"放假安排文件 {Path(path).name} "
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleError([f"无法读取（{exc.__class__.__name__}）"], origin) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）"
        raise ScheduleError([problem], origin) from exc
    return schedule_from_dict(data, allow_example=allow_example, origin=origin)


def schedule_from_dict(
    data: Any, *, allow_example: bool = False, origin: str = "放假安排"
) -> YearSchedule:
    """Validate the decoded JSON object of a schedule and build a YearSchedule."""
    if not isinstance(data, Mapping):
        raise ScheduleError(["顶层必须是一个 JSON 对象"], origin)
    problems: list[str] = _check_keys(data)
    year = _check_year(data.get("year"), problems)
    source = _check_text(data.get("source"), "source（依据文号）", problems)
    example = _check_example(data.get("example", False), allow_example, problems)
    note = data.get("note", "")
    if not isinstance(note, str):
        problems.append("note 必须是字符串")
    holidays = _check_days(data.get("holidays"), "holidays（放假日期）", year, problems)
    makeups = _check_days(
        data.get("makeup_workdays"), "makeup_workdays（调休上班日）", year, problems
    )
    _check_overlap(holidays, makeups, problems)
    _check_makeups_on_weekends(makeups, problems)
    if year is not None:
        _check_statutory_covered(year, holidays, problems)
    if problems or year is None:
        raise ScheduleError(problems, origin)
    return YearSchedule(
        year=year,
        source=source,
        holidays=tuple(sorted(holidays, key=lambda d: d.date)),
        makeup_workdays=tuple(sorted(makeups, key=lambda d: d.date)),
        example=example,
        note=note if isinstance(note, str) else "",
    )


def schedule_to_dict(schedule: YearSchedule) -> dict[str, Any]:
    """The JSON object for `schedule` (inverse of schedule_from_dict)."""
    data: dict[str, Any] = {
        "format": SCHEDULE_FORMAT,
        "year": schedule.year,
        "source": schedule.source,
        "holidays": [{"date": d.date.isoformat(), "name": d.name} for d in schedule.holidays],
        "makeup_workdays": [
            {"date": d.date.isoformat(), "name": d.name} for d in schedule.makeup_workdays
        ],
    }
    if schedule.example:
        data["example"] = True
    if schedule.note:
        data["note"] = schedule.note
    return data


def _check_keys(data: Mapping[str, Any]) -> list[str]:
    problems = [f"缺少字段 {key}" for key in sorted(_REQUIRED_KEYS - data.keys())]
    unknown = sorted(str(k) for k in data.keys() - _REQUIRED_KEYS - _OPTIONAL_KEYS)
    problems += [f"未知字段 {key}" for key in unknown]
    fmt = data.get("format")
    if "format" in data and fmt != SCHEDULE_FORMAT:
        problems.append(f"format 必须是 {SCHEDULE_FORMAT!r}，实际为 {fmt!r}")
    return problems


def _check_year(value: Any, problems: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        if value is not None:
            problems.append(f"year 必须是整数年份，实际为 {value!r}")
        return None
    if not MIN_SCHEDULE_YEAR <= value <= MAX_SCHEDULE_YEAR:
        problems.append(f"year {value} 超出支持范围 {MIN_SCHEDULE_YEAR}–{MAX_SCHEDULE_YEAR}")
        return None
    return value


def _check_text(value: Any, label: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        if value is not None:
            problems.append(f"{label} 必须是非空字符串")
        return ""
    return value.strip()


def _check_example(value: Any, allow_example: bool, problems: list[str]) -> bool:
    if not isinstance(value, bool):
        problems.append("example 必须是 true 或 false")
        return False
    if value and not allow_example:
        problems.append("这是示例文件（example: true），不是官方放假安排，不能加载")
    return value


def _check_days(value: Any, label: str, year: int | None, problems: list[str]) -> list[NamedDay]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{label} 必须是列表")
        return []
    days: list[NamedDay] = []
    seen: set[date] = set()
    for index, item in enumerate(value, start=1):
        day = _check_day(item, f"{label}第{index}项", year, problems)
        if day is None:
            continue
        if day.date in seen:
            problems.append(f"{label}中 {day.date.isoformat()} 重复出现")
            continue
        seen.add(day.date)
        days.append(day)
    return days


def _check_day(item: Any, where: str, year: int | None, problems: list[str]) -> NamedDay | None:
    if not isinstance(item, Mapping) or set(item.keys()) != {"date", "name"}:
        problems.append(f"{where} 必须是只含 date 和 name 两个字段的对象")
        return None
    day = _parse_date(item["date"], where, problems)
    name = _check_text(item["name"], f"{where} 的 name", problems)
    if item["name"] is None:
        problems.append(f"{where} 缺少 name")
    if day is None or not name:
        return None
    if year is not None and day.year != year:
        problems.append(f"{where} 的日期 {day.isoformat()} 不在声明的年份 {year} 年内")
        return None
    return NamedDay(day, name)


def _parse_date(value: Any, where: str, problems: list[str]) -> date | None:
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        problems.append(f"{where} 的日期 {value!r} 格式错误，应为 YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where} 的日期 {value} 不存在")
        return None


def _check_overlap(holidays: list[NamedDay], makeups: list[NamedDay], problems: list[str]) -> None:
    both = sorted({d.date for d in holidays} & {d.date for d in makeups})
    problems += [f"{d.isoformat()} 既列为放假日又列为调休上班日" for d in both]


def _check_makeups_on_weekends(makeups: list[NamedDay], problems: list[str]) -> None:
    for day in makeups:
        if day.date.weekday() < 5:
            problems.append(
                f"调休上班日 {day.date.isoformat()} 是{weekday_name(day.date)}，"
                "不是周六或周日（工作日本来就上班，无需调休）"
            )


def _check_statutory_covered(year: int, holidays: list[NamedDay], problems: list[str]) -> None:
    """Every statutory holiday of 放假办法 第二条 must be a day off in the schedule."""
    if not rules_cover(year):
        return
    listed = {d.date for d in holidays}
    for day, name in statutory_holidays(year).items():
        if day not in listed:
            problems.append(f"法定节假日 {day.isoformat()}（{name}）未列为放假日")
