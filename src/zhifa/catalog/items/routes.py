"""Pages and JSON API of the catalogue's items: power items (权责清单), service guides
(办事指南) and the random-check list (随机抽查事项清单). An edit is a new version; each page
shows the current version and the history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from starlette.datastructures import UploadFile as StarletteUpload

from zhifa.catalog.file_rows import ImportMode, ModeIn, read_rows
from zhifa.catalog.items import imports as item_imports
from zhifa.catalog.items import service as items
from zhifa.catalog.models import PowerItemVersion, RandomCheckVersion
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import Db, RecordId, commit_or_form, render, require
from zhifa.core.models import Unit
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.enforcement.steps import ACTION_KIND_LABELS, ActionKind

pages = APIRouter(prefix="/app/catalog", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["权责清单、办事指南与随机抽查事项"])

Reader = Annotated[Principal, Depends(require(Permission.catalog_read))]
Writer = Annotated[Principal, Depends(require(Permission.catalog_write))]

ITEM_FIELDS = ("name", "kind", "field", "unit_id", "basis", "duties", "accountability")
GUIDE_FIELDS = tuple(items.GuideDetails.model_fields)
CHECK_FIELDS = tuple(items.RandomCheckDetails.model_fields)
NOTICES = {"created": "已登记。", "revised": "已保存为新版本，原版本保留可查。"}


def _context(db: Db, request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "kind_labels": ACTION_KIND_LABELS,
        "units": db.scalars(select(Unit).order_by(Unit.id)).all(),
        "notice": NOTICES.get(request.query_params.get("done", "")),
        **extra,
    }


async def _form(request: Request, keys: tuple[str, ...]) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {key: str(form.get(key, "")).strip() for key in keys}
    if "unit_id" in values:
        values["unit_id"] = values["unit_id"] or None
    return values


def _values(version: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(version, key) for key in keys} if version else {}


# ---- power items: pages --------------------------------------------------------------------


@pages.get("/power-items", response_class=HTMLResponse)
def power_item_list_page(request: Request, db: Db, who: Reader, kind: str = "") -> Response:
    rows = [v for v in items.list_power_items(db) if not kind or v.item.kind == kind]
    units = {u.id: u.name for u in db.scalars(select(Unit))}
    guides = {g.item.id: g.guide.id for g in items.list_guides(db)}
    return render(
        request,
        "power_item_list.html",
        rows=rows,
        kind=kind,
        unit_names=units,
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
async def power_item_new_submit(request: Request, db: Db, who: Writer) -> Response:
    values = await _form(request, ("code", *ITEM_FIELDS))
    view = commit_or_form(
        request,
        db,
        lambda: items.create_power_item(db, parse(items.PowerItemIn, values), who),
        "power_item_form.html",
        view=None,
        values=values,
        **_context(db, request),
    )
    if isinstance(view, Response):
        return view
    return RedirectResponse(f"/app/catalog/power-items/{view.item.id}?done=created", 303)


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
async def power_item_import_submit(request: Request, db: Db, who: Writer) -> Response:
    form = await request.form()
    upload, mode = form.get("file"), str(form.get("mode", "all"))
    context = {"columns": item_imports.COLUMNS, **_context(db, request)}
    try:
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise DomainError("请选择要导入的文件", "file")
        rows = read_rows(upload.filename, await upload.read(), item_imports.ITEM_FILE)
        chosen = parse(ModeIn, {"mode": mode}).mode
        report = item_imports.import_power_items(db, rows, chosen, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "power_item_import.html",
            exc.status_code,
            report=None,
            error=exc.message,
            **context,
        )
    status = 422 if report.errors and not report.imported_anything else 200
    return render(request, "power_item_import.html", status, report=report, **context)


@pages.get("/power-items/{item_id}", response_class=HTMLResponse)
def power_item_page(request: Request, item_id: RecordId, db: Db, who: Reader) -> Response:
    view = items.get_power_item(db, item_id)
    return render(
        request,
        "power_item_detail.html",
        view=view,
        history=items.power_item_history(db, view.item),
        guide=items.guide_of_item(db, item_id),
        unit_names={u.id: u.name for u in db.scalars(select(Unit))},
        **_context(db, request),
    )


@pages.get("/power-items/{item_id}/edit", response_class=HTMLResponse)
def power_item_edit_page(request: Request, item_id: RecordId, db: Db, who: Writer) -> Response:
    view = items.get_power_item(db, item_id)
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
    request: Request, item_id: RecordId, db: Db, who: Writer
) -> Response:
    view = items.get_power_item(db, item_id)
    values = await _form(request, (*ITEM_FIELDS, "reason"))
    done = commit_or_form(
        request,
        db,
        lambda: items.revise_power_item(db, item_id, parse(items.PowerItemRevision, values), who),
        "power_item_form.html",
        view=view,
        values=values,
        **_context(db, request),
    )
    if isinstance(done, Response):
        return done
    return RedirectResponse(f"/app/catalog/power-items/{item_id}?done=revised", 303)


# ---- service guides: pages -------------------------------------------------------------------


@pages.get("/guides", response_class=HTMLResponse)
def guide_list_page(request: Request, db: Db, who: Reader) -> Response:
    licences = [v for v in items.list_power_items(db) if v.item.kind is ActionKind.license]
    guides = {g.item.id: g for g in items.list_guides(db)}
    return render(
        request, "guide_list.html", licences=licences, guides=guides, **_context(db, request)
    )


def _guide(db: Db, guide_id: int) -> items.GuideView:
    guide = next((g for g in items.list_guides(db) if g.guide.id == guide_id), None)
    if guide is None:
        raise NotFound("办事指南不存在")
    return guide


@pages.get("/guides/{guide_id}", response_class=HTMLResponse)
def guide_page(request: Request, guide_id: RecordId, db: Db, who: Reader) -> Response:
    view = _guide(db, guide_id)
    history = items.guide_history(db, view.guide)
    return render(request, "guide_detail.html", view=view, history=history, **_context(db, request))


@pages.get("/power-items/{item_id}/guide", response_class=HTMLResponse)
def guide_edit_page(request: Request, item_id: RecordId, db: Db, who: Writer) -> Response:
    item = items.get_power_item(db, item_id).item
    guide = items.guide_of_item(db, item_id)
    values = _values(guide.current if guide else None, GUIDE_FIELDS)
    return render(
        request,
        "guide_form.html",
        item=item,
        guide=guide,
        values=values,
        **_context(db, request),
    )


@pages.post("/power-items/{item_id}/guide", response_class=HTMLResponse)
async def guide_edit_submit(request: Request, item_id: RecordId, db: Db, who: Writer) -> Response:
    item = items.get_power_item(db, item_id).item
    guide = items.guide_of_item(db, item_id)
    values = await _form(request, (*GUIDE_FIELDS, "reason"))
    model = items.GuideRevision if guide else items.GuideDetails
    saved = commit_or_form(
        request,
        db,
        lambda: items.save_guide(db, item_id, parse(model, values), who),
        "guide_form.html",
        item=item,
        guide=guide,
        values=values,
        **_context(db, request),
    )
    if isinstance(saved, Response):
        return saved
    done = "revised" if guide else "created"
    return RedirectResponse(f"/app/catalog/guides/{saved.guide.id}?done={done}", 303)


# ---- random-check list: pages ---------------------------------------------------------------


@pages.get("/random-checks", response_class=HTMLResponse)
def random_check_list_page(request: Request, db: Db, who: Reader) -> Response:
    rows = items.list_random_checks(db)
    units = {u.id: u.name for u in db.scalars(select(Unit))}
    return render(
        request, "random_check_list.html", rows=rows, unit_names=units, **_context(db, request)
    )


@pages.get("/random-checks/new", response_class=HTMLResponse)
def random_check_new_page(request: Request, db: Db, who: Writer) -> Response:
    return render(request, "random_check_form.html", view=None, values={}, **_context(db, request))


@pages.post("/random-checks/new", response_class=HTMLResponse)
async def random_check_new_submit(request: Request, db: Db, who: Writer) -> Response:
    values = await _form(request, ("code", *CHECK_FIELDS))
    view = commit_or_form(
        request,
        db,
        lambda: items.create_random_check(db, parse(items.RandomCheckIn, values), who),
        "random_check_form.html",
        view=None,
        values=values,
        **_context(db, request),
    )
    if isinstance(view, Response):
        return view
    return RedirectResponse(f"/app/catalog/random-checks/{view.item.id}?done=created", 303)


@pages.get("/random-checks/{item_id}", response_class=HTMLResponse)
def random_check_page(request: Request, item_id: RecordId, db: Db, who: Reader) -> Response:
    view = items.get_random_check(db, item_id)
    return render(
        request,
        "random_check_detail.html",
        view=view,
        history=items.random_check_history(db, view.item),
        unit_names={u.id: u.name for u in db.scalars(select(Unit))},
        **_context(db, request),
    )


@pages.get("/random-checks/{item_id}/edit", response_class=HTMLResponse)
def random_check_edit_page(request: Request, item_id: RecordId, db: Db, who: Writer) -> Response:
    view = items.get_random_check(db, item_id)
    values = _values(view.current, CHECK_FIELDS)
    return render(
        request, "random_check_form.html", view=view, values=values, **_context(db, request)
    )


@pages.post("/random-checks/{item_id}/edit", response_class=HTMLResponse)
async def random_check_edit_submit(
    request: Request, item_id: RecordId, db: Db, who: Writer
) -> Response:
    view = items.get_random_check(db, item_id)
    values = await _form(request, (*CHECK_FIELDS, "reason"))
    done = commit_or_form(
        request,
        db,
        lambda: items.revise_random_check(
            db, item_id, parse(items.RandomCheckRevision, values), who
        ),
        "random_check_form.html",
        view=view,
        values=values,
        **_context(db, request),
    )
    if isinstance(done, Response):
        return done
    return RedirectResponse(f"/app/catalog/random-checks/{item_id}?done=revised", 303)


# ---- JSON API --------------------------------------------------------------------------------


class CitationOut(BaseModel):
    article_id: int
    law_id: int
    label: str


class PowerItemVersionOut(BaseModel):
    version: int
    name: str
    kind: ActionKind
    field: str
    unit_id: int | None
    basis: str
    duties: str
    accountability: str
    reason: str
    created_at: datetime
    citations: list[CitationOut]

    @classmethod
    def of(cls, v: PowerItemVersion) -> PowerItemVersionOut:
        cited = [
            CitationOut(article_id=c.article_id, law_id=c.article.law_id, label=c.label)
            for c in v.citations
        ]
        return cls(
            citations=cited, **{k: getattr(v, k) for k in cls.model_fields if k != "citations"}
        )


class PowerItemDetailOut(BaseModel):
    id: int
    code: str
    current: PowerItemVersionOut | None
    history: list[PowerItemVersionOut]


class GuideOut(BaseModel):
    id: int
    power_item_id: int
    version: int
    conditions: str
    materials: str
    procedure: str
    time_limit: str
    fees: str
    place: str
    contacts: str

    @classmethod
    def of(cls, view: items.GuideView) -> GuideOut:
        fields = {k: getattr(view.current, k) for k in (*GUIDE_FIELDS, "version")}
        return cls(id=view.guide.id, power_item_id=view.item.id, **fields)


class RandomCheckVersionOut(BaseModel):
    version: int
    name: str
    basis: str
    targets: str
    method: str
    frequency: str
    unit_id: int | None
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, v: RandomCheckVersion) -> RandomCheckVersionOut:
        return cls(**{k: getattr(v, k) for k in cls.model_fields})


class RandomCheckOut(BaseModel):
    id: int
    code: str
    current: RandomCheckVersionOut
    history: list[RandomCheckVersionOut]


def _item_out(db: Db, view: items.PowerItemView) -> PowerItemDetailOut:
    history = items.power_item_history(db, view.item)
    return PowerItemDetailOut(
        id=view.item.id,
        code=view.item.code,
        current=PowerItemVersionOut.of(view.current) if view.current else None,
        history=[PowerItemVersionOut.of(v) for v in history],
    )


def _check_out(db: Db, view: items.RandomCheckView) -> RandomCheckOut:
    history = items.random_check_history(db, view.item)
    return RandomCheckOut(
        id=view.item.id,
        code=view.item.code,
        current=RandomCheckVersionOut.of(view.current),
        history=[RandomCheckVersionOut.of(v) for v in history],
    )


class ItemImportOut(BaseModel):
    mode: ImportMode
    found: int
    imported: int
    errors: list[str]
    skipped: list[str]


@api.post("/power-items/import", summary="从 CSV、XLSX 或 JSON 文件导入权力事项")
async def api_power_item_import(
    db: Db,
    who: Writer,
    file: UploadFile,
    mode: Annotated[ImportMode, Form()] = ImportMode.all,
) -> Response:
    rows = read_rows(file.filename or "", await file.read(), item_imports.ITEM_FILE)
    report = item_imports.import_power_items(db, rows, mode, who)
    db.commit()
    out = ItemImportOut(
        mode=report.mode,
        found=report.found,
        imported=report.imported,
        errors=[str(e) for e in report.errors],
        skipped=report.skipped,
    )
    status = 422 if report.errors and not report.imported_anything else 200
    return JSONResponse(out.model_dump(mode="json"), status_code=status)


@api.get("/power-items/{item_id}", summary="权力事项详情（当前版本与历史版本）")
def api_power_item(item_id: RecordId, db: Db, who: Reader) -> PowerItemDetailOut:
    return _item_out(db, items.get_power_item(db, item_id))


@api.post("/power-items", status_code=201, summary="登记权力事项")
def api_power_item_create(data: items.PowerItemIn, db: Db, who: Writer) -> PowerItemDetailOut:
    view = items.create_power_item(db, data, who)
    db.commit()
    return _item_out(db, view)


@api.put("/power-items/{item_id}", summary="修改权力事项（生成新版本）")
def api_power_item_revise(
    item_id: RecordId, data: items.PowerItemRevision, db: Db, who: Writer
) -> PowerItemDetailOut:
    view = items.revise_power_item(db, item_id, data, who)
    db.commit()
    return _item_out(db, view)


@api.get("/guides", summary="办事指南（当前版本）")
def api_guides(db: Db, who: Reader) -> list[GuideOut]:
    return [GuideOut.of(g) for g in items.list_guides(db)]


@api.put("/power-items/{item_id}/guide", summary="编写或修改许可事项的办事指南（生成新版本）")
def api_guide_save(item_id: RecordId, data: items.GuideRevision, db: Db, who: Writer) -> GuideOut:
    view = items.save_guide(db, item_id, data, who)
    db.commit()
    return GuideOut.of(view)


@api.get("/random-checks", summary="随机抽查事项清单（当前版本）")
def api_random_checks(db: Db, who: Reader) -> list[RandomCheckOut]:
    return [_check_out(db, v) for v in items.list_random_checks(db)]


@api.post("/random-checks", status_code=201, summary="登记随机抽查事项")
def api_random_check_create(data: items.RandomCheckIn, db: Db, who: Writer) -> RandomCheckOut:
    view = items.create_random_check(db, data, who)
    db.commit()
    return _check_out(db, view)


@api.get("/random-checks/{item_id}", summary="随机抽查事项详情（当前版本与历史版本）")
def api_random_check(item_id: RecordId, db: Db, who: Reader) -> RandomCheckOut:
    return _check_out(db, items.get_random_check(db, item_id))


@api.put("/random-checks/{item_id}", summary="修改随机抽查事项（生成新版本）")
def api_random_check_revise(
    item_id: RecordId, data: items.RandomCheckRevision, db: Db, who: Writer
) -> RandomCheckOut:
    view = items.revise_random_check(db, item_id, data, who)
    db.commit()
    return _check_out(db, view)
