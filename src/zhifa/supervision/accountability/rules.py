"""Pure decisions of the accountability report: which kinds of instance exist, the rule
each breaks, how an instance is keyed (the same instance has the same key in every run,
so a decision stays attached), which instances a filter admits, and what a leader's
decision must carry. No database, no clock, no I/O.

The outcomes a leader records follow the forms of 行政执法责任追究 named in the
safety-supervision rules (原国家安全监管总局令第24号《安全生产监管监察职责和行政执法
责任追究的规定》: 责令改正、通报批评 …) and the 《行政执法监督条例》 (in force 2026-02-01,
chapter 6: 处分 by the competent organ) — second-hand: read from secondary copies, the
article numbers not checked against the official text, so none is cited per outcome.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

RECORDING_MEASURE = "《行政执法全过程记录办法》"
PUBLICITY_MEASURE = "《行政执法公示办法》"


class InstanceKind(StrEnum):
    recording_missing = "recording_missing"  # 应当记录而未记录或未按要求记录
    recording_excepted = "recording_excepted"  # 经批准不作应当的音视频记录
    verify_failure = "verify_failure"  # 核验发现记录被改动或删除
    deletion_refused = "deletion_refused"  # 删除被拒绝（锁定未到期）或内容无批准缺失
    duty_late = "duty_late"  # 公示、更正、撤下、更新未按时


KIND_LABELS: Mapping[InstanceKind, str] = MappingProxyType(
    {
        InstanceKind.recording_missing: "应当记录而未按要求记录",
        InstanceKind.recording_excepted: "应当记录经批准未记录",
        InstanceKind.verify_failure: "记录被改动或删除（核验未通过）",
        InstanceKind.deletion_refused: "删除被拒绝或内容缺失",
        InstanceKind.duty_late: "公示义务未按时履行",
    }
)

# The clause of the measures each kind falls under (记录办法 十四, 公示办法 十).
KIND_BASIS: Mapping[InstanceKind, str] = MappingProxyType(
    {
        InstanceKind.recording_missing: f"{RECORDING_MEASURE}第十四条（一）",
        InstanceKind.recording_excepted: f"{RECORDING_MEASURE}第十四条（一）",
        InstanceKind.verify_failure: f"{RECORDING_MEASURE}第十四条（二）",
        InstanceKind.deletion_refused: f"{RECORDING_MEASURE}第十四条（二）",
        InstanceKind.duty_late: f"{PUBLICITY_MEASURE}第十条",
    }
)


class Outcome(StrEnum):
    not_pursued = "not_pursued"  # 不予追责（须说明理由）
    education = "education"  # 批评教育
    rectify = "rectify"  # 责令整改
    notice = "notice"  # 通报批评
    refer = "refer"  # 移送纪检监察机关


OUTCOME_LABELS: Mapping[Outcome, str] = MappingProxyType(
    {
        Outcome.not_pursued: "不予追责",
        Outcome.education: "批评教育",
        Outcome.rectify: "责令整改",
        Outcome.notice: "通报批评",
        Outcome.refer: "移送纪检监察机关",
    }
)
MIN_REASON = 4  # characters a 不予追责 reason needs at least


@dataclass(frozen=True)
class Instance:
    """One instance, as plain values."""

    key: str  # stable across runs: the decision's anchor
    kind: InstanceKind
    day: date  # the day it happened (or was first found)
    unit_id: int | None
    unit: str
    person_id: int | None
    person: str
    rule: str  # the rule broken, with its article
    subject: str  # the case or record concerned
    detail: str
    link: str  # the record

    @property
    def basis(self) -> str:
        return KIND_BASIS[self.kind]


def recording_key(target: str, record_id: int) -> str:
    """An activity's or a service record's missing recording: ``recording:activity:12``."""
    return f"recording:{target}:{record_id}"


def exception_key(exception_id: int) -> str:
    return f"exception:{exception_id}"


def verify_key(area: str, where: str, message: str) -> str:
    """A verify finding, the same text in every run → the same key."""
    digest = hashlib.sha256(f"{area}\n{where}\n{message}".encode()).hexdigest()
    return f"verify:{digest[:24]}"


def disposal_key(outcome_id: int) -> str:
    return f"disposal:{outcome_id}"


def duty_key(kind: str, record_id: int, part: str = "") -> str:
    """One duty of one record; ``part`` tells a record's several duties apart."""
    return f"duty:{kind}:{record_id}" + (f":{part}" if part else "")


@dataclass(frozen=True)
class Filters:
    """Which instances the report covers; the period applies to the instance's day."""

    start: date | None = None
    end: date | None = None
    unit_id: int | None = None
    kind: InstanceKind | None = None

    def admits(self, row: Instance) -> bool:
        return (
            (self.start is None or row.day >= self.start)
            and (self.end is None or row.day <= self.end)
            and (self.unit_id is None or row.unit_id == self.unit_id)
            and (self.kind is None or row.kind is self.kind)
        )


def select_instances(rows: Iterable[Instance], filters: Filters) -> list[Instance]:
    """The admitted instances, one per key (the earliest day wins), newest day first."""
    first: dict[str, Instance] = {}
    for row in rows:
        if row.key not in first or row.day < first[row.key].day:
            first[row.key] = row
    chosen = [row for row in first.values() if filters.admits(row)]
    return sorted(chosen, key=lambda r: (r.day, r.key), reverse=True)


def decision_problem(outcome: Outcome, reason: str) -> str | None:
    """Why a decision cannot be recorded as given, or None."""
    if outcome is Outcome.not_pursued and len(reason.strip()) < MIN_REASON:
        return f"不予追责须说明理由（至少{MIN_REASON}个字）"
    return None
