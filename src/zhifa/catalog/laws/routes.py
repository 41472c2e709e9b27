"""Pages and JSON API of laws (法律法规): list, register, revise (new version), articles,
import from a file, and marking a law revised/repealed/replaced with its impact shown
before saving."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile as StarletteUpload

from zhifa.catalog import imports, rules
from zhifa.catalog.file_rows import ImportMode, ModeIn, read_rows
from zhifa.catalog.impact import Affected, LawChangeIn, affected_by, law_changes, record_law_change
from zhifa.catalog.laws import service as laws
from zhifa.catalog.updates.routes import UpdateOut
from zhifa.catalog.updates.routes import labels as update_labels
from zhifa.catalog.updates.service import updates_of
from zhifa.core.auth import Principal
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.http import Db, RecordId, render, require
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/catalog/laws", include_in_schema=False)
api = APIRouter(prefix="/api/v1/laws", tags=["法律法规"])

Reader = Annotated[Principal, Depends(require(Permission.catalog_read))]
Writer = Annotated[Principal, Depends(require(Permission.catalog_write))]

LAW_FIELDS = tuple(laws.LawDetails.model_fields)
ARTICLE_FIELDS = ("article", "paragraph", "item", "text")
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


async def _form(request: Request, keys: tuple[str, ...]) -> dict[str, str]:
    form = await request.form()
    return {key: str(form.get(key, "")).strip() for key in keys}


def _form_error(request: Request, template: str, exc: DomainError, **context: Any) -> Response:
    return render(request, template, exc.status_code, error=exc.message, **_labels(**context))


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
async def law_new_submit(request: Request, db: Db, who: Writer) -> Response:
    values = await _form(request, LAW_FIELDS)
    try:
        view = laws.create_law(db, parse(laws.LawIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _form_error(request, "law_form.html", exc, view=None, values=values)
    return RedirectResponse(f"/app/catalog/laws/{view.law.id}?done=created", status_code=303)


@pages.get("/import", response_class=HTMLResponse)
def law_import_page(request: Request, who: Writer) -> Response:
    return render(request, "law_import.html", report=None, columns=imports.COLUMNS, **_labels())


@pages.post("/import", response_class=HTMLResponse)
async def law_import_submit(request: Request, db: Db, who: Writer) -> Response:
    form = await request.form()
    upload, mode = form.get("file"), str(form.get("mode", "all"))
    try:
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise DomainError("请选择要导入的文件", "file")
        rows = read_rows(upload.filename, await upload.read(), imports.LAW_FILE)
        report = imports.import_laws(db, rows, parse(ModeIn, {"mode": mode}).mode, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _form_error(request, "law_import.html", exc, report=None, columns=imports.COLUMNS)
    status = 422 if report.errors and not report.imported_anything else 200
    return render(
        request, "law_import.html", status, report=report, columns=imports.COLUMNS, **_labels()
    )


@pages.get("/{law_id}", response_class=HTMLResponse)
def law_page(request: Request, law_id: RecordId, db: Db, who: Reader) -> Response:
    view = laws.get_law(db, law_id)
    changes = law_changes(db, law_id)
    return render(
        request,
        "law_detail.html",
        view=view,
        history=laws.law_history(db, view.law),
        affected=affected_by(db, law_id),
        changes=changes,
        titles={v.law.id: v.current.title for v in laws.list_laws(db)},
        notice=NOTICES.get(request.query_params.get("done", "")),
        rows=updates_of(db, law_change_id=changes[0].id) if changes else [],
        **update_labels(db),
        values={},
        **_labels(),
    )


@pages.post("/{law_id}/articles", response_class=HTMLResponse)
async def article_add_submit(request: Request, law_id: RecordId, db: Db, who: Writer) -> Response:
    view = laws.get_law(db, law_id)
    values = await _form(request, ARTICLE_FIELDS)
    try:
        laws.add_article(db, view.law, parse(laws.ArticleIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _form_error(
            request,
            "law_detail.html",
            exc,
            view=view,
            history=laws.law_history(db, view.law),
            affected=affected_by(db, law_id),
            changes=law_changes(db, law_id),
            titles={},
            values=values,
        )
    return RedirectResponse(f"/app/catalog/laws/{law_id}?done=article", status_code=303)


def _law_values(view: laws.LawView) -> dict[str, Any]:
    return {key: getattr(view.current, key) or "" for key in LAW_FIELDS}


@pages.get("/{law_id}/edit", response_class=HTMLResponse)
def law_edit_page(request: Request, law_id: RecordId, db: Db, who: Writer) -> Response:
    view = laws.get_law(db, law_id)
    return render(request, "law_form.html", view=view, values=_law_values(view), **_labels())


@pages.post("/{law_id}/edit", response_class=HTMLResponse)
async def law_edit_submit(request: Request, law_id: RecordId, db: Db, who: Writer) -> Response:
    view = laws.get_law(db, law_id)
    values = await _form(request, (*LAW_FIELDS, "reason"))
    try:
        laws.revise_law(db, law_id, parse(laws.LawRevision, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _form_error(request, "law_form.html", exc, view=view, values=values)
    return RedirectResponse(f"/app/catalog/laws/{law_id}?done=revised", status_code=303)


def _change_context(db: Db, law_id: int) -> dict[str, Any]:
    view = laws.get_law(db, law_id)
    others = [v for v in laws.list_laws(db) if v.law.id != law_id]
    return {"view": view, "affected": affected_by(db, law_id), "others": others}


@pages.get("/{law_id}/change", response_class=HTMLResponse)
def law_change_page(request: Request, law_id: RecordId, db: Db, who: Writer) -> Response:
    """The impact is shown here, before anything is saved."""
    values = {"kind": request.query_params.get("kind", "revised")}
    return render(
        request, "law_change.html", values=values, **_labels(**_change_context(db, law_id))
    )


@pages.post("/{law_id}/change", response_class=HTMLResponse)
async def law_change_submit(request: Request, law_id: RecordId, db: Db, who: Writer) -> Response:
    values = await _form(request, ("kind", "effective_on", "replaced_by_id", "reason"))
    data = {**values, "replaced_by_id": values["replaced_by_id"] or None}
    try:
        record_law_change(db, law_id, parse(LawChangeIn, data), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _form_error(
            request, "law_change.html", exc, values=values, **_change_context(db, law_id)
        )
    return RedirectResponse(f"/app/catalog/laws/{law_id}?done=changed", status_code=303)


# ---- JSON API ------------------------------------------------------------------------------


class ArticleOut(BaseModel):
    id: int
    label: str
    text: str


class LawOut(BaseModel):
    id: int
    version: int
    title: str
    level: rules.LawLevel
    issuing_body: str
    doc_number: str
    edition: str
    published_on: date
    effective_on: date
    amended_on: date | None
    repealed_on: date | None
    replaced_by_id: int | None
    status_today: rules.LawStatus
    articles: list[ArticleOut]

    @classmethod
    def of(cls, view: laws.LawView) -> LawOut:
        c = view.current
        return cls(
            id=view.law.id,
            version=c.version,
            status_today=view.status(today()),
            articles=[
                ArticleOut(id=a.id, label=laws.ref_of(a).label, text=a.text)
                for a in view.law.articles
            ],
            **{k: getattr(c, k) for k in (*LAW_FIELDS, "replaced_by_id")},
        )


class AffectedOut(BaseModel):
    kind: str
    id: int
    version: int
    code: str
    name: str
    cited: str

    @classmethod
    def of(cls, item: Affected) -> AffectedOut:
        return cls(**{k: getattr(item, k) for k in cls.model_fields})


class ImpactOut(BaseModel):
    law_id: int
    count: int
    message: str
    items: list[AffectedOut]


class LawChangeOut(BaseModel):
    id: int
    law: LawOut
    affected: list[AffectedOut]
    updates: list[UpdateOut]  # the update obligations it opened, with their due days


class ImportOut(BaseModel):
    mode: ImportMode
    laws_found: int
    laws_imported: int
    articles_imported: int
    errors: list[str]
    skipped: list[str]


@api.get("", summary="法律法规列表")
def api_laws(db: Db, who: Reader) -> list[LawOut]:
    return [LawOut.of(v) for v in laws.list_laws(db)]


@api.post("", status_code=201, summary="登记法规（可同时登记条文）")
def api_law_create(data: laws.LawIn, db: Db, who: Writer) -> LawOut:
    view = laws.create_law(db, data, who)
    db.commit()
    return LawOut.of(laws.get_law(db, view.law.id))


@api.post("/import", summary="从 CSV、XLSX 或 JSON 文件导入法规和条文")
async def api_law_import(
    db: Db,
    who: Writer,
    file: UploadFile,
    mode: Annotated[ImportMode, Form()] = ImportMode.all,
) -> Response:
    rows = read_rows(file.filename or "", await file.read(), imports.LAW_FILE)
    report = imports.import_laws(db, rows, mode, who)
    db.commit()
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
def api_law_revise(law_id: RecordId, data: laws.LawRevision, db: Db, who: Writer) -> LawOut:
    laws.revise_law(db, law_id, data, who)
    db.commit()
    return LawOut.of(laws.get_law(db, law_id))


@api.post("/{law_id}/articles", status_code=201, summary="添加条文")
def api_article_add(law_id: RecordId, data: laws.ArticleIn, db: Db, who: Writer) -> ArticleOut:
    article = laws.add_article(db, laws.get_law(db, law_id).law, data, who)
    db.commit()
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
def api_law_change(law_id: RecordId, data: LawChangeIn, db: Db, who: Writer) -> LawChangeOut:
    change, affected = record_law_change(db, law_id, data, who)
    db.commit()
    return LawChangeOut(
        id=change.id,
        law=LawOut.of(laws.get_law(db, law_id)),
        affected=[AffectedOut.of(a) for a in affected],
        updates=[UpdateOut.of(r) for r in updates_of(db, law_change_id=change.id)],
    )
