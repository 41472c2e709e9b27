"""The dashboard's pure rules: coverage of a mandatory recording, when a step's limit is
met (every step limit of every procedure has a rule), lateness, night, bars."""

from __future__ import annotations

from datetime import UTC, date, datetime

from zhifa.enforcement.steps import PROCEDURES
from zhifa.insight.weak_points.rules import (
    STEP_LIMIT_MET,
    Coverage,
    Entered,
    at_night,
    bars,
    coverage,
    late,
    month_bars,
    step_limit_done,
)
from zhifa.recording.av.rules import (
    ExceptionState,
    Level,
    RecordingDecision,
    RecordState,
)


def _state(level: Level, **counts: object) -> RecordState:
    return RecordState(decision=RecordingDecision(level, ()), **counts)  # type: ignore[arg-type]


def test_coverage_of_a_mandatory_activity() -> None:
    assert coverage(_state(Level.mandatory, videos=1)) is Coverage.recorded
    assert coverage(_state(Level.mandatory, audios=2, photos=3)) is Coverage.missing
    assert coverage(_state(Level.video_exempt, audios=1, photos=1)) is Coverage.recorded
    assert coverage(_state(Level.video_exempt, audios=1)) is Coverage.missing
    excepted = _state(Level.mandatory, exception=ExceptionState.approved)
    assert coverage(excepted) is Coverage.excepted
    refused = _state(Level.mandatory, exception=ExceptionState.refused)
    assert coverage(refused) is Coverage.missing


def test_every_step_limit_has_the_step_that_meets_it() -> None:
    for proc in PROCEDURES.values():
        codes = {s.code for s in proc.steps}
        for step in proc.steps:
            if step.limit:
                assert STEP_LIMIT_MET[step.limit] in codes, (proc.code, step.limit)


def test_a_step_limit_is_met_by_its_step_or_the_end_of_the_case() -> None:
    later = [Entered("investigation", date(2026, 3, 2)), Entered("decision", date(2026, 5, 1))]
    assert step_limit_done("penalty.decision_after_filing", later) == date(2026, 5, 1)
    assert step_limit_done("penalty.decision_after_filing", later[:1]) is None
    closed = [Entered("closing", date(2026, 4, 1), final=True)]
    assert step_limit_done("penalty.decision_after_filing", closed) == date(2026, 4, 1)


def test_late_is_after_the_due_day() -> None:
    due = date(2026, 3, 10)
    assert not late(due, due, date(2026, 4, 1))  # done on the due day: on time
    assert late(due, date(2026, 3, 11), date(2026, 4, 1))
    assert not late(due, None, due)  # open, the due day not over yet
    assert late(due, None, date(2026, 3, 11))


def test_night_is_beijing_time() -> None:
    assert at_night(datetime(2026, 3, 1, 14, 0, tzinfo=UTC))  # 22:00 in Beijing
    assert not at_night(datetime(2026, 3, 1, 13, 59, tzinfo=UTC))  # 21:59
    assert at_night(datetime(2026, 3, 1, 21, 59, tzinfo=UTC))  # 05:59 next day
    assert not at_night(datetime(2026, 3, 1, 22, 0, tzinfo=UTC))  # 06:00


def test_bars_scale_to_the_largest() -> None:
    drawn = bars([("甲", 2), ("乙", 8), ("丙", 0)])
    assert [(b.label, b.width) for b in drawn] == [("乙", 100.0), ("甲", 25.0), ("丙", 0.0)]
    assert [b.label for b in month_bars([("2026-03", 1), ("2026-01", 4)])] == ["2026-01", "2026-03"]
    assert bars([]) == []
