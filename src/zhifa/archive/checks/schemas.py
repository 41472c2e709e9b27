"""What the API says of a 四性检测 run and of a transfer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.packages.models import ArchiveTransfer


class CheckOut(BaseModel):
    id: int
    file_id: int
    stage: str
    verdict: str
    checks: int
    passed: int
    failed: int
    warned: int
    failed_items: list[int]
    checked_at: datetime
    report_url: str

    @classmethod
    def of(cls, run: ArchiveCheck) -> CheckOut:
        return cls(
            id=run.id,
            file_id=run.file_id,
            stage=run.stage,
            verdict=run.verdict,
            checks=run.checks,
            passed=run.passed,
            failed=run.failed,
            warned=run.warned,
            failed_items=list(run.failed_items),
            checked_at=run.checked_at,
            report_url=f"/app/archive/checks/{run.id}/report",
        )


class TransferOut(BaseModel):
    id: int
    file_id: int
    check_id: int
    location: str
    items: int
    payload_bytes: int
    tagmanifest_sha256: str
    exported_at: datetime
    received_at: datetime | None
    received_by: str

    @classmethod
    def of(cls, row: ArchiveTransfer) -> TransferOut:
        return cls(
            id=row.id,
            file_id=row.file_id,
            check_id=row.check_id,
            location=row.location,
            items=row.items,
            payload_bytes=row.payload_bytes,
            tagmanifest_sha256=row.tagmanifest_sha256,
            exported_at=row.exported_at,
            received_at=row.received_at,
            received_by=row.received_by,
        )
