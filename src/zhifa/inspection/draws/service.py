"""Use cases of the 双随机 draw of one batch: commit (announce), then randomness (enter
the beacon, which computes the draw), then substitutions — each ledgered in the caller's
transaction, each refused whole before anything is written.

Every function takes ``now`` (default: the clock) so that tests and the demo can act at
a historical time; the checkpoint signed at announcement is stamped ``now`` as well."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import SHANGHAI
from zhifa.core.certificates import list_officers
from zhifa.core.clock import people_datetime
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import Unit
from zhifa.inspection import draw as core
from zhifa.inspection.beacon import (
    DRAND,
    LOTTERY,
    MIN_LEAD,
    BeaconError,
    DrandSource,
    LotterySource,
    Source,
    check_sources_after,
    input_keying_material,
    round_at,
    round_time,
)
from zhifa.inspection.directory import collect
from zhifa.inspection.draws.models import DrawStatus, InspectionDraw
from zhifa.inspection.draws.public import DRAND_URL, publish_draw
from zhifa.inspection.draws.schemas import AnnounceIn, BeaconIn, SubstituteIn
from zhifa.inspection.inspectors.rules import Period
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.rules import PlanStatus, announcement_of
from zhifa.inspection.plans.service import BatchView, batch_of
from zhifa.inspection.published import published
from zhifa.inspection.subjects.service import list_subjects
from zhifa.ledger import Signer, lock, sign_checkpoint


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def iso(moment: datetime) -> str:
    """UTC, seconds, with Z: how the published JSON writes a time."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---- which round ---------------------------------------------------------------------------


def default_round(now: datetime | None = None) -> int:
    """The first round at or after the next whole hour (Beijing time) that is at least
    24 h + 1 h from now."""
    # not a legal limit: an hour's margin past the protocol's 24 h, then a whole hour
    after = _now(now) + MIN_LEAD + timedelta(hours=1)
    hour = after.replace(minute=0, second=0, microsecond=0)
    # not a legal limit: rounding up to the next whole hour, a time people can remember
    return round_at(hour if hour == after else hour + timedelta(hours=1))


def _sources(data: AnnounceIn, now: datetime) -> tuple[Source, ...]:
    chosen = data.round_at
    if chosen is not None and chosen.tzinfo is None:
        chosen = chosen.replace(tzinfo=SHANGHAI)  # a form's local time
    number = round_at(chosen) if chosen is not None else default_round(now)
    sources: list[Source] = [DrandSource(number)]
    if data.lottery is not None:
        if data.lottery.draw_date <= (now + MIN_LEAD).astimezone(SHANGHAI).date():
            raise DomainError("彩票开奖日期须在发布公告 24 小时之后", "lottery_date")
        lottery = data.lottery
        day = lottery.draw_date.isoformat()
        sources.append(LotterySource(lottery.name, day, tuple(lottery.ordered)))
    check_sources_after(sources, now)
    return tuple(sources)


# ---- commit ---------------------------------------------------------------------------------


def get_draw(db: Session, plan: InspectionPlan, batch_index: int) -> InspectionDraw | None:
    query = select(InspectionDraw).where(
        InspectionDraw.plan_id == plan.id, InspectionDraw.batch_index == batch_index
    )
    return db.scalar(query)


def draw_of(db: Session, plan: InspectionPlan, batch_index: int) -> InspectionDraw:
    draw = get_draw(db, plan, batch_index)
    if draw is None:
        raise NotFound("该批次尚未发布抽取公告")
    return draw


def plan_facts(db: Session, plan: InspectionPlan, view: BatchView) -> dict[str, object]:
    """What the announcement says of the plan and batch (strings and integers only)."""
    batch, unit = view.batch, db.get(Unit, plan.unit_id)
    return {
        "plan_id": plan.id,
        "title": plan.title,
        "year": plan.year,
        "batch_index": view.index,
        "batch": batch.name,
        "item_code": view.item_code,
        "item_name": view.item.name if view.item else "",
        "basis": batch.basis,
        "field": batch.field,
        "period": f"{batch.starts_on.isoformat()}/{batch.ends_on.isoformat()}",
        "unit": unit.name if unit else "",
    }


def announce(
    db: Session,
    plan: InspectionPlan,
    batch_index: int,
    data: AnnounceIn,
    who: Principal | None,
    signer: Signer,
    origin: str,
    now: datetime | None = None,
) -> InspectionDraw:
    """Freeze the batch's lists and publish which future randomness decides the draw;
    ledger it and sign a checkpoint covering it in the same transaction."""
    moment = _now(now)
    if plan.status is not PlanStatus.approved:
        raise Conflict("计划尚未经领导批准，不能发布抽取公告")
    view = batch_of(db, plan, batch_index)
    if get_draw(db, plan, batch_index) is not None:
        raise Conflict("该批次已发布抽取公告，不能再次发布")
    sources = _sources(data, moment)
    batch = view.batch
    frozen = collect(db, Period(batch.starts_on, batch.ends_on), batch.field)
    ann = announcement_of(
        plan_facts(db, plan, view), batch, frozen, announced_at=iso(moment), randomness=sources
    )
    draw = InspectionDraw(
        plan_id=plan.id,
        batch_index=batch_index,
        announcement=ann.to_json(),
        announcement_sha256=_sha256(ann),
        announced_at=moment,
        announced_by=who.user_id if who else None,
    )
    db.add(draw)
    record_change(db, actor_name(who), "inspection.draw.announce", draw)
    entry_index = lock(db) - 1  # the entry just appended
    # The signed note itself names the announcement and its time, so the commitment and
    # its moment are signed, not only stored beside the checkpoint.
    commitment = f"{core.ALGORITHM} announcement {draw.announcement_sha256} {iso(moment)}"
    checkpoint = sign_checkpoint(db, signer, origin=origin, time=moment, extensions=(commitment,))
    check_sources_after(sources, checkpoint.created_at)
    draw.ledger_index, draw.checkpoint_id = entry_index, checkpoint.id
    draw.checkpoint_at = checkpoint.created_at
    record_change(db, actor_name(who), "inspection.draw.commit", draw)
    publish_draw(db, plan, view, draw, None)
    return draw


def _sha256(ann: core.Announcement) -> str:
    return hashlib.sha256(ann.canonical_bytes()).hexdigest()


# ---- randomness and compute ----------------------------------------------------------------


def announcement(draw: InspectionDraw) -> core.Announcement:
    return core.Announcement.from_json(draw.announcement)


def _values(ann: core.Announcement, data: BeaconIn, now: datetime) -> list[dict[str, object]]:
    values: list[dict[str, object]] = []
    lotteries = list(data.lottery_sets)
    for source in ann.randomness:
        if isinstance(source, DrandSource):
            due = round_time(source.round)
            if now < due:
                raise BeaconError(
                    f"drand 第 {source.round} 轮将于北京时间 {people_datetime(due)} 产生，"
                    "现在还没有，不能抽取",
                    "signature",
                )
            signature = "".join(data.signature.split()).lower()
            if not signature:
                raise BeaconError(f"请填写 drand 第 {source.round} 轮的签名", "signature")
            values.append({"kind": DRAND, "round": source.round, "signature": signature})
        else:
            if now.astimezone(SHANGHAI).date() < date.fromisoformat(source.draw_date):
                words = f"{source.lottery} 将于 {source.draw_date} 开奖，现在还不能抽取"
                raise BeaconError(words, "lottery")
            if len(lotteries) != len(source.ordered):
                raise BeaconError(f"请按公告填写 {len(source.ordered)} 组彩票开奖号码", "lottery")
            values.append({"kind": LOTTERY, "sets": lotteries})
    return values


def enter_beacon(
    db: Session,
    draw: InspectionDraw,
    data: BeaconIn,
    who: Principal | None,
    now: datetime | None = None,
) -> InspectionDraw:
    """Check the randomness entered against the announcement, compute the draw and keep
    its result; a draw that cannot be made (e.g. a target cannot be staffed) is refused."""
    moment = _now(now)
    if draw.status is not DrawStatus.announced:
        raise Conflict("本批次已经抽取，结果不能更改")
    ann = announcement(draw)
    values = _values(ann, data, moment)
    ikm = input_keying_material(ann.randomness, values)
    result = core.compute(ann, ikm)
    draw.beacon_values, draw.randomness = values, ikm.hex()
    draw.outputs = result.outputs_json()
    draw.drawn_at, draw.drawn_by = moment, (who.user_id if who else None)
    draw.status = DrawStatus.drawn
    record_change(db, actor_name(who), "inspection.draw.result", draw)
    _republish(db, draw)
    return draw


def _republish(db: Session, draw: InspectionDraw) -> None:
    plan = db.get(InspectionPlan, draw.plan_id)
    assert plan is not None
    view = batch_of(db, plan, draw.batch_index)
    publish_draw(db, plan, view, draw, published_document(draw))


# ---- the result and substitutions ----------------------------------------------------------


def result_of(draw: InspectionDraw) -> core.DrawResult:
    """The stored result with its substitutions, as the draw core holds it."""
    if draw.outputs is None:
        raise Conflict("本批次尚未抽取")
    strata = tuple(
        core.StratumDraw(s["name"], s["population"], tuple(s["drawn"]))
        for s in draw.outputs["strata"]
    )
    teams = tuple(
        core.Team(t["target"], t["stratum"], tuple(t["inspectors"])) for t in draw.outputs["teams"]
    )
    subs = tuple(
        core.Substitution(
            s["stratum"],
            s["replaced"],
            s["substitute"],
            s["rank"],
            s["reason"],
            tuple(s["inspectors"]),
        )
        for s in draw.substitutions
    )
    return core.DrawResult(strata, teams, subs)


def current_teams(draw: InspectionDraw) -> tuple[core.Team, ...]:
    """The drawn targets with their teams, substitutes in their places, in assignment
    order: (统一社会信用代码, stratum, inspectors' 执法证号 in rank order)."""
    return result_of(draw).current_teams()


def drawn_teams(db: Session, plan: InspectionPlan, batch_index: int) -> tuple[core.Team, ...]:
    """The current teams of a batch whose draw is done (what its inspections are opened
    from); refused in words before the draw."""
    draw = get_draw(db, plan, batch_index)
    if draw is None or draw.status is not DrawStatus.drawn:
        raise Conflict("本批次尚未完成抽取，不能生成检查任务")
    return current_teams(draw)


def ranks(draw: InspectionDraw) -> dict[str, int]:
    """Each drawn target's and substitute's 1-based place in its stratum's rank order."""
    if draw.outputs is None:
        return {}
    places = {t: i + 1 for s in draw.outputs["strata"] for i, t in enumerate(s["drawn"])}
    return places | {s["substitute"]: s["rank"] + 1 for s in draw.substitutions}


def substitute(
    db: Session,
    draw: InspectionDraw,
    data: SubstituteIn,
    who: Principal | None,
    now: datetime | None = None,
) -> core.Substitution:
    """Replace a drawn target, for a listed reason, by the next in its stratum's rank."""
    if draw.status is not DrawStatus.drawn or draw.randomness is None:
        raise Conflict("本批次尚未抽取，不能替补")
    ann, ikm = announcement(draw), bytes.fromhex(draw.randomness)
    _, record = core.substitute(ann, ikm, result_of(draw), data.target, data.reason.value)
    draw.substitutions = [*draw.substitutions, record.to_json()]
    note = {"replaced": data.target, "note": data.note.strip(), "at": iso(_now(now))}
    draw.substitution_notes = [*draw.substitution_notes, note]
    record_change(db, actor_name(who), "inspection.draw.substitute", draw)
    _republish(db, draw)
    return record


def published_document(draw: InspectionDraw) -> dict[str, object]:
    """The published JSON of a drawn batch (`inspection.published`)."""
    if draw.beacon_values is None or draw.randomness is None or draw.checkpoint_at is None:
        raise Conflict("本批次尚未抽取")
    return published(
        announcement(draw),
        iso(draw.checkpoint_at),
        draw.beacon_values,
        bytes.fromhex(draw.randomness),
        result_of(draw),
    )


# ---- names for the staff pages --------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    units: dict[str, str]  # 统一社会信用代码 → name
    officers: dict[str, str]  # 执法证号 → name (the bureau's and the partners')


def names(db: Session, view: BatchView) -> Names:
    units = {s.party.uscc or "": s.party.name for s in list_subjects(db)}
    officers = {
        c.current.number: o.user.full_name for o in list_officers(db) for c in o.certificates
    }
    for member in view.batch.external_members():
        officers[member.number] = f"{member.name}（{member.department}）"
    return Names(units, officers)


def beacon_help(draw: InspectionDraw) -> list[dict[str, Any]]:
    """Each announced source, when it exists and where its value is read."""
    out: list[dict[str, Any]] = []
    for source in announcement(draw).randomness:
        if isinstance(source, DrandSource):
            out.append(
                {
                    "kind": DRAND,
                    "round": source.round,
                    "at": round_time(source.round),
                    "url": f"{DRAND_URL}{source.round}",
                }
            )
        else:
            out.append(
                {
                    "kind": LOTTERY,
                    "lottery": source.lottery,
                    "draw_date": source.draw_date,
                    "ordered": source.ordered,
                }
            )
    return out
