"""Pages and JSON API of the catalogue's items: power items (权责清单), service guides
(办事指南) and the random-check list (随机抽查事项清单). An edit is a new version; each page
shows the current version and the history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from zhifa.catalog.file_rows import ImportMode, import_upload, read_rows, report_status
from zhifa.catalog.items import imports as item_imports
from zhifa.catalog.items import service as items
from zhifa.catalog.items.schemas import (
    GUIDE_FIELDS,
    GuideOut,
    ItemImportOut,
    PowerItemDetailOut,
    RandomCheckOut,
)
from zhifa.core.auth import Principal
from zhifa.core.errors import NotFound
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
from zhifa.core.models import Unit
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.enforcement.steps import ACTION_KIND_LABELS, ActionKind

pages = APIRouter(prefix="/app/catalog", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["权责清单、办事指南与随机抽查事项"])

Reader = Annotated[Principal, Depends(require(Permission.catalog_read))]
Writer = Annotated[Principal, Depends(require(Permission.catalog_write))]

ITEM_FIELDS = ("name", "kind", "field", "unit_id", "basis", "duties", "accountability")
CHECK_FIELDS = tuple(items.RandomCheckDetails.model_fields)
NOTICES = {"created": "已登记。", "revised": "已保存为新版本，原版本保留可查。"}


def power_item_of_path(item_id: RecordId, db: Db, who: Reader) -> items.PowerItemView:
    """The power item the path names (404 when there is none)."""
    return items.get_power_item(db, item_id)


def random_check_of_path(item_id: RecordId, db: Db, who: Reader) -> items.RandomCheckView:
    """The random-check item the path names (404 when there is none)."""
    return items.get_random_check(db, item_id)


def guide_of_path(guide_id: RecordId, db: Db, who: Reader) -> items.GuideView:
    """The service guide the path names, at its current version (404 when there is none)."""
    guide = next((g for g in items.list_guides(db) if g.guide.id == guide_id), None)
    if guide is None:
        raise NotFound("办事指南不存在")
    return guide


PowerItemOfPath = Annotated[items.PowerItemView, Depends(power_item_of_path)]
RandomCheckOfPath = Annotated[items.RandomCheckView, Depends(random_check_of_path)]
GuideOfPath = Annotated[items.GuideView, Depends(guide_of_path)]


def _context(db: Db, request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "kind_labels": ACTION_KIND_LABELS,
        "units": db.scalars(select(Unit).order_by(Unit.id)).all(),
        "notice": notice_of(request, NOTICES),
        **extra,
    }


def _unit_names(db: Db) -> dict[int, str]:
    return {u.id: u.name for u in db.scalars(select(Unit))}


def _with_unit(values: dict[str, str]) -> dict[str, Any]:
    """The form's values as the model reads them: no unit chosen is no unit."""
    return {**values, "unit_id": values["unit_id"] or None}


def _values(version: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(version, key) for key in keys} if version else {}


# ---- power items: pages --------------------------------------------------------------------


@pages.get("/power-items", response_class=HTMLResponse)
def power_item_list_page(request: Request, db: Db, who: Reader, kind: str = "") -> Response:
    rows = [v for v in items.list_power_items(db) if not kind or v.item.kind == kind]
    guides = {g.item.id: g.guide.id for g in items.list_guides(db)}
    return render(
        request,
        "power_item_list.html",
        rows=rows,
        kind=kind,
        unit_names=_unit_names(db),
        guides=guides,
        **_context(db, request),
    )


@pages.get("/power-items/new", response_class=HTMLResponse)
def power_item_new_page(request: Request, db: Db, who: Writer) -> Response:
    values = {"kind": "penalty", "field": "安全生产"}
    return render(
        request, "power_item_form.html", view=None, values=values, **_context(db, request)
    )


@pages.post("/power-items/new", response_class=HTMLResponse)
async def power_item_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = _with_unit(await form_values(request, ("code", *ITEM_FIELDS)))
    return submit(
        request,
        db,
        lambda: items.create_power_item(db, parse(items.PowerItemIn, values), who),
        page="power_item_form.html",
        context=lambda: _context(db, request, view=None, values=values),
        then=lambda view: redirect(f"/app/catalog/power-items/{view.item.id}", "created"),
    )


@pages.get("/power-items/import", response_class=HTMLResponse)
def power_item_import_page(request: Request, db: Db, who: Writer) -> Response:
    return render(
        request,
        "power_item_import.html",
        report=None,
        columns=item_imports.COLUMNS,
        **_context(db, request),
    )


@pages.post("/power-items/import", response_class=HTMLResponse)
async def power_item_import_submit(request: Request, db: Tx, who: Writer) -> Response:
    upload = await import_upload(request)

    def change() -> item_imports.ItemImportReport:
        rows = upload.rows(item_imports.ITEM_FILE)
        return item_imports.import_power_items(db, rows, upload.chosen_mode(), who)

    def shown(report: item_imports.ItemImportReport) -> Response:
        status = report_status(report.errors, report.imported_anything)
        context = _context(db, request, report=report, columns=item_imports.COLUMNS)
        return render(request, "power_item_import.html", status, **context)

    return submit(
        request,
        db,
        change,
        page="power_item_import.html",
        context=lambda: _context(db, request, report=None, columns=item_imports.COLUMNS),
        then=shown,
    )


@pages.get("/power-items/{item_id}", response_class=HTMLResponse)
def power_item_page(request: Request, db: Db, who: Reader, view: PowerItemOfPath) -> Response:
    return render(
        request,
        "power_item_detail.html",
        view=view,
        history=items.power_item_history(db, view.item),
        guide=items.guide_of_item(db, view.item.id),
        unit_names=_unit_names(db),
        **_context(db, request),
    )


@pages.get("/power-items/{item_id}/edit", response_class=HTMLResponse)
def power_item_edit_page(request: Request, db: Db, who: Writer, view: PowerItemOfPath) -> Response:
    values = _values(view.current, ITEM_FIELDS) or {
        "name": view.item.name,
        "kind": view.item.kind,
        "field": view.item.field,
        "basis": view.item.basis,
    }
    return render(
        request, "power_item_form.html", view=view, values=values, **_context(db, request)
    )


@pages.post("/power-items/{item_id}/edit", response_class=HTMLResponse)
async def power_item_edit_submit(
    request: Request, db: Tx, who: Writer, view: PowerItemOfPath
) -> Response:
    item_id = view.item.id
    values = _with_unit(await form_values(request, (*ITEM_FIELDS, "reason")))
    return submit(
        request,
        db,
        lambda: items.revise_power_item(db, item_id, parse(items.PowerItemRevision, values), who),
        page="power_item_form.html",
        context=lambda: _context(
            db, request, view=items.get_power_item(db, item_id), values=values
        ),
        then=lambda _: redirect(f"/app/catalog/power-items/{item_id}", "revised"),
    )


# ---- service guides: pages -------------------------------------------------------------------


@pages.get("/guides", response_class=HTMLResponse)
def guide_list_page(request: Request, db: Db, who: Reader) -> Response:
    licences = [v for v in items.list_power_items(db) if v.item.kind is ActionKind.license]
    guides = {g.item.id: g for g in items.list_guides(db)}
    return render(
        request, "guide_list.html", licences=licences, guides=guides, **_context(db, request)
    )


@pages.get("/guides/{guide_id}", response_class=HTMLResponse)
def guide_page(request: Request, db: Db, who: Reader, view: GuideOfPath) -> Response:
    history = items.guide_history(db, view.guide)
    return render(request, "guide_detail.html", view=view, history=history, **_context(db, request))


def _guide_form(db: Db, request: Request, item_id: int, **extra: Any) -> dict[str, Any]:
    item = items.get_power_item(db, item_id).item
    return _context(db, request, item=item, guide=items.guide_of_item(db, item_id), **extra)


@pages.get("/power-items/{item_id}/guide", response_class=HTMLResponse)
def guide_edit_page(request: Request, db: Db, who: Writer, view: PowerItemOfPath) -> Response:
    guide = items.guide_of_item(db, view.item.id)
    values = _values(guide.current if guide else None, GUIDE_FIELDS)
    return render(
        request,
        "guide_form.html",
        item=view.item,
        guide=guide,
        values=values,
        **_context(db, request),
    )


@pages.post("/power-items/{item_id}/guide", response_class=HTMLResponse)
async def guide_edit_submit(
    request: Request, db: Tx, who: Writer, view: PowerItemOfPath
) -> Response:
    item_id = view.item.id
    revising = items.guide_of_item(db, item_id) is not None
    values = await form_values(request, (*GUIDE_FIELDS, "reason"))
    model = items.GuideRevision if revising else items.GuideDetails
    done = "revised" if revising else "created"
    return submit(
        request,
        db,
        lambda: items.save_guide(db, item_id, parse(model, values), who),
        page="guide_form.html",
        context=lambda: _guide_form(db, request, item_id, values=values),
        then=lambda saved: redirect(f"/app/catalog/guides/{saved.guide.id}", done),
    )


# ---- random-check list: pages ---------------------------------------------------------------


@pages.get("/random-checks", response_class=HTMLResponse)
def random_check_list_page(request: Request, db: Db, who: Reader) -> Response:
    rows = items.list_random_checks(db)
    return render(
        request,
        "random_check_list.html",
        rows=rows,
        unit_names=_unit_names(db),
        **_context(db, request),
    )


@pages.get("/random-checks/new", response_class=HTMLResponse)
def random_check_new_page(request: Request, db: Db, who: Writer) -> Response:
    return render(request, "random_check_form.html", view=None, values={}, **_context(db, request))


@pages.post("/random-checks/new", response_class=HTMLResponse)
async def random_check_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = _with_unit(await form_values(request, ("code", *CHECK_FIELDS)))
    return submit(
        request,
        db,
        lambda: items.create_random_check(db, parse(items.RandomCheckIn, values), who),
        page="random_check_form.html",
        context=lambda: _context(db, request, view=None, values=values),
        then=lambda view: redirect(f"/app/catalog/random-checks/{view.item.id}", "created"),
    )


@pages.get("/random-checks/{item_id}", response_class=HTMLResponse)
def random_check_page(request: Request, db: Db, who: Reader, view: RandomCheckOfPath) -> Response:
    return render(
        request,
        "random_check_detail.html",
        view=view,
        history=items.random_check_history(db, view.item),
        unit_names=_unit_names(db),
        **_context(db, request),
    )


@pages.get("/random-checks/{item_id}/edit", response_class=HTMLResponse)
def random_check_edit_page(
    request: Request, db: Db, who: Writer, view: RandomCheckOfPath
) -> Response:
    values = _values(view.current, CHECK_FIELDS)
    return render(
        request, "random_check_form.html", view=view, values=values, **_context(db, request)
    )


@pages.post("/random-checks/{item_id}/edit", response_class=HTMLResponse)
async def random_check_edit_submit(
    request: Request, db: Tx, who: Writer, view: RandomCheckOfPath
) -> Response:
    item_id = view.item.id
    values = _with_unit(await form_values(request, (*CHECK_FIELDS, "reason")))
    return submit(
        request,
        db,
        lambda: items.revise_random_check(
            db, item_id, parse(items.RandomCheckRevision, values), who
        ),
        page="random_check_form.html",
        context=lambda: _context(
            db, request, view=items.get_random_check(db, item_id), values=values
        ),
        then=lambda _: redirect(f"/app/catalog/random-checks/{item_id}", "revised"),
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.post("/power-items/import", summary="从 CSV、XLSX 或 JSON 文件导入权力事项")
async def api_power_item_import(
    db: Tx,
    who: Writer,
    file: UploadFile,
    mode: Annotated[ImportMode, Form()] = ImportMode.all,
) -> Response:
    rows = read_rows(file.filename or "", await file.read(), item_imports.ITEM_FILE)
    report = item_imports.import_power_items(db, rows, mode, who)
    status = 422 if report.errors and not report.imported_anything else 200
    return JSONResponse(ItemImportOut.of(report).model_dump(mode="json"), status_code=status)


@api.get("/power-items/{item_id}", summary="权力事项详情（当前版本与历史版本）")
def api_power_item(db: Db, who: Reader, view: PowerItemOfPath) -> PowerItemDetailOut:
    return PowerItemDetailOut.of(db, view)


@api.post("/power-items", status_code=201, summary="登记权力事项")
def api_power_item_create(data: items.PowerItemIn, db: Tx, who: Writer) -> PowerItemDetailOut:
    return PowerItemDetailOut.of(db, items.create_power_item(db, data, who))


@api.put("/power-items/{item_id}", summary="修改权力事项（生成新版本）")
def api_power_item_revise(
    item_id: RecordId, data: items.PowerItemRevision, db: Tx, who: Writer
) -> PowerItemDetailOut:
    return PowerItemDetailOut.of(db, items.revise_power_item(db, item_id, data, who))


@api.get("/guides", summary="办事指南（当前版本）")
def api_guides(db: Db, who: Reader) -> list[GuideOut]:
    return [GuideOut.of(g) for g in items.list_guides(db)]


@api.put("/power-items/{item_id}/guide", summary="编写或修改许可事项的办事指南（生成新版本）")
def api_guide_save(item_id: RecordId, data: items.GuideRevision, db: Tx, who: Writer) -> GuideOut:
    return GuideOut.of(items.save_guide(db, item_id, data, who))


@api.get("/random-checks", summary="随机抽查事项清单（当前版本）")
def api_random_checks(db: Db, who: Reader) -> list[RandomCheckOut]:
    return [RandomCheckOut.of(db, v) for v in items.list_random_checks(db)]


@api.post("/random-checks", status_code=201, summary="登记随机抽查事项")
def api_random_check_create(data: items.RandomCheckIn, db: Tx, who: Writer) -> RandomCheckOut:
    return RandomCheckOut.of(db, items.create_random_check(db, data, who))


@api.get("/random-checks/{item_id}", summary="随机抽查事项详情（当前版本与历史版本）")
def api_random_check(db: Db, who: Reader, view: RandomCheckOfPath) -> RandomCheckOut:
    return RandomCheckOut.of(db, view)


@api.put("/random-checks/{item_id}", summary="修改随机抽查事项（生成新版本）")
def api_random_check_revise(
    item_id: RecordId, data: items.RandomCheckRevision, db: Tx, who: Writer
) -> RandomCheckOut:
    return RandomCheckOut.of(db, items.revise_random_check(db, item_id, data, who))
