"""Pure rules of holds: the kinds, what a hold is placed on, and how long a hold keeps
content locked. No database, no clock.

Why holds: 《档案法》第二十一条 forbids destroying records other than by the rules, and
《档案法实施条例》第二十四条 has an appraisal keep what is still needed. A record that a
行政复议 (《行政复议法》第二十条: 60 days to apply), a 行政诉讼 (《行政诉讼法》第四十六条:
6 months to sue), a complaint or a 纪检监察 request still needs is therefore never due for
disposal while the hold lasts, and a case still open holds its own records."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class HoldKind(StrEnum):
    review = "review"  # 行政复议
    litigation = "litigation"  # 行政诉讼
    complaint = "complaint"  # 投诉举报
    discipline = "discipline"  # 纪检监察调取


#: The automatic hold, computed from the case's state (never a row).
OPEN_CASE = "open_case"

HOLD_LABELS: dict[str, str] = {
    OPEN_CASE: "案件未结",
    HoldKind.review: "行政复议",
    HoldKind.litigation: "行政诉讼",
    HoldKind.complaint: "投诉举报",
    HoldKind.discipline: "纪检监察调取",
}


class HoldTarget(StrEnum):
    archive_file = "archive_file"  # 案卷
    media = "media"  # an unfiled inspection video (or any medium)
    action = "action"  # a whole case: its file, documents and media


TARGET_LABELS = {
    HoldTarget.archive_file: "案卷",
    HoldTarget.media: "音视频记录",
    HoldTarget.action: "案件",
}

#: How far ahead a hold locks its content, rolling: a lock can never be shortened, so a
#: hold of unknown length cannot lock "until released"; it locks a year ahead and the
#: monthly disposal job (`archive.disposal_due`) rolls the year on while the hold lasts.
#: After a release the content stays locked up to a year more — disposal waits for it.
HOLD_LOCK_YEARS = 1  # not a legal limit: a hold's rolling lock


def hold_lock_day(today: date) -> date:
    """The last day a hold placed or renewed on ``today`` keeps content locked."""
    try:
        return today.replace(year=today.year + HOLD_LOCK_YEARS)
    except ValueError:  # 29 February
        return date(today.year + HOLD_LOCK_YEARS, 3, 1)
