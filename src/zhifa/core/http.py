"""HTTP plumbing every feature's routes use: database session and its transaction, who is
asking, the permission check (with CSRF for browser sessions), page rendering and the one
way a page form is submitted.

Route modules never commit or roll back themselves: a handler that changes something takes
`Tx` (its work is committed when it returns, before the answer is sent; undone when it
raises), and a page form goes through `submit` (a refusal undoes the change and shows the
form again with the message beside its field; success redirects).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Iterator, Mapping
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal, principal_from_session, principal_from_token
from zhifa.core.clock import SHANGHAI, people_date, people_datetime
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError, Forbidden, NotAuthenticated
from zhifa.core.permissions import ROLE_LABELS, Permission
from zhifa.core.settings import Settings
from zhifa.core.time_limits import verification_badge
from zhifa.core.validation import MAX_RECORD_ID
from zhifa.core.validation import BodyRecordId as BodyRecordId  # re-exported for route modules
from zhifa.ledger import Signer

SESSION_COOKIE = "zhifa_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_T = TypeVar("_T")


def _template_dirs() -> list[Path]:
    # Each feature (and sub-feature, e.g. recording/documents) keeps its own templates/;
    # the web shell's layout comes first.
    root = Path(str(resources.files("zhifa")))
    web = root / "web" / "templates"
    return [web, *sorted(p for p in root.glob("**/templates") if p.is_dir() and p != web)]


templates = Jinja2Templates(
    env=Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in _template_dirs()]),
        autoescape=True,
    )
)
templates.env.globals["ROLE_LABELS"] = ROLE_LABELS
templates.env.globals["now_utc"] = utcnow


def _localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    # Everything is stored in UTC; people read Beijing time, and a date in the one format
    # people read (2026年12月7日 14:05), whatever ISO-style format a template still asks.
    if not value:
        return ""
    local = value.astimezone(SHANGHAI)
    if fmt.startswith("%Y-%m-%d"):
        return people_date(local) + local.strftime(fmt[len("%Y-%m-%d") :])
    return local.strftime(fmt)


templates.env.filters["localtime"] = _localtime
# The one date format for people (2026年12月7日), on every page.
templates.env.filters["cn_date"] = people_date
templates.env.filters["cn_datetime"] = people_datetime
# A rule's verification status as a short badge, the full status behind it.
templates.env.globals["verification_badge"] = verification_badge


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_db(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()  # anything the handler did not commit is undone
        session.close()


def get_tx(db: Annotated[Session, Depends(get_db)]) -> Iterator[Session]:
    """The request's session, committed when the handler returns. Declared with
    ``scope="function"`` so the commit runs before the answer is sent: a failed commit is
    an error the caller sees, never a success that was not kept."""
    yield db
    db.commit()


# The request's database session and settings, as route parameters: `Db` reads (anything
# left uncommitted is undone), `Tx` changes (committed when the handler returns).
Db = Annotated[Session, Depends(get_db)]
Tx = Annotated[Session, Depends(get_tx, scope="function")]
Config = Annotated[Settings, Depends(get_settings)]


def get_ledger_signer(request: Request) -> Signer:
    """The process's checkpoint signer (loaded once by the app factory)."""
    return request.app.state.ledger_signer  # type: ignore[no-any-return]


LedgerSigner = Annotated[Signer, Depends(get_ledger_signer)]

# ---- bounded integers at the edge ---------------------------------------------------------
# An integer a request names is checked against what the column can hold before any query
# runs: a larger one is a 422, not an overflow in the database driver (a 500). Primary and
# foreign keys are INTEGER (PostgreSQL int4: MAX_RECORD_ID); the ledger's indexes are BIGINT.
MAX_LEDGER_INDEX = 2**63 - 1
MAX_PAGE = 100_000  # a list's page number: (page - 1) × page size stays far inside int8

# A record's id in the path and in the query (an optional filter); in a body or form model
# it is `BodyRecordId` (core.validation, re-exported here).
RecordId = Annotated[int, PathParam(ge=1, le=MAX_RECORD_ID, examples=[1])]
RecordIdQuery = Annotated[int | None, Query(ge=1, le=MAX_RECORD_ID)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]


# The answers of routes that send a file instead of JSON, as the OpenAPI schema shows them
# (with ``response_class=Response``, so that no JSON body is declared).
_MEDIA = {"image/*": {}, "audio/*": {}, "video/*": {}}
PDF_FILE: dict[int | str, dict[str, Any]] = {
    200: {"description": "PDF 文件", "content": {"application/pdf": {}}}
}
JPEG_FILE: dict[int | str, dict[str, Any]] = {
    200: {"description": "JPEG 图像", "content": {"image/jpeg": {}}}
}
MEDIA_FILE: dict[int | str, dict[str, Any]] = {
    200: {"description": "照片、音频或视音频文件", "content": _MEDIA},
    206: {"description": "文件中请求的字节范围（Range）", "content": _MEDIA},
    416: {"description": "请求的字节范围无法满足", "content": {"application/json": {}}},
}


def record_id_or_none(value: str) -> int | None:
    """A record id typed as text (a form field, a lenient query string), or None when it
    is not one a column can hold."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_RECORD_ID)):
        return None  # int() of a few thousand digits would raise, and is no id anyway
    number = int(text)
    return number if 1 <= number <= MAX_RECORD_ID else None


def current_principal(request: Request, db: Session = Depends(get_db)) -> Principal | None:
    if "principal" in request.state._state:
        return request.state.principal  # type: ignore[no-any-return]
    principal = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = principal_from_token(db, header[7:].strip())
        if principal is None:
            raise NotAuthenticated("API 令牌无效或已吊销")
    elif token := request.cookies.get(SESSION_COOKIE):
        principal = principal_from_session(db, token)
        # End the read at once: on SQLite it holds the write lock, and a form upload may
        # take a while to read before the handler runs.
        db.rollback()
    request.state.principal = principal
    return principal


async def _check_csrf(request: Request, principal: Principal) -> None:
    if request.method in SAFE_METHODS or principal.via_token:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD, ""))
    if not sent or not secrets.compare_digest(sent, principal.csrf_token or ""):
        raise Forbidden("表单已失效（CSRF 校验失败），请刷新页面后重试")


PermissionCheck = Callable[..., Coroutine[Any, Any, Principal]]


def require(permission: Permission) -> PermissionCheck:
    """Dependency: the caller is signed in, holds ``permission`` and, for a browser
    session changing state, sent the session's CSRF token."""

    async def check(
        request: Request, principal: Principal | None = Depends(current_principal)
    ) -> Principal:
        if principal is None:
            raise NotAuthenticated("请先登录")
        if not principal.can(permission):
            raise Forbidden("您没有执行此操作的权限")
        await _check_csrf(request, principal)
        return principal

    check.zhifa_permission = permission  # type: ignore[attr-defined]
    return check


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    context.setdefault("principal", principal)
    context.setdefault("csrf_token", principal.csrf_token if principal else "")
    context.setdefault("settings", request.app.state.settings)
    return templates.TemplateResponse(request, template, context, status_code=status_code)


# ---- page forms ------------------------------------------------------------------------------


async def form_values(
    request: Request, keys: tuple[str, ...] | None = None, *, trim: bool = True
) -> dict[str, str]:
    """A posted form's text fields: the ``keys`` asked for (missing ones empty), or every
    text field. Trimmed, unless the service is to judge them as typed (``trim=False``).
    Files are left to the handler."""
    form = await request.form()
    if keys is None:
        keys = tuple(k for k, v in form.items() if isinstance(v, str))
    values = {k: str(form.get(k, "")) for k in keys}
    return {k: v.strip() for k, v in values.items()} if trim else values


def form_record_id(value: object, field: str, what: str = "编号") -> int | None:
    """An optional record id typed into a form: None when empty, a refusal naming the
    field (and saying ``what`` it is) when it is not one."""
    text = str(value or "").strip() if isinstance(value, str | None) else "-"
    if not text:
        return None
    number = record_id_or_none(text)
    if number is None:
        raise DomainError(f"{what}须为正整数", field)
    return number


def notice_of(request: Request, notices: Mapping[str, str]) -> str | None:
    """The confirmation a redirect asked for with ``?done=<key>``."""
    return notices.get(request.query_params.get("done", ""))


def redirect(path: str, done: str | None = None) -> RedirectResponse:
    """Go on to ``path`` after a change (303, so a reload does not post again), with the
    key of the confirmation to show there."""
    separator = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{separator}done={done}" if done else path, status_code=303)


def attempt(
    db: Session,
    change: Callable[[], _T],
    *,
    refused: Callable[[DomainError], Response],
    then: Callable[[_T], Response],
) -> Response:
    """Run ``change``. Refused (a `DomainError`, also one raised while its rows are
    written): everything it did is undone and ``refused(error)`` answers, built after the
    undo. Accepted: ``then(result)``; the `Tx` session commits when the handler returns."""
    try:
        result = change()
        db.flush()
    except DomainError as exc:
        db.rollback()
        return refused(exc)
    return then(result)


def submit(
    request: Request,
    db: Session,
    change: Callable[[], _T],
    *,
    page: str,
    context: Callable[[], Mapping[str, Any]],
    then: Callable[[_T], Response],
) -> Response:
    """A page form's `attempt`: a refusal shows ``page`` again with the refusal's message
    and field, its context built afresh after the undo; success is ``then(result)``,
    usually a `redirect`."""

    def refused(exc: DomainError) -> Response:
        return render(
            request,
            page,
            exc.status_code,
            error=exc.message,
            error_field=exc.field,
            errors=exc.errors,
            **context(),
        )

    return attempt(db, change, refused=refused, then=then)
