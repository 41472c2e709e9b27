"""Pure rules of disposal: the states, who may take which step, what an appraisal
concludes, and what execution made of an item. No database, no clock.

The legal frame: 《档案法》第二十一条 (appraisal, retention and destruction follow the
rules; 禁止擅自销毁) and 《档案法实施条例》第二十四条 (records whose period has ended
are appraised periodically, with a 鉴定工作报告; those still needed get a new period,
重新划定保管期限; destruction follows national rules). The steps below — a group of at
least two appraising, a leader approving who took no part in preparing or appraising,
at least two 监销人 and a 销毁清册 kept 永久 — are this bureau's procedure, taken from
common 机关 practice (国家档案局令第13号's text was not available to cite)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

BASIS = "《档案法》第二十一条；《档案法实施条例》第二十四条；本局档案鉴定销毁程序"

#: At least this many distinct members of the appraisal group (鉴定小组) give an opinion
#: on every item, and at least this many 监销人 confirm (bureau procedure).
MIN_APPRAISERS = 2
MIN_WITNESSES = 2
#: The longest new period an appraisal may give, in years (保管期限表: 10, 30 or 永久).
MAX_EXTEND_YEARS = 30  # not a legal limit: a form bound (the schedule's longest term)


class TargetKind(StrEnum):
    archive_file = "archive_file"  # 案卷
    media = "media"  # 未归档的行政检查视音频


TARGET_LABELS = {TargetKind.archive_file: "案卷", TargetKind.media: "未归档视音频"}


class BatchStatus(StrEnum):
    appraisal = "appraisal"  # 鉴定中
    approval = "approval"  # 待领导审批
    supervision = "supervision"  # 待监销
    ready = "ready"  # 待执行
    executed = "executed"  # 已执行
    rejected = "rejected"  # 未批准


BATCH_LABELS = {
    BatchStatus.appraisal: "鉴定中",
    BatchStatus.approval: "待领导审批",
    BatchStatus.supervision: "待监销人确认",
    BatchStatus.ready: "待执行销毁",
    BatchStatus.executed: "已执行",
    BatchStatus.rejected: "领导未批准",
}
#: A batch in one of these states still holds its items (they are not on the due list).
OPEN_STATES = frozenset(
    {BatchStatus.appraisal, BatchStatus.approval, BatchStatus.supervision, BatchStatus.ready}
)


class ItemState(StrEnum):
    proposed = "proposed"  # 拟销毁
    extended = "extended"  # 延长保管期限，退出本批
    withdrawn = "withdrawn"  # 不再符合销毁条件，退出本批
    destroyed = "destroyed"  # 已销毁
    locked = "locked"  # 锁定未到期，未销毁


ITEM_LABELS = {
    ItemState.proposed: "拟销毁",
    ItemState.extended: "鉴定后延长保管期限（退出本批）",
    ItemState.withdrawn: "不再符合销毁条件（退出本批）",
    ItemState.destroyed: "已销毁",
    ItemState.locked: "锁定未到期，未销毁",
}


class Opinion(StrEnum):
    destroy = "destroy"  # 同意销毁
    extend = "extend"  # 建议延长保管期限


OPINION_LABELS = {Opinion.destroy: "同意销毁", Opinion.extend: "建议延长保管期限"}


class BlobOutcome(StrEnum):
    pending = "pending"  # asked of the store; its answer not yet recorded
    removed = "removed"  # 内容已删除
    shared = "shared"  # 与其他在存记录共用，内容保留
    locked = "locked"  # 锁定未到期，内容保留
    missing = "missing"  # 执行前已不在存储中


OUTCOME_LABELS = {
    BlobOutcome.pending: "执行中断（已请求删除，结果未记录）",
    BlobOutcome.removed: "内容已删除",
    BlobOutcome.shared: "与其他在存记录共用，内容保留",
    BlobOutcome.locked: "锁定未到期，内容保留",
    BlobOutcome.missing: "执行前已缺失（另行核查）",
}
#: Outcomes after which the content is gone by approval (for `zhifa verify`).
GONE = frozenset({BlobOutcome.removed, BlobOutcome.pending})


def batch_number(year: int, seq: int) -> str:
    return f"XH{year}-{seq:03d}"


@dataclass(frozen=True)
class Appraised:
    """What the group concluded on one item: destroy, or a new period of ``years``."""

    extend: bool
    years: int | None = None


def appraisal_of(opinions: Iterable[tuple[int, Opinion, int | None]]) -> Appraised | None:
    """The conclusion on one item from its (member, opinion, years) rows; None while
    fewer than `MIN_APPRAISERS` distinct members have given one. Any member's
    "extend" keeps the item (the safe side: 禁止擅自销毁), for the longest period asked."""
    rows = list(opinions)
    if len({member for member, _, _ in rows}) < MIN_APPRAISERS:
        return None
    years = [n or 0 for _, opinion, n in rows if opinion is Opinion.extend]
    return Appraised(True, max(years)) if years else Appraised(False)


def approver_problem(approver: int, creator: int | None, members: set[int]) -> str | None:
    """The leader who approves took no part in preparing or appraising the batch: the
    approval is the check on the group's report, not a second vote of the same people."""
    if approver == creator:
        return "批次的编制人不能审批本批销毁"
    if approver in members:
        return "鉴定小组成员不能审批本批销毁"
    return None


def witness_problem(
    user: int, creator: int | None, approver: int | None, witnesses: set[int]
) -> str | None:
    """A 监销人 watches others destroy: neither the archivist who prepares and executes
    the batch nor the leader who approved it, and each 监销人 a different person."""
    if user in witnesses:
        return "您已确认监销，监销人须为不同的两人"
    if user == creator:
        return "批次的编制人（执行销毁的人）不能担任监销人"
    if user == approver:
        return "审批本批销毁的领导不能担任监销人"
    return None


def item_state(outcomes: Iterable[BlobOutcome]) -> ItemState:
    """An item is destroyed when none of its content is still locked; else it stays
    (its removed content is recorded as removed, the rest waits for its lock)."""
    return ItemState.locked if BlobOutcome.locked in set(outcomes) else ItemState.destroyed


def shared_elsewhere(
    references: Iterable[tuple[str, object]], disposed: Mapping[str, set[int]]
) -> bool:
    """Whether any row referring to a blob is not among the rows being disposed of."""
    return any(row_id not in disposed.get(table, set()) for table, row_id in references)
