"""The working-day calendar for people: compute a due date, see which years are official,
load a year's official schedule."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from zhifa.core.auth import Principal
from zhifa.core.calendar import Due, RestDays, WorkingCalendar, countable_days
from zhifa.core.calendar_schedule import YearSchedule, schedule_from_dict
from zhifa.core.calendar_store import store_schedule, working_calendar
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.http import Db, Tx, redirect, render, require, submit
from zhifa.core.models import HolidaySchedule
from zhifa.core.permissions import Permission
from zhifa.core.schemas import DueOut
from zhifa.core.time_limits import LIMITS, Lean, Unit
from zhifa.core.time_limits import due as due_of_limit
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/calendar", include_in_schema=False)
api = APIRouter(prefix="/api/v1/calendar", tags=["工作日历"])

Reader = Annotated[Principal, Depends(require(Permission.app_use))]
Admin = Annotated[Principal, Depends(require(Permission.calendar_admin))]
MAX_SCHEDULE_BYTES = 64 * 1024


class PeriodKind(StrEnum):
    working_days = "working_days"  # N 个工作日
    calendar_days = "calendar_days"  # N 日（期满日遇节假日顺延）
    months = "months"  # N 个月（期满日遇节假日顺延）


PERIOD_LABELS = {
    PeriodKind.working_days: "个工作日",
    PeriodKind.calendar_days: "日（自然日，期满遇休息日顺延）",
    PeriodKind.months: "个月（期满遇休息日顺延）",
}


class LeanChoice(StrEnum):
    earliest = "earliest"  # a bureau duty: the earliest plausible day
    latest = "latest"  # a party's period: the latest plausible day


LEAN_LABELS = {
    LeanChoice.earliest: "本局义务（取最早可能日）",
    LeanChoice.latest: "当事人期限（取最晚可能日）",
}


class _Started(BaseModel):
    start: date

    @field_validator("start")
    @classmethod
    def _in_range(cls, value: date) -> date:
        # a start the calendar cannot count from is refused at the edge, not half-computed
        first, last = countable_days()
        if not first <= value <= last:
            raise DomainError(
                f"起算日须在{first.year}年至{last.year}年之间（工作日历可计算的范围）", "start"
            )
        return value


class DueQuery(_Started):
    n: int = Field(ge=1, le=3650)
    kind: PeriodKind = PeriodKind.working_days
    lean: LeanChoice | None = None


class LimitDueQuery(_Started):
    code: str = Field(min_length=1, max_length=80)


def compute_due(calendar: WorkingCalendar, query: DueQuery) -> Due:
    """The user's period; in a provisional year on the side `query.lean` names (none:
    the law's rest days only, statutory days and 补假)."""
    if query.lean is None:
        return _count(calendar, query)
    rest = RestDays.LAW if query.lean is LeanChoice.earliest else RestDays.CUSTOMARY
    due = _count(calendar.with_rest_days(rest), query)
    if not due.provisional:
        return due
    basis = f"{due.basis}。暂定日期的取向：{LEAN_LABELS[query.lean]}（{rest.value}）"
    return Due(due.date, True, basis, due.provisional_years)


def compute_limit_due(calendar: WorkingCalendar, query: LimitDueQuery) -> Due:
    """A time-limit row from `start`, leaning the way the row says."""
    if query.code not in LIMITS:
        raise DomainError(f"未知的时限代码：{query.code}", "code")
    if LIMITS[query.code].unit is Unit.HOURS:
        raise DomainError(f"时限 {query.code} 按小时自时刻起算，不能按起算日计算", "code")
    return due_of_limit(calendar, query.code, query.start)


def lean_of(code: str) -> LeanChoice:
    """The side a time-limit row leans to, as the API names it."""
    earliest = LIMITS[code].lean is Lean.EARLIEST
    return LeanChoice.earliest if earliest else LeanChoice.latest


def _count(calendar: WorkingCalendar, query: DueQuery) -> Due:
    if query.kind is PeriodKind.working_days:
        # not a legal limit: the calculator counts the n a user asks for
        return calendar.add_working_days(query.start, query.n)
    if query.kind is PeriodKind.calendar_days:
        # not a legal limit: the user's n
        return calendar.add_calendar_days(query.start, query.n, extend_if_rest_day=True)
    # not a legal limit: the user's n
    return calendar.add_months(query.start, query.n, extend_if_rest_day=True)


def schedule_of_file(filename: str | None, raw: bytes) -> YearSchedule:
    """The official schedule an uploaded file holds (``raw``: at most one byte more than
    the limit was read, so a larger file is known by its length)."""
    if not filename:
        raise DomainError("请选择放假安排数据文件", "file")
    if len(raw) > MAX_SCHEDULE_BYTES:
        raise DomainError("文件过大：放假安排数据文件不应超过 64 KB", "file")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(f"文件不是有效的 UTF-8 JSON：{exc}", "file") from exc
    return schedule_from_dict(data, origin=filename)


def _coverage(calendar: WorkingCalendar) -> list[tuple[int, bool]]:
    year = today().year
    official = calendar.official_years()
    return [(y, y in official) for y in range(year - 1, year + 3)]


def _context(db: Session, **extra: Any) -> dict[str, Any]:
    return {
        "coverage": _coverage(working_calendar(db)),
        "loaded": db.scalars(select(HolidaySchedule).order_by(HolidaySchedule.id.desc())).all(),
        "period_labels": PERIOD_LABELS,
        "lean_labels": LEAN_LABELS,
        **extra,
    }


@pages.get("", response_class=HTMLResponse)
def calendar_page(request: Request, db: Db, who: Reader) -> Response:
    params = {k: v for k, v in request.query_params.items() if v != "" or k != "lean"}
    if "start" not in params:
        values = {"start": today().isoformat(), "n": 7}
        return render(request, "calendar.html", **_context(db, values=values))
    try:
        due = compute_due(working_calendar(db), parse(DueQuery, params))
    except DomainError as exc:
        context = _context(db, values=params, error=exc.message)
        return render(request, "calendar.html", exc.status_code, **context)
    return render(request, "calendar.html", **_context(db, values=params, due=due))


@pages.post("/schedules", response_class=HTMLResponse)
async def schedule_upload(request: Request, db: Tx, who: Admin) -> Response:
    upload = (await request.form()).get("file")
    file = upload if isinstance(upload, UploadFile) else None
    raw = await file.read(MAX_SCHEDULE_BYTES + 1) if file is not None else b""
    name = file.filename if file is not None else None
    return submit(
        request,
        db,
        lambda: store_schedule(
            db, schedule_of_file(name, raw), loaded_by=who.username, actor=who.username
        ),
        page="calendar.html",
        context=lambda: _context(db, values={}),
        then=lambda recomputed: redirect(f"/app/calendar?loaded=1&recomputed={recomputed}"),
    )


@api.get("/due", summary="计算期限的最后一日（起算日不计入）")
def api_due(
    db: Db,
    who: Reader,
    start: date,
    n: Annotated[int, Query(ge=1, le=3650)],
    kind: PeriodKind = PeriodKind.working_days,
    lean: LeanChoice | None = None,
) -> DueOut:
    query = DueQuery(start=start, n=n, kind=kind, lean=lean)
    return DueOut.of(compute_due(working_calendar(db), query), lean)


@api.get("/limit-due", summary="按时限表的一行计算期限（暂定年份按该行的取向）")
def api_limit_due(db: Db, who: Reader, start: date, code: str) -> DueOut:
    query = LimitDueQuery(start=start, code=code)
    return DueOut.of(compute_limit_due(working_calendar(db), query), lean_of(code))
