"""信用中国（信用上海）报送: the 双公示 data items of 行政处罚 and 行政许可, in batches.

Delivery is inline: each message becomes one row of the open batch, in the transaction of
the change; the receipt names the batch and the row. A batch closes (staff button,
``zhifa publicity export``, or the worker once a day) into files stored write-once in the
blob store and ledgered:

- ``credit-<batch>-penalty.csv`` / ``credit-<batch>-license.csv``: one per kind that has
  rows; UTF-8 with a byte-order mark so that Excel opens it as UTF-8;
- ``credit-<batch>.xlsx``: one workbook, sheets 行政处罚 and 行政许可.

Both through `core.spreadsheet`: every value is a text cell, and one that a spreadsheet
program could read as a formula starts with a single quote.

Columns: the standard's data items in its order (`rules.PENALTY_ITEMS` /
`rules.LICENSE_ITEMS`, amounts in 万元 as the snapshot holds them), then one added column
操作类型: 新增 (publish), 修改 (update, correct: the new version's items, the dated public note
in 备注), 删除 (withdraw: the withdrawn version's items, the reason in 备注). It is the last
column so that the standard's columns keep their positions for an import template.
Expiry is not exported: the platform ends the publicity itself at the 公示截止期 it was
sent. 行政强制 is not a 双公示 item and is not exported (the receipt says so).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core import spreadsheet
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import store_blob
from zhifa.core.calendar import SHANGHAI
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError
from zhifa.publicity.channels.base import OutboxEvent, OutgoingMessage
from zhifa.publicity.models import (
    CreditBatchStatus,
    CreditExportBatch,
    CreditExportRow,
    Delivery,
)
from zhifa.publicity.rules import ITEMS, KIND_LABELS

EXPORTED_KINDS = ("penalty", "license")
OPERATION_COLUMN = "操作类型"
OPERATIONS = {
    OutboxEvent.publish: "新增",
    OutboxEvent.update: "修改",
    OutboxEvent.correct: "修改",
    OutboxEvent.withdraw: "删除",
    OutboxEvent.repair: "删除",  # 信用修复: 终止公示 (令第36号 第三条), the note says 已修复
}
_NOTE_PREFIX = {"修改": "", "删除": "撤下原因："}  # correction notes name themselves


def header(kind: str) -> list[str]:
    return [label for _, label in ITEMS[kind]] + [OPERATION_COLUMN]


def row_values(message: OutgoingMessage, operation: str) -> list[str]:
    found = {
        i["key"]: "" if i["value"] is None else str(i["value"]) for i in message.snapshot["items"]
    }
    values = [found.get(key, "") for key, _ in ITEMS[message.kind]]
    if message.note and operation in _NOTE_PREFIX:
        remark = f"{_NOTE_PREFIX[operation]}{message.note}"
        values[-1] = f"{values[-1]}；{remark}" if values[-1] else remark
    return values


def open_batch(db: Session) -> CreditExportBatch:
    """The batch collecting rows now; a new one (numbered per Beijing year) if none."""
    batch = db.scalar(
        select(CreditExportBatch).where(CreditExportBatch.status == CreditBatchStatus.open)
    )
    if batch is not None:
        return batch
    year = datetime.now(SHANGHAI).year
    count = db.scalar(
        select(func.count())
        .select_from(CreditExportBatch)
        .where(CreditExportBatch.number.like(f"{year}-%"))
    )
    batch = CreditExportBatch(
        number=f"{year}-{(count or 0) + 1:04d}", status=CreditBatchStatus.open, opened_at=utcnow()
    )
    db.add(batch)
    record_change(db, None, "publication.credit_batch_open", batch)
    return batch


class CreditExportChannel:
    kind = "credit_export"
    inline = True

    def deliver(self, db: Session, message: OutgoingMessage, config: dict[str, Any]) -> str:
        if message.is_public_snapshot:
            return "事前公示目录、执法人员和年度数据不属双公示报送范围，未导出"
        if message.kind not in EXPORTED_KINDS:
            return f"{KIND_LABELS.get(message.kind, message.kind)}不属双公示报送范围，未导出"
        operation = OPERATIONS.get(message.event)
        if operation is None:
            return "公示期满由信用平台按已报送的公示截止期自行停止公示，未另行导出"
        delivery = db.scalar(
            select(Delivery).where(Delivery.idempotency_key == message.idempotency_key)
        )
        assert delivery is not None and delivery.id is not None
        batch = open_batch(db)
        last = db.scalar(
            select(func.max(CreditExportRow.row_number)).where(
                CreditExportRow.batch_id == batch.id, CreditExportRow.kind == message.kind
            )
        )
        row = CreditExportRow(
            batch_id=batch.id,
            kind=message.kind,
            row_number=(last or 0) + 1,
            delivery_id=delivery.id,
            operation=operation,
            values=row_values(message, operation),
        )
        db.add(row)
        record_change(db, None, "publication.credit_row", row)
        return f"批次 {batch.number} {KIND_LABELS[message.kind]} 第 {row.row_number} 行"


# ---- closing a batch into files -------------------------------------------------------------


def batch_rows(db: Session, batch: CreditExportBatch, kind: str) -> list[CreditExportRow]:
    return list(
        db.scalars(
            select(CreditExportRow)
            .where(CreditExportRow.batch_id == batch.id, CreditExportRow.kind == kind)
            .order_by(CreditExportRow.row_number)
        )
    )


def csv_bytes(kind: str, rows: list[CreditExportRow]) -> bytes:
    return spreadsheet.csv_bytes([header(kind), *([*row.values, row.operation] for row in rows)])


def xlsx_bytes(rows_by_kind: dict[str, list[CreditExportRow]], created: datetime) -> bytes:
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "zhifa"
    book.properties.created = created.replace(tzinfo=None)
    book.properties.modified = created.replace(tzinfo=None)
    for kind in EXPORTED_KINDS:
        sheet = book.create_sheet(KIND_LABELS[kind])
        spreadsheet.append(sheet, header(kind))
        for row in rows_by_kind[kind]:
            spreadsheet.append(sheet, [*row.values, row.operation])
        for cells in sheet.iter_rows():
            for cell in cells:
                cell.number_format = "@"  # text: numbers and codes stay as written
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def close_batch(
    db: Session,
    store: BlobStore,
    max_bytes: int,
    who: Principal | None,
    batch_id: int | None = None,
) -> CreditExportBatch:
    """Write the batch's files (write-once, registered and ledgered) and close it."""
    batch = (
        db.get(CreditExportBatch, batch_id)
        if batch_id is not None
        else db.scalar(
            select(CreditExportBatch).where(CreditExportBatch.status == CreditBatchStatus.open)
        )
    )
    if batch is None:
        raise DomainError("没有正在收集的报送批次")
    if batch.status is not CreditBatchStatus.open:
        raise Conflict(f"批次 {batch.number} 已生成文件")
    rows = {kind: batch_rows(db, batch, kind) for kind in EXPORTED_KINDS}
    if not any(rows.values()):
        raise DomainError(f"批次 {batch.number} 没有数据，无需生成文件")
    now = utcnow()
    files: dict[str, bytes] = {
        f"credit-{batch.number}-{kind}.csv": csv_bytes(kind, rows[kind])
        for kind in EXPORTED_KINDS
        if rows[kind]
    }
    files[f"credit-{batch.number}.xlsx"] = xlsx_bytes(rows, now)
    stored = {
        name: store_blob(db, store, io.BytesIO(data), who, max_bytes).digest
        for name, data in files.items()
    }
    batch.files = stored
    batch.status = CreditBatchStatus.closed
    batch.closed_at = now
    batch.closed_by = actor_name(who)
    record_change(db, actor_name(who), "publication.credit_batch_close", batch)
    return batch


def close_if_stale(db: Session, store: BlobStore, max_bytes: int) -> CreditExportBatch | None:
    """The daily close: an open batch with rows, opened before today (Beijing), closes."""
    batch = db.scalar(
        select(CreditExportBatch).where(CreditExportBatch.status == CreditBatchStatus.open)
    )
    today = datetime.now(SHANGHAI).date()
    if batch is None or batch.opened_at.astimezone(SHANGHAI).date() >= today:
        return None
    if not any(batch_rows(db, batch, kind) for kind in EXPORTED_KINDS):
        return None
    return close_batch(db, store, max_bytes, None, batch.id)
