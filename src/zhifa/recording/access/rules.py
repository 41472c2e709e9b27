"""Pure decisions of 调阅 (《全过程记录办法》 第九条): which purposes may be stated, how long a
stated purpose is remembered, who may look at a restricted record, and what may leave
the system as an export. No database, no clock, no I/O."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from zhifa.core.errors import DomainError, Forbidden

# A purpose stated on a page is remembered for that action (or party) and that browser
# session this long; each access in that time is still logged on its own.
PURPOSE_MEMORY = timedelta(minutes=30)
MAX_NOTE = 100


class PurposeCode(StrEnum):
    case = "case"  # 办案需要
    review = "review"  # 案卷评查
    supervision = "supervision"  # 执法监督
    litigation = "litigation"  # 复议诉讼
    other = "other"  # 其他 (a note is required)


PURPOSE_LABELS: dict[PurposeCode, str] = {
    PurposeCode.case: "办案需要",
    PurposeCode.review: "案卷评查",
    PurposeCode.supervision: "执法监督",
    PurposeCode.litigation: "复议诉讼",
    PurposeCode.other: "其他",
}
_BY_LABEL = {label: code for code, label in PURPOSE_LABELS.items()}


class PurposeRequired(DomainError):
    """No purpose was stated (400): nothing is served until one is."""


@dataclass(frozen=True)
class Purpose:
    code: PurposeCode
    note: str = ""

    @property
    def text(self) -> str:
        """As written into the access log: ``案卷评查`` or ``其他：说明``."""
        label = PURPOSE_LABELS[self.code]
        return f"{label}：{self.note}" if self.note else label


def parse_purpose(value: str | None, note: str | None = None) -> Purpose:
    """A purpose from a form or query: a code (``review``), a label (``案卷评查``) or
    ``其他：说明`` / ``other:说明``; 其他 needs a note. ``PurposeRequired`` if absent."""
    value = unicodedata.normalize("NFC", value or "").strip()
    note = unicodedata.normalize("NFC", note or "").strip()
    if not value:
        raise PurposeRequired("调阅音视频记录须先说明调阅目的（purpose）", "purpose")
    head, sep, tail = value.replace("：", ":").partition(":")
    head = head.strip()
    code = _BY_LABEL.get(head) or (PurposeCode(head) if head in PurposeCode.__members__ else None)
    if code is None:
        choices = "、".join(PURPOSE_LABELS.values())
        raise DomainError(f"调阅目的无效，可选：{choices}（其他须写明）", "purpose")
    if sep:
        note = (tail.strip() + (" " + note if note else "")).strip()
    if code is PurposeCode.other:
        if len(note) < 2:
            raise DomainError("选择“其他”时须写明调阅目的（至少 2 个字）", "purpose_note")
    else:
        note = ""  # only 其他 carries a note
    if len(note) > MAX_NOTE or any(unicodedata.category(ch)[0] == "C" for ch in note):
        raise DomainError(f"调阅目的说明无效（最多 {MAX_NOTE} 个字，不含控制字符）", "purpose_note")
    return Purpose(code, note)


def remembered(stated_at: datetime, now: datetime) -> bool:
    """Is a purpose stated at ``stated_at`` still remembered at ``now``?"""
    return stated_at <= now < stated_at + PURPOSE_MEMORY


# ---- restricted records (国家秘密、商业秘密、个人隐私) ----------------------------------


class Restriction(StrEnum):
    state_secret = "state_secret"  # noqa: S105 - 国家秘密 (a label, not a password)
    trade_secret = "trade_secret"  # noqa: S105 - 商业秘密
    privacy = "privacy"  # 个人隐私


RESTRICTION_LABELS: dict[Restriction, str] = {
    Restriction.state_secret: "国家秘密",
    Restriction.trade_secret: "商业秘密",
    Restriction.privacy: "个人隐私",
}


@dataclass(frozen=True)
class Viewer:
    """What the decision needs to know about the person asking."""

    sees_action: bool  # assigned to the action, or may see every action
    assigned: bool  # an officer assigned to the action (承办人员)
    leader: bool  # holds the leader role


def check_read(viewer: Viewer, restrictions: frozenset[Restriction], *, export: bool) -> None:
    """``Forbidden`` unless the viewer may read (``export``: take a copy out of) a record
    with these restrictions. Restricted records: only assigned officers and leaders, and
    never as an export."""
    if not viewer.sees_action:
        raise Forbidden("您不是该案件的承办人员，无权调阅其音视频记录")
    if restrictions:
        labels = "、".join(RESTRICTION_LABELS[r] for r in sorted(restrictions))
        if not (viewer.assigned or viewer.leader):
            raise Forbidden(f"该记录涉及{labels}，仅限承办人员和领导调阅")
        if export:
            raise Forbidden(f"该记录涉及{labels}，不得导出或下载")


def may_read(viewer: Viewer, restrictions: frozenset[Restriction]) -> bool:
    try:
        check_read(viewer, restrictions, export=False)
    except Forbidden:
        return False
    return True


# The access log's record type of a refused attempt to export a restricted record: the
# refusal is logged where it happens, so supervision sees the attempts (记录办法 第十二条).
EXPORT_REFUSED = "media_export_refused"

MAX_REASON = 500
RESTRICTED_PLACEHOLDER = "受限记录"  # what those who may not read one see in its place


def check_change(*, may_flag: bool, reads_restricted: bool, restricted: bool) -> None:
    """``Forbidden`` unless the person may put a flag on (``restricted``) or take it off.
    Putting one on only narrows who may read, so the legal section may; taking one off
    widens it, so it needs at least the right to read flagged records (a leader's
    decision) — else whoever may flag could lift a flag, download, and flag again."""
    if not may_flag:
        raise Forbidden("只有法制宣传科和领导可以标注涉密、隐私标识")
    if not restricted and not reads_restricted:
        raise Forbidden("解除涉密、隐私标识须由领导决定（须有调阅受限记录的权限）")


def clean_reason(reason: str | None) -> str:
    """The stated reason of a flag or its removal: required, 2 to 500 characters."""
    text = unicodedata.normalize("NFC", reason or "").strip()
    if not 2 <= len(text) <= MAX_REASON or any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise DomainError(
            f"须写明标注或解除的理由（2 至 {MAX_REASON} 个字，不含控制字符）", "reason"
        )
    return text
