"""四性检测 and transfers on the archive file's page: run a check now, read a report
(the read logged), record that the receiving archive confirmed a transfer; JSON twins.

Packages themselves are written by `zhifa archive export` on the server, where the
receiving archive's medium is attached; the page shows where each one went."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from zhifa.archive.checks import service as checks
from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.checks.schemas import CheckOut, TransferOut
from zhifa.archive.filing.routes import FileOfPath
from zhifa.archive.packages import service as packages
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import NotFound
from zhifa.core.http import Config, Db, RecordId, Tx, redirect, require
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/archive", include_in_schema=False)
api = APIRouter(prefix="/api/v1/archive", tags=["档案"])

Reader = Annotated[Principal, Depends(require(Permission.archive_read))]
Filer = Annotated[Principal, Depends(require(Permission.archive_file))]


def check_of_path(check_id: RecordId, db: Db, who: Reader) -> ArchiveCheck:
    run = db.get(ArchiveCheck, check_id)
    if run is None:
        raise NotFound("没有这次检测")
    return run


CheckOfPath = Annotated[ArchiveCheck, Depends(check_of_path)]


@pages.post("/files/{file_id}/check")
def check_now(db: Tx, who: Filer, settings: Config, archive: FileOfPath) -> Response:
    checks.check_now(db, settings, open_blob_store(settings), archive, who)
    return redirect(f"/app/archive/files/{archive.id}", "checked")


@pages.get("/checks/{check_id}/report")
def report(db: Tx, who: Reader, settings: Config, run: CheckOfPath) -> Response:
    data = checks.read_report(db, open_blob_store(settings), run, who)
    name = quote(f"四性检测报告-{run.id}.pdf")
    disposition = f"inline; filename=\"report.pdf\"; filename*=UTF-8''{name}"
    headers = {"Content-Disposition": disposition, "Cache-Control": "no-store"}
    return Response(data, media_type="application/pdf", headers=headers)


@pages.post("/transfers/{transfer_id}/receipt")
async def receipt(request: Request, transfer_id: RecordId, db: Tx, who: Filer) -> Response:
    data = parse(packages.ReceiptIn, dict(await request.form()))
    transfer = packages.confirm_receipt(db, transfer_id, data, who)
    return redirect(f"/app/archive/files/{transfer.file_id}", "received")


@api.get("/files/{file_id}/checks", summary="案卷的四性检测记录")
def api_checks(db: Db, who: Reader, archive: FileOfPath) -> list[CheckOut]:
    return [CheckOut.of(run) for run in checks.checks_of(db, archive.id)]


@api.post("/files/{file_id}/checks", status_code=201, summary="立即对案卷做四性检测")
def api_check_now(db: Tx, who: Filer, settings: Config, archive: FileOfPath) -> CheckOut:
    return CheckOut.of(checks.check_now(db, settings, open_blob_store(settings), archive, who))


@api.get("/files/{file_id}/transfers", summary="案卷的移交记录")
def api_transfers(db: Db, who: Reader, archive: FileOfPath) -> list[TransferOut]:
    return [TransferOut.of(row) for row in packages.transfers_of(db, archive.id)]


@api.post("/transfers/{transfer_id}/receipt", summary="登记接收方已接收移交包")
def api_receipt(transfer_id: RecordId, data: packages.ReceiptIn, db: Tx, who: Filer) -> TransferOut:
    return TransferOut.of(packages.confirm_receipt(db, transfer_id, data, who))
