"""Staff pages of the publication channels (/app/publicity): the channels (enable /
disable), deliveries with their receipts and errors (retry), a publication's WeChat
article, and the 信用中国 export batches with their files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import Conflict, NotFound
from zhifa.core.http import (
    Config,
    Db,
    RecordId,
    RecordIdQuery,
    Tx,
    form_values,
    redirect,
    render,
    require,
)
from zhifa.core.permissions import Permission
from zhifa.publicity import outbox
from zhifa.publicity.channels import credit_export, registry, wechat
from zhifa.publicity.channels.base import OUTBOX_EVENT_LABELS
from zhifa.publicity.models import (
    DELIVERY_STATUS_LABELS,
    Channel,
    CreditBatchStatus,
    CreditExportBatch,
    CreditExportRow,
    Delivery,
    DeliveryStatus,
    OutboxMessage,
)
from zhifa.publicity.routes import PublicationOfPath, Reader
from zhifa.publicity.rules import KIND_LABELS
from zhifa.publicity.schemas import DeliveryOut

pages = APIRouter(prefix="/app/publicity", include_in_schema=False)
api = APIRouter(prefix="/api/v1/publicity", tags=["公示渠道"])

Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]
Admin = Annotated[Principal, Depends(require(Permission.channel_admin))]

PAGE_SIZE = 200


# ---- channels -------------------------------------------------------------------------------


@pages.get("/channels", response_class=HTMLResponse)
def channels_page(request: Request, db: Db, settings: Config, who: Reader) -> Response:
    rows = list(db.scalars(select(Channel).order_by(Channel.id)))
    counts = dict(
        db.execute(
            select(Delivery.channel_id, func.count())
            .where(Delivery.status != DeliveryStatus.delivered)
            .group_by(Delivery.channel_id)
        ).all()
    )
    return render(
        request,
        "channel_list.html",
        channels=rows,
        kinds=registry.KIND_LABELS,
        configured={c.id: registry.configured(c, settings) for c in rows},
        signed={c.id: bool(settings.channel_secrets.get(c.code)) for c in rows},
        open_counts=counts,
    )


@pages.post("/channels/{channel_id}/enabled")
async def channel_enable(
    request: Request, db: Tx, settings: Config, who: Admin, channel_id: RecordId
) -> Response:
    enable = (await form_values(request, ("enabled",)))["enabled"] == "1"
    registry.set_enabled(db, settings, channel_id, enable, who)
    return redirect("/app/publicity/channels")


# ---- deliveries -----------------------------------------------------------------------------


def _deliveries(
    db: Session, status: DeliveryStatus | None, channel_id: int | None, publication_id: int | None
) -> list[tuple[Delivery, OutboxMessage, Channel]]:
    query = (
        select(Delivery, OutboxMessage, Channel)
        .join(OutboxMessage, OutboxMessage.id == Delivery.message_id)
        .join(Channel, Channel.id == Delivery.channel_id)
    )
    if status is not None:
        query = query.where(Delivery.status == status)
    if channel_id is not None:
        query = query.where(Delivery.channel_id == channel_id)
    if publication_id is not None:
        query = query.where(OutboxMessage.publication_id == publication_id)
    query = query.order_by(Delivery.id.desc()).limit(PAGE_SIZE)
    return [(d, m, c) for d, m, c in db.execute(query).all()]


@pages.get("/deliveries", response_class=HTMLResponse)
def deliveries_page(
    request: Request,
    db: Db,
    who: Reader,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    channel: RecordIdQuery = None,
    publication: RecordIdQuery = None,
) -> Response:
    totals = dict(db.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
    return render(
        request,
        "delivery_list.html",
        rows=_deliveries(db, status, channel, publication),
        status=status,
        channel=channel,
        publication=publication,
        channels=list(db.scalars(select(Channel).order_by(Channel.id))),
        totals={s.value: totals.get(s, 0) for s in DeliveryStatus},
        labels=DELIVERY_STATUS_LABELS,
        events=OUTBOX_EVENT_LABELS,
        page_size=PAGE_SIZE,
    )


def _delivery_out(db: Session, delivery: Delivery) -> DeliveryOut:
    message = db.get(OutboxMessage, delivery.message_id)
    channel = db.get(Channel, delivery.channel_id)
    assert message is not None and channel is not None
    return DeliveryOut.of(delivery, message, channel)


@api.get("/deliveries")
def deliveries_api(
    db: Db,
    who: Reader,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    channel: RecordIdQuery = None,
    publication: RecordIdQuery = None,
) -> list[DeliveryOut]:
    """The newest deliveries (at most 200), filtered by status, channel and publication."""
    return [DeliveryOut.of(*row) for row in _deliveries(db, status, channel, publication)]


@api.post("/deliveries/{delivery_id}/retry")
def delivery_retry_api(db: Tx, who: Publisher, delivery_id: RecordId) -> DeliveryOut:
    return _delivery_out(db, outbox.retry(db, delivery_id, who))


@pages.post("/deliveries/{delivery_id}/retry")
def delivery_retry(request: Request, db: Tx, who: Publisher, delivery_id: RecordId) -> Response:
    outbox.retry(db, delivery_id, who)
    return redirect(request.headers.get("referer") or "/app/publicity/deliveries")


# ---- the WeChat article -----------------------------------------------------------------------


@pages.get("/publications/{publication_id}/wechat", response_class=HTMLResponse)
def wechat_page(request: Request, who: Reader, pub: PublicationOfPath, db: Db) -> Response:
    message = db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.publication_id == pub.id)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    if message is None:
        raise Conflict("该公示尚未发布，没有可发布的文章")
    outgoing = outbox.outgoing_message(db, message, "")
    html = wechat.article_html(outgoing)
    return render(
        request,
        "wechat_article_page.html",
        pub=pub,
        title=wechat.article_title(outgoing),
        html=html,
        preview=Markup(html),  # noqa: S704 - our own template's output, values escaped in it
        event=OUTBOX_EVENT_LABELS[outgoing.event],
    )


# ---- 信用中国 export batches --------------------------------------------------------------------


@pages.get("/credit-exports", response_class=HTMLResponse)
def credit_exports_page(request: Request, db: Db, who: Reader) -> Response:
    batches = list(db.scalars(select(CreditExportBatch).order_by(CreditExportBatch.id.desc())))
    counts = {
        (batch_id, kind): n
        for batch_id, kind, n in db.execute(
            select(CreditExportRow.batch_id, CreditExportRow.kind, func.count()).group_by(
                CreditExportRow.batch_id, CreditExportRow.kind
            )
        ).all()
    }
    return render(
        request,
        "channel_credit_exports.html",
        batches=batches,
        counts=counts,
        kinds={k: KIND_LABELS[k] for k in credit_export.EXPORTED_KINDS},
        open_status=CreditBatchStatus.open,
    )


@pages.post("/credit-exports/close")
def credit_export_close(db: Tx, settings: Config, who: Publisher) -> Response:
    credit_export.close_batch(db, open_blob_store(settings), settings.blob_max_bytes, who)
    return redirect("/app/publicity/credit-exports")


_MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@pages.get("/credit-exports/{batch_id}/files/{name}")
def credit_export_file(
    db: Tx, settings: Config, who: Publisher, batch_id: RecordId, name: str
) -> Response:
    batch = db.get(CreditExportBatch, batch_id)
    digest = (batch.files or {}).get(name) if batch is not None else None
    if batch is None or digest is None:
        raise NotFound("报送文件不存在")
    log_access(db, who, "credit_export", f"{batch.id}/{name}", "下载信用中国报送文件")
    with open_blob_store(settings).open(digest) as stream:
        data = stream.read()
    suffix = name[name.rfind(".") :]
    return Response(
        data,
        media_type=_MEDIA_TYPES.get(suffix, "application/octet-stream"),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
