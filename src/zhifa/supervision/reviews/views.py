"""What the review pages show, read in one place for each page (no writes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.enforcement.models import Action
from zhifa.enforcement.steps import ACTION_KIND_LABELS, ActionKind
from zhifa.inspection.beacon import QUICKNET_CHAIN_HASH, round_time
from zhifa.supervision.reviews import rounds, service
from zhifa.supervision.reviews.models import (
    FINDING_STATE_LABELS,
    LINK_LABELS,
    ROUND_STATUS_LABELS,
    LinkKind,
    ReviewFinding,
    ReviewRound,
    ReviewSheet,
)
from zhifa.supervision.reviews.report import RoundReport, round_report
from zhifa.supervision.reviews.rules import Template
from zhifa.supervision.reviews.standard import DEFAULT_TEMPLATE, PLATFORM_CODES
from zhifa.supervision.reviews.template_form import NEW_ROWS

DRAND_URL = f"https://api.drand.sh/{QUICKNET_CHAIN_HASH}/public/"


def _users(db: Session) -> list[User]:
    query = select(User).where(User.is_active.is_(True)).order_by(User.full_name)
    return list(db.scalars(query))


def _names(db: Session) -> dict[int, str]:
    return {u.id: u.full_name for u in db.scalars(select(User))}


def round_list(db: Session, values: dict[str, Any] | None = None) -> dict[str, Any]:
    template = rounds.current_template(db)
    return {
        "rounds": rounds.list_rounds(db),
        "status_labels": ROUND_STATUS_LABELS,
        "units": list(db.scalars(select(Unit).order_by(Unit.name))),
        "kinds": [(k.value, ACTION_KIND_LABELS[k]) for k in ActionKind],
        "users": _users(db),
        "template_version": template.version if template else 1,
        "values": values or {},
    }


def mine(db: Session, who: Principal) -> dict[str, Any]:
    sheets = service.my_sheets(db, who)
    return {
        "sheets": sheets,
        "actions": {s.id: db.get(Action, s.action_id) for s in sheets},
        "rounds": {s.id: service.round_of_sheet(db, s) for s in sheets},
    }


def link_url(finding: ReviewFinding, action_id: int) -> str:
    """The page of the record a finding rests on."""
    kind, key = finding.link_kind, finding.link_id
    return {
        LinkKind.action: f"/app/actions/{action_id}",
        LinkKind.activity: f"/app/activities/{key}/recording",
        LinkKind.document: f"/app/actions/{action_id}/documents/{key}",
        LinkKind.media: f"/app/media/{key}",
        LinkKind.ledger: f"/log/entries?start={key}&end={key + 1}",
    }[kind]


def _item_texts(template: Any) -> dict[str, str]:
    texts = {v.code: f"否决项：{v.text}" for v in template.vetoes}
    for section in template.sections:
        texts |= {i.code: f"{section.name}：{i.text}" for i in section.items}
    return texts


def sheet(
    db: Session, sheet: ReviewSheet, who: Principal, values: dict[str, str] | None = None
) -> dict[str, Any]:
    service.check_reads(db, sheet, who)
    review_round = service.round_of_sheet(db, sheet)
    template = rounds.template_of(review_round)
    action = db.get(Action, sheet.action_id)
    assert action is not None
    findings = service.findings_of(db, sheet.id)
    assigned = rounds.active_assignments(db, sheet.id)
    return {
        "sheet": sheet,
        "round": review_round,
        "action": action,
        "scoring": template,
        "item_texts": _item_texts(template),
        "findings": [(f, link_url(f, action.id)) for f in findings],
        "score": service.sheet_score(db, sheet),
        "assigned": assigned,
        "reviewers": rounds.final_reviewers(db, review_round, sheet.id),
        "names": _names(db),
        "is_reviewer": service.is_reviewer(db, sheet, who),
        "can_manage": who.can(Permission.case_review_manage),
        "users": _users(db),
        "tasks": [t for t in service.rectifications(db, review_round.id) if t.sheet_id == sheet.id],
        "state_labels": FINDING_STATE_LABELS,
        "link_labels": LINK_LABELS,
        "link_kinds": [(k.value, LINK_LABELS[k]) for k in LinkKind],
        "values": values or {},
    }


def people_of(built: RoundReport) -> set[int]:
    row = built.round
    return {i for i in (row.announced_by, row.closed_by, row.approved_by) if i}


def round_view(db: Session, review_round: ReviewRound) -> dict[str, Any]:
    number = rounds.announced_round(review_round)
    return {
        "round": review_round,
        "status_labels": ROUND_STATUS_LABELS,
        "rows": service.sheets_of(db, review_round.id),
        "report": round_report(db, review_round),
        "names": _names(db),
        "drand_round": number,
        "drand_at": round_time(number),
        "drand_url": f"{DRAND_URL}{number}",
        "strata": review_round.announcement["strata"],
    }


def templates(db: Session) -> dict[str, Any]:
    """The template versions page: every version, newest first."""
    return {"versions": rounds.template_versions(db), "names": _names(db)}


def template(db: Session, version: int) -> dict[str, Any]:
    row = rounds.template_version(db, version)
    current = rounds.current_template(db)
    return {
        "row": row,
        "scoring": Template.from_json(row.body),
        "is_current": current is not None and current.version == row.version,
        "names": _names(db),
        "platform_codes": PLATFORM_CODES,
    }


def template_form(db: Session, values: dict[str, str] | None = None) -> dict[str, Any]:
    """The revision form, filled from the current version (or from what was posted)."""
    row = rounds.current_template(db)
    # before any round or revision the bureau's default is version 1 (seeded on use)
    template = Template.from_json(row.body) if row else DEFAULT_TEMPLATE
    return {
        "version": row.version if row else 1,
        "scoring": template,
        "values": values,
        "platform_codes": PLATFORM_CODES,
        "new_rows": range(NEW_ROWS),
    }
