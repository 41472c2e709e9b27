"""Pages of 薄弱环节分析 (/app/insight/weak-points): the figures and, per figure, the
records behind it. Reading the page brings the facts up to date (a write: `Tx`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from zhifa.core.auth import Principal
from zhifa.core.errors import InvalidInput
from zhifa.core.http import Tx, record_id_or_none, render, require
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.enforcement.steps import ACTION_KIND_LABELS, ActionKind
from zhifa.insight.weak_points import service
from zhifa.insight.weak_points.rules import NIGHT_FROM_HOUR, NIGHT_UNTIL_HOUR, Filters

pages = APIRouter(prefix="/app/insight/weak-points", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.dashboard_read))]


def _day(value: str, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", field) from None


def _id(value: str, field: str) -> int | None:
    number = record_id_or_none(value) if value else None
    if value and number is None:
        raise InvalidInput("筛选条件取值无效", field)
    return number


def _kind(value: str) -> str | None:
    if value and value not in ActionKind.__members__:
        raise InvalidInput("执法行为类别取值无效", "kind")
    return value or None


@dataclass(frozen=True)
class Wanted:
    raw: dict[str, str]  # as sent, for links
    filters: Filters


def wanted(
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
    unit: Annotated[str, Query(max_length=12)] = "",
    officer: Annotated[str, Query(max_length=12)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
) -> Wanted:
    first, last = _day(start, "from"), _day(end, "to")
    if first and last and first > last:
        raise InvalidInput("开始日期不能晚于结束日期", "from")
    raw = {"from": start, "to": end, "unit": unit, "officer": officer, "kind": kind}
    filters = Filters(first, last, _id(unit, "unit"), _id(officer, "officer"), _kind(kind))
    return Wanted(raw, filters)


Asked = Annotated[Wanted, Depends(wanted)]


def _context(db: Tx, q: Wanted) -> dict[str, object]:
    return {
        "raw": q.raw,
        "query": urlencode({k: v for k, v in q.raw.items() if v}),
        "filters": q.filters,
        "words": service.describe(db, q.filters),
        "units": list(db.scalars(select(Unit).order_by(Unit.id))),
        "people": list(db.scalars(select(User).order_by(User.id))),
        "kinds": ACTION_KIND_LABELS,
        "night": (NIGHT_FROM_HOUR, NIGHT_UNTIL_HOUR),
    }


@pages.get("", response_class=HTMLResponse)
def dashboard_page(request: Request, db: Tx, who: Reader, q: Asked) -> Response:
    cards = service.dashboard(db, who, q.filters)
    return render(request, "weak_points.html", cards=cards, **_context(db, q))


@pages.get("/{code}", response_class=HTMLResponse)
def figure_page(
    request: Request,
    code: str,
    db: Tx,
    who: Reader,
    q: Asked,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    drill = service.drill(db, who, service.figure_of(code), q.filters, page)
    return render(request, "weak_point_records.html", drill=drill, **_context(db, q))
