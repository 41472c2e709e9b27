"""The fact sheet of one action: a staff page under the action and its PDF; every read is
logged like the action's own page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.http import PDF_FILE, Config, RecordId, Tx, render, require
from zhifa.core.permissions import Permission
from zhifa.supervision import pdf
from zhifa.supervision.fact_sheet.service import fact_sheet

pages = APIRouter(prefix="/app/actions", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
TEMPLATES = Path(__file__).parent / "templates"


@pages.get("/{action_id}/facts", response_class=HTMLResponse)
def facts_page(
    request: Request, action_id: RecordId, db: Tx, who: Reader, settings: Config
) -> Response:
    sheet = fact_sheet(db, settings, action_id, who)
    log_access(db, who, "action", action_id, "查看舆情应对事实清单", action_id=action_id)
    return render(request, "supervision/fact_sheet.html", sheet=sheet, bureau=settings.bureau_name)


@pages.get("/{action_id}/facts.pdf", responses=PDF_FILE)
def facts_pdf(action_id: RecordId, db: Tx, who: Reader, settings: Config) -> Response:
    sheet = fact_sheet(db, settings, action_id, who)
    log_access(db, who, "action", action_id, "下载舆情应对事实清单PDF", action_id=action_id)
    html = pdf.render_html(
        TEMPLATES, "supervision/fact_sheet_pdf.html", sheet=sheet, bureau=settings.bureau_name
    )
    return Response(
        pdf.to_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=facts-{action_id}.pdf"},
    )
