"""The app factory: one FastAPI app serving the internal app (/app), the JSON API
(/api/v1) and the public portal (/)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhifa import __version__
from zhifa.core.access import ClientAddress
from zhifa.core.auth import Principal
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.errors import DomainError
from zhifa.core.features import load_features, load_router
from zhifa.core.http import get_db, render, require, templates
from zhifa.core.jobs import JobRunner
from zhifa.core.keys import load_ledger_signer, load_ledger_verifier
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.validation import describe
from zhifa.web.api_docs import JSON_PREFIXES, install_api_docs
from zhifa.web.navigation import nav_chapters

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"

# The portal's own pages and the public log (web's own; served by both apps, first).
WEB_PORTAL_ROUTERS = (
    "zhifa.web.portal:router",
    "zhifa.web.portal_catalog:router",
    "zhifa.web.portal_figures:router",
    "zhifa.web.portal_inspection:router",
    "zhifa.web.transparency:router",
)

HTTP_MESSAGES = {
    404: "您访问的页面不存在。",
    405: "不支持此请求方法。",
    413: "上传的内容过大。",
}

templates.env.globals["nav_chapters"] = nav_chapters


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def _error_response(request: Request, status: int, message: str, field: str | None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message, "field": field}, status_code=status)
    if status == 401:
        return RedirectResponse(f"/app/login?next={request.url.path}", status_code=303)
    heading = {403: "无权访问", 404: "页面不存在", 401: "请先登录"}.get(status, "请求有误")
    return render(request, "error.html", status, heading=heading, message=message)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return _error_response(request, exc.status_code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        error = describe(exc.errors())
        # The public log's contract is a plain 400 for any bad parameter.
        status = 400 if request.url.path.startswith("/log/") else 422
        return _error_response(request, status, error.message, error.field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, "请求无法处理。")
        return _error_response(request, exc.status_code, message, None)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return _error_response(request, 500, "系统内部错误，请稍后重试或联系管理员。", None)


def _install_pages(app: FastAPI) -> None:
    @app.get("/app", response_class=HTMLResponse, include_in_schema=False)
    def app_home(
        request: Request,
        db: Annotated[Session, Depends(get_db)],
        who: Annotated[Principal, Depends(require(Permission.app_use))],
    ) -> Response:
        from zhifa.web.dashboard import dashboard_figures

        return render(request, "app_home.html", figures=dashboard_figures(db, who))


def _install_health(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz(db: Annotated[Session, Depends(get_db)]) -> dict[str, str]:
        db.execute(select(func.count()).select_from(select(1).subquery()))
        return {"status": "ok", "version": __version__}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    runner = None
    if app.state.settings.jobs_in_process:  # the embedded default: one process does it all
        runner = JobRunner(app.state.session_factory, app.state.settings)
        runner.start()
    yield
    if runner is not None:
        runner.stop()
    app.state.engine.dispose()


def create_app(settings: Settings) -> FastAPI:
    """The whole app. With ``settings.jobs_in_process`` (the default) it runs the scheduled
    jobs in a thread while it serves; `zhifa serve --no-jobs` leaves them to `zhifa worker`."""
    registry = load_features()
    app = FastAPI(
        title="zhifa 执法全过程记录与公示平台 API",
        version=__version__,
        docs_url=None,  # both served by web.api_docs, as the api_docs setting allows
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan,
    )
    engine = make_engine(settings.resolved_database_url)
    app.state.settings = settings
    app.state.engine = engine
    # The actor key: staff acts reach the public ledger under pseudonyms (core.audit).
    app.state.session_factory = make_session_factory(engine, actor_key=settings.ledger_actor_key())
    app.state.ledger_signer = load_ledger_signer(settings)
    app.state.ledger_verifier = app.state.ledger_signer.verifier()
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_pages(app)
    _install_health(app)
    for router in (*WEB_PORTAL_ROUTERS, *registry.routers):
        app.include_router(load_router(router))
    install_api_docs(app)

    app.add_middleware(SecurityHeaders)
    # The address every access log row, rate limit and sign-in log records.
    app.add_middleware(ClientAddress, trusted_proxies=settings.trusted_proxies)
    return app


@asynccontextmanager
async def _portal_lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.engine.dispose()


def create_portal_app(settings: Settings) -> FastAPI:
    """The public portal alone (`zhifa serve --portal-only`): the portal's routes, the
    public log its pages link to (/log/*, with the ledger's public key only, from
    `ledger.pub`), the public routes the features declare (`portal_routes`), static files
    and /healthz. Its engine refuses any statement
    naming a table outside the portal's allow-list, and any write to a table allowed for
    reading only (invariant 4). On SQLite its transactions begin IMMEDIATE like the app's:
    the correction intake and the certificate lookup read, then write.
    /verify/document is one of those public routes: it reads `public_document`, the
    public facts of issued documents, never the internal `document` table."""
    from zhifa.core.schema import all_metadata
    from zhifa.web import portal

    registry = load_features()
    verifier = load_ledger_verifier(settings)  # first: without its key file, start nothing
    app = FastAPI(
        title="zhifa 行政执法公示门户",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_portal_lifespan,
    )
    engine = make_engine(settings.resolved_database_url)  # it writes too: see make_engine
    known = frozenset(name for metadata in all_metadata() for name in metadata.tables)
    portal.TableGuard(known, portal.allowed_tables()).install(engine)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.ledger_verifier = verifier
    app.state.portal_only = True
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_health(app)
    for router in (*WEB_PORTAL_ROUTERS, *(routes.router for routes in registry.portal_routes)):
        app.include_router(load_router(router))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ClientAddress, trusted_proxies=settings.trusted_proxies)
    return app


class SecurityHeaders:
    """Adds the security headers to every response. A plain ASGI middleware: the
    decorator kind wraps every body in extra tasks, which cost large uploads dearly."""

    _COMMON = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    )
    _CSP = (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; media-src 'self'; "
        b"style-src 'self' 'unsafe-inline'",
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The API documentation page loads its own inline scripts.
        extra = () if scope["path"].startswith("/api/docs") else (self._CSP,)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [h for h in (*self._COMMON, *extra) if h[0] not in present]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with_headers)
