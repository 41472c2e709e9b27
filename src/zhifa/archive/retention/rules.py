"""Pure rules of the retention schedule: the record classes, the periods and the events
that start them, which period wins, and the dates, computed by the working-day calendar
through the one rule table (`core.time_limits`). No database, no clock.

The periods follow 国家档案局令第8号 (永久、定期30年、定期10年); a shorter period in
months exists only where a rule sets a minimum in months (记录办法 第十条第三款: at
least 6 months for inspection video that is neither evidence nor disputed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhifa.core.calendar import Due, WorkingCalendar
from zhifa.core.time_limits import limit, retention_end, retention_start, year_end


class RecordClass(StrEnum):
    """What a schedule row covers (归档范围): a case file by action kind and outcome,
    the records kept beside the case files, and the archive's own registers."""

    penalty_decided = "case.penalty.decided"
    penalty_summary = "case.penalty.summary"
    penalty_not_decided = "case.penalty.not_decided"
    compulsion = "case.compulsion"
    inspection = "case.inspection"
    levy = "case.levy"
    license = "case.license"
    other = "case.other"
    media_unfiled = "media.inspection_unfiled"
    access_log = "access_log"
    ledger = "ledger"
    check_report = "check_report"
    transfer_list = "transfer_list"
    disposal_register = "disposal_register"


CLASS_LABELS: dict[RecordClass, str] = {
    RecordClass.penalty_decided: "行政处罚案卷（一般程序，作出行政处罚决定）",
    RecordClass.penalty_summary: "行政处罚案卷（简易程序）",
    RecordClass.penalty_not_decided: "行政处罚案卷（不予处罚、撤销立案等）",
    RecordClass.compulsion: "行政强制案卷",
    RecordClass.inspection: "行政检查案卷",
    RecordClass.levy: "行政征收征用案卷",
    RecordClass.license: "行政许可案卷",
    RecordClass.other: "其他行政执法案卷",
    RecordClass.media_unfiled: "未作为证据、未发生争议的行政检查视音频（可不归档）",
    RecordClass.access_log: "调阅日志",
    RecordClass.ledger: "账本（防篡改日志）及签名检查点",
    RecordClass.check_report: "四性检测报告",
    RecordClass.transfer_list: "移交清单",
    RecordClass.disposal_register: "销毁清册",
}


class PeriodKind(StrEnum):
    permanent = "permanent"  # 永久
    years = "years"  # 定期（年）
    months = "months"  # 最短保存期（月）


PERIOD_KIND_LABELS: dict[PeriodKind, str] = {
    PeriodKind.permanent: "永久",
    PeriodKind.years: "定期（年）",
    PeriodKind.months: "不少于（月）",
}


class StartEvent(StrEnum):
    """The event a period is counted from."""

    closed_next_year = "closed_next_year"  # 结案之次年1月1日
    recorded = "recorded"  # 记录形成之日
    created_next_year = "created_next_year"  # 形成之次年1月1日


START_LABELS: dict[StartEvent, str] = {
    StartEvent.closed_next_year: "自结案之次年1月1日起算",
    StartEvent.recorded: "自记录形成之日起算",
    StartEvent.created_next_year: "自形成之次年1月1日起算",
}

#: A class whose content must never be disposed of: its period can only be 永久.
ALWAYS_PERMANENT = frozenset(
    {RecordClass.ledger, RecordClass.transfer_list, RecordClass.disposal_register}
)
#: The legal minimum a class may not go below, in months: the rule table's row.
MINIMUM_MONTHS = {RecordClass.media_unfiled: limit("recording.av_minimum_retention").n}


@dataclass(frozen=True)
class Period:
    """A retention period: 永久, n years or n months."""

    kind: PeriodKind
    n: int = 0

    def __post_init__(self) -> None:
        if self.kind is PeriodKind.permanent and self.n != 0:
            raise ValueError("a permanent period has no length")
        if self.kind is not PeriodKind.permanent and not 1 <= self.n <= 100 * 12:
            raise ValueError("a period is 1 to 1200 years or months")

    @property
    def months(self) -> int | None:
        """Its length in months; None for 永久 (longer than any)."""
        if self.kind is PeriodKind.permanent:
            return None
        return self.n * 12 if self.kind is PeriodKind.years else self.n

    @property
    def label(self) -> str:
        return {
            PeriodKind.permanent: "永久",
            PeriodKind.years: f"{self.n}年",
            PeriodKind.months: f"{self.n}个月",
        }[self.kind]

    @property
    def code(self) -> str:
        """The 保管期限 code of a 档号 (DA/T 22-2015): Y, D30, D10, or M6."""
        return {
            PeriodKind.permanent: "Y",
            PeriodKind.years: f"D{self.n}",
            PeriodKind.months: f"M{self.n}",
        }[self.kind]

    def sort_key(self) -> int:
        months = self.months
        return 10**9 if months is None else months


PERMANENT = Period(PeriodKind.permanent)


@dataclass(frozen=True)
class ScheduleRow:
    """One row of an approved schedule, as the rules need it."""

    record_class: RecordClass
    period: Period
    starts: StartEvent
    basis: str


def row_problem(row: ScheduleRow) -> tuple[str, str] | None:
    """Why a proposed row cannot be approved: the field at fault (``period_kind``,
    ``period_n`` or ``basis``) and the words for the form; None if it can."""
    if row.record_class in ALWAYS_PERMANENT and row.period.kind is not PeriodKind.permanent:
        return "period_kind", f"{CLASS_LABELS[row.record_class]}只能永久保存"
    minimum = MINIMUM_MONTHS.get(row.record_class)
    months = row.period.months
    if minimum is not None and months is not None and months < minimum:
        return (
            "period_n",
            f"{CLASS_LABELS[row.record_class]}不得少于{minimum}个月（记录办法第十条第三款）",
        )
    if not row.basis.strip():
        return "basis", f"{CLASS_LABELS[row.record_class]}：请填写依据"
    return None


def longest(rows: Iterable[ScheduleRow]) -> ScheduleRow:
    """The row with the longest period among those that apply (the longest wins)."""
    candidates = list(rows)
    if not candidates:
        raise ValueError("no applicable schedule row")
    return max(candidates, key=lambda row: row.period.sort_key())


def case_class(action_kind: str, procedure: str, decided: bool) -> RecordClass:
    """The class of a closed case's file: its kind, and for a penalty its procedure and
    whether a penalty decision was issued."""
    if procedure == "penalty.summary":
        return RecordClass.penalty_summary
    if action_kind == "penalty":
        return RecordClass.penalty_decided if decided else RecordClass.penalty_not_decided
    return RecordClass(f"case.{action_kind}")


@dataclass(frozen=True)
class RetentionDates:
    """When a period starts and the last day the content must be kept (None: 永久)."""

    starts_on: date
    keep_until: Due | None


def retention_dates(calendar: WorkingCalendar, row: ScheduleRow, event_day: date) -> RetentionDates:
    """The period of ``row`` counted from ``event_day`` (结案 or 形成之日)."""
    if row.starts is StartEvent.recorded:
        starts_on, anchor = event_day, event_day
    else:
        starts_on, anchor = retention_start(event_day), year_end(event_day)
    months = row.period.months
    if months is None:
        return RetentionDates(starts_on, None)
    return RetentionDates(starts_on, retention_end(calendar, anchor, months))


_PERIODS = "国家档案局令第8号第六条（永久、定期30年、10年）"
_OWN_TABLE = "《档案法实施条例》第十九条第二款（本局保管期限表经审核同意后施行）"
_CASES = f"{_PERIODS}；{_OWN_TABLE}"

#: The first version the archivist proposes (the form starts from it): 一般程序 penalty
#: files 永久 (the safe side, as the 安监 system files them), other cases 30 or 10 years.
SUGGESTED_ROWS: tuple[ScheduleRow, ...] = (
    ScheduleRow(RecordClass.penalty_decided, PERMANENT, StartEvent.closed_next_year, _CASES),
    ScheduleRow(
        RecordClass.penalty_summary,
        Period(PeriodKind.years, 30),
        StartEvent.closed_next_year,
        _CASES,
    ),
    ScheduleRow(
        RecordClass.penalty_not_decided,
        Period(PeriodKind.years, 30),
        StartEvent.closed_next_year,
        _CASES,
    ),
    ScheduleRow(
        RecordClass.compulsion, Period(PeriodKind.years, 30), StartEvent.closed_next_year, _CASES
    ),
    ScheduleRow(
        RecordClass.inspection, Period(PeriodKind.years, 10), StartEvent.closed_next_year, _CASES
    ),
    ScheduleRow(
        RecordClass.levy, Period(PeriodKind.years, 30), StartEvent.closed_next_year, _CASES
    ),
    ScheduleRow(
        RecordClass.license, Period(PeriodKind.years, 30), StartEvent.closed_next_year, _CASES
    ),
    ScheduleRow(
        RecordClass.other, Period(PeriodKind.years, 10), StartEvent.closed_next_year, _CASES
    ),
    ScheduleRow(
        RecordClass.media_unfiled,
        Period(PeriodKind.months, 6),
        StartEvent.recorded,
        "《上海市普陀区应急管理行政执法全过程记录办法》第十条第三款（保存不少于6个月）",
    ),
    ScheduleRow(
        RecordClass.access_log,
        Period(PeriodKind.years, 10),
        StartEvent.created_next_year,
        f"{_PERIODS}；记录办法第九条（建立健全记录信息调阅监督制度）",
    ),
    ScheduleRow(
        RecordClass.ledger,
        PERMANENT,
        StartEvent.created_next_year,
        "《档案法》第三十七条（电子档案来源可靠、程序规范、要素合规）：账本是每一条记录的凭证",
    ),
    ScheduleRow(RecordClass.check_report, PERMANENT, StartEvent.created_next_year, f"{_PERIODS}"),
    ScheduleRow(RecordClass.transfer_list, PERMANENT, StartEvent.created_next_year, f"{_PERIODS}"),
    ScheduleRow(
        RecordClass.disposal_register,
        PERMANENT,
        StartEvent.created_next_year,
        "《档案法》第二十一条、《档案法实施条例》第二十四条（销毁须经鉴定、批准，清册永久保存）",
    ),
)
