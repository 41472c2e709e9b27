"""Use cases of the 年度监督检查计划: list, draft, edit (as a whole, while a draft), add a
batch, approve (a leader; the plan is then frozen), and each batch's strata over the
directory as it stands. Every write is ledgered in the caller's transaction; a refusal
raises before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from zhifa.catalog.models import RandomCheckItem, RandomCheckVersion
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import Unit
from zhifa.inspection.directory import collect
from zhifa.inspection.draws.public import publish_plan
from zhifa.inspection.inspectors.rules import Period
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.rules import (
    BatchIn,
    PlanIn,
    PlanStatus,
    StratumSize,
    check_drawable,
    strata_sizes,
    within_year,
)

FROZEN = "计划已经领导批准并冻结，不能再修改"


@dataclass(frozen=True)
class BatchView:
    index: int  # 1-based position in the plan
    batch: BatchIn
    item: RandomCheckVersion | None
    item_code: str = ""  # the 随机抽查事项's code in the catalogue


def list_plans(db: Session) -> list[InspectionPlan]:
    query = select(InspectionPlan).order_by(InspectionPlan.year.desc(), InspectionPlan.id.desc())
    return list(db.scalars(query))


def get_plan(db: Session, plan_id: int) -> InspectionPlan:
    plan = db.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFound("检查计划不存在")
    return plan


def random_checks(db: Session) -> list[RandomCheckVersion]:
    """The current 随机抽查事项 of the catalogue a batch may name."""
    query = select(RandomCheckVersion).join(
        RandomCheckItem,
        and_(
            RandomCheckVersion.item_id == RandomCheckItem.id,
            RandomCheckVersion.version == RandomCheckItem.current_version,
        ),
    )
    return list(db.scalars(query.order_by(RandomCheckItem.code)))


def batches_of(db: Session, plan: InspectionPlan) -> list[BatchView]:
    items = {v.item_id: v for v in random_checks(db)}
    codes = {i: c for i, c in db.execute(select(RandomCheckItem.id, RandomCheckItem.code))}
    views = []
    for index, data in enumerate(plan.batches, start=1):
        batch = BatchIn.model_validate(data)
        views.append(
            BatchView(index, batch, items.get(batch.item_id), codes.get(batch.item_id, ""))
        )
    return views


def batch_of(db: Session, plan: InspectionPlan, index: int) -> BatchView:
    views = batches_of(db, plan)
    if not 1 <= index <= len(views):
        raise NotFound("批次不存在")
    return views[index - 1]


def _check_refs(db: Session, unit_id: int, batches: list[BatchIn]) -> None:
    if db.get(Unit, unit_id) is None:
        raise DomainError("所选制定单位不存在", "unit_id")
    for batch in batches:
        if db.get(RandomCheckItem, batch.item_id) is None:
            raise DomainError(f"“{batch.name}”所选的随机抽查事项不在清单中", "item_id")


def _dump(batches: list[BatchIn]) -> list[dict[str, Any]]:
    return [b.model_dump(mode="json") for b in batches]


def _draft(plan: InspectionPlan) -> None:
    if plan.status is not PlanStatus.draft:
        raise Conflict(FROZEN)


def create_plan(db: Session, data: PlanIn, who: Principal | None) -> InspectionPlan:
    _check_refs(db, data.unit_id, data.batches)
    plan = InspectionPlan(
        year=data.year,
        title=data.title,
        unit_id=data.unit_id,
        batches=_dump(data.batches),
        created_by=who.user_id if who else None,
    )
    db.add(plan)
    record_change(db, actor_name(who), "inspection.plan.draft", plan)
    return plan


def edit_plan(db: Session, plan: InspectionPlan, data: PlanIn, who: Principal | None) -> None:
    """Replace a draft's contents (title, unit, year, batches) as a whole."""
    _draft(plan)
    _check_refs(db, data.unit_id, data.batches)
    plan.year, plan.title, plan.unit_id = data.year, data.title, data.unit_id
    plan.batches = _dump(data.batches)
    plan.revision += 1
    plan.updated_at = utcnow()
    record_change(db, actor_name(who), "inspection.plan.edit", plan)


def add_batch(db: Session, plan: InspectionPlan, batch: BatchIn, who: Principal | None) -> None:
    _draft(plan)
    within_year(batch, plan.year)
    if any(b["name"] == batch.name for b in plan.batches):
        raise DomainError(f"本计划已有名为“{batch.name}”的批次", "name")
    _check_refs(db, plan.unit_id, [batch])
    plan.batches = [*plan.batches, batch.model_dump(mode="json")]
    plan.revision += 1
    plan.updated_at = utcnow()
    record_change(db, actor_name(who), "inspection.plan.edit", plan)


def batch_sizes(db: Session, batch: BatchIn) -> list[StratumSize]:
    """The batch's strata over the directory as it stands for its period and field."""
    frozen = collect(db, Period(batch.starts_on, batch.ends_on), batch.field)
    return strata_sizes(batch, frozen.subjects)


def approve_plan(db: Session, plan: InspectionPlan, who: Principal | None) -> None:
    """A leader approves the plan: every batch must be drawable from the directory now."""
    _draft(plan)
    views = batches_of(db, plan)
    if not views:
        raise DomainError("计划至少须有一个批次才能批准", "batches")
    for view in views:
        frozen = collect(db, Period(view.batch.starts_on, view.batch.ends_on), view.batch.field)
        check_drawable(view.batch, frozen.subjects)
    plan.status = PlanStatus.approved
    plan.approved_by, plan.approved_at = (who.user_id if who else None), utcnow()
    record_change(db, actor_name(who), "inspection.plan.approve", plan)
    publish_plan(db, plan, views)  # the portal's page of the plan
