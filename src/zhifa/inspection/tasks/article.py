"""A batch's results as one WeChat article (公示办法 第七条第三款: the 执法大队's 双随机
results on the bureau's account): the batch's published results in one table, published
as a public snapshot (`publicity.public_snapshots`, kind ``inspection_batch``) so that it
is frozen, ledgered and delivered by every channel — the WeChat channel posts the article
(`publicity.channels.wechat`), the portal keeps the version. Publishing again after more
results are published (or one is corrected) makes the next version."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.settings import Settings
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.service import batch_of
from zhifa.inspection.tasks import rules
from zhifa.inspection.tasks.service import published_results
from zhifa.publicity import public_snapshots
from zhifa.publicity.channels.wechat import INSPECTION_BATCH, inspection_batch_html
from zhifa.publicity.models import PublicSnapshot
from zhifa.publicity.rules import KIND_LABELS
from zhifa.publicity.snapshots import canonical, digest

FORMAT = "zhifa-inspection-batch/1"


def subject_of(plan: InspectionPlan, index: int) -> str:
    return f"plan-{plan.id}-batch-{index}"


def article_of(db: Session, plan: InspectionPlan, index: int) -> dict[str, Any]:
    """The article's content: title, the platform's columns and a row per published result,
    with each result's snapshot digest."""
    view = batch_of(db, plan, index)
    found = published_results(db, plan_id=plan.id, batch_index=index)
    return {
        "title": f"{plan.title}{view.batch.name}{KIND_LABELS['inspection']}公示",
        "header": rules.export_header(),
        "rows": [rules.export_row(r.snapshot) for r in found],
        "digests": [r.publication.digest for r in found],
    }


def article_html(db: Session, plan: InspectionPlan, index: int) -> str:
    return inspection_batch_html(article_of(db, plan, index))


def latest_article(db: Session, plan: InspectionPlan, index: int) -> PublicSnapshot | None:
    return public_snapshots.latest(db, INSPECTION_BATCH, subject_of(plan, index))


def publish_article(
    db: Session, settings: Settings, plan: InspectionPlan, index: int, who: Principal | None
) -> PublicSnapshot:
    """Publish the batch's article as it stands (refused when nothing is published yet or
    nothing changed since the last version)."""
    article = article_of(db, plan, index)
    if not article["rows"]:
        raise DomainError("本批次还没有已公示的检查结果，不能发布公众号文章", "article")
    view = batch_of(db, plan, index)
    snapshot = {"format": FORMAT, "plan": plan.title, "batch": view.batch.name,
                "article": article}  # fmt: skip
    last = latest_article(db, plan, index)
    if last is not None and last.digest == digest(canonical(snapshot)):
        raise DomainError("本批次的公众号文章已是最新，无需重复发布", "article")
    return public_snapshots.publish_snapshot(
        db,
        kind=INSPECTION_BATCH,
        subject=subject_of(plan, index),
        title=str(article["title"]),
        unit_name=settings.bureau_name,
        snapshot=snapshot,
        who=who,
    )
