"""Pages and JSON API of the 检查对象名录库: list, enter, revise (a new version), history,
import from a file (all or nothing) and its template."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from zhifa.catalog.file_rows import import_upload, read_rows, report_status
from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.http import Db, RecordId, Tx, notice_of, redirect, render, require, submit
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.inspection.subjects import imports, rules
from zhifa.inspection.subjects import service as subjects
from zhifa.inspection.subjects.schemas import SubjectImportOut, SubjectOut

pages = APIRouter(prefix="/app/inspection/subjects", include_in_schema=False)
api = APIRouter(prefix="/api/v1/inspection/subjects", tags=["双随机：检查对象名录库"])

Reader = Annotated[Principal, Depends(require(Permission.inspection_read))]
Writer = Annotated[Principal, Depends(require(Permission.inspection_write))]

FIELDS = ("industry_code", "risk_grade", "street", "licence_state", "status")
NOTICES = {"created": "已纳入名录。", "revised": "已保存为新版本，原版本保留可查。"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def subject_of_path(subject_id: RecordId, db: Db, who: Reader) -> subjects.SubjectView:
    """The entry the path names (404 when there is none)."""
    return subjects.get_subject(db, subject_id)


SubjectOfPath = Annotated[subjects.SubjectView, Depends(subject_of_path)]


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "grades": rules.RISK_GRADE_LABELS,
        "streets": rules.STREETS,
        "flags": rules.SPECIAL_FLAGS,
        "licences": rules.LICENCE_LABELS,
        "statuses": rules.STATUS_LABELS,
        "sections": rules.SECTIONS,
        "notice": notice_of(request, NOTICES),
        **extra,
    }


async def _values(request: Request, *extra: str) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in (*FIELDS, *extra)}
    values["special_flags"] = form.getlist("special_flags")
    values["in_scope"] = form.get("in_scope") == "1"
    return values


def _current_values(view: subjects.SubjectView) -> dict[str, Any]:
    return {k: getattr(view.current, k) for k in (*FIELDS, "special_flags", "in_scope")}


# ---- pages -----------------------------------------------------------------------------------


@pages.get("", response_class=HTMLResponse)
def subject_list_page(
    request: Request,
    db: Tx,
    who: Reader,
    q: str = "",
    street: str = "",
    grade: str = "",
    flag: str = "",
) -> Response:
    where = subjects.SubjectFilter(q[:100], street[:20], grade[:2], flag[:40])
    rows = subjects.list_subjects(db, where)
    log_access(db, who, "inspection_subject", None, f"名录查询 q={q[:50]} street={street[:20]}")
    return render(request, "subject_list.html", rows=rows, where=where, **_context(request))


@pages.get("/new", response_class=HTMLResponse)
def subject_new_page(request: Request, who: Writer) -> Response:
    values = {"status": "operating", "in_scope": True, "licence_state": "not_required"}
    return render(request, "subject_form.html", view=None, values=values, **_context(request))


@pages.post("/new", response_class=HTMLResponse)
async def subject_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await _values(request, "uscc")
    return submit(
        request,
        db,
        lambda: subjects.add_subject(db, parse(subjects.SubjectIn, values), who),
        page="subject_form.html",
        context=lambda: _context(request, view=None, values=values),
        then=lambda view: redirect(f"/app/inspection/subjects/{view.subject.id}", "created"),
    )


@pages.get("/import", response_class=HTMLResponse)
def subject_import_page(request: Request, who: Writer) -> Response:
    context = _context(request, report=None, columns=imports.COLUMNS)
    return render(request, "subject_import.html", **context)


@pages.post("/import", response_class=HTMLResponse)
async def subject_import_submit(request: Request, db: Tx, who: Writer) -> Response:
    upload = await import_upload(request)

    def shown(report: imports.SubjectImportReport) -> Response:
        status = report_status(report.errors, report.imported_anything)
        context = _context(request, report=report, columns=imports.COLUMNS)
        return render(request, "subject_import.html", status, **context)

    return submit(
        request,
        db,
        lambda: imports.import_subjects(db, upload.rows(imports.SUBJECT_FILE), who),
        page="subject_import.html",
        context=lambda: _context(request, report=None, columns=imports.COLUMNS),
        then=shown,
    )


@pages.get("/template.csv")
def subject_template_csv(who: Reader) -> Response:
    disposition = "attachment; filename*=UTF-8''%E6%A3%80%E6%9F%A5%E5%AF%B9%E8%B1%A1.csv"
    headers = {"Content-Disposition": disposition}
    return Response(imports.template_csv(), media_type="text/csv", headers=headers)


@pages.get("/template.xlsx")
def subject_template_xlsx(who: Reader) -> Response:
    disposition = "attachment; filename*=UTF-8''%E6%A3%80%E6%9F%A5%E5%AF%B9%E8%B1%A1.xlsx"
    return Response(
        imports.template_xlsx(), media_type=XLSX, headers={"Content-Disposition": disposition}
    )


@pages.get("/{subject_id}", response_class=HTMLResponse)
def subject_page(request: Request, db: Tx, who: Reader, view: SubjectOfPath) -> Response:
    log_access(db, who, "inspection_subject", view.subject.id, "查看名录条目")
    history = subjects.subject_history(db, view)
    return render(request, "subject_detail.html", view=view, history=history, **_context(request))


@pages.get("/{subject_id}/edit", response_class=HTMLResponse)
def subject_edit_page(request: Request, who: Writer, view: SubjectOfPath) -> Response:
    values = _current_values(view)
    return render(request, "subject_form.html", view=view, values=values, **_context(request))


@pages.post("/{subject_id}/edit", response_class=HTMLResponse)
async def subject_edit_submit(
    request: Request, db: Tx, who: Writer, view: SubjectOfPath
) -> Response:
    subject_id = view.subject.id
    values = await _values(request, "reason")
    return submit(
        request,
        db,
        lambda: subjects.revise_subject(
            db, subject_id, parse(subjects.SubjectRevision, values), who
        ),
        page="subject_form.html",
        context=lambda: _context(request, view=subjects.get_subject(db, subject_id), values=values),
        then=lambda _: redirect(f"/app/inspection/subjects/{subject_id}", "revised"),
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.get("", summary="检查对象名录库（当前版本）")
def api_subjects(db: Tx, who: Reader) -> list[SubjectOut]:
    log_access(db, who, "inspection_subject", None, "名录查询", via="api")
    return [SubjectOut.of(v) for v in subjects.list_subjects(db)]


@api.post("", status_code=201, summary="将已登记的单位纳入检查对象名录库")
def api_subject_add(data: subjects.SubjectIn, db: Tx, who: Writer) -> SubjectOut:
    return SubjectOut.of(subjects.add_subject(db, data, who))


@api.post("/import", summary="从 CSV 或 XLSX 文件导入检查对象（有错误行时全部不导入）")
async def api_subject_import(db: Tx, who: Writer, file: UploadFile) -> Response:
    rows = read_rows(file.filename or "", await file.read(), imports.SUBJECT_FILE)
    report = imports.import_subjects(db, rows, who)
    out = SubjectImportOut.of(report).model_dump(mode="json")
    return JSONResponse(out, status_code=422 if report.errors else 200)


@api.get("/{subject_id}", summary="检查对象详情（当前版本与历史版本）")
def api_subject(db: Tx, who: Reader, view: SubjectOfPath) -> SubjectOut:
    log_access(db, who, "inspection_subject", view.subject.id, "查看名录条目", via="api")
    return SubjectOut.of(view, subjects.subject_history(db, view))


@api.put("/{subject_id}", summary="修改检查对象（生成新版本）")
def api_subject_revise(
    subject_id: RecordId, data: subjects.SubjectRevision, db: Tx, who: Writer
) -> SubjectOut:
    return SubjectOut.of(subjects.revise_subject(db, subject_id, data, who))
