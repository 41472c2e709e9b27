"""Staff pages for publishing the 事前公示 catalogue (legal section, `publication.publish`):
each kind's subjects with their publishing state (未公示 / 有新版本待公示 / 已公示当前版本),
publish one or every pending one, take one down with a reason; and the printable
certificate card (PDF with the QR code of the portal's check page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zhifa.catalog import certificate_card, publishing
from zhifa.core import certificates
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import Config, Db, RecordId, render, require
from zhifa.core.permissions import Permission
from zhifa.publicity import public_snapshots
from zhifa.publicity.models import SNAPSHOT_KIND_LABELS

pages = APIRouter(prefix="/app/catalog", include_in_schema=False)

Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]
Reader = Annotated[Principal, Depends(require(Permission.catalog_read))]

NOTICES = {
    "published": "已公示，门户网站同步显示。",
    "withdrawn": "已撤下，门户网站显示撤下说明。",
}


def _kind(kind: str) -> str:
    if kind not in publishing.KINDS:
        raise NotFound("目录类别不存在")
    return kind


def _page(request: Request, db: Db, kind: str, status: int = 200, error: str = "") -> Response:
    rows = [(d, *publishing.state_of(db, d)) for d in publishing.drafts(db, kind)]
    done = request.query_params.get("done", "")
    return render(
        request,
        "catalog_publish.html",
        status,
        kind=kind,
        kinds={k: SNAPSHOT_KIND_LABELS[k] for k in publishing.KINDS},
        rows=rows,
        pending=sum(1 for _, state, _ in rows if state is not publishing.PublishState.current),
        labels=publishing.PUBLISH_STATE_LABELS,
        notice=NOTICES.get(done.split(":")[0], ""),
        count=done.split(":")[1] if ":" in done else "",
        error=error,
        cards={v.current.number: v.certificate.id for v in publishing.certificate_views(db)}
        if kind == "officer"
        else {},
    )


@pages.get("/publish", response_class=HTMLResponse)
def publish_page(request: Request, db: Db, who: Publisher, kind: str = "power_item") -> Response:
    return _page(request, db, _kind(kind))


def _back(kind: str, done: str) -> Response:
    return RedirectResponse(f"/app/catalog/publish?kind={kind}&done={done}", status_code=303)


def _attempt(request: Request, db: Db, kind: str, change: Callable[[], object]) -> Response | None:
    """Run `change` and commit, or roll back and show the page with the refusal."""
    try:
        change()
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _page(request, db, kind, exc.status_code, exc.message)
    return None


@pages.post("/publish/{kind}", response_class=HTMLResponse)
def publish_pending(request: Request, db: Db, who: Publisher, kind: str) -> Response:
    kind = _kind(kind)
    counted: list[int] = []
    refused = _attempt(
        request, db, kind, lambda: counted.append(publishing.publish_pending(db, kind, who))
    )
    return refused or _back(kind, f"published:{counted[0]}")


@pages.post("/publish/{kind}/{subject}", response_class=HTMLResponse)
def publish_one(request: Request, db: Db, who: Publisher, kind: str, subject: str) -> Response:
    kind = _kind(kind)
    refused = _attempt(
        request,
        db,
        kind,
        lambda: publishing.publish(db, publishing.draft_for(db, kind, subject), who),
    )
    return refused or _back(kind, "published")


@pages.post("/publish/{kind}/{subject}/withdraw", response_class=HTMLResponse)
def withdraw_one(
    request: Request,
    db: Db,
    who: Publisher,
    kind: str,
    subject: str,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    kind = _kind(kind)
    refused = _attempt(
        request,
        db,
        kind,
        lambda: public_snapshots.withdraw_snapshot(db, kind, subject, who, reason),
    )
    return refused or _back(kind, "withdrawn")


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
