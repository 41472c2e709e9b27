"""Pure decisions about documents: service (送达) requirements, the state of a
decision's service deadline, and the dates a document may state (not ahead of now, in
order among themselves and after the earlier documents of its action). No database, no
clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from zhifa.core.clock import people_date
from zhifa.recording.documents.kinds import DocumentKind, FieldType
from zhifa.recording.documents.models import ServiceMethod


class ServiceState(StrEnum):
    pending = "pending"  # not yet served, deadline not passed
    overdue = "overdue"  # not served and the deadline has passed
    on_time = "on_time"
    late = "late"  # served after the deadline


SERVICE_STATE_LABELS = {
    ServiceState.pending: "待送达",
    ServiceState.overdue: "已超期未送达",
    ServiceState.on_time: "按期送达",
    ServiceState.late: "逾期送达",
}


def service_state(due: date, served_on: date | None, today: date) -> ServiceState:
    """Where a decision stands against its service deadline (the deadline runs to the
    end of ``due``). A hand-over on the decision day is simply served on that day."""
    if served_on is None:
        return ServiceState.overdue if today > due else ServiceState.pending
    return ServiceState.on_time if served_on <= due else ServiceState.late


@dataclass(frozen=True)
class ServiceFacts:
    method: ServiceMethod
    served_on: date
    issue_date: date
    today: date
    has_receipt: bool
    consent: bool
    consent_evidence: bool  # a written consent is on record (text reference or scan)
    note: str
    place: str


def service_problem(facts: ServiceFacts) -> tuple[str, str] | None:
    """(field, message) when a service record cannot be accepted, else None."""
    if facts.served_on < facts.issue_date:
        return "served_on", "送达日期不能早于文书签发日期"
    if facts.served_on > facts.today:
        return "served_on", "送达日期不能晚于今天"
    if facts.method is ServiceMethod.electronic:
        if not facts.consent:
            return "consent", "电子送达须经受送达人同意：未记录受送达人的同意，不能采用电子送达"
        if not facts.consent_evidence:
            return (
                "consent_evidence",
                "电子送达须有受送达人同意的证明（如签署的送达地址确认书），请填写或上传",
            )
    if facts.method is ServiceMethod.left and not facts.note.strip():
        return "note", "留置送达须在备注中写明拒收事由、日期和见证人"
    if facts.method is ServiceMethod.announcement and not facts.place.strip():
        return "place", "公告送达须写明公告的载体或地点（如报纸名称、公告栏位置）"
    if not facts.has_receipt:
        return "receipt", "须有送达凭证：选择已签发的文书送达回执，或上传回执、签收单的照片或扫描件"
    return None


# ---- the dates a document states ------------------------------------------------------------

# Dates a document sets for what is to come (periods, deadlines); every other date or time
# a document states records what happened, so it cannot lie ahead of the moment it is issued.
AHEAD_ALLOWED: Final = frozenset({"deadline", "valid_from", "valid_to", "start_on", "period_from"})

# The field that says when a kind's event happened; a kind not listed happened the day it
# was issued.
EVENT_FIELDS: Final[dict[str, str]] = {
    "site_inspection_record": "started_at",
    "inquiry_record": "started_at",
    "statement_record": "started_at",
    "on_site_measure_decision": "found_on",
    "rectification_order": "found_on",
    "reinspection_opinion": "reinspected_on",
    "case_filing_approval": "received_on",
}

# (kind, field) -> the earlier kinds of the same action whose event it cannot precede:
# a 指令书 records an inspection the 检查记录 made; a 复查 follows the order it checks;
# 陈述申辩 answers the 告知书.
FOLLOWS: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("rectification_order", "found_on"): ("site_inspection_record",),
    ("on_site_measure_decision", "found_on"): ("site_inspection_record",),
    ("reinspection_opinion", "reinspected_on"): ("rectification_order", "on_site_measure_decision"),
    ("reinspection_opinion", "order_date"): ("rectification_order", "on_site_measure_decision"),
    ("statement_record", "started_at"): ("penalty_notice",),
}

# Pairs of a document's own dates: (earlier field, later field).
OWN_ORDER: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "reinspection_opinion": (("order_date", "reinspected_on"),),
    "license_decision": (("applied_on", "valid_from"),),
}


@dataclass(frozen=True)
class EarlierDocument:
    """An issued document of the same action, as the date rules see it."""

    kind: str
    title: str
    doc_number: str | None
    happened_on: date  # its event day (EVENT_FIELDS) or its issue day


def event_day(kind: str, typed: Mapping[str, Any], issued_on: date) -> date:
    value = typed.get(EVENT_FIELDS.get(kind, ""))
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else issued_on


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _shown(value: date | datetime) -> str:
    day = people_date(_day(value))
    return f"{day} {value:%H:%M}" if isinstance(value, datetime) else day


def _ahead(kind: DocumentKind, typed: Mapping[str, Any], now: datetime) -> tuple[str, str] | None:
    for spec in kind.fields:
        value = typed.get(spec.name)
        if value is None or spec.name in AHEAD_ALLOWED:
            continue
        if spec.type is FieldType.datetime and value > now:
            return spec.name, f"{spec.label}（{_shown(value)}）不能晚于现在（{_shown(now)}）"
        if spec.type is FieldType.date and value > now.date():
            return spec.name, f"{spec.label}（{_shown(value)}）不能晚于今天（{_shown(now.date())}）"
    return None


def _out_of_order(kind: DocumentKind, typed: Mapping[str, Any]) -> tuple[str, str] | None:
    for first, then in OWN_ORDER.get(kind.code, ()):
        before, after = typed.get(first), typed.get(then)
        if before is not None and after is not None and _day(after) < _day(before):
            label, other = kind.field(then).label, kind.field(first).label
            return then, f"{label}（{_shown(after)}）不能早于{other}（{_shown(before)}）"
    return None


def _before_earlier(
    kind: DocumentKind, typed: Mapping[str, Any], earlier: Sequence[EarlierDocument]
) -> tuple[str, str] | None:
    for (code, name), kinds in FOLLOWS.items():
        value = typed.get(name)
        found = [d for d in earlier if d.kind in kinds]
        if code != kind.code or value is None or not found:
            continue
        first = min(found, key=lambda d: d.happened_on)
        if _day(value) < first.happened_on:
            number = f"（{first.doc_number}）" if first.doc_number else ""
            return name, (
                f"{kind.field(name).label}（{_shown(value)}）不能早于本案已签发的"
                f"《{first.title}》{number}所记的日期（{_shown(first.happened_on)}）"
            )
    return None


def date_problem(
    kind: DocumentKind,
    typed: Mapping[str, Any],
    now: datetime,
    earlier: Sequence[EarlierDocument],
) -> tuple[str, str] | None:
    """(field, message) when the dates a document states cannot be issued: one that
    records what happened lies ahead of ``now`` (Beijing wall-clock time), its own dates
    are out of order, or it precedes the earlier documents of the action it follows."""
    return (
        _ahead(kind, typed, now)
        or _out_of_order(kind, typed)
        or _before_earlier(kind, typed, earlier)
    )
