"""Pages of the on-site mode: one phone screen per activity whose steps answer with the
next step's screen (htmx, no page load; without scripts each form posts and the page comes
back at the next step), and the legal section's page of the standard words to say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    Config,
    Tx,
    attempt,
    form_values,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.validation import parse
from zhifa.enforcement.actions import procedure_of
from zhifa.enforcement.models import Action, Activity
from zhifa.enforcement.resources import ActionToChange, ActivityToChange
from zhifa.enforcement.rules import MATTER_LABELS
from zhifa.recording.documents.kinds import document_kind
from zhifa.recording.onsite import service
from zhifa.recording.onsite.rules import SCREEN_LABELS, TOPICS, Screen
from zhifa.recording.onsite.schemas import MatterIn, ScriptIn, SignatureIn, StartIn

pages = APIRouter(prefix="/app", include_in_schema=False)

Writer = Annotated[Principal, Depends(require(Permission.action_write))]
ScriptReader = Annotated[Principal, Depends(require(Permission.catalog_read))]
ScriptWriter = Annotated[Principal, Depends(require(Permission.catalog_write))]

SCREEN = "onsite_screen.html"
STEPS = [s for s in Screen if s is not Screen.done]


def _labels(view: service.OnsiteView) -> dict[str, Any]:
    return {
        "view": view,
        "steps": STEPS,
        "screen_labels": SCREEN_LABELS,
        "matter_labels": MATTER_LABELS,
        "topics": TOPICS,
    }


def _htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _screen(
    request: Request, view: service.OnsiteView, status: int = 200, **extra: Any
) -> Response:
    """The activity's screen: the fragment for htmx (the address follows the activity, so
    a reload resumes it), the whole page otherwise."""
    page = SCREEN if _htmx(request) else "onsite.html"
    response = render(request, page, status, **_labels(view), **extra)
    if view.activity is not None and _htmx(request):
        response.headers["HX-Push-Url"] = f"/app/onsite/{view.activity.id}"
    return response


def _answer(
    request: Request,
    db: Session,
    settings: Settings,
    who: Principal,
    activity_id: int,
    change: Callable[[], Any],
) -> Response:
    """One step's answer: accepted, the next step's screen (a redirect to it without
    htmx); refused, the same screen again with the message next to its field (422)."""

    def shown(_result: Any) -> Response:
        if not _htmx(request):
            return redirect(f"/app/onsite/{activity_id}")
        return _screen(request, service.onsite_of_activity(db, settings, activity_id, who))

    def refused(exc: DomainError) -> Response:
        view = service.onsite_of_activity(db, settings, activity_id, who)
        return _screen(request, view, exc.status_code, error=exc.message, error_field=exc.field)

    return attempt(db, change, refused=refused, then=shown)


# ---- the screens ---------------------------------------------------------------------------


@pages.get("/actions/{action_id}/onsite", response_class=HTMLResponse)
def onsite_start_page(
    request: Request, who: Writer, action: ActionToChange, db: Tx, settings: Config
) -> Response:
    view = service.onsite_of_action(db, settings, action.id, who)
    log_access(db, who, "action", action.id, "现场执法模式")
    return render(request, "onsite.html", **_labels(view))


@pages.post("/actions/{action_id}/onsite", response_class=HTMLResponse)
async def onsite_certificates_submit(
    request: Request, who: Writer, action: ActionToChange, db: Tx, settings: Config
) -> Response:
    action_id, values = action.id, await form_values(request, ("place", "party_present"))
    return submit(
        request,
        db,
        lambda: service.show_certificates(db, settings, action_id, parse(StartIn, values), who),
        page=SCREEN if _htmx(request) else "onsite.html",
        context=lambda: _labels(service.onsite_of_action(db, settings, action_id, who)),
        then=lambda activity: (
            _screen(request, service.onsite_of_activity(db, settings, activity.id, who))
            if _htmx(request)
            else redirect(f"/app/onsite/{activity.id}")
        ),
    )


@pages.get("/onsite/{activity_id}", response_class=HTMLResponse)
def onsite_page(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    view = service.onsite_of_activity(db, settings, found[0].id, who)
    log_access(db, who, "activity", found[0].id, "现场执法模式")
    return render(request, "onsite.html", **_labels(view))


@pages.post("/onsite/{activity_id}/matters", response_class=HTMLResponse)
async def onsite_matter_submit(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    activity_id, values = found[0].id, await form_values(request, ("matter",))
    return _answer(
        request, db, settings, who, activity_id,
        lambda: service.tell_matter(db, activity_id, parse(MatterIn, values), who),
    )  # fmt: skip


@pages.post("/onsite/{activity_id}/recording", response_class=HTMLResponse)
def onsite_recording_submit(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    activity_id = found[0].id
    return _answer(
        request, db, settings, who, activity_id,
        lambda: service.tell_recording(db, activity_id, who),
    )  # fmt: skip


@pages.post("/onsite/{activity_id}/acknowledgement", response_class=HTMLResponse)
async def onsite_signature_submit(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    activity_id = found[0].id
    values = await form_values(request, ("signer_name", "signature"))
    return _answer(
        request, db, settings, who, activity_id,
        lambda: service.acknowledge(
            db, settings, open_blob_store(settings), activity_id, parse(SignatureIn, values), who
        ),
    )  # fmt: skip


@pages.post("/onsite/{activity_id}/media", response_class=HTMLResponse)
def onsite_media_submit(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    activity_id = found[0].id
    return _answer(
        request, db, settings, who, activity_id,
        lambda: service.finish_media(db, activity_id, who),
    )  # fmt: skip


async def _document_values(request: Request, found: tuple[Activity, Action]) -> dict[str, Any]:
    """The step's document fields the screen sent (the others keep their values)."""
    form, (activity, action) = await request.form(), found
    kinds = [document_kind(k) for k in procedure_of(action).step(activity.step).documents]
    names = [spec.name for kind in kinds for spec in kind.fields]
    return {name: str(form[name]) for name in names if name in form}


@pages.post("/onsite/{activity_id}/document", response_class=HTMLResponse)
async def onsite_document_save(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    """A field changed: the draft is saved (nothing typed is lost with the connection)."""
    activity_id, values = found[0].id, await _document_values(request, found)

    def refused(exc: DomainError) -> Response:
        return render(request, "onsite_saved.html", exc.status_code, error=exc.message)

    return attempt(
        db,
        lambda: service.save_document(db, settings, activity_id, values, who),
        refused=refused,
        then=lambda draft: render(request, "onsite_saved.html", draft=draft),
    )


@pages.post("/onsite/{activity_id}/issue", response_class=HTMLResponse)
async def onsite_issue_submit(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    activity_id, values = found[0].id, await _document_values(request, found)
    return _answer(
        request, db, settings, who, activity_id,
        lambda: service.issue_document(
            db, settings, open_blob_store(settings), activity_id, values, who
        ),
    )  # fmt: skip


# ---- the standard words to say (the legal section) -------------------------------------------


def _scripts_context(db: Session, **extra: Any) -> dict[str, Any]:
    return {
        "topics": TOPICS,
        "current": service.current_scripts(db),
        "history": service.script_history(db),
        **extra,
    }


@pages.get("/onsite-scripts", response_class=HTMLResponse)
def scripts_page(request: Request, db: Tx, who: ScriptReader) -> Response:
    context = _scripts_context(db, notice=notice_of(request, {"saved": "已保存为新版本。"}))
    return render(request, "onsite_scripts.html", **context)


@pages.post("/onsite-scripts", response_class=HTMLResponse)
async def scripts_submit(request: Request, db: Tx, who: ScriptWriter) -> Response:
    values = await form_values(request, ("topic", "text", "reason"))
    return submit(
        request,
        db,
        lambda: service.save_script(db, parse(ScriptIn, values), who),
        page="onsite_scripts.html",
        context=lambda: _scripts_context(db, values=values),
        then=lambda _script: redirect("/app/onsite-scripts", "saved"),
    )
