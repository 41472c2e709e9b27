"""JSON answers of 档案利用: a request with its state and grant, and its use log. Each
coded value comes with its words (``*_label``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from zhifa.archive.filing.models import ITEM_KIND_LABELS
from zhifa.archive.use import service
from zhifa.archive.use.models import ArchiveUseRequest
from zhifa.archive.use.rules import (
    APPROVER_LABELS,
    USE_KIND_LABELS,
    USE_MODE_LABELS,
    USE_STATE_LABELS,
    Approver,
    UseKind,
    UseMode,
    UseState,
)


class UseItemOut(BaseModel):
    id: int
    item_no: int
    title: str
    kind_label: str
    pages: int | None
    classified: bool


class RequestOut(BaseModel):
    id: int
    file_id: int
    archival_code: str
    file_title: str
    item_nos: list[int]
    items: list[UseItemOut]
    use_kind: UseKind
    use_kind_label: str
    reason: str
    wanted_until: datetime
    approver: Approver
    approver_label: str
    state: UseState
    state_label: str
    requested_by: int
    requested_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    decision_note: str
    valid_until: datetime | None
    revoke_note: str
    lent_at: datetime | None
    returned_at: datetime | None

    @classmethod
    def of(cls, row: ArchiveUseRequest) -> RequestOut:
        now_state = service.state(row)
        return cls(
            id=row.id,
            file_id=row.file_id,
            archival_code=row.file.archival_code,
            file_title=row.file.title,
            item_nos=list(row.item_nos),
            items=[
                UseItemOut(
                    id=i.id,
                    item_no=i.item_no,
                    title=i.title,
                    kind_label=ITEM_KIND_LABELS[i.kind],
                    pages=i.pages,
                    classified=i.classified,
                )
                for i in service.items_of(row)
            ],
            use_kind=row.kind,
            use_kind_label=USE_KIND_LABELS[row.kind],
            reason=row.reason,
            wanted_until=row.wanted_until,
            approver=row.approver,
            approver_label=APPROVER_LABELS[row.approver],
            state=now_state,
            state_label=USE_STATE_LABELS[now_state],
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            decision_note=row.decision_note,
            valid_until=row.grant.valid_until if row.grant else None,
            revoke_note=row.revoke_note,
            lent_at=row.lent_at,
            returned_at=row.returned_at,
        )


class UseOut(BaseModel):
    at: datetime
    item_id: int
    item_no: int
    item_title: str
    mode: UseMode
    mode_label: str
    via: str

    @classmethod
    def of(cls, row: service.UseRow) -> UseOut:
        return cls(
            at=row.log.at,
            item_id=row.use.item_id,
            item_no=row.use.item.item_no,
            item_title=row.use.item.title,
            mode=row.use.mode,
            mode_label=USE_MODE_LABELS[row.use.mode],
            via=row.log.via,
        )
