"""The pure rules of 档案利用: who approves, how long a grant lasts, what it allows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from zhifa.archive.use.rules import (
    Approver,
    RequestStatus,
    UseKind,
    UseMode,
    UseState,
    allows,
    approver_for,
    covers,
    custodian_may_view,
    end_of_day,
    grant_until,
    may_decide,
    reason_problem,
    state_of,
    wanted_problem,
)
from zhifa.core.permissions import Role

NOW = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
LATEST = NOW + timedelta(days=366)  # not a legal limit: core.grants.LONGEST_GRANT


def test_reads_go_to_the_archivist_the_rest_to_a_leader() -> None:
    assert approver_for(UseKind.read, any_classified=False) is Approver.archivist
    assert approver_for(UseKind.read, any_classified=True) is Approver.leader
    assert approver_for(UseKind.copy, any_classified=False) is Approver.leader
    assert approver_for(UseKind.borrow, any_classified=False) is Approver.leader
    assert may_decide(Approver.archivist, {Role.archivist})
    assert not may_decide(Approver.leader, {Role.archivist})
    assert may_decide(Approver.leader, {Role.leader})
    assert not may_decide(Approver.archivist, {Role.admin, Role.officer})


def test_a_day_lasts_to_its_end_in_beijing_and_at_most_a_year() -> None:
    assert end_of_day(date(2026, 12, 8)) == datetime(2026, 12, 8, 15, 59, 59, tzinfo=UTC)
    assert wanted_problem(date(2026, 12, 8), NOW, LATEST) is None  # today still counts
    assert wanted_problem(date(2026, 12, 7), NOW, LATEST) == "截止日期不能早于今天"
    assert "最长一年" in (wanted_problem(date(2027, 12, 10), NOW, LATEST) or "")
    wanted = end_of_day(date(2026, 12, 20))
    assert grant_until(wanted, None, LATEST, NOW) == wanted
    shorter = end_of_day(date(2026, 12, 10))
    assert grant_until(wanted, shorter, LATEST, NOW) == shorter
    assert grant_until(NOW - timedelta(hours=1), None, LATEST, NOW) is None


def test_reasons_need_a_few_words() -> None:
    assert reason_problem("  看看 ") is not None
    assert reason_problem("办案需要") is None
    assert reason_problem("理" * 301) is not None


def test_state_and_what_a_grant_allows() -> None:
    later = NOW + timedelta(days=1)
    assert state_of(RequestStatus.pending, None, False, NOW) is UseState.pending
    assert state_of(RequestStatus.refused, None, False, NOW) is UseState.refused
    assert state_of(RequestStatus.approved, later, False, NOW) is UseState.live
    assert state_of(RequestStatus.approved, later, True, NOW) is UseState.revoked
    assert state_of(RequestStatus.approved, NOW, False, NOW) is UseState.expired
    assert allows(UseKind.read, UseMode.view) and not allows(UseKind.read, UseMode.copy)
    assert allows(UseKind.copy, UseMode.copy) and not allows(UseKind.borrow, UseMode.copy)
    assert covers([], 7) and covers([1, 3], 3) and not covers([1, 3], 2)
    assert custodian_may_view(True, False, UseMode.view)
    assert not custodian_may_view(True, True, UseMode.view)
    assert not custodian_may_view(True, False, UseMode.copy)
