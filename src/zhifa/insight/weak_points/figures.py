"""The dashboard's figures, as a list: each has a name, a count over the filters (with a
base where a rate makes sense), bars by unit and by month, and the records behind it.
A figure is one more entry in `FIGURES` (e.g. 评查扣分 by item, once case review keeps its
scores): the page, the charts and the drill-down follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from zhifa.enforcement.models import ActionOfficer
from zhifa.insight.weak_points.models import WeakPointFact as F
from zhifa.insight.weak_points.rules import MANY_CASES, FactKind, Filters
from zhifa.supervision.reviews.models import ReviewFinding, ReviewRound, ReviewSheet

PAGE_SIZE = 100


def _late(on: date) -> ColumnElement[bool]:
    """Done after its due day, or still open after it (rules.late, as a query)."""
    return or_(F.done_on > F.due_on, and_(F.done_on.is_(None), F.due_on < on))


def _state(value: str) -> Callable[[date], ColumnElement[bool]]:
    return lambda _on: F.state == value


def _every(_on: date) -> ColumnElement[bool]:
    return true()


@dataclass(frozen=True)
class Figure:
    code: str  # in the drill-down's address
    name: str
    note: str  # how it is counted, shown on the page
    kind: FactKind
    hit: Callable[[date], ColumnElement[bool]]  # which facts of the kind count, as of a day
    base: str = ""  # what the rate is taken of ("" : no rate)
    people: bool = False  # counts readers over MANY_CASES, not facts
    by_item: bool = False  # the drill-down adds a table by review deduction item


FIGURES: tuple[Figure, ...] = (
    Figure("recording-missing", "强制录音录像缺失",
           "应当全程音视频记录的现场执法活动中，既无相应记录、也无经领导批准的例外的。",
           FactKind.recording, _state("missing"), "应当记录的现场活动"),
    Figure("recording-excepted", "经批准不记录（例外）",
           "应当全程音视频记录、经领导批准不记录的现场执法活动。",
           FactKind.recording, _state("excepted"), "应当记录的现场活动"),
    Figure("gaps-unexplained", "未说明的记录中断",
           "录像中断超过本局设定的容许间隔、尚未说明中断原因的（记录办法 第七条第三款）。",
           FactKind.gap, _state("unexplained"), "超过容许间隔的中断"),
    Figure("service-late", "文书逾期送达",
           "有送达期限的决定书，送达晚于期限届满日，或届满仍未送达的；期间按届满日。",
           FactKind.service, _late, "有送达期限的决定书"),
    Figure("documents-corrected", "文书更正",
           "签发后又以新版本更正的文书（按更正版本的签发日期）。",
           FactKind.corrected, _every),
    Figure("steps-late", "步骤超过时限",
           "立案后作出处罚决定、决定后送达、先行登记保存后处理、受理后作出许可决定，"
           "晚于期限届满日或届满仍未完成的；案件办结即停止计算；期间按届满日。",
           FactKind.step, _late, "有时限的步骤"),
    Figure("publications-late", "公示逾期",
           "行政执法决定晚于公示期限公示，或届满仍未公示的（经批准不予公开的不计）；期间按届满日。",
           FactKind.publication, _late, "公示义务"),
    Figure("corrections-upheld", "更正申请成立",
           "已答复的更正申请中，核实后予以更正的（公示办法 第九条）；期间按答复日。",
           FactKind.correction, _state("corrected"), "已答复的更正申请"),
    Figure("reads-no-part", "调阅非承办案件较多",
           f"期间内调阅本人未承办、未开办、未获授权的案件达 {MANY_CASES} 件及以上的人员"
           "（本局设定）；领导和法制机构的正常调阅也会列出，供核实。",
           FactKind.no_part, _every, people=True),
    Figure("reads-at-night", "夜间调阅",
           "北京时间 22:00 至次日 06:00 的调阅（本局设定的夜间时段）。",
           FactKind.night, _every),
    Figure("exports-refused", "受限记录导出被拒",
           "试图导出涉及国家秘密、商业秘密或个人隐私的音视频记录而被拒绝的。",
           FactKind.export_refused, _every),
    Figure("review-deductions", "评查扣分（按扣分项）",
           "案卷评查中已提交的评分表上经确认的扣分（不含否决项）；期间按评分表提交日，"
           "单位和执法人员按被评查的案件。",
           FactKind.deduction, _every, by_item=True),
)  # fmt: skip

BY_CODE = {f.code: f for f in FIGURES}


READS = frozenset({FactKind.no_part, FactKind.night, FactKind.export_refused})


def narrowed(query: Select, f: Filters, kinds: frozenset[FactKind] | None = None) -> Select:
    """The filters on facts: the officer is the reader of a read, else an officer of the
    case. Given the `kinds` queried, the officer condition is the one that applies (a
    single condition the indexes serve)."""
    if f.start is not None:
        query = query.where(F.day >= f.start)
    if f.end is not None:
        query = query.where(F.day <= f.end)
    if f.unit_id is not None:
        query = query.where(F.unit_id == f.unit_id)
    if f.action_kind is not None:
        query = query.where(F.action_kind == f.action_kind)
    if f.officer_id is not None:
        reader = F.person_id == f.officer_id
        acted = F.action_id.in_(
            select(ActionOfficer.action_id).where(ActionOfficer.officer_id == f.officer_id)
        )
        if kinds is not None and kinds <= READS:
            query = query.where(reader)
        elif kinds is not None and not kinds & READS:
            query = query.where(acted)
        else:
            query = query.where(or_(reader, and_(F.person_id.is_(None), acted)))
    return query


@dataclass(frozen=True)
class Cell:
    """A figure's count and base in one unit (None: no unit) or month."""

    key: int | str | None
    count: int
    base: int


def by_unit(db: Session, f: Filters, on: date, only: Figure | None = None) -> dict[str, list[Cell]]:
    """Every plain figure's (or `only` its) counts per unit, in one pass over the facts."""
    wanted = (only,) if only else tuple(fig for fig in FIGURES if not fig.people)
    return _grouped(db, f, on, F.unit_id, wanted)


def _grouped(
    db: Session, f: Filters, on: date, key: ColumnElement, figures: tuple[Figure, ...]
) -> dict[str, list[Cell]]:
    """Per kind and `key`: how many facts, and how many each figure counts."""
    sums = [
        func.sum(case((and_(F.kind == fig.kind.value, fig.hit(on)), 1), else_=0)) for fig in figures
    ]
    query = (
        select(F.kind, key, func.count(), *sums)
        .where(F.kind.in_({fig.kind.value for fig in figures}))
        .group_by(F.kind, key)
    )
    out: dict[str, list[Cell]] = {fig.code: [] for fig in figures}
    kinds = frozenset(fig.kind for fig in figures)
    for kind, group, base, *counts in db.execute(narrowed(query, f, kinds)):
        for fig, count in zip(figures, counts, strict=True):
            if fig.kind.value == kind:
                out[fig.code].append(Cell(group, int(count or 0), int(base)))
    return out


def _month(column: ColumnElement, dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def by_month(db: Session, fig: Figure, f: Filters, on: date) -> list[Cell]:
    if fig.people:
        return []  # a count of people: by month it would be a different figure
    month = _month(F.day, db.get_bind().dialect.name)
    return _grouped(db, f, on, month, (fig,))[fig.code]


# ---- people reading many cases they have no part in ---------------------------------------


def _readers(f: Filters) -> Select:
    cases = func.count(func.distinct(F.action_id))
    query = (
        select(F.person_id, F.unit_id, cases.label("cases"), func.count().label("reads"))
        .where(F.kind == FactKind.no_part.value)
        .group_by(F.person_id, F.unit_id)
        .having(cases >= MANY_CASES)
    )
    return narrowed(query, f, frozenset({FactKind.no_part}))


def readers(db: Session, f: Filters) -> list[tuple[int, int | None, int, int]]:
    """(reader, unit, cases, reads) of those over the threshold, most cases first."""
    query = _readers(f).order_by(func.count(func.distinct(F.action_id)).desc(), F.person_id)
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in db.execute(query)]


# ---- the records behind a figure ----------------------------------------------------------


def fact_rows(db: Session, fig: Figure, f: Filters, on: date, page: int) -> tuple[list[F], int]:
    """The facts a plain figure counts, newest day first, one page of them, and how many."""
    query = narrowed(
        select(F).where(F.kind == fig.kind.value, fig.hit(on)), f, frozenset({fig.kind})
    )
    total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = db.scalars(
        query.order_by(F.day.desc(), F.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return list(rows), total


def deduction_items(db: Session, f: Filters) -> list[tuple[int, str, int, int]]:
    """(template version's id, item code, deductions, points) of the counted deductions."""
    query = (
        select(
            ReviewRound.template_id,
            ReviewFinding.code,
            func.count(),
            func.sum(ReviewFinding.points),
        )
        .select_from(F)
        .join(ReviewFinding, ReviewFinding.id == F.record_id)
        .join(ReviewSheet, ReviewSheet.id == ReviewFinding.sheet_id)
        .join(ReviewRound, ReviewRound.id == ReviewSheet.round_id)
        .where(F.kind == FactKind.deduction.value)
        .group_by(ReviewRound.template_id, ReviewFinding.code)
    )
    rows = db.execute(narrowed(query, f, frozenset({FactKind.deduction})))
    return [(t, code, int(n), int(points or 0)) for t, code, n, points in rows]
