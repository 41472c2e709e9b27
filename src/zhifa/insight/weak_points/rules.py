"""Pure decisions of the weak-points dashboard: which recorded state a fact is in, when a
step's limit is met, what counts as a read at night, the filters, and the bars of a
chart. No database, no clock, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from zhifa.core.calendar import SHANGHAI
from zhifa.recording.av.rules import ExceptionState, Level, RecordState


class FactKind(StrEnum):
    """What a fact row stands for (the column ``kind``)."""

    recording = "recording"  # an on-site activity whose recording is mandatory
    gap = "gap"  # a gap in an activity's video beyond the bureau's tolerance
    service = "service"  # an issued decision with a service limit (送达期限)
    corrected = "corrected"  # an issued document that corrects an earlier one (更正)
    step = "step"  # a step's time limit (立案→决定, 受理→许可决定 …)
    publication = "publication"  # a decision's publication duty (公示办法 第七条)
    correction = "correction"  # an answered correction request (公示办法 第九条)
    deduction = "deduction"  # a confirmed deduction on a submitted case-review sheet
    no_part = "no_part"  # a read of a case by someone with no part in it
    night = "night"  # a read at night
    export_refused = "export_refused"  # a refused export of a restricted record


class Coverage(StrEnum):
    recorded = "recorded"
    excepted = "excepted"  # a leader approved going without (记录例外)
    missing = "missing"


def coverage(state: RecordState) -> Coverage:
    """An activity whose recording is mandatory: recorded as the rules require (video; or,
    where video may be left out, audio and photos), excepted, or missing."""
    if state.exception is ExceptionState.approved:
        return Coverage.excepted
    if state.videos:
        return Coverage.recorded
    if state.decision.level is Level.video_exempt and state.audios and state.photos:
        return Coverage.recorded
    return Coverage.missing


# When a step's limit (Step.limit, counted from entering the step) is met: the case
# enters the named step. Ending the case (its final step) also stops the clock.
STEP_LIMIT_MET: dict[str, str] = {
    "penalty.decision_after_filing": "decision",  # 《行政处罚法》第六十条
    "penalty.service_of_decision": "service",  # 第六十一条
    "penalty.evidence_preservation_decision": "handling",  # 第五十六条
    "license.decision": "decision",  # 《行政许可法》第四十二条
}


@dataclass(frozen=True)
class Entered:
    """A step the case entered, on which (Beijing) day; ``final`` for its last step."""

    step: str
    on: date
    final: bool = False


def step_limit_done(limit_code: str, later: list[Entered]) -> date | None:
    """The day a step's limit was met, given the steps entered after it, in order."""
    met = STEP_LIMIT_MET[limit_code]
    for entered in later:
        if entered.step == met or entered.final:
            return entered.on
    return None


def late(due_on: date, done_on: date | None, on: date) -> bool:
    """A due day runs to 24:00: done after it, or still open after it, is late."""
    return (done_on or on) > due_on


# A bureau setting, stated as such on the page: the hours counted as night (Beijing time).
NIGHT_FROM_HOUR = 22
NIGHT_UNTIL_HOUR = 6
# A bureau setting: reading this many cases one has no part in, within the period, is
# listed (a leader or the legal section may have good reason: the list is for asking).
MANY_CASES = 10


def at_night(moment: datetime) -> bool:
    hour = moment.astimezone(SHANGHAI).hour
    return hour >= NIGHT_FROM_HOUR or hour < NIGHT_UNTIL_HOUR


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; the period bounds each fact's day."""

    start: date | None = None
    end: date | None = None
    unit_id: int | None = None
    officer_id: int | None = None
    action_kind: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # in per cent of the widest bar


def bars(pairs: list[tuple[str, int]], limit: int = 12) -> list[Bar]:
    """The largest `limit` values as bars scaled to the largest (all 0: no width)."""
    top = sorted(pairs, key=lambda p: (-p[1], p[0]))[:limit]
    widest = max((value for _, value in top), default=0)
    return [Bar(label, value, 100 * value / widest if widest else 0.0) for label, value in top]


def month_bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    """Bars by month ("2026-03"), in calendar order."""
    widest = max((value for _, value in pairs), default=0)
    ordered = sorted(pairs)
    return [Bar(label, value, 100 * value / widest if widest else 0.0) for label, value in ordered]


def rate(count: int, base: int) -> float | None:
    return count / base if base else None
