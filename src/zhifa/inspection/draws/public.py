"""What the public portal shows of the 双随机 plans and draws, frozen into
`PublicInspection` rows when a plan is approved and at each stage of a draw (the portal
process reads these rows only). No personal data: inspectors by 执法证号, partners by
department, a 个体工商户's or a person's name masked as the portal does elsewhere."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.calendar import SHANGHAI
from zhifa.core.clock import people_date, people_datetime
from zhifa.core.db import utcnow
from zhifa.core.models import Unit
from zhifa.enforcement.identifiers import is_sole_trader_uscc
from zhifa.enforcement.masking import mask_person_name
from zhifa.enforcement.models import Party, PartyVersion
from zhifa.inspection.beacon import QUICKNET_CHAIN_HASH, DrandSource, round_time
from zhifa.inspection.draw import Announcement, canonical_json, merkle_root
from zhifa.inspection.draws.models import DRAW_STATUS_LABELS, InspectionDraw, PublicInspection
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.rules import QUOTA_LABELS, BatchIn, StratumIn
from zhifa.ledger import checkpoint_by_id

if TYPE_CHECKING:
    from zhifa.inspection.plans.service import BatchView

# Where anyone reads a quicknet round (any relay serves the same: /<chain hash>/public/<round>)
DRAND_URL = f"https://api.drand.sh/{QUICKNET_CHAIN_HASH}/public/"


def beijing(moment: datetime | None, seconds: bool = False) -> str:
    """A time as people read it, in Beijing time (2023年9月15日 19:00:03)."""
    if moment is None:
        return ""
    local = moment.astimezone(SHANGHAI)
    return f"{people_date(local)} {local:%H:%M:%S}" if seconds else people_datetime(local)


def plan_key(plan_id: int) -> str:
    return f"plan/{plan_id}"


def draw_key(plan_id: int, batch_index: int) -> str:
    return f"draw/{plan_id}/{batch_index}"


def _put(db: Session, key: str, body: dict[str, Any], document: str = "") -> None:
    row = db.scalar(select(PublicInspection).where(PublicInspection.key == key))
    if row is None:
        row = PublicInspection(key=key, body=body, document=document)
        db.add(row)
    else:
        row.body, row.document, row.updated_at = body, document, utcnow()
    record_change(db, None, "inspection.public", row)


def _quota(stratum: StratumIn) -> str:
    label = QUOTA_LABELS[stratum.quota]
    if stratum.quota == "count":
        return f"{label} {stratum.count} 个"
    return f"{label} {stratum.ratio}" if stratum.quota == "ratio" else label


def _scope(batch: BatchIn) -> str:
    f = batch.filters
    named = (("属地", f.streets), ("门类", f.sections), ("大类", f.divisions))
    parts = [f"{label}：{'、'.join(values)}" for label, values in named if values]
    return "；".join(parts) or "名录中全部可抽取的对象"


def batch_body(view: BatchView) -> dict[str, Any]:
    b = view.batch
    return {
        "index": view.index,
        "name": b.name,
        "item_code": view.item_code,
        "item_name": view.item.name if view.item else "",
        "basis": b.basis,
        "field": b.field,
        "starts_on": people_date(b.starts_on),
        "ends_on": people_date(b.ends_on),
        "scope": _scope(b),
        "rounding": str(b.rounding),
        "strata": [{"name": s.name, "quota": _quota(s)} for s in b.strata],
        "team_size": b.team_size,
        "cap": b.cap,
        "lead_department": b.lead_department,
        "partners": [p.department for p in b.partners],
    }


def publish_plan(db: Session, plan: InspectionPlan, views: list[BatchView]) -> None:
    """Freeze the public page of an approved plan (no names of persons)."""
    unit = db.get(Unit, plan.unit_id)
    body = {
        "plan_id": plan.id,
        "title": plan.title,
        "year": plan.year,
        "unit": unit.name if unit else "",
        "approved_on": people_date(plan.approved_at) if plan.approved_at else "",
        "batches": [batch_body(v) for v in views],
    }
    _put(db, plan_key(plan.id), body)


def public_names(db: Session, labels: set[str]) -> dict[str, str]:
    """Each 统一社会信用代码's current name; a 个体工商户's or a person's masked."""
    query = (
        select(PartyVersion.uscc, PartyVersion.name, Party.kind)
        .join(Party, Party.id == PartyVersion.party_id)
        .where(PartyVersion.version == Party.current_version, PartyVersion.uscc.in_(labels))
    )
    names: dict[str, str] = {}
    for uscc, name, kind in db.execute(query):
        if uscc is None:
            continue
        personal = is_sole_trader_uscc(uscc) or kind == "person"
        names[uscc] = mask_person_name(name) if personal else name
    return names


def _randomness(ann: Announcement) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for source in ann.randomness:
        if isinstance(source, DrandSource):
            at = round_time(source.round)
            out.append(
                {
                    "kind": "drand",
                    "round": source.round,
                    "at": at.isoformat(),
                    "at_text": beijing(at, seconds=True),
                }
            )
        else:
            out.append(
                {
                    "kind": "lottery",
                    "lottery": source.lottery,
                    "draw_date": source.draw_date,
                    "sets": len(source.ordered),
                    "draw_date_text": people_date(source.draw_date),
                    "ordered": [i + 1 for i, o in enumerate(source.ordered) if o],
                }
            )
    return out


def _result(draw: InspectionDraw, names: dict[str, str]) -> dict[str, Any] | None:
    if draw.outputs is None:
        return None
    teams = {t["target"]: t["inspectors"] for t in draw.outputs["teams"]}
    replaced = {s["replaced"] for s in draw.substitutions}
    strata = [
        {
            "name": s["name"],
            "population": s["population"],
            "size": s["size"],
            "rows": [
                {
                    "rank": i + 1,
                    "uscc": u,
                    "name": names.get(u, ""),
                    "team": teams[u],
                    "replaced": u in replaced,
                }
                for i, u in enumerate(s["drawn"])
            ],
        }
        for s in draw.outputs["strata"]
    ]
    subs = [
        {
            **s,
            "rank": s["rank"] + 1,
            "replaced_name": names.get(s["replaced"], ""),
            "substitute_name": names.get(s["substitute"], ""),
        }
        for s in draw.substitutions
    ]
    return {
        "strata": strata,
        "substitutions": subs,
        "drawn_at": beijing(draw.drawn_at),
        "randomness": draw.randomness,
    }


def _signed_note(db: Session, checkpoint_id: int | None) -> str:
    """The signed checkpoint covering the announcement, as the public log serves it."""
    stored = checkpoint_by_id(db, checkpoint_id) if checkpoint_id is not None else None
    return stored.signed_note if stored is not None else ""


def publish_draw(
    db: Session,
    plan: InspectionPlan,
    view: BatchView,
    draw: InspectionDraw,
    document: dict[str, object] | None,
) -> None:
    """Freeze the public page of a batch's draw as it stands (announced, drawn,
    substituted) with, once drawn, its published JSON (`service.published_document`)
    kept as canonical bytes."""
    ann = Announcement.from_json(draw.announcement)
    labels = {t for s in draw.substitutions for t in (s["replaced"], s["substitute"])}
    if draw.outputs is not None:
        labels |= {t["target"] for t in draw.outputs["teams"]}
    body = {
        "plan_id": plan.id,
        "title": plan.title,
        "year": plan.year,
        "batch": batch_body(view),
        "status": DRAW_STATUS_LABELS[draw.status],
        "announced_at": beijing(draw.announced_at, seconds=True),
        "announcement_sha256": draw.announcement_sha256,
        "ledger_index": draw.ledger_index,
        "checkpoint_id": draw.checkpoint_id,
        "checkpoint_at": beijing(draw.checkpoint_at, seconds=True),
        "checkpoint_note": _signed_note(db, draw.checkpoint_id),
        "strata": [
            {"name": s.name, "size": len(s.candidates), "root": s.root, "quota": s.quota.to_json()}
            for s in ann.strata
        ],
        "inspectors": {"size": len(ann.inspectors), "root": merkle_root(ann.inspectors)},
        "team_size": ann.team_size,
        "cap": ann.cap,
        "avoidance": len(ann.avoidance),
        "randomness": _randomness(ann),
        "announcement": draw.announcement,
        "result": _result(draw, public_names(db, labels)),
    }
    text = canonical_json(document).decode() if document is not None else ""
    _put(db, draw_key(plan.id, view.index), body, text)


# ---- the portal's reads ----------------------------------------------------------------------


def public_row(db: Session, key: str) -> PublicInspection | None:
    return db.scalar(select(PublicInspection).where(PublicInspection.key == key))


def public_plans(db: Session) -> list[dict[str, Any]]:
    """The approved plans' public pages, newest year first."""
    rows = db.scalars(select(PublicInspection).where(PublicInspection.key.like("plan/%")))
    return sorted((r.body for r in rows), key=lambda b: (-b["year"], -b["plan_id"]))


def public_draws_of(db: Session, plan_id: int) -> dict[int, dict[str, Any]]:
    """The public draw pages of a plan's batches, by batch index."""
    query = select(PublicInspection).where(PublicInspection.key.like(f"draw/{plan_id}/%"))
    return {r.body["batch"]["index"]: r.body for r in db.scalars(query)}
