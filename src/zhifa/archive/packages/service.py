"""Exporting an archive file as a transfer package (移交): 四性检测 at the 移交 stage
first (a file that fails is not transferred), then the BagIt package with every item's
ledger evidence, then the 移交清单 — a PDF kept as a blob, written beside the package
with the bureau's signed note over the package's and the list's digests — and the
transfer ledgered. The receiving side's confirmation is recorded once."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.checks.rules import Outcome, Stage
from zhifa.archive.checks.service import run_check
from zhifa.archive.evidence import covering_checkpoint, row_evidence
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.packages import layout
from zhifa.archive.packages.models import ArchiveTransfer
from zhifa.archive.packages.source import CatalogueEntry, PackageItem, PackageSource
from zhifa.archive.packages.writer import PackageRefused, write_bag
from zhifa.archive.retention.rules import Period
from zhifa.blobs import BlobStore
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import store_blob
from zhifa.core.clock import people_date, people_datetime
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.ledger import StoredCheckpoint, log_size, sign_note
from zhifa.recording.documents.render import PDF_VARIANT

_TEMPLATES = Path(__file__).parent / "templates"
_MAX_LIST = 50 * 1024 * 1024
SIGNED_FORMAT = "zhifa-transfer-list/1"


class ReceiptIn(BaseModel):
    received_by: str = Field(min_length=2, max_length=100)
    note: str = Field(default="", max_length=500)


def retention_label(archive: ArchiveFile) -> str:
    return Period(archive.period_kind, archive.period_n).label


def export_file(
    db: Session,
    settings: Settings,
    store: BlobStore,
    file_id: int,
    destination: Path,
    who: Principal | None,
) -> ArchiveTransfer:
    """Check, package and list one archive file into the folder ``destination`` (new)."""
    archive = db.get(ArchiveFile, file_id)
    if archive is None:
        raise NotFound("没有这个档案")
    if destination.exists():
        raise DomainError(f"目标位置已存在：{destination}，请换一个名称", "destination")
    check = run_check(db, settings, store, archive, Stage.transfer, who)
    if check.verdict != Outcome.passed.value:
        where = "、".join(str(n) for n in check.failed_items) or "案卷"
        raise DomainError(f"移交前的四性检测未通过（件号 {where}），请先处理后再移交")
    checkpoint = covering_checkpoint(db, settings, max(log_size(db) - 1, 0))
    scheme = db.get(ArchiveCodeScheme, archive.scheme_id)
    assert scheme is not None  # a file keeps the scheme it was coded by
    sent = [i for i in archive.items if not i.classified]
    verifier = load_ledger_signer(settings).verifier().to_string()
    source = _source(db, store, archive, scheme, sent, checkpoint, verifier)
    try:
        bag = write_bag(source, destination)
    except PackageRefused as exc:
        raise DomainError(str(exc)) from exc
    tag_sha256 = hashlib.sha256((bag / layout.manifest_name("sha256", tag=True)).read_bytes())
    return _record(db, settings, store, archive, scheme, check, bag, tag_sha256.hexdigest(), who)


def _source(
    db: Session,
    store: BlobStore,
    archive: ArchiveFile,
    scheme: ArchiveCodeScheme,
    items: list[ArchiveItem],
    checkpoint: StoredCheckpoint,
    verifier: str,
) -> PackageSource:
    packaged = []
    for item in items:
        found = row_evidence(db, item, checkpoint)
        if found is None:
            raise DomainError(f"件号 {item.item_no} 在账本中没有被签名检查点覆盖的条目")
        packaged.append(
            PackageItem(
                entry=CatalogueEntry(
                    item.item_no,
                    item.title,
                    item.made_on,
                    item.pages,
                    item.responsible,
                    item.doc_number,
                ),
                filename=item.filename,
                open=lambda digest=item.digest: store.open(digest),
                size=item.size,
                digest=item.digest,
                metadata=item.item_metadata,
                evidence=found.evidence,
                known={"sha256": item.sha256, "sm3": item.sm3},
            )
        )
    return PackageSource(
        archival_code=archive.archival_code,
        fonds=archive.fonds,
        retention=retention_label(archive),
        title=archive.title,
        organization=scheme.fonds_name,
        bagging_date=utcnow().date(),
        checkpoint=checkpoint.signed_note,
        verifier=verifier,
        items=packaged,
    )


def _record(
    db: Session,
    settings: Settings,
    store: BlobStore,
    archive: ArchiveFile,
    scheme: ArchiveCodeScheme,
    check: ArchiveCheck,
    bag: Path,
    tag_sha256: str,
    who: Principal | None,
) -> ArchiveTransfer:
    now = utcnow()
    signer = load_ledger_signer(settings)
    pdf = _list_pdf(
        archive, scheme, check, bag, tag_sha256, signer.verifier().to_string(), who, now
    )
    blob = store_blob(db, store, io.BytesIO(pdf), who, _MAX_LIST)
    note = sign_note(
        f"{SIGNED_FORMAT}\n档号 {archive.archival_code}\n"
        f"tagmanifest-sha256 {tag_sha256}\n移交清单 {blob.digest}\n"
        f"时间 {now.astimezone(UTC).isoformat(timespec='seconds')}\n",
        [signer],
    )
    (bag.parent / f"{bag.name}.移交清单.pdf").write_bytes(pdf)
    (bag.parent / f"{bag.name}.移交清单.sig").write_text(note, encoding="utf-8")
    transfer = ArchiveTransfer(
        file_id=archive.id,
        check_id=check.id,
        location=str(bag.resolve()),
        items=sum(1 for i in archive.items if not i.classified),
        payload_bytes=sum(i.size for i in archive.items if not i.classified),
        tagmanifest_sha256=tag_sha256,
        list_digest=blob.digest,
        signed_note=note,
        exported_at=now,
        exported_by=who.user_id if who else None,
    )
    db.add(transfer)
    record_change(db, actor_name(who), "archive.transfer", transfer)
    return transfer


def _list_pdf(
    archive: ArchiveFile,
    scheme: ArchiveCodeScheme,
    check: ArchiveCheck,
    bag: Path,
    tag_sha256: str,
    verifier: str,
    who: Principal | None,
    now: datetime,
) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape())
    items = [
        {
            "item_no": i.item_no,
            "title": i.title,
            "date": people_date(i.made_on),
            "pages": i.pages or "",
            "size": i.size,
            "sha256": i.sha256,
        }
        for i in archive.items
        if not i.classified
    ]
    html = env.get_template("transfer_list.html").render(
        archive=archive,
        fonds_name=scheme.fonds_name,
        retention=retention_label(archive),
        items=items,
        withheld=[i for i in archive.items if i.classified],
        total_bytes=sum(i.size for i in archive.items if not i.classified),
        bag_name=bag.name,
        tag_sha256=tag_sha256,
        check_verdict=check.verdict,
        check_time=people_datetime(check.checked_at),
        check_counts=f"{check.checks} 项，通过 {check.passed}，警告 {check.warned}",
        verifier=verifier,
        exporter=who.full_name if who else "系统",
        exported=people_datetime(now),
        exported_day=people_date(now),
    )
    pdf: bytes = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def confirm_receipt(
    db: Session, transfer_id: int, data: ReceiptIn, who: Principal | None
) -> ArchiveTransfer:
    """The receiving archive confirmed the package (after its own verify): recorded once."""
    transfer = db.get(ArchiveTransfer, transfer_id)
    if transfer is None:
        raise NotFound("没有这次移交")
    if transfer.received_at is not None:
        raise Conflict("这次移交已登记接收")
    transfer.received_at = utcnow()
    transfer.received_by = data.received_by.strip()
    transfer.received_note = data.note.strip()
    record_change(db, actor_name(who), "archive.transfer.receive", transfer)
    return transfer


def transfers_of(db: Session, file_id: int) -> list[ArchiveTransfer]:
    query = select(ArchiveTransfer).where(ArchiveTransfer.file_id == file_id)
    return list(db.scalars(query.order_by(ArchiveTransfer.id.desc())))


def export_by_code(
    db: Session, settings: Settings, store: BlobStore, archival_code: str, destination: Path
) -> ArchiveTransfer:
    """`zhifa archive export`: the file named by its 档号, exported by the system."""
    file_id = db.scalar(select(ArchiveFile.id).where(ArchiveFile.archival_code == archival_code))
    if file_id is None:
        raise NotFound(f"没有档号为 {archival_code} 的档案")
    return export_file(db, settings, store, file_id, destination, None)
