"""Pure decisions about documents: service (送达) requirements and the state of a
decision's service deadline. No database, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

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
