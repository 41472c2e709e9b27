"""The portal's 事前公示 pages (公示办法 第五条、第六条), no login, portal tables only:

- ``/catalog``: the published catalogue — power items, service guides, random-check items
  — by kind and unit, with a search (every term a substring of the item's text);
- ``/catalog/<kind>/<subject>``: one item's current version and the history of its
  published versions (``?v=<n>`` shows an earlier one);
- ``/officers``: the officers' public certificate information with each certificate's
  state today;
- ``/c/<执法证号>`` (the certificate card's QR code) and ``/c?number=`` (the lookup form):
  the officer's public information and the certificate's state now — 有效 / 未生效 /
  已过期 / 已注销 / 暂扣 — from the published dates and status. Lookups are limited per
  client (a keyed hash of the address, `certificate_lookups_per_window` in ten minutes);
  an unknown number answers a plain 404 that says nothing about other data.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.access import client_key
from zhifa.core.certificate_rules import STATE_LABELS, CertificateState, certificate_state
from zhifa.core.clock import today
from zhifa.core.errors import InvalidInput
from zhifa.core.http import Config, Db, Tx, render
from zhifa.core.models import CertificateStatus
from zhifa.core.settings import Settings
from zhifa.publicity.models import SNAPSHOT_KIND_LABELS, SnapshotStatus
from zhifa.publicity.portal import subjects as portal_subjects
from zhifa.publicity.portal.models import PortalSnapshot
from zhifa.web.portal import EVENT_LABELS, MAX_TEXT

router = APIRouter(tags=["事前公示目录与执法证核验（无需登录）"])

# The kinds browsed at /catalog (officers have their own page, the yearly figures theirs).
CATALOG_KINDS = ("power_item", "service_guide", "random_check_item")
_NUMBER = re.compile(r"^[0-9A-Za-z\-]{4,30}$")


def _text(request: Request, key: str) -> str:
    value = " ".join(request.query_params.get(key, "").split())
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"检索内容最多 {MAX_TEXT} 个字", key)
    return value


def _kind(request: Request, allowed: tuple[str, ...]) -> str:
    kind = request.query_params.get("kind", "")
    if kind and kind not in allowed:
        raise InvalidInput("目录类别不正确", "kind")
    return kind


@router.get("/catalog", response_class=HTMLResponse, summary="事前公示目录")
def catalog(request: Request, db: Db) -> Response:
    kind = _kind(request, CATALOG_KINDS)
    unit, query = _text(request, "unit"), _text(request, "q")
    rows = [r for r in portal_subjects.listing(db, kind, unit, query) if r.kind in CATALOG_KINDS]
    return render(
        request,
        "portal_catalog_list.html",
        rows=rows,
        kind=kind,
        unit=unit,
        q=query,
        units=portal_subjects.units(db, kind),
        kinds={k: SNAPSHOT_KIND_LABELS[k] for k in CATALOG_KINDS},
    )


def _version(request: Request) -> int | None:
    value = request.query_params.get("v", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 5) or int(value) == 0:
        raise InvalidInput("版本号不正确", "v")
    return int(value)


def _not_found(request: Request, heading: str, message: str) -> Response:
    return render(request, "error.html", 404, heading=heading, message=message)


@router.get("/catalog/{kind}/{subject}", response_class=HTMLResponse, summary="目录事项详情")
def catalog_item(request: Request, db: Db, kind: str, subject: str) -> Response:
    row = portal_subjects.current(db, kind, subject) if kind in CATALOG_KINDS else None
    if row is None:
        return _not_found(request, "未找到该事项", "该目录事项不存在，或链接有误。")
    history = portal_subjects.history(db, kind, subject)
    wanted = _version(request)
    shown: Any = row
    if wanted is not None and wanted != row.version:
        shown = next((v for v in history if v.version == wanted and v.snapshot_json), None)
        if shown is None:
            return _not_found(request, "未找到该版本", "该事项没有这一公示版本。")
    return render(
        request,
        "portal_catalog_item.html",
        row=row,
        shown=shown,
        snapshot=portal_subjects.snapshot_of(shown),
        earlier=shown is not row,
        history=history,
        event_labels=EVENT_LABELS,
        kind_label=SNAPSHOT_KIND_LABELS.get(kind, kind),
    )


# ---- officers and certificates -----------------------------------------------------------


def certificate_state_now(snapshot: dict[str, Any], on: date) -> CertificateState:
    """The state on `on` from the published status and validity dates."""
    return certificate_state(
        CertificateStatus(snapshot["status"]),
        date.fromisoformat(snapshot["valid_from"]),
        date.fromisoformat(snapshot["valid_to"]),
        on,
    )


def _officer(row: PortalSnapshot, on: date) -> dict[str, Any]:
    snapshot = portal_subjects.snapshot_of(row)
    state = certificate_state_now(snapshot, on)
    return {**snapshot, "state": state.value, "state_label": STATE_LABELS[state]}


@router.get("/officers", response_class=HTMLResponse, summary="执法人员名单")
def officers(request: Request, db: Db) -> Response:
    unit, query = _text(request, "unit"), _text(request, "q")
    on = today()
    rows = [_officer(r, on) for r in portal_subjects.listing(db, "officer", unit, query)]
    rows.sort(key=lambda o: (o["unit"], o["number"]))
    return render(
        request,
        "portal_officer_list.html",
        rows=rows,
        unit=unit,
        q=query,
        units=portal_subjects.units(db, "officer"),
        on=on,
    )


def _certificate_page(request: Request, db: Session, settings: Settings, number: str) -> Response:
    """Every lookup is counted (kept when the handler returns, `Tx`); one over the limit
    is refused and counts nothing."""
    client = client_key(settings.resolved_secret_key(), "lookup-client")
    if not portal_subjects.take_lookup(db, client, settings.certificate_lookups_per_window):
        return render(
            request, "error.html", 429, heading="查询过于频繁", message="请十分钟后再试。"
        )
    row = portal_subjects.current(db, "officer", number) if _NUMBER.match(number) else None
    if row is None:
        return _not_found(
            request,
            "未找到该执法证",
            "没有查到这个执法证号。请核对证号后重试；如有疑问，请致电本局法制宣传科。",
        )
    on = today()
    if row.status != SnapshotStatus.published.value:
        return render(request, "portal_certificate.html", 410, row=row, officer=None, on=on)
    return render(request, "portal_certificate.html", row=row, officer=_officer(row, on), on=on)


@router.get("/c", response_class=HTMLResponse, summary="执法证核验（按证号查询）")
def certificate_lookup(request: Request, db: Tx, settings: Config) -> Response:
    number = request.query_params.get("number", "").strip()
    if not number:
        return render(request, "portal_certificate_lookup.html", error="")
    if not _NUMBER.match(number):
        return render(
            request,
            "portal_certificate_lookup.html",
            422,
            error="执法证号应为 4 至 30 位字母、数字或短横线",
            number=number[:30],
        )
    return _certificate_page(request, db, settings, number)


@router.get("/c/{number}", response_class=HTMLResponse, summary="执法证核验（扫码）")
def certificate(request: Request, db: Tx, settings: Config, number: str) -> Response:
    return _certificate_page(request, db, settings, number)
