"""The public verification page (/verify/document), served by the app and by the portal
process alike: it reads `PublicDocument` only (`verification`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.core.errors import DomainError
from zhifa.core.http import Config, Db, render
from zhifa.recording.documents.verification import verify_digest

public = APIRouter(include_in_schema=False)


@public.get("/verify/document", response_class=HTMLResponse)
def verify_page(request: Request, db: Db, settings: Config, digest: str = "") -> Response:
    result, error, status = None, None, 200
    if digest.strip():
        try:
            result = verify_digest(db, settings.bureau_name, digest)
            status = 200 if result is not None else 404
        except DomainError as exc:
            error, status = exc.message, exc.status_code
    return render(
        request,
        "document_verify.html",
        status,
        digest=digest.strip(),
        result=result,
        searched=bool(digest.strip()) and error is None,
        error=error,
    )
