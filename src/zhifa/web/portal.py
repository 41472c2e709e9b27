"""The public portal (公示办法 第七条; issue 6 point 7): no login, published snapshots only.

Routes: ``/`` (latest publications, kinds, search box), ``/search`` (full text and
filters, newest first), ``/p/<id>`` (one publication: every 双公示 item in the standard's
order, its ledger index, digest and version history) and ``/p/<id>.json`` (the current
version's canonical snapshot, byte for byte: sha256 of the body is the digest, which is
the ``payload_sha256`` of the ledger entry at the shown index).

A withdrawn publication answers its notice instead of its content: the page shows the
date and reason, ``.json`` answers 410 with a notice object. An expired one answers 410
(公示期已满) on both. Unknown ids answer 404.

The portal can run as its own process (`create_portal_app` in `web.app`): its engine then
carries `TableGuard`, which refuses any statement naming a table outside `PORTAL_TABLES`,
the public log's `LOG_TABLES` (read only) and the tables of the features' `portal_routes`,
and any statement writing a table it may only read (or only append to).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import Engine, event

from zhifa.core.clock import people_date
from zhifa.core.errors import DomainError
from zhifa.core.features import registry
from zhifa.core.http import Db, record_id_or_none, render
from zhifa.publicity.channels.base import OUTBOX_EVENT_LABELS, OutboxEvent
from zhifa.publicity.portal import decisions as portal_decisions
from zhifa.publicity.portal.models import (
    PORTAL_STATUS_LABELS,
    SEARCH_TABLE,
    PortalStatus,
)
from zhifa.publicity.rules import KIND_LABELS

router = APIRouter(tags=["公示门户（无需登录）"])

MAX_TEXT = 100  # characters of a search field


_DATED = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日")


EVENT_LABELS = {event.value: label for event, label in OUTBOX_EVENT_LABELS.items()}


def change_note(change: portal_decisions.VersionRow) -> str:
    """The public note of a correction or update, dated ("于2026年3月9日更正：…")."""
    if _DATED.match(change.note):
        return change.note  # dated by the correction itself
    verb = "更正" if change.event == OutboxEvent.correct else "更新"
    said = f"：{change.note}" if change.note else "。"
    return f"于{people_date(change.occurred_on)}{verb}{said}"


# ---- the decision page: what happened first, then the items, then the proof -----------------

_DATE_KEYS = frozenset({"decided_on", "valid_from", "valid_until", "public_until"})
_WAN_KEYS = frozenset({"fine_wan", "confiscation_wan"})
_VERBS = {
    "penalty": "作出行政处罚决定",
    "compulsion": "采取行政强制措施",
    "license": "准予行政许可",
    "inspection": "进行了双随机抽查",
}


def yuan(wan: str) -> str:
    """An amount the standard gives in 万元, in 元 with thousands separators: "2.5" →
    "25,000 元"; "" for no amount (empty, zero or not a number)."""
    try:
        value = Decimal(wan.strip()) * 10000
    except InvalidOperation:
        return ""
    if not value.is_finite() or value <= 0:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,} 元"
    return f"{value.quantize(Decimal('0.01')):,} 元"


def _shown(key: str, value: str) -> str:
    """An item's value as people read it: dates as 2026年3月2日, 万元 also in 元."""
    if key in _DATE_KEYS:
        return people_date(value)
    if key in _WAN_KEYS and yuan(value):
        return f"{value}（即 {yuan(value)}）"
    return value


@dataclass(frozen=True)
class Headline:
    """The top of a decision's page: one sentence and the facts people look for."""

    sentence: str
    facts: list[tuple[str, str]]


def _facts(kind: str, v: Mapping[str, str]) -> list[tuple[str, str]]:
    if kind == "penalty":
        return [
            ("违法行为", v.get("violation_type", "")),
            ("处罚内容", v.get("content", "")),
            ("罚款金额", yuan(v.get("fine_wan", ""))),
            ("没收金额", yuan(v.get("confiscation_wan", ""))),
            ("暂扣或吊销证照", v.get("license_revoked", "")),
        ]
    if kind == "compulsion":
        return [
            ("强制措施", v.get("measure", "")),
            ("查封扣押的场所、设施或者财物", v.get("objects", "")),
            ("强制期限", v.get("period", "")),
        ]
    if kind == "inspection":
        return [("检查事项", v.get("item", "")), ("检查结果", v.get("result", ""))]
    valid = " 至 ".join(people_date(v.get(k, "")) for k in ("valid_from", "valid_until"))
    return [
        ("许可证书", v.get("certificate_name", "")),
        ("许可内容", v.get("content", "")),
        ("有效期", valid if v.get("valid_from") and v.get("valid_until") else ""),
    ]


def headline(kind: str, items: list[dict[str, str]], public_until: date | None) -> Headline:
    """Who decided what about whom and when, the penalty or measure, and until when the
    page is public (from the current version's items)."""
    v = {i["key"]: i["value"] for i in items}
    decided = people_date(v.get("decided_on", ""))
    who = v.get("authority", "") or "本局"
    party = v.get("party_name", "") or "当事人"
    sentence = f"{who}{'于' + decided if decided else ''}对{party}{_VERBS.get(kind, '作出决定')}"
    sentence += f"，文号{v['doc_number']}。" if v.get("doc_number") else "。"
    facts = [
        *_facts(kind, v),
        ("检查时间" if kind == "inspection" else "决定日期", decided),
        ("检查机关" if kind == "inspection" else "决定机关", v.get("authority", "")),
        ("公示至", people_date(public_until) if public_until else "长期公示"),
    ]
    return Headline(sentence, [(label, value) for label, value in facts if value])


def shown_items(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """The 双公示 items in the standard's order, values as people read them."""
    return [{**i, "value": _shown(i["key"], i["value"])} for i in items]


# ---- the portal-only process: which tables its routes may touch ---------------------------

# The portal's own tables (and SQLite's full-text table with its FTS5 shadow tables).
# Public snapshots (catalogue, officers, yearly figures) and the certificate lookups' rate
# window: `publicity.portal.subjects`.
PORTAL_TABLES = frozenset(
    {
        "portal_entry",
        "portal_version",
        "portal_receipt",
        SEARCH_TABLE,
        "portal_snapshot",
        "portal_snapshot_version",
        "portal_lookup",
    }
)

# The public log its pages link to (/log/*, `web.transparency`): the ledger, read only.
LOG_TABLES = frozenset({"ledger_entry", "ledger_node", "ledger_head", "ledger_checkpoint"})


class Access(IntEnum):
    """What the portal process may do to a table; each level includes the ones below."""

    read = 1  # SELECT
    append = 2  # and INSERT (the ledger's entries and nodes: never changed, never removed)
    write = 3  # and UPDATE, DELETE, DDL


def allowed_tables() -> dict[str, Access]:
    """Every table the portal process may touch, with the most it may do to it."""
    grants = [(LOG_TABLES, Access.read), (PORTAL_TABLES, Access.write)]
    for routes in registry().portal_routes:
        grants += [(routes.appends, Access.append), (routes.tables, Access.write)]
    allowed: dict[str, Access] = {}
    for names, access in grants:
        for name in names:
            allowed[name] = max(allowed.get(name, access), access)
    return allowed


class PortalGuardError(RuntimeError):
    """A statement of the portal process named a table outside its allow-list."""


_TABLE_AFTER = re.compile(r'(?i)\b(?:from|join|into|update|table)\s+"?([a-z_][a-z0-9_]*)')
_IDENT = re.compile(r'(?i)(?<![\w.])"?([a-z_][a-z0-9_]*)')
# The table a statement writes: INSERT INTO t (an append); UPDATE t SET (not FOR UPDATE,
# nor ON CONFLICT DO UPDATE SET), DELETE FROM t, REPLACE INTO t, TRUNCATE t.
_NAME = r'"?([a-z_][a-z0-9_]*)'
_INSERTED = re.compile(rf"(?i)\binsert\s+(?:or\s+[a-z]+\s+)?into\s+{_NAME}")
_CHANGED = re.compile(
    rf'(?i)\b(?:update\s+{_NAME}"?\s+set\b|delete\s+from\s+{_NAME}|replace\s+into\s+{_NAME}'
    rf"|truncate\s+(?:table\s+)?{_NAME})"
)
# Statements that change a schema change every table they name.
_DDL = re.compile(r"(?i)^\W*(?:create|drop|alter|truncate|reindex|vacuum)\b")


class TableGuard:
    """`before_cursor_execute` check: every table a statement names (after FROM, JOIN,
    INTO, UPDATE, TABLE, or any bare word that is the name of a known table) must be on
    the allow-list, and every table it writes must be allowed that write (`Access`; a
    plain set of names allows everything). Textual SQL is checked as well as generated
    SQL."""

    def __init__(
        self, known_tables: frozenset[str], allowed: Mapping[str, Access] | frozenset[str]
    ) -> None:
        self.known = known_tables
        self.allowed: Mapping[str, Access] = (
            allowed if isinstance(allowed, Mapping) else dict.fromkeys(allowed, Access.write)
        )

    def _access(self, name: str) -> Access | None:
        name = name.lower()
        if name.startswith(f"{SEARCH_TABLE}_"):  # FTS5's shadow tables
            return Access.write
        return self.allowed.get(name)

    def tables_of(self, statement: str) -> set[str]:
        named = {m.lower() for m in _TABLE_AFTER.findall(statement)}
        named |= {w.lower() for w in _IDENT.findall(statement) if w.lower() in self.known}
        return named

    def writes_of(self, statement: str) -> dict[str, Access]:
        """The tables ``statement`` writes, with the access each write needs."""
        needs = {name.lower(): Access.append for name in _INSERTED.findall(statement)}
        for names in _CHANGED.findall(statement):
            needs.update((name.lower(), Access.write) for name in names if name)
        if _DDL.match(statement):
            needs.update(dict.fromkeys(self.tables_of(statement), Access.write))
        return needs

    def check(self, statement: str) -> None:
        refused = sorted(t for t in self.tables_of(statement) if self._access(t) is None)
        if refused:
            raise PortalGuardError(f"portal process may not touch: {', '.join(refused)}")
        read_only = sorted(
            table
            for table, needed in self.writes_of(statement).items()
            if (self._access(table) or 0) < needed
        )
        if read_only:
            raise PortalGuardError(f"portal process may not write: {', '.join(read_only)}")

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.check(statement)

    def install(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self)


# ---- pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    kind: str = ""
    date_from: str = ""
    date_to: str = ""
    unit: str = ""
    party: str = ""
    page: int = 1

    def filters(self) -> portal_decisions.Filters:
        start, end = _date(self.date_from, "from"), _date(self.date_to, "to")
        if start and end and start > end:
            raise DomainError("起始日期不能晚于截止日期", "from")
        return portal_decisions.Filters(self.q, self.kind, start, end, self.unit, self.party)

    def link(self, page: int) -> str:
        pairs = {
            "q": self.q,
            "kind": self.kind,
            "from": self.date_from,
            "to": self.date_to,
            "unit": self.unit,
            "party": self.party,
        }
        return "/search?" + urlencode({**{k: v for k, v in pairs.items() if v}, "page": page})


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError("日期格式应为 年-月-日，例如 2026-03-01", field) from None


def _search_form(request: Request) -> SearchForm:
    params = request.query_params
    text = {k: " ".join(params.get(k, "").split()) for k in ("q", "unit", "party")}
    for key, value in text.items():
        if len(value) > MAX_TEXT:
            raise DomainError(f"检索内容最多 {MAX_TEXT} 个字", key)
    kind = params.get("kind", "")
    if kind and kind not in KIND_LABELS:
        raise DomainError("公示类别不正确", "kind")
    page = params.get("page", "1") or "1"
    digits = page.isascii() and page.isdigit() and len(page) <= 6  # int() of "²" raises
    if not digits or not 1 <= int(page) <= portal_decisions.MAX_PAGE:
        raise DomainError(f"页码应为 1 至 {portal_decisions.MAX_PAGE}", "page")
    return SearchForm(
        q=text["q"],
        kind=kind,
        date_from=params.get("from", "").strip(),
        date_to=params.get("to", "").strip(),
        unit=text["unit"],
        party=text["party"],
        page=int(page),
    )


@router.get("/", response_class=HTMLResponse, summary="门户首页")
def home(request: Request, db: Db) -> Response:
    latest = portal_decisions.search(db, portal_decisions.Filters(), 1)
    return render(request, "portal_home.html", latest=latest.entries, kinds=KIND_LABELS)


@router.get("/search", response_class=HTMLResponse, summary="检索公示信息")
def search(request: Request, db: Db) -> Response:
    form, error, results = SearchForm(), None, None
    try:
        form = _search_form(request)
        results = portal_decisions.search(db, form.filters(), form.page)
    except DomainError as exc:
        error = exc
    return render(
        request,
        "portal_search.html",
        422 if error else 200,
        form=form,
        error=error,
        results=results,
        kinds=KIND_LABELS,
    )


def _public_id(value: str) -> int | None:
    return record_id_or_none(value)


def _gone_notice(entry: Any) -> dict[str, Any]:
    return {
        "public_id": entry.id,
        "status": entry.status,
        "status_label": str(PORTAL_STATUS_LABELS[PortalStatus(entry.status)]),
        "on": entry.changed_on.isoformat() if entry.changed_on else None,
        "reason": entry.note,
        "version": entry.version,
        "digest": entry.digest,
        "ledger_index": entry.ledger_index,
    }


@router.get("/p/{public_id}.json", summary="公示信息的规范快照（JSON）")
def detail_json(public_id: str, db: Db) -> Response:
    number = _public_id(public_id)
    entry = None if number is None else portal_decisions.entry(db, number)
    if entry is None:
        return JSONResponse({"detail": "未找到该公示信息"}, status_code=404)
    if entry.status != PortalStatus.current:
        # Taken down: the notice instead of the content (410 Gone).
        return JSONResponse(_gone_notice(entry), status_code=410)
    return Response(
        entry.snapshot_json.encode("utf-8"), media_type="application/json; charset=utf-8"
    )


@router.get("/p/{public_id}", response_class=HTMLResponse, summary="公示信息详情")
def detail(request: Request, public_id: str, db: Db) -> Response:
    number = _public_id(public_id)
    found = None if number is None else portal_decisions.detail(db, number)
    if found is None:
        return render(
            request,
            "error.html",
            404,
            heading="未找到该公示信息",
            message="该公示信息不存在，或链接有误。",
        )
    entry = found.entry
    status = 410 if entry.status == PortalStatus.expired else 200
    changes = [v for v in found.history if v.event in (OutboxEvent.update, OutboxEvent.correct)]
    items = found.items()
    return render(
        request,
        "portal_detail.html",
        status,
        entry=entry,
        headline=headline(entry.kind, items, entry.public_until) if items else None,
        items=shown_items(items),
        history=found.history,
        event_labels=EVENT_LABELS,
        change=change_note(changes[-1]) if entry.status == PortalStatus.current and changes else "",
        snapshot_size=len(entry.snapshot_json.encode("utf-8")),
        kinds=KIND_LABELS,
    )
