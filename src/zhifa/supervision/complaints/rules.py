"""Pure decisions of a complaint case: its states, what may happen in each, which limit
of the rule table runs, and where the list files it. No database, no clock, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhifa.core.errors import Conflict


class Channel(StrEnum):
    portal = "portal"  # 网上（公示门户）
    letter = "letter"  # 来信
    call = "call"  # 来电
    visit = "visit"  # 来访


CHANNEL_LABELS: dict[str, str] = {
    Channel.portal: "网上投诉",
    Channel.letter: "来信",
    Channel.call: "来电",
    Channel.visit: "来访",
}
STAFF_CHANNELS = (Channel.letter, Channel.call, Channel.visit)


class ComplaintStatus(StrEnum):
    received = "received"  # 待受理
    accepted = "accepted"  # 办理中
    signing = "signing"  # 答复待领导签发
    answered = "answered"  # 已答复
    rejected = "rejected"  # 不予受理


STATUS_LABELS: dict[str, str] = {
    ComplaintStatus.received: "待受理",
    ComplaintStatus.accepted: "办理中",
    ComplaintStatus.signing: "答复待签发",
    ComplaintStatus.answered: "已答复",
    ComplaintStatus.rejected: "不予受理",
}
CLOSED = (ComplaintStatus.answered, ComplaintStatus.rejected)


class LinkKind(StrEnum):
    action = "action"  # 执法案件
    document = "document"  # 文书
    media = "media"  # 音视频记录


LINK_LABELS: dict[str, str] = {
    LinkKind.action: "案件",
    LinkKind.document: "文书",
    LinkKind.media: "音视频记录",
}


class Tab(StrEnum):
    waiting = "waiting"  # 待受理
    open = "open"  # 办理中 (and awaiting the leader's signature)
    answered = "answered"  # 已答复 (and 不予受理)
    overdue = "overdue"  # 逾期: open past its due day


TAB_LABELS: dict[str, str] = {
    Tab.waiting: "待受理",
    Tab.open: "办理中",
    Tab.answered: "已答复",
    Tab.overdue: "逾期",
}

# Limit codes of core.time_limits, by stage.
ACCEPTANCE_LIMIT = "complaint.acceptance_notice"
HANDLING_LIMIT = "complaint.handling"
EXTENSION_LIMIT = "complaint.handling_extended"

RECEIPT_PREFIX = "TS"
RECEIPT_RE = re.compile(r"TS-\d{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}")
RECEIPT_FORMAT = "受理编号的格式为 TS-年份-8位字母或数字，例如 TS-2026-7K3M9QXA，请核对后重新输入"


def is_overdue(status: str, due_on: date, day: date) -> bool:
    """Open (not answered, not refused) after its due day."""
    return status not in CLOSED and day > due_on


def tabs_of(status: str, due_on: date, day: date) -> set[Tab]:
    """The list tabs a case shows under on ``day`` (an overdue case also keeps its stage)."""
    stage = {
        ComplaintStatus.received: Tab.waiting,
        ComplaintStatus.accepted: Tab.open,
        ComplaintStatus.signing: Tab.open,
    }.get(ComplaintStatus(status), Tab.answered)
    return {stage, Tab.overdue} if is_overdue(status, due_on, day) else {stage}


@dataclass(frozen=True)
class Step:
    """What a person may do next, and the state it leads to."""

    allowed_from: tuple[ComplaintStatus, ...]
    leads_to: ComplaintStatus | None
    refusal: str


STEPS: dict[str, Step] = {
    "accept": Step((ComplaintStatus.received,), ComplaintStatus.accepted, "该投诉已作出受理决定"),
    "reject": Step((ComplaintStatus.received,), ComplaintStatus.rejected, "该投诉已作出受理决定"),
    "assign": Step(
        (ComplaintStatus.received, ComplaintStatus.accepted), None, "已答复或待签发的投诉不能再指派"
    ),
    "link": Step(
        (ComplaintStatus.received, ComplaintStatus.accepted),
        None,
        "已答复或待签发的投诉不能再关联记录",
    ),
    "findings": Step((ComplaintStatus.accepted,), None, "只有办理中的投诉可以填写调查情况"),
    "propose": Step(
        (ComplaintStatus.accepted,), ComplaintStatus.signing, "只有办理中的投诉可以拟写答复"
    ),
    "sign": Step((ComplaintStatus.signing,), ComplaintStatus.answered, "该投诉没有待签发的答复"),
    "return": Step((ComplaintStatus.signing,), ComplaintStatus.accepted, "该投诉没有待签发的答复"),
    "extend": Step(
        (ComplaintStatus.accepted, ComplaintStatus.signing), None, "只有办理中的投诉可以延长期限"
    ),
}


def check_step(step: str, status: str) -> ComplaintStatus | None:
    """The state ``step`` leads to from ``status`` (None: unchanged); Conflict when it may
    not be taken now."""
    rule = STEPS[step]
    if ComplaintStatus(status) not in rule.allowed_from:
        raise Conflict(rule.refusal)
    return rule.leads_to


# The timeline's words for each ledgered change of a case.
EVENT_LABELS: dict[str, str] = {
    "complaint.receive": "网上收到投诉举报",
    "complaint.enter": "登记来信、来电或来访",
    "complaint.accept": "受理",
    "complaint.reject": "不予受理",
    "complaint.assign": "指派承办人",
    "complaint.link": "关联记录",
    "complaint.findings": "填写调查情况",
    "complaint.propose": "拟写答复，提交签发",
    "complaint.sign": "领导签发答复",
    "complaint.return": "领导退回答复",
    "complaint.extend": "领导批准延长办理期限",
}
