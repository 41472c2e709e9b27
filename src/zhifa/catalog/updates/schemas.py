"""What the update-obligation API reads and answers."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from zhifa.catalog.updates.models import CatalogueUpdate, UpdateCause, UpdateStatus


class UpdateOut(BaseModel):
    id: int
    cause: UpdateCause
    target_kind: str
    subject: str
    title: str
    review: str
    unit_id: int | None
    started_on: date
    limit_code: str
    due_on: date
    due_provisional: bool
    status: UpdateStatus
    done_on: date | None
    done_note: str
    snapshot_id: int | None

    @classmethod
    def of(cls, row: CatalogueUpdate) -> UpdateOut:
        return cls.model_validate(row, from_attributes=True)


class UnchangedIn(BaseModel):
    reason: str = Field(max_length=1000)


class OrganisationChangeOut(BaseModel):
    id: int
    updates: list[UpdateOut]
