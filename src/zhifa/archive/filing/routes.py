"""Pages and JSON API of filing (归档): the closed cases due to be filed (待归档, 已逾期, by
the 归档时间 of the rule table), the files filed, filing a case, an archive file with its
卷内目录 (every read logged), and the 档号 scheme with a preview of its 档号."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.archive.checks.service import checks_of
from zhifa.archive.filing import reading, rules
from zhifa.archive.filing import service as filing
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile
from zhifa.archive.filing.schemas import DueCaseOut, FileOut, SchemeOut
from zhifa.archive.packages.service import transfers_of
from zhifa.archive.retention import service as retention
from zhifa.archive.retention.rules import Period
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import NotFound
from zhifa.core.http import (
    Config,
    Db,
    RecordId,
    Tx,
    form_values,
    notice_of,
    redirect,
    render,
    require,
)
from zhifa.core.http import submit as submit_form
from zhifa.core.permissions import Permission
from zhifa.core.time_limits import limit
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/archive", include_in_schema=False)
api = APIRouter(prefix="/api/v1/archive", tags=["档案：归档"])

Reader = Annotated[Principal, Depends(require(Permission.archive_read))]
Filer = Annotated[Principal, Depends(require(Permission.archive_file))]
SchemeWriter = Annotated[Principal, Depends(require(Permission.archive_schedule_write))]

NOTICES = {
    "filed": (
        "已归档：案卷已编制档号，卷内文件按卷内目录排列，记入不可篡改日志；"
        "归档环节的四性检测结果见下方。"
    ),
    "checked": "四性检测已完成，检测报告已保存并记入不可篡改日志。",
    "received": "已登记接收方接收了移交包。",
    "scheme": "档号规则已更新：此后归档的案卷按新规则编号，已归档的案卷档号不变。",
}
SCHEME_FIELDS = (
    "fonds", "fonds_name", "category", "org_code", "code_pattern", "seq_width", "reason",
)  # fmt: skip


def file_of_path(file_id: RecordId, db: Db, who: Reader) -> ArchiveFile:
    """The archive file the path names (404 when there is none)."""
    return filing.get_file(db, file_id)


FileOfPath = Annotated[ArchiveFile, Depends(file_of_path)]


def _list_context(db: Session, request: Request) -> dict[str, Any]:
    due = filing.cases_to_file(db)
    return {
        "due": [row for row in due if not row.overdue],
        "overdue": [row for row in due if row.overdue],
        "filed": filing.filed_files(db),
        "in_force": retention.in_force(db),
        "pending": any(v.status == "proposed" for v in retention.versions(db)),
        "scheme": filing.current_scheme(db),
        "filing_rule": limit(filing.FILING_LIMIT),
        "period_of": lambda f: Period(f.period_kind, f.period_n),
        "filed_on": filing.filed_on,
        "notice": notice_of(request, NOTICES),
    }


def _scheme_values(scheme: ArchiveCodeScheme | None) -> dict[str, str]:
    """The form's values: the scheme in force, or the default pattern for a first one."""
    if scheme is None:
        return {"code_pattern": rules.DEFAULT_PATTERN, "seq_width": "4"}
    return {
        "fonds": scheme.fonds, "fonds_name": scheme.fonds_name, "category": scheme.category,
        "org_code": scheme.org_code, "code_pattern": scheme.pattern,
        "seq_width": str(scheme.seq_width),
    }  # fmt: skip


def _scheme_context(db: Session, request: Request, values: dict[str, str] | None) -> dict[str, Any]:
    scheme = filing.current_scheme(db)
    shown = values or _scheme_values(scheme)
    return {
        "scheme": scheme,
        "schemes": filing.schemes(db),
        "values": shown,
        "example": _example(shown),
        "placeholders": rules.PLACEHOLDER_HELP,
        "required": rules.REQUIRED_PLACEHOLDERS,
        "people": retention.people(db),
        "notice": notice_of(request, NOTICES),
    }


def _example(values: dict[str, str]) -> str:
    width = values.get("seq_width", "")
    return rules.example_code(
        values.get("code_pattern", ""),
        values.get("fonds", ""),
        values.get("category", ""),
        values.get("org_code", ""),
        int(width) if width.isdigit() and len(width) < 3 else 4,
    )


# ---- pages -----------------------------------------------------------------------------------


@pages.get("", response_class=HTMLResponse)
def filing_page(request: Request, db: Db, who: Reader) -> Response:
    return render(request, "archive/filing.html", **_list_context(db, request))


@pages.post("/cases/{action_id}/file", response_class=HTMLResponse)
def file_submit(
    request: Request, action_id: RecordId, db: Tx, who: Filer, settings: Config
) -> Response:
    return submit_form(
        request,
        db,
        lambda: filing.file_and_check(db, settings, open_blob_store(settings), action_id, who),
        page="archive/filing.html",
        context=lambda: _list_context(db, request),
        then=lambda archive: redirect(f"/app/archive/files/{archive.id}", "filed"),
    )


@pages.get("/files/{file_id}", response_class=HTMLResponse)
def file_page(request: Request, db: Tx, who: Reader, archive: FileOfPath) -> Response:
    view = reading.file_view(db, archive, who)
    reading.log_read(db, who, view)
    context = {
        "view": view,
        "people": retention.people(db),
        "notice": notice_of(request, NOTICES),
        "checks": checks_of(db, archive.id),
        "transfers": transfers_of(db, archive.id),
    }
    return render(request, "archive/file.html", **context)


@pages.get("/scheme", response_class=HTMLResponse)
def scheme_page(request: Request, db: Db, who: Reader) -> Response:
    return render(request, "archive/scheme.html", **_scheme_context(db, request, None))


@pages.get("/scheme/preview", response_class=HTMLResponse)
def scheme_preview(request: Request, who: Reader) -> Response:
    """The example 档号 of the form as it is being filled in (htmx)."""
    values = dict(request.query_params)
    return render(request, "archive/_scheme_example.html", example=_example(values))


@pages.post("/scheme", response_class=HTMLResponse)
async def scheme_submit(request: Request, db: Tx, who: SchemeWriter) -> Response:
    values = await form_values(request, SCHEME_FIELDS)
    return submit_form(
        request,
        db,
        lambda: filing.set_scheme(db, parse(filing.SchemeIn, values), who),
        page="archive/scheme.html",
        context=lambda: _scheme_context(db, request, values),
        then=lambda _: redirect("/app/archive/scheme", "scheme"),
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.get("/due", summary="待归档的办结案件（含归档期限、是否逾期）")
def api_due(db: Db, who: Reader) -> list[DueCaseOut]:
    return [DueCaseOut.of(row) for row in filing.cases_to_file(db)]


@api.post("/cases/{action_id}/file", status_code=201, summary="将办结案件归档（编制档号）")
def api_file(action_id: RecordId, db: Tx, who: Filer, settings: Config) -> FileOut:
    return FileOut.of(
        filing.file_and_check(db, settings, open_blob_store(settings), action_id, who)
    )


@api.get("/files", summary="已归档的案卷")
def api_files(db: Db, who: Reader) -> list[FileOut]:
    return [FileOut.of(row) for row in filing.filed_files(db)]


@api.get("/files/{file_id}", summary="案卷及卷内目录（调阅留痕）")
def api_file_read(db: Tx, who: Reader, archive: FileOfPath) -> FileOut:
    view = reading.file_view(db, archive, who)
    reading.log_read(db, who, view, via="api")
    return FileOut.of(archive, view)


@api.get("/scheme", summary="现行档号规则")
def api_scheme(db: Db, who: Reader) -> SchemeOut:
    scheme = filing.current_scheme(db)
    if scheme is None:
        raise NotFound("尚未设置档号规则")
    return SchemeOut.of(scheme)


@api.put("/scheme", summary="设置档号规则（全宗号、门类代码、机构代码、档号格式）")
def api_set_scheme(data: filing.SchemeIn, db: Tx, who: SchemeWriter) -> SchemeOut:
    return SchemeOut.of(filing.set_scheme(db, data, who))
