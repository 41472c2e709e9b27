"""Pages and JSON API of laws (法律法规): list, register, revise (new version), articles,
import from a file, and marking a law revised/repealed/replaced with its impact shown
before saving."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from zhifa.catalog import imports, rules
from zhifa.catalog.file_rows import ImportMode, import_upload, read_rows, report_status
from zhifa.catalog.impact import LawChangeIn, affected_by, law_changes, record_law_change
from zhifa.catalog.laws import service as laws
from zhifa.catalog.laws.schemas import (
    LAW_FIELDS,
    AffectedOut,
    ArticleOut,
    ImpactOut,
    ImportOut,
    LawChangeOut,
    LawOut,
)
from zhifa.catalog.updates.routes import labels as update_labels
from zhifa.catalog.updates.schemas import UpdateOut
from zhifa.catalog.updates.service import updates_of
from zhifa.core.auth import Principal
from zhifa.core.clock import today
from zhifa.core.http import (
    Db,
    RecordId,
    Tx,
    form_values,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/catalog/laws", include_in_schema=False)
api = APIRouter(prefix="/api/v1/laws", tags=["法律法规"])

Reader = Annotated[Principal, Depends(require(Permission.catalog_read))]
Writer = Annotated[Principal, Depends(require(Permission.catalog_write))]


def law_of_path(law_id: RecordId, db: Db) -> laws.LawView:
    """The law the path names (404 when there is none)."""
    return laws.get_law(db, law_id)


LawOfPath = Annotated[laws.LawView, Depends(law_of_path)]

ARTICLE_FIELDS = ("article", "paragraph", "item", "text")
CHANGE_FIELDS = ("kind", "effective_on", "replaced_by_id", "reason")
NOTICES = {
    "created": "法规已登记。",
    "revised": "法规已保存为新版本。",
    "article": "条文已添加。",
    "changed": "法规变更已保存，受影响事项已记录，并已列为事前公示更新义务（见下）。",
}


def _labels(**extra: Any) -> dict[str, Any]:
    return {
        "level_labels": rules.LEVEL_LABELS,
        "status_labels": rules.STATUS_LABELS,
        "change_labels": rules.CHANGE_LABELS,
        "today": today(),
        "ref_of": laws.ref_of,
        **extra,
    }


def _detail_context(db: Db, view: laws.LawView, **extra: Any) -> dict[str, Any]:
    changes = law_changes(db, view.law.id)
    return _labels(
        view=view,
        history=laws.law_history(db, view.law),
        affected=affected_by(db, view.law.id),
        changes=changes,
        titles={v.law.id: v.current.title for v in laws.list_laws(db)},
        rows=updates_of(db, law_change_id=changes[0].id) if changes else [],
        **update_labels(db),
        **{"values": {}, **extra},
    )


def _change_context(db: Db, law_id: int, **extra: Any) -> dict[str, Any]:
    view = laws.get_law(db, law_id)
    others = [v for v in laws.list_laws(db) if v.law.id != law_id]
    return _labels(view=view, affected=affected_by(db, law_id), others=others, **extra)


def _law_values(view: laws.LawView) -> dict[str, Any]:
    return {key: getattr(view.current, key) or "" for key in LAW_FIELDS}


def _to_law(law_id: int, done: str) -> Any:
    return lambda _: redirect(f"/app/catalog/laws/{law_id}", done)


# ---- pages -------------------------------------------------------------------------------


@pages.get("", response_class=HTMLResponse)
def law_list_page(
    request: Request, db: Db, who: Reader, q: str = "", level: str = "", status: str = ""
) -> Response:
    rows = laws.list_laws(db)
    day = today()
    if q.strip():
        rows = [
            v for v in rows if q.strip() in v.current.title or q.strip() in v.current.doc_number
        ]
    if level:
        rows = [v for v in rows if v.current.level == level]
    if status:
        rows = [v for v in rows if v.status(day) == status]
    filters = {"q": q, "level": level, "status": status}
    return render(request, "law_list.html", rows=rows, filters=filters, **_labels())


@pages.get("/new", response_class=HTMLResponse)
def law_new_page(request: Request, who: Writer) -> Response:
    values = {"level": "law", "issuing_body": "全国人民代表大会常务委员会"}
    return render(request, "law_form.html", view=None, values=values, **_labels())


@pages.post("/new", response_class=HTMLResponse)
async def law_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await form_values(request, LAW_FIELDS)
    return submit(
        request,
        db,
        lambda: laws.create_law(db, parse(laws.LawIn, values), who),
        page="law_form.html",
        context=lambda: _labels(view=None, values=values),
        then=lambda view: redirect(f"/app/catalog/laws/{view.law.id}", "created"),
    )


@pages.get("/import", response_class=HTMLResponse)
def law_import_page(request: Request, who: Writer) -> Response:
    return render(request, "law_import.html", report=None, columns=imports.COLUMNS, **_labels())


@pages.post("/import", response_class=HTMLResponse)
async def law_import_submit(request: Request, db: Tx, who: Writer) -> Response:
    upload = await import_upload(request)

    def change() -> imports.ImportReport:
        rows = upload.rows(imports.LAW_FILE)
        return imports.import_laws(db, rows, upload.chosen_mode(), who)

    def shown(report: imports.ImportReport) -> Response:
        status = report_status(report.errors, report.imported_anything)
        context = _labels(report=report, columns=imports.COLUMNS)
        return render(request, "law_import.html", status, **context)

    context = _labels(report=None, columns=imports.COLUMNS)
    return submit(request, db, change, page="law_import.html", context=lambda: context, then=shown)


@pages.get("/{law_id}", response_class=HTMLResponse)
def law_page(request: Request, who: Reader, view: LawOfPath, db: Db) -> Response:
    context = _detail_context(db, view, notice=notice_of(request, NOTICES))
    return render(request, "law_detail.html", **context)


@pages.post("/{law_id}/articles", response_class=HTMLResponse)
async def article_add_submit(request: Request, who: Writer, view: LawOfPath, db: Tx) -> Response:
    values = await form_values(request, ARTICLE_FIELDS)
    return submit(
        request,
        db,
        lambda: laws.add_article(db, view.law, parse(laws.ArticleIn, values), who),
        page="law_detail.html",
        context=lambda: _detail_context(db, laws.get_law(db, view.law.id), values=values),
        then=_to_law(view.law.id, "article"),
    )


@pages.get("/{law_id}/edit", response_class=HTMLResponse)
def law_edit_page(request: Request, who: Writer, view: LawOfPath) -> Response:
    return render(request, "law_form.html", view=view, values=_law_values(view), **_labels())


@pages.post("/{law_id}/edit", response_class=HTMLResponse)
async def law_edit_submit(request: Request, who: Writer, view: LawOfPath, db: Tx) -> Response:
    values = await form_values(request, (*LAW_FIELDS, "reason"))
    return submit(
        request,
        db,
        lambda: laws.revise_law(db, view.law.id, parse(laws.LawRevision, values), who),
        page="law_form.html",
        context=lambda: _labels(view=laws.get_law(db, view.law.id), values=values),
        then=_to_law(view.law.id, "revised"),
    )


@pages.get("/{law_id}/change", response_class=HTMLResponse)
def law_change_page(request: Request, who: Writer, view: LawOfPath, db: Db) -> Response:
    """The impact is shown here, before anything is saved."""
    values = {"kind": request.query_params.get("kind", "revised")}
    return render(request, "law_change.html", **_change_context(db, view.law.id, values=values))


@pages.post("/{law_id}/change", response_class=HTMLResponse)
async def law_change_submit(request: Request, who: Writer, view: LawOfPath, db: Tx) -> Response:
    values = await form_values(request, CHANGE_FIELDS)
    data = {**values, "replaced_by_id": values["replaced_by_id"] or None}
    return submit(
        request,
        db,
        lambda: record_law_change(db, view.law.id, parse(LawChangeIn, data), who),
        page="law_change.html",
        context=lambda: _change_context(db, view.law.id, values=values),
        then=_to_law(view.law.id, "changed"),
    )


# ---- JSON API ------------------------------------------------------------------------------


@api.get("", summary="法律法规列表")
def api_laws(db: Db, who: Reader) -> list[LawOut]:
    return [LawOut.of(v) for v in laws.list_laws(db)]


@api.post("", status_code=201, summary="登记法规（可同时登记条文）")
def api_law_create(data: laws.LawIn, db: Tx, who: Writer) -> LawOut:
    view = laws.create_law(db, data, who)
    return LawOut.of(laws.get_law(db, view.law.id))


@api.post("/import", summary="从 CSV、XLSX 或 JSON 文件导入法规和条文")
async def api_law_import(
    db: Tx,
    who: Writer,
    file: UploadFile,
    mode: Annotated[ImportMode, Form()] = ImportMode.all,
) -> Response:
    rows = read_rows(file.filename or "", await file.read(), imports.LAW_FILE)
    report = imports.import_laws(db, rows, mode, who)
    out = ImportOut(
        mode=report.mode,
        laws_found=report.laws_found,
        laws_imported=report.laws_imported,
        articles_imported=report.articles_imported,
        errors=[str(e) for e in report.errors],
        skipped=report.skipped,
    )
    status = 422 if report.errors and not report.imported_anything else 200
    return JSONResponse(out.model_dump(mode="json"), status_code=status)


@api.get("/{law_id}", summary="法规详情")
def api_law(law_id: RecordId, db: Db, who: Reader) -> LawOut:
    return LawOut.of(laws.get_law(db, law_id))


@api.put("/{law_id}", summary="修改法规信息（生成新版本）")
def api_law_revise(law_id: RecordId, data: laws.LawRevision, db: Tx, who: Writer) -> LawOut:
    laws.revise_law(db, law_id, data, who)
    return LawOut.of(laws.get_law(db, law_id))


@api.post("/{law_id}/articles", status_code=201, summary="添加条文")
def api_article_add(law_id: RecordId, data: laws.ArticleIn, db: Tx, who: Writer) -> ArticleOut:
    article = laws.add_article(db, laws.get_law(db, law_id).law, data, who)
    return ArticleOut(id=article.id, label=laws.ref_of(article).label, text=article.text)


@api.get("/{law_id}/impact", summary="法规变更的影响：引用该法规的事项（保存前预览）")
def api_law_impact(law_id: RecordId, db: Db, who: Reader) -> ImpactOut:
    laws.get_law(db, law_id)
    found = affected_by(db, law_id)
    return ImpactOut(
        law_id=law_id,
        count=len(found),
        message=f"这 {len(found)} 项引用了该法规",
        items=[AffectedOut.of(a) for a in found],
    )


@api.post("/{law_id}/changes", status_code=201, summary="标记法规修改、废止或被替代")
def api_law_change(law_id: RecordId, data: LawChangeIn, db: Tx, who: Writer) -> LawChangeOut:
    change, affected = record_law_change(db, law_id, data, who)
    return LawChangeOut(
        id=change.id,
        law=LawOut.of(laws.get_law(db, law_id)),
        affected=[AffectedOut.of(a) for a in affected],
        updates=[UpdateOut.of(r) for r in updates_of(db, law_change_id=change.id)],
    )
