"""Yearly enforcement figures (公示办法 第三条、第七条第四款): what the bureau did in a year,
computed from the records, plus the figures the sections enter themselves.

The first half of this module is pure: the figure definitions (shown on the staff page,
the portal page and the XLSX definitions sheet — one text, here) and the computation over
plain rows. The second half reads those rows for one year from the database.

Conventions of every computed figure:

- A year is a calendar year in Beijing time; a record belongs to the year of its day:
  an action by the day it was opened (立案/受理/开始) or closed (结案/办结), a document by
  its issue day (签发日期), an on-site activity by its start, a publication duty by its
  due day.
- Documents count in their current version only: an issued document that a correction
  issued by the year's end replaced (更正) is left out, its correction counts instead.
- For the year still running, the figures run to the day they are computed (统计截止日).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from zhifa.core.calendar import SHANGHAI, WorkingCalendar, deadline_start
from zhifa.enforcement.models import Action, Activity
from zhifa.enforcement.steps import ActionKind
from zhifa.publicity import duties
from zhifa.recording.documents.models import Document, DocumentStatus
from zhifa.recording.media.models import Media

Number = Decimal | None


class Source(StrEnum):
    computed = "computed"  # from the platform's records
    safety = "safety"  # entered by 安全生产监督管理科
    brigade = "brigade"  # entered by 执法大队


PART_LABELS: dict[Source, str] = {
    Source.safety: "安全生产监督管理科",
    Source.brigade: "执法大队",
}
PARTS: tuple[Source, ...] = (Source.safety, Source.brigade)


class Basis(StrEnum):
    """Where a year's figures come from."""

    computed = "computed"  # the platform's records (the year has actions)
    entered = "entered"  # a year before the platform held records: the sections enter all


BASIS_LABELS: dict[Basis, str] = {
    Basis.computed: "据本平台执法记录自动统计，科室填报项除外",
    Basis.entered: "据各科室填报（该年度早于本平台启用，平台内无执法记录）",
}


@dataclass(frozen=True)
class Figure:
    code: str
    section: str
    name: str
    unit: str  # 家 次 条 件 万元 天 % 场 人次 起
    places: int  # decimal places of the value
    definition: str
    source: Source = Source.computed
    # For a year of basis "entered": the part that enters this computed figure (None:
    # not available for such a year — the platform kept no records then).
    historical: Source | None = None
    sub: bool = False  # a 其中 row of the row above
    total_of: tuple[str, ...] = ()  # a 合计 row: the sum of these figures

    def entered_by(self, basis: Basis) -> Source | None:
        """The part that enters this figure in a year of `basis` (None: computed, a total
        or not available)."""
        if self.total_of:
            return None
        if self.source is not Source.computed:
            return self.source
        return self.historical if basis is Basis.entered else None


_S, _B = Source.safety, Source.brigade
_EFFECTIVE = "（现行版本：被当年年底前签发的更正文书替代的不计）"
_F = Figure

FIGURES: tuple[Figure, ...] = (
    _F("inspection.enterprises", "行政检查", "检查企业数", "家", 0,
       "当年开始的行政检查案件所涉不同行政相对人数，同一单位多次检查计1家。", historical=_S),
    _F("inspection.count", "行政检查", "检查次数", "次", 0,
       "当年开始的行政检查案件数，每个检查案件计1次。", historical=_S),
    _F("inspection.hazards", "行政检查", "发现隐患", "条", 0,
       "当年签发的《责令限期整改指令书》和《现场处理措施决定书》" + _EFFECTIVE
       + "中“存在的问题/发现的问题”所列条数，每行计1条。", historical=_S),
    _F("inspection.rectified", "行政检查", "整改隐患", "条", 0,
       "当年签发的复查结论为“已按要求整改完毕”的《整改复查意见书》" + _EFFECTIVE
       + "所复查的指令书（按原指令书文号对应）所列隐患条数；同一指令书只计一次。",
       historical=_S),
    _F("penalty.decisions", "行政处罚", "行政处罚决定", "件", 0,
       "当年签发的《行政处罚决定书》和《行政（当场）处罚决定书》" + _EFFECTIVE + "件数。",
       historical=_B),
    _F("penalty.warning", "行政处罚", "其中：警告", "件", 0,
       "处罚内容含“警告”的决定书件数（一件决定书有多种处罚的，分别计入各类）。",
       historical=_B, sub=True),
    _F("penalty.fine", "行政处罚", "其中：罚款", "件", 0,
       "处罚内容含“罚款”的决定书件数。", historical=_B, sub=True),
    _F("penalty.confiscation", "行政处罚", "其中：没收违法所得、没收非法财物", "件", 0,
       "处罚内容含“没收”的决定书件数。", historical=_B, sub=True),
    _F("penalty.license", "行政处罚", "其中：暂扣或者吊销许可证、证照", "件", 0,
       "处罚内容含“暂扣”或“吊销”的决定书件数。", historical=_B, sub=True),
    _F("penalty.suspension", "行政处罚", "其中：责令停产停业", "件", 0,
       "处罚内容含“停产停业”的决定书件数。", historical=_B, sub=True),
    _F("penalty.fine_amount", "行政处罚", "罚款金额", "万元", 2,
       "上述决定书“罚款金额（元）”之和，折合万元，四舍五入保留两位小数。",
       historical=_B),
    _F("penalty.confiscation_amount", "行政处罚", "没收违法所得、非法财物金额", "万元", 2,
       "由执法大队填报：决定书未单列没收金额，按执行情况汇总。", source=_B),
    _F("compulsion.measures", "行政强制", "行政强制措施", "件", 0,
       "当年签发的《查封扣押决定书》" + _EFFECTIVE + "件数。", historical=_B),
    _F("compulsion.sealing", "行政强制", "其中：查封", "件", 0,
       "强制措施为“查封”或“查封、扣押”的决定书件数。", historical=_B, sub=True),
    _F("compulsion.seizure", "行政强制", "其中：扣押", "件", 0,
       "强制措施为“扣押”或“查封、扣押”的决定书件数。", historical=_B, sub=True),
    _F("license.accepted", "行政许可", "受理许可申请", "件", 0,
       "当年受理（开始）的行政许可案件数。", historical=_B),
    _F("license.granted", "行政许可", "准予许可", "件", 0,
       "当年签发的《准予行政许可决定书》" + _EFFECTIVE + "件数。", historical=_B),
    _F("license.refused", "行政许可", "不予许可", "件", 0,
       "当年办结、但从未签发《准予行政许可决定书》的行政许可案件数。", historical=_B),
    _F("levy.count", "行政征收征用", "征收征用", "件", 0,
       "当年开始的行政征收征用案件数。", historical=_B),
    _F("total.decisions", "行政执法决定合计", "行政执法决定合计", "件", 0,
       "行政处罚决定、行政强制措施、准予许可、不予许可、征收征用件数之和。",
       total_of=("penalty.decisions", "compulsion.measures", "license.granted",
                 "license.refused", "levy.count")),
    _F("handling.closed", "办理时长", "办结案件", "件", 0,
       "当年办结（结案）的各类执法案件数。"),
    _F("handling.calendar_days", "办理时长", "平均办理天数（自然日）", "天", 1,
       "当年办结案件自立案（开始）日至结案日的自然日数的平均值，保留一位小数。"),
    _F("handling.working_days", "办理时长", "平均办理天数（工作日）", "天", 1,
       "同上案件，按工作日历（法定节假日、调休）计算的工作日数（立案日不计、结案日计）"
       "的平均值。"),
    _F("publicity.due", "公示与记录", "应公示事项", "件", 0,
       "公示期限届满日在当年、且截至统计截止日已届满或已完成公示的事后公示义务数，"
       "经批准不予公开的除外。"),
    _F("publicity.on_time", "公示与记录", "按时公示", "件", 0,
       "上述义务中在期限届满日当日或之前完成公示的件数。"),
    _F("publicity.late", "公示与记录", "逾期完成公示", "件", 0,
       "上述义务中在期限届满日之后才完成公示的件数（期限届满日在本平台启用之前的历史遗留事项"
       "除外），与事后公示期限看板的“逾期完成”同一口径。"),
    _F("publicity.on_time_rate", "公示与记录", "按时公示率", "%", 1,
       "按时公示件数 ÷ 应公示事项件数 × 100%，保留一位小数；无应公示事项的不计算。"),
    _F("recording.activities", "公示与记录", "现场执法活动", "次", 0,
       "当年开始的现场执法活动（检查、调查取证、采取强制措施、听证等）次数。"),
    _F("recording.covered", "公示与记录", "有音视频记录的现场活动", "次", 0,
       "上述活动中至少有一条照片、音频或视音频记录的次数。"),
    _F("recording.coverage", "公示与记录", "音视频记录覆盖率", "%", 1,
       "有音视频记录的现场活动 ÷ 现场执法活动 × 100%，保留一位小数。"),
    _F("safety.training_sessions", "科室填报", "安全生产宣传培训", "场", 0,
       "由安全生产监督管理科填报：当年组织的安全生产宣传、培训活动场次。", source=_S),
    _F("safety.trained_people", "科室填报", "企业从业人员培训", "人次", 0,
       "由安全生产监督管理科填报：上述活动培训的企业主要负责人、安全管理人员和从业人员人次。",
       source=_S),
    _F("safety.accidents", "科室填报", "生产安全事故调查处理", "起", 0,
       "由安全生产监督管理科填报：当年组织或参与调查处理的生产安全事故起数。", source=_S),
    _F("brigade.officer_training", "科室填报", "执法人员培训", "人次", 0,
       "由执法大队填报：当年执法人员参加法律知识和业务培训的人次。", source=_B),
    _F("brigade.reconsiderations", "科室填报", "行政复议", "件", 0,
       "由执法大队填报：当年收到的以本局为被申请人的行政复议件数。", source=_B),
    _F("brigade.lawsuits", "科室填报", "行政诉讼", "件", 0,
       "由执法大队填报：当年收到的以本局为被告的行政诉讼件数。", source=_B),
    _F("brigade.overturned", "科室填报", "被撤销、变更或者确认违法", "件", 0,
       "由执法大队填报：当年行政复议、行政诉讼中本局执法决定被撤销、变更或者确认违法的件数。",
       source=_B),
)  # fmt: skip

BY_CODE: dict[str, Figure] = {f.code: f for f in FIGURES}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(f.section for f in FIGURES))
# "一、行政检查": how a statistical table numbers its sections
HEADINGS: dict[str, str] = {s: f"{'一二三四五六七八九十'[i]}、{s}" for i, s in enumerate(SECTIONS)}


def part_figures(part: Source, basis: Basis) -> tuple[Figure, ...]:
    """The figures `part` enters for a year of `basis`, in table order."""
    return tuple(f for f in FIGURES if f.entered_by(basis) is part)


def quantize(figure: Figure, value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-figure.places), rounding=ROUND_HALF_UP)


def formatted(value: Number) -> str:
    """A value as shown and frozen: the quantized number, or "—" when not available."""
    return "—" if value is None else str(value)


def with_totals(values: Mapping[str, str]) -> dict[str, str]:
    """`values` (as shown) with every 合计 figure added: the sum of its figures, or "—"
    while one of them is not available."""
    out = dict(values)
    for figure in FIGURES:
        if figure.total_of:
            parts = [out.get(code, "—") for code in figure.total_of]
            total = None if "—" in parts else sum((Decimal(p) for p in parts), Decimal(0))
            out[figure.code] = formatted(total)
    return out


# ---- plain rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    id: int
    kind: str
    party_id: int
    opened_on: date
    closed_on: date | None


@dataclass(frozen=True)
class DocRow:
    id: int
    action_id: int
    kind: str
    issue_date: date
    doc_number: str
    fields: Mapping[str, Any]
    supersedes_id: int | None


@dataclass(frozen=True)
class DutyRow:
    due_on: date
    done_on: date | None  # None while not published
    late: bool  # 逾期完成, by `publicity.duties.done_late` (the board's one definition)


@dataclass(frozen=True)
class ActivityRow:
    id: int
    on: date
    recorded: bool  # at least one media record


@dataclass(frozen=True)
class YearData:
    """Every row the computation needs for `year` (documents up to the year's end)."""

    year: int
    actions: tuple[ActionRow, ...]
    documents: tuple[DocRow, ...]
    duties: tuple[DutyRow, ...]
    activities: tuple[ActivityRow, ...]


# ---- the computation ----------------------------------------------------------------------

ORDER_KINDS = ("rectification_order", "on_site_measure_decision")
PENALTY_KINDS = ("penalty_decision", "on_site_penalty_decision")
DOCUMENT_KINDS = (*ORDER_KINDS, "reinspection_opinion", *PENALTY_KINDS, "seizure_decision",
                  "license_decision")  # fmt: skip
RECTIFIED = "已按要求整改完毕"
PENALTY_CATEGORIES: dict[str, tuple[str, ...]] = {
    "penalty.warning": ("警告",),
    "penalty.fine": ("罚款",),
    "penalty.confiscation": ("没收",),
    "penalty.license": ("暂扣", "吊销"),
    "penalty.suspension": ("停产停业",),
}


def effective(documents: Iterable[DocRow]) -> list[DocRow]:
    """The documents no other document (a correction) replaces."""
    rows = list(documents)
    replaced = {d.supersedes_id for d in rows if d.supersedes_id is not None}
    return [d for d in rows if d.id not in replaced]


def problem_count(doc: DocRow) -> int:
    """The listed problems (事故隐患) of an order: its non-empty lines."""
    text = str(doc.fields.get("problems") or "")
    return sum(1 for line in text.splitlines() if line.strip())


def _count(value: int) -> Decimal:
    return Decimal(value)


def _rate(part: int, whole: int) -> Number:
    return None if whole == 0 else Decimal(part) * 100 / Decimal(whole)


def _mean(values: list[int]) -> Number:
    return None if not values else Decimal(sum(values)) / Decimal(len(values))


def _opened(data: YearData, kind: ActionKind) -> list[ActionRow]:
    return [a for a in data.actions if a.kind == kind and a.opened_on.year == data.year]


def _inspections(data: YearData, docs: list[DocRow]) -> dict[str, Number]:
    inspections = _opened(data, ActionKind.inspection)
    in_year = [d for d in docs if d.issue_date.year == data.year]
    orders = {d.doc_number: d for d in docs if d.kind in ORDER_KINDS}
    reviewed = {
        str(d.fields.get("order_number") or "")
        for d in in_year
        if d.kind == "reinspection_opinion" and d.fields.get("conclusion") == RECTIFIED
    }
    return {
        "inspection.enterprises": _count(len({a.party_id for a in inspections})),
        "inspection.count": _count(len(inspections)),
        "inspection.hazards": _count(
            sum(problem_count(d) for d in in_year if d.kind in ORDER_KINDS)
        ),
        "inspection.rectified": _count(
            sum(problem_count(orders[n]) for n in sorted(reviewed) if n in orders)
        ),
    }


def _penalties(year: int, docs: list[DocRow]) -> dict[str, Number]:
    decisions = [d for d in docs if d.kind in PENALTY_KINDS and d.issue_date.year == year]
    contents = [str(d.fields.get("penalty_content") or "") for d in decisions]
    values: dict[str, Number] = {"penalty.decisions": _count(len(decisions))}
    for code, words in PENALTY_CATEGORIES.items():
        values[code] = _count(sum(1 for c in contents if any(w in c for w in words)))
    fines = sum(
        (Decimal(str(d.fields["fine_amount"])) for d in decisions if d.fields.get("fine_amount")),
        Decimal(0),
    )
    values["penalty.fine_amount"] = fines / 10_000
    return values


def _compulsion_and_licences(data: YearData, docs: list[DocRow]) -> dict[str, Number]:
    in_year = [d for d in docs if d.issue_date.year == data.year]
    seizures = [str(d.fields.get("measure") or "") for d in in_year if d.kind == "seizure_decision"]
    granted_actions = {d.action_id for d in docs if d.kind == "license_decision"}
    licences = [a for a in data.actions if a.kind == ActionKind.license]
    return {
        "compulsion.measures": _count(len(seizures)),
        "compulsion.sealing": _count(sum(1 for m in seizures if "查封" in m)),
        "compulsion.seizure": _count(sum(1 for m in seizures if "扣押" in m)),
        "license.accepted": _count(len(_opened(data, ActionKind.license))),
        "license.granted": _count(sum(1 for d in in_year if d.kind == "license_decision")),
        "license.refused": _count(
            sum(
                1
                for a in licences
                if a.closed_on and a.closed_on.year == data.year and a.id not in granted_actions
            )
        ),
        "levy.count": _count(len(_opened(data, ActionKind.levy))),
    }


def _handling(data: YearData, calendar: WorkingCalendar) -> dict[str, Number]:
    closed = [
        (a.opened_on, a.closed_on)
        for a in data.actions
        if a.closed_on is not None and a.closed_on.year == data.year
    ]
    return {
        "handling.closed": _count(len(closed)),
        "handling.calendar_days": _mean([(end - start).days for start, end in closed]),
        "handling.working_days": _mean(
            [calendar.working_days_between(start, end).count for start, end in closed]
        ),
    }


def _publicity_and_recording(data: YearData) -> dict[str, Number]:
    due = len(data.duties)
    on_time = sum(1 for d in data.duties if d.done_on is not None and d.done_on <= d.due_on)
    late = sum(1 for d in data.duties if d.late)
    activities = len(data.activities)
    covered = sum(1 for a in data.activities if a.recorded)
    return {
        "publicity.due": _count(due),
        "publicity.on_time": _count(on_time),
        "publicity.late": _count(late),
        "publicity.on_time_rate": _rate(on_time, due),
        "recording.activities": _count(activities),
        "recording.covered": _count(covered),
        "recording.coverage": _rate(covered, activities),
    }


def compute(data: YearData, calendar: WorkingCalendar) -> dict[str, Number]:
    """Every computed figure of `data.year`, quantized to its places."""
    docs = effective(data.documents)
    values = {
        **_inspections(data, docs),
        **_penalties(data.year, docs),
        **_compulsion_and_licences(data, docs),
        **_handling(data, calendar),
        **_publicity_and_recording(data),
    }
    return {
        code: None if value is None else quantize(BY_CODE[code], value)
        for code, value in values.items()
    }


# ---- charts (inline SVG, drawn on the server) -------------------------------------------------

CHARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("行政检查", ("inspection.enterprises", "inspection.count", "inspection.hazards",
              "inspection.rectified")),
    ("行政处罚决定（按处罚种类）", ("penalty.warning", "penalty.fine", "penalty.confiscation",
                          "penalty.license", "penalty.suspension")),
    ("行政强制措施", ("compulsion.sealing", "compulsion.seizure")),
    ("行政许可", ("license.accepted", "license.granted", "license.refused")),
)  # fmt: skip


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # as shown
    unit: str
    y: int  # top of the bar's row (px)
    width: float  # bar length as a share of the drawing width, 0..100


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    height: int


BAR_ROW = 40  # drawing units per bar: its label above, the bar below


def chart(title: str, values: Mapping[str, str]) -> Chart:
    """A horizontal bar chart of the figures of `title` (see CHARTS) from shown values."""
    codes = dict(CHARTS)[title]
    numbers = [Decimal(values[c]) if values.get(c, "—") != "—" else Decimal(0) for c in codes]
    top = max(numbers, default=Decimal(0)) or Decimal(1)
    bars = tuple(
        Bar(
            label=BY_CODE[code].name.removeprefix("其中："),
            value=values.get(code, "—"),
            unit=BY_CODE[code].unit,
            y=index * BAR_ROW,
            width=float(number * 100 / top),
        )
        for index, (code, number) in enumerate(zip(codes, numbers, strict=True))
    )
    return Chart(title, bars, len(bars) * BAR_ROW)


def charts(values: Mapping[str, str]) -> list[Chart]:
    return [chart(title, values) for title, _ in CHARTS]


# ---- reading the rows of a year ---------------------------------------------------------------


def _local(value: Any) -> date:
    return value.astimezone(SHANGHAI).date()  # type: ignore[no-any-return]


def year_bounds(year: int) -> tuple[Any, Any]:
    """The year as a half-open range of instants, Beijing time."""
    return deadline_start(date(year, 1, 1)), deadline_start(date(year + 1, 1, 1))


def has_actions(db: Session, year: int) -> bool:
    start, end = year_bounds(year)
    query = select(Action.id).where(Action.opened_at >= start, Action.opened_at < end).limit(1)
    return db.scalar(query) is not None


def first_action_year(db: Session) -> int | None:
    """The year (Beijing time) of the first action the platform holds."""
    first = db.scalar(select(func.min(Action.opened_at)))
    return _local(first).year if first is not None else None


def _actions(db: Session, year: int) -> tuple[ActionRow, ...]:
    start, end = year_bounds(year)
    opened = (Action.opened_at >= start) & (Action.opened_at < end)
    closed = (Action.closed_at >= start) & (Action.closed_at < end)
    query = select(Action).where(or_(opened, closed)).order_by(Action.id)
    return tuple(
        ActionRow(
            a.id,
            str(a.kind),
            a.party_id,
            _local(a.opened_at),
            _local(a.closed_at) if a.closed_at else None,
        )
        for a in db.scalars(query)
    )


def _documents(db: Session, year: int) -> tuple[DocRow, ...]:
    """Issued documents of the counted kinds up to the year's end, corrections included
    (orders of earlier years are needed for reinspections, licence decisions for
    refusals)."""
    query = (
        select(Document)
        .where(
            Document.kind.in_(DOCUMENT_KINDS),
            Document.status == DocumentStatus.issued,
            Document.issue_date <= date(year, 12, 31),
        )
        .order_by(Document.id)
    )
    return tuple(
        DocRow(
            d.id,
            d.action_id,
            d.kind,
            d.issue_date,
            d.doc_number or "",
            d.fields or {},
            d.supersedes_id,
        )
        for d in db.scalars(query)
        if d.issue_date is not None
    )


def _duties(db: Session, year: int, as_of: date) -> tuple[DutyRow, ...]:
    """The publication duties due in `year` (read as the board reads them), up to `as_of`
    or already done; those exempted (经批准不予公开) are left out."""
    scope = duties.Scope(start=date(year, 1, 1), end=date(year, 12, 31))
    return tuple(
        DutyRow(d.due_on, d.done_on, duties.done_late(d))
        for d in duties.duties(db, scope, duties.DutyKind.publication)
        if not d.waived and (d.due_on <= as_of or d.done_on is not None)
    )


def _activities(db: Session, year: int) -> tuple[ActivityRow, ...]:
    start, end = year_bounds(year)
    recorded = exists().where(Media.activity_id == Activity.id)
    query = (
        select(Activity.id, Activity.started_at, recorded)
        .where(Activity.started_at >= start, Activity.started_at < end)
        .order_by(Activity.id)
    )
    return tuple(ActivityRow(i, _local(at), bool(r)) for i, at, r in db.execute(query))


def load_year(db: Session, year: int, as_of: date) -> YearData:
    """The rows of `year`; publication duties due up to `as_of` (the year's end or today)
    or already done."""
    return YearData(
        year=year,
        actions=_actions(db, year),
        documents=_documents(db, year),
        duties=_duties(db, year, as_of),
        activities=_activities(db, year),
    )
