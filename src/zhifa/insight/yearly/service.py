"""Use cases of the yearly figures: the sheet of a year (computed + entered figures), the
sections' submissions and the legal section's review, publishing the reviewed sheet as a
public snapshot, the obligation (due 31 January of the next year, rule table code
``publicity.yearly_figures``) and the report to the municipal bureau. Every change is
ledgered in the same transaction (core.audit.record_change)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import SHANGHAI, WorkingCalendar
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.time_limits import due, limit
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly.figures import FIGURES, PART_LABELS, Basis, Figure, Source
from zhifa.insight.yearly.models import PART_STATUS_LABELS, PartStatus, YearlyPart, YearlyReport
from zhifa.publicity import duties, public_snapshots
from zhifa.publicity.models import PublicSnapshot
from zhifa.publicity.rules import BoardState, board_state

KIND = "yearly_figures"
LIMIT_CODE = "publicity.yearly_figures"
MAX_VALUE = Decimal(10) ** 9
PART_PERMISSIONS: dict[Source, Permission] = {
    Source.safety: Permission.figures_submit_safety,
    Source.brigade: Permission.figures_submit_brigade,
}
REPORT_METHODS = ("政务外网报送系统", "电子邮件", "纸质文件报送", "其他")
FIRST_YEAR = 2000


# ---- the year and its sheet ---------------------------------------------------------------


def check_year(year: int, on: date) -> int:
    """A year the figures can be asked for: not in the future."""
    if year > on.year:
        raise InvalidInput(f"{year}年度尚未开始，不能统计未来年度的数据", "year")
    if year < FIRST_YEAR:
        raise InvalidInput(f"年度应在{FIRST_YEAR}年至{on.year}年之间", "year")
    return year


def basis_of(db: Session, year: int, on: date) -> Basis:
    """Entered by the sections for a finished year the platform holds no action of."""
    if year < on.year and not yearly.has_actions(db, year):
        return Basis.entered
    return Basis.computed


@dataclass(frozen=True)
class Row:
    number: int  # 序号
    figure: Figure
    value: str  # as shown and frozen ("—": not available or not yet entered)
    source: str  # who the value comes from


@dataclass(frozen=True)
class Sheet:
    bureau: str  # the reporting unit (settings.bureau_name)
    year: int
    basis: Basis
    as_of: date  # 统计截止日
    rows: tuple[Row, ...]

    @property
    def values(self) -> dict[str, str]:
        return {r.figure.code: r.value for r in self.rows}

    @property
    def title(self) -> str:
        return f"{self.bureau}{self.year}年度行政执法数据"

    @property
    def period(self) -> str:
        return f"{people_date(date(self.year, 1, 1))}至{people_date(self.as_of)}"


def as_of(year: int, on: date) -> date:
    return min(date(year, 12, 31), on)


def parts(db: Session, year: int) -> dict[Source, YearlyPart]:
    rows = db.scalars(select(YearlyPart).where(YearlyPart.year == year))
    return {Source(r.part): r for r in rows}


def people(db: Session, rows: Iterable[YearlyPart]) -> dict[int, str]:
    """The names of who submitted and reviewed `rows`."""
    ids = {i for r in rows for i in (r.submitted_by, r.reviewed_by) if i is not None}
    if not ids:
        return {}
    query = select(User.id, User.full_name).where(User.id.in_(ids))
    return {user_id: name for user_id, name in db.execute(query)}


def _source_label(figure: Figure, basis: Basis) -> str:
    if figure.total_of:
        return "各项之和"
    part = figure.entered_by(basis)
    if part is not None:
        return f"{PART_LABELS[part]}填报"
    return "平台统计" if basis is Basis.computed else "平台启用前无记录"


def sheet(db: Session, calendar: WorkingCalendar, year: int, on: date, bureau: str) -> Sheet:
    """Every figure of `year` as of `on`: computed ones from the records (unless the
    year predates the platform), entered ones from the sections' current submissions."""
    basis = basis_of(db, year, on)
    end = as_of(year, on)
    computed: dict[str, yearly.Number] = {}
    if basis is Basis.computed:
        computed = yearly.compute(yearly.load_year(db, year, end), calendar)
    entered = {code: v for p in parts(db, year).values() for code, v in p.values.items()}
    values = yearly.with_totals(
        {
            f.code: entered.get(f.code, "—")
            if f.entered_by(basis)
            else yearly.formatted(computed.get(f.code))
            for f in FIGURES
        }
    )
    rows = [
        Row(number, f, values[f.code], _source_label(f, basis))
        for number, f in enumerate(FIGURES, start=1)
    ]
    return Sheet(bureau, year, basis, end, tuple(rows))


# ---- entering and reviewing -----------------------------------------------------------------


def _number(figure: Figure, raw: object) -> str:
    """An entered value checked and written with the figure's places."""
    text = str(raw if raw is not None else "").strip()
    field = figure.code
    if not text:
        raise InvalidInput(f"请填写“{figure.name}”", field)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"“{figure.name}”应为数字", field) from None
    if not value.is_finite():
        raise InvalidInput(f"“{figure.name}”应为数字", field)
    if value < 0:
        raise InvalidInput(f"“{figure.name}”不能为负数", field)
    if value >= MAX_VALUE:
        raise InvalidInput(f"“{figure.name}”数值过大", field)
    if value != yearly.quantize(figure, value):
        places = "整数" if figure.places == 0 else f"最多{figure.places}位小数"
        raise InvalidInput(f"“{figure.name}”应为{places}", field)
    return str(yearly.quantize(figure, value))


def checked_values(part: Source, basis: Basis, raw: Mapping[str, object]) -> dict[str, str]:
    """The part's values, each present and valid; unknown codes are refused."""
    wanted = yearly.part_figures(part, basis)
    codes = {f.code for f in wanted}
    unknown = sorted(set(raw) - codes)
    if unknown:
        raise InvalidInput(f"不属于{PART_LABELS[part]}填报的指标：{unknown[0]}", unknown[0])
    return {f.code: _number(f, raw.get(f.code)) for f in wanted}


def _part_of(value: str) -> Source:
    try:
        part = Source(value)
    except ValueError:
        raise NotFound("没有这个填报科室") from None
    if part not in PART_LABELS:
        raise NotFound("没有这个填报科室")
    return part


def submit(
    db: Session, who: Principal, year: int, part_code: str, raw: Mapping[str, object], note: str
) -> YearlyPart:
    """A section submits (or, after a return, resubmits) its figures for review."""
    part = _part_of(part_code)
    if not who.can(PART_PERMISSIONS[part]):
        raise Forbidden(f"只有{PART_LABELS[part]}可以填报本科室的年度数据")
    on = today()
    check_year(year, on)
    values = checked_values(part, basis_of(db, year, on), raw)
    if len(note) > 500:
        raise InvalidInput("说明不能超过 500 个字符", "note")
    row = parts(db, year).get(part)
    if row is not None and row.status is not PartStatus.returned:
        state = PART_STATUS_LABELS[row.status]
        raise Conflict(f"{PART_LABELS[part]}的{year}年度数据已报送（{state}），退回后方可重新填报")
    if row is None:
        row = YearlyPart(year=year, part=part.value)
        db.add(row)
    row.values, row.note, row.status = values, note.strip(), PartStatus.submitted
    row.submitted_by, row.submitted_at = who.user_id, utcnow()
    row.reviewed_by, row.reviewed_at, row.return_reason = None, None, ""
    record_change(db, actor_name(who), "yearly_figures.submit", row)
    return row


def _submitted(db: Session, year: int, part_code: str) -> YearlyPart:
    part = _part_of(part_code)
    row = parts(db, year).get(part)
    if row is None or row.status is not PartStatus.submitted:
        raise Conflict(f"{PART_LABELS[part]}的{year}年度数据不在待审核状态")
    return row


def approve(db: Session, who: Principal, year: int, part_code: str) -> YearlyPart:
    row = _submitted(db, year, part_code)
    row.status, row.reviewed_by, row.reviewed_at = PartStatus.approved, who.user_id, utcnow()
    record_change(db, actor_name(who), "yearly_figures.approve", row)
    return row


def send_back(db: Session, who: Principal, year: int, part_code: str, reason: str) -> YearlyPart:
    """Return a submission (待审核 or 已审核, before it is published again) with a reason."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写退回原因", "reason")
    if len(reason) > 500:
        raise InvalidInput("退回原因不能超过 500 个字符", "reason")
    part = _part_of(part_code)
    row = parts(db, year).get(part)
    if row is None or row.status is PartStatus.returned:
        raise Conflict(f"{PART_LABELS[part]}的{year}年度数据没有可退回的报送")
    row.status, row.return_reason = PartStatus.returned, reason
    row.reviewed_by, row.reviewed_at = who.user_id, utcnow()
    record_change(db, actor_name(who), "yearly_figures.return", row)
    return row


# ---- publishing and the obligation ----------------------------------------------------------


def frozen(current: Sheet) -> dict[str, Any]:
    """The public snapshot of a sheet: plain values and the definitions shown with them."""
    return {
        "year": current.year,
        "title": current.title,
        "unit": current.bureau,
        "period": current.period,
        "as_of": current.as_of.isoformat(),
        "basis": current.basis.value,
        "basis_label": yearly.BASIS_LABELS[current.basis],
        "figures": [
            {
                "number": r.number,
                "code": r.figure.code,
                "section": r.figure.section,
                "name": r.figure.name,
                "unit": r.figure.unit,
                "value": r.value,
                "source": r.source,
                "definition": r.figure.definition,
            }
            for r in current.rows
        ],
    }


def publish(
    db: Session, who: Principal, calendar: WorkingCalendar, year: int, bureau: str
) -> PublicSnapshot:
    """Publish the year's sheet once every section's figures are reviewed."""
    on = today()
    check_year(year, on)
    found = parts(db, year)
    waiting = [
        PART_LABELS[p]
        for p in yearly.PARTS
        if p not in found or found[p].status is not PartStatus.approved
    ]
    if waiting:
        raise Conflict(f"{'、'.join(waiting)}的数据尚未审核通过，不能发布")
    current = sheet(db, calendar, year, on, bureau)
    return public_snapshots.publish_snapshot(
        db,
        kind=KIND,
        subject=str(year),
        title=current.title,
        unit_name=bureau,
        snapshot=frozen(current),
        who=who,
    )


@dataclass(frozen=True)
class Obligation:
    year: int
    due_on: date
    due_provisional: bool
    basis: str
    state: BoardState
    days_left: int
    published_on: date | None
    version: int | None


def duty_years(db: Session, on: date) -> list[int]:
    """The years whose figures are due (newest first): from the year before the platform's
    first action (or the first year entered or published) to last year."""
    first_action = yearly.first_action_year(db)
    starts = [on.year - 1]
    if first_action is not None:
        starts.append(first_action - 1)
    starts += [y for y in (db.scalar(select(func.min(YearlyPart.year))),) if y is not None]
    published = db.scalars(select(PublicSnapshot.subject).where(PublicSnapshot.kind == KIND))
    starts += [int(y) for y in published if y.isdigit()]
    first = max(min(starts), FIRST_YEAR)
    return list(range(on.year - 1, first - 1, -1))


def first_published_on(db: Session, year: int) -> date | None:
    versions = public_snapshots.versions(db, KIND, str(year))
    return versions[0].published_at.astimezone(SHANGHAI).date() if versions else None


def obligation(db: Session, calendar: WorkingCalendar, year: int, on: date) -> Obligation:
    """Publishing `year`'s figures: due 31 January of the next year (公示办法 第七条)."""
    due_day = due(calendar, LIMIT_CODE, date(year, 1, 1))
    published = first_published_on(db, year)
    shown = public_snapshots.latest_published(db, KIND, str(year))
    state, left = board_state(calendar, due_day.date, on, done=published is not None)
    return Obligation(
        year=year,
        due_on=due_day.date,
        due_provisional=due_day.provisional,
        basis=limit(LIMIT_CODE).basis,
        state=state,
        days_left=left,
        published_on=published,
        version=shown.version if shown else None,
    )


def record_report(
    db: Session, who: Principal, year: int, reported_on: date, method: str, note: str
) -> YearlyReport:
    """Record that the published figures were reported to the municipal bureau."""
    on = today()
    check_year(year, on)
    if public_snapshots.latest_published(db, KIND, str(year)) is None:
        raise Conflict(f"{year}年度数据尚未发布，发布后再报送市局")
    if method not in REPORT_METHODS:
        raise InvalidInput("报送方式取值无效", "method")
    if reported_on > on or reported_on.year < year:
        raise InvalidInput("报送日期不能晚于今天，也不能早于统计年度", "reported_on")
    if len(note) > 500:
        raise InvalidInput("说明不能超过 500 个字符", "note")
    row = YearlyReport(
        year=year,
        reported_on=reported_on,
        method=method,
        note=note.strip(),
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, actor_name(who), "yearly_figures.report", row)
    return row


def reports(db: Session, year: int) -> list[tuple[YearlyReport, str]]:
    rows = db.execute(
        select(YearlyReport, User.full_name)
        .join(User, User.id == YearlyReport.recorded_by)
        .where(YearlyReport.year == year)
        .order_by(YearlyReport.id)
    )
    return [(r, name) for r, name in rows]


# ---- the yearly duty on the deadline board and in the overdue report -----------------------


def yearly_duties(db: Session, scope: duties.Scope, names: duties.Names) -> Iterator[duties.Duty]:
    """One duty per year due: done the day the year's figures were first published; the
    person responsible is who reviewed the sections' parts (the legal section)."""
    calendar, on = working_calendar(db), today()
    for year in duty_years(db, on):
        duty = obligation(db, calendar, year, on)
        if not scope.admits(duty.due_on, duty.published_on):
            continue
        reviewers = [p.reviewed_by for p in parts(db, year).values() if p.reviewed_by]
        person = db.get(User, reviewers[-1]) if reviewers else None
        unit_id = person.unit_id if person else None
        yield duties.Duty(
            kind=duties.DutyKind.yearly_figures,
            record_id=year,
            reference=f"{year}年度",
            subject=f"公开{year}年度行政执法总体情况数据",
            unit_id=unit_id,
            unit=names.unit(unit_id),
            person_id=person.id if person else None,
            person=names.person(person.id if person else None),
            limit_code=LIMIT_CODE,
            basis=duty.basis,
            due_on=duty.due_on,
            due_provisional=duty.due_provisional,
            done_on=duty.published_on,
            link=f"/app/insight/yearly/{year}",
            started_on=date(year, 12, 31),
        )
