"""Staff pages for publishing the 事前公示 catalogue (legal section, `publication.publish`):
each kind's subjects with their publishing state (未公示 / 有新版本待公示 / 已公示当前版本),
publish one or every pending one, take one down with a reason; and the printable
certificate card (PDF with the QR code of the portal's check page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.catalog import certificate_card, publishing
from zhifa.core import certificates
from zhifa.core.auth import Principal
from zhifa.core.errors import NotFound
from zhifa.core.http import Config, Db, RecordId, Tx, redirect, render, require, submit
from zhifa.core.permissions import Permission
from zhifa.publicity import public_snapshots
from zhifa.publicity.models import SNAPSHOT_KIND_LABELS

pages = APIRouter(prefix="/app/catalog", include_in_schema=False)

Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]
Reader = Annotated[Principal, Depends(require(Permission.catalog_read))]

PAGE = "catalog_publish.html"
NOTICES = {
    "published": "已公示，门户网站同步显示。",
    "withdrawn": "已撤下，门户网站显示撤下说明。",
}


def _known(kind: str) -> str:
    if kind not in publishing.KINDS:
        raise NotFound("目录类别不存在")
    return kind


def kind_of_path(kind: str, who: Publisher) -> str:
    """The catalogue kind the path names (404 when there is no such kind)."""
    return _known(kind)


KindOfPath = Annotated[str, Depends(kind_of_path)]


def _context(request: Request, db: Db, kind: str) -> dict[str, Any]:
    rows = [(d, *publishing.state_of(db, d)) for d in publishing.drafts(db, kind)]
    # ?done=published:<how many> after publishing every pending subject
    done = request.query_params.get("done", "")
    return {
        "kind": kind,
        "kinds": {k: SNAPSHOT_KIND_LABELS[k] for k in publishing.KINDS},
        "rows": rows,
        "pending": sum(1 for _, state, _ in rows if state is not publishing.PublishState.current),
        "labels": publishing.PUBLISH_STATE_LABELS,
        "notice": NOTICES.get(done.split(":")[0], ""),
        "count": done.split(":")[1] if ":" in done else "",
        "cards": {v.current.number: v.certificate.id for v in publishing.certificate_views(db)}
        if kind == "officer"
        else {},
    }


def _publish(request: Request, db: Tx, kind: str, done: str, change: Callable[[], Any]) -> Response:
    """Run `change` and go back to the kind's page with the confirmation ``done`` (``{}``
    in it takes what the change returned); a refusal shows the page again with its
    message."""
    return submit(
        request,
        db,
        change,
        page=PAGE,
        context=lambda: _context(request, db, kind),
        then=lambda result: redirect(f"/app/catalog/publish?kind={kind}", done.format(result)),
    )


@pages.get("/publish", response_class=HTMLResponse)
def publish_page(request: Request, db: Db, who: Publisher, kind: str = "power_item") -> Response:
    return render(request, PAGE, error="", **_context(request, db, _known(kind)))


@pages.post("/publish/{kind}", response_class=HTMLResponse)
def publish_pending(request: Request, db: Tx, who: Publisher, kind: KindOfPath) -> Response:
    return _publish(
        request, db, kind, "published:{}", lambda: publishing.publish_pending(db, kind, who)
    )


@pages.post("/publish/{kind}/{subject}", response_class=HTMLResponse)
def publish_one(
    request: Request, db: Tx, who: Publisher, kind: KindOfPath, subject: str
) -> Response:
    return _publish(
        request,
        db,
        kind,
        "published",
        lambda: publishing.publish(db, publishing.draft_for(db, kind, subject), who),
    )


@pages.post("/publish/{kind}/{subject}/withdraw", response_class=HTMLResponse)
def withdraw_one(
    request: Request,
    db: Tx,
    who: Publisher,
    kind: KindOfPath,
    subject: str,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    return _publish(
        request,
        db,
        kind,
        "withdrawn",
        lambda: public_snapshots.withdraw_snapshot(db, kind, subject, who, reason),
    )


@pages.get("/certificates/{certificate_id}/card.pdf")
def certificate_card_pdf(
    db: Db, settings: Config, who: Reader, certificate_id: RecordId
) -> Response:
    view = certificates.get_certificate(db, certificate_id)
    pdf = certificate_card.card_pdf(db, view, settings.public_base_url, settings.bureau_name)
    name = f"certificate-card-{view.current.number}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
