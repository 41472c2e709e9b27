"""Pure rules of 档案利用 (no database, no clock: ``now`` is passed in).

Basis: 《档案法实施条例》第三十四条第二款 — records a body keeps and has not yet transferred
to a state archive may be used by others only with the consent of the body that made or
keeps them. Inside the bureau that consent is an approved use request:

- 查阅 (read online) of a file with no classified item: the archivist approves;
- 复制 (a watermarked download), 借出 (the physical or offline copy lent out), and any
  request touching an item marked 国家秘密: a leader approves (bureau policy, after the
  unit-level 档案利用制度 the research found; 13号令's text was not available);
- nobody approves their own request; a leader may decide what an archivist may.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from enum import StrEnum

from zhifa.core.calendar import SHANGHAI
from zhifa.core.permissions import Role

REASON_MIN = 4  # a few words: "办案需要" is the least that says why
REASON_MAX = 300


class UseKind(StrEnum):
    read = "read"  # 查阅: view in the browser
    copy = "copy"  # 复制: view, and download a watermarked copy
    borrow = "borrow"  # 借出: the physical or offline copy, lent and returned; view online


USE_KIND_LABELS = {UseKind.read: "查阅", UseKind.copy: "复制", UseKind.borrow: "借出"}
USE_KIND_HINTS = {
    UseKind.read: "在线阅看，由档案管理员审批",
    UseKind.copy: "在线阅看并下载带水印的复制件，由领导审批",
    UseKind.borrow: "借出纸质或离线副本，须按时归还，由领导审批",
}


class Approver(StrEnum):
    archivist = "archivist"
    leader = "leader"


APPROVER_LABELS = {Approver.archivist: "档案管理员", Approver.leader: "领导"}


class RequestStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


class UseState(StrEnum):
    """What a request amounts to now (the status, read with its grant and the clock)."""

    pending = "pending"
    live = "live"
    refused = "refused"
    revoked = "revoked"
    expired = "expired"


USE_STATE_LABELS = {
    UseState.pending: "待审批",
    UseState.live: "已批准，可以利用",
    UseState.refused: "未批准",
    UseState.revoked: "已撤销",
    UseState.expired: "已到期",
}


class UseMode(StrEnum):
    view = "view"  # opened in the browser
    copy = "copy"  # downloaded as a marked copy


USE_MODE_LABELS = {UseMode.view: "查阅", UseMode.copy: "复制（下载）"}


def approver_for(kind: UseKind, any_classified: bool) -> Approver:
    if kind is UseKind.read and not any_classified:
        return Approver.archivist
    return Approver.leader


def may_decide(level: Approver, roles: Iterable[Role]) -> bool:
    """A leader decides every request; an archivist those of the archivist's level."""
    held = set(roles)
    return Role.leader in held or (level is Approver.archivist and Role.archivist in held)


def end_of_day(day: date) -> datetime:
    """A day a person picks lasts to its end, Beijing time."""
    return datetime.combine(day, time(23, 59, 59), SHANGHAI)


def wanted_problem(day: date, now: datetime, latest: datetime) -> str | None:
    """Why ``day`` cannot be a request's end (None if it can)."""
    if end_of_day(day) <= now:
        return "截止日期不能早于今天"
    if end_of_day(day) > latest:
        return "利用期限最长一年，请缩短截止日期"
    return None


def reason_problem(reason: str) -> str | None:
    text = reason.strip()
    if len(text) < REASON_MIN:
        return f"请写明利用理由（至少 {REASON_MIN} 个字）"
    if len(text) > REASON_MAX:
        return f"利用理由不超过 {REASON_MAX} 个字"
    return None


def grant_until(
    wanted: datetime, chosen: datetime | None, latest: datetime, now: datetime
) -> datetime | None:
    """The grant's end: the earliest of what was asked, what the approver chose and the
    longest grant; None if that is already past (nothing to approve any more)."""
    until = min(x for x in (wanted, chosen, latest) if x is not None)
    return until if until > now else None


def state_of(
    status: RequestStatus, valid_until: datetime | None, revoked: bool, now: datetime
) -> UseState:
    if status is RequestStatus.pending:
        return UseState.pending
    if status is RequestStatus.refused:
        return UseState.refused
    if revoked:
        return UseState.revoked
    if valid_until is None or valid_until <= now:
        return UseState.expired
    return UseState.live


def allows(kind: UseKind, mode: UseMode) -> bool:
    """Every approved kind lets one view the file online; only 复制 lets one download."""
    return mode is UseMode.view or kind is UseKind.copy


def covers(item_nos: Iterable[int], item_no: int) -> bool:
    """A request names some items, or none: then the whole file."""
    wanted = list(item_nos)
    return not wanted or item_no in wanted


def custodian_may_view(is_custodian: bool, classified: bool, mode: UseMode) -> bool:
    """The archivist keeps the files (整理、检测) and may open an unclassified item without
    a request — logged as custody; copies and classified items need a request too."""
    return is_custodian and not classified and mode is UseMode.view
