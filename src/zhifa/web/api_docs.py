"""The API's description of itself: who may read it (setting ``api_docs``: ``public``,
``staff`` — the default — or ``off``), and the error answers every operation can give,
declared once here instead of on each route.

Every refusal is rendered by the app's error handlers (``web.app``): JSON
``{"detail": "<中文说明>", "field": <字段或 null>}`` under ``/api/`` and ``/log/``, the error
page (HTML) elsewhere. The schema says so for each operation, so that a client — and the
fuzz test — can tell a declared refusal from a broken one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from zhifa.core.auth import Principal
from zhifa.core.errors import NotAuthenticated, NotFound
from zhifa.core.http import current_principal, get_settings
from zhifa.core.settings import Settings

OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
# Paths whose refusals are JSON (the rest are pages): the app's error handlers use it too.
JSON_PREFIXES = ("/api/", "/log/")

# The refusals any operation may answer with (core.errors), and what each means.
ERROR_STATUSES: dict[int, str] = {
    400: "请求有误（detail 说明原因）",
    401: "未登录，或 API 令牌无效、已吊销",
    403: "无权执行此操作",
    404: "记录不存在，或无权查看",
    409: "与记录的当前状态冲突",
    413: "上传的内容过大",
    422: "输入未通过校验（detail 说明原因，field 指明字段）",
    429: "请求过于频繁，请稍后再试",
}
# Answers of particular operations, by path prefix: the tus protocol's statuses
# (recording.media.tus), a withdrawn or expired publication and a withdrawn certificate
# on the portal. A key names a path and everything below it.
EXTRA_STATUSES: dict[str, dict[int, str]] = {
    "/api/v1/uploads": {
        410: "上传已终止或已过期",
        412: "Tus-Resumable 版本不受支持",
        415: "内容类型应为 application/offset+octet-stream",
        423: "该上传正被另一请求写入",
        460: "数据校验和不符",
        507: "存储空间不足",
    },
    "/p": {410: "公示信息已撤下或公示期已满"},
    "/c": {410: "执法证已注销或失效"},
}
# Answers without a body: tus's capability answer (OPTIONS) is a 204.
EMPTY_STATUSES: dict[str, dict[int, str]] = {"/api/v1/uploads": {204: "服务器能力（见响应头）"}}


class ErrorOut(BaseModel):
    """A refusal: what went wrong, in Chinese, and the field it concerns (if any)."""

    detail: str
    field: str | None = None


_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def _answer(description: str, json: bool | None) -> dict[str, Any]:
    if json is None:  # no body: a HEAD request, or a 204
        return {"description": description}
    content = {"application/json": {"schema": _ERROR_REF}} if json else {"text/html": {}}
    return {"description": description, "content": content}


def _answers_json(path: str, operation: dict[str, Any]) -> bool:
    # The error handlers answer JSON under /api/ and /log/; elsewhere a route that answers
    # JSON itself (the portal's /p/<id>.json) refuses in JSON too.
    success = operation.get("responses", {}).get("200", {}).get("content", {})
    return path.startswith(JSON_PREFIXES) or list(success) == ["application/json"]


def _statuses(path: str, table: dict[str, dict[int, str]]) -> dict[int, str]:
    found: dict[int, str] = {}
    for prefix, statuses in table.items():
        if path == prefix or path.startswith(prefix + "/"):
            found |= statuses
    return found


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared refusals to every operation of ``schema`` (in place; idempotent).
    An answer a route declares itself is kept, except FastAPI's own 422, whose shape
    (a list of pydantic errors) is not what the app sends."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema()
    for path, operations in schema.get("paths", {}).items():
        errors = ERROR_STATUSES | _statuses(path, EXTRA_STATUSES)
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if _FASTAPI_422 in str(responses.get("422", "")):
                del responses["422"]
            if method == "head":  # an answer to HEAD never has a body
                for answer in responses.values():
                    answer.pop("content", None)
            json = None if method == "head" else _answers_json(path, operation)
            for status, description in errors.items():
                responses.setdefault(str(status), _answer(description, json))
            for status, description in _statuses(path, EMPTY_STATUSES).items():
                responses.setdefault(str(status), _answer(description, None))
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused not in str(schema.get("paths", {})):
            components.pop(unused, None)
    return schema


def may_read_docs(
    settings: Annotated[Settings, Depends(get_settings)],
    principal: Annotated[Principal | None, Depends(current_principal)],
) -> None:
    """Dependency: may this caller read the description? 404 when it is off, 401 for an
    anonymous caller when it is for staff only."""
    if settings.api_docs == "off":
        raise NotFound("接口文档未开放")
    if settings.api_docs == "staff" and principal is None:
        raise NotAuthenticated("接口文档仅供登录的工作人员查看，请先登录")


def install_api_docs(app: FastAPI) -> None:
    """Serve the schema and Swagger UI under the ``api_docs`` setting, with the shared
    refusals declared (the app is created with ``openapi_url=None, docs_url=None``)."""
    generate = app.openapi
    app.openapi = lambda: declare_errors(generate())  # type: ignore[method-assign]
    reader = Depends(may_read_docs)

    @app.get(OPENAPI_URL, include_in_schema=False, dependencies=[reader])
    def openapi_json() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get(DOCS_URL, include_in_schema=False, dependencies=[reader])
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=f"{app.title} — 接口文档")
