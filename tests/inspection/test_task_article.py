"""A batch's published 双随机 results as one WeChat article through the channels: published
as a public snapshot (ledgered), posted by the WeChat channel to its gateway (a real HTTP
receiver here), refused when nothing is published yet or nothing changed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.conftest import login
from tests.inspection.task_helpers import open_batch
from tests.inspection.test_task_publication import _publish
from tests.publicity import test_outbox
from tests.publicity.test_outbox import SECRET, Receiver, Serve, enable, run_until_done
from zhifa.core.db import utcnow
from zhifa.inspection.tasks.models import InspectionTask

serve = test_outbox.serve
instance_of = test_outbox.instance_of


def test_the_batch_article_goes_out_through_the_wechat_channel(
    serve: Serve, instance_of, db: Session
) -> None:
    gateway = serve(Receiver(secret=SECRET))
    inst = instance_of({"wechat": gateway.url})
    enable(inst.client, inst.factory, "wechat")
    first, _second = open_batch(db)
    task = db.get(InspectionTask, first)
    assert task is not None
    url = f"/api/v1/inspection/tasks/plans/{task.plan_id}/batches/1/article"
    legal = {"X-CSRF-Token": login(inst.client, "legal")}
    empty = inst.client.post(url, headers=legal)
    assert empty.status_code == 400 and "还没有已公示的检查结果" in empty.text
    _publish(inst.client, db, first)
    db.rollback()
    uscc = task.target_uscc

    officer = {"X-CSRF-Token": login(inst.client, "zhangwei")}
    assert inst.client.post(url, headers=officer).status_code == 403  # publishing is legal's
    legal = {"X-CSRF-Token": login(inst.client, "legal")}
    made = inst.client.post(url, headers=legal)
    assert made.status_code == 201 and made.json()["version"] == 1, made.text
    again = inst.client.post(url, headers=legal)
    assert again.status_code == 400 and "已是最新" in again.text

    run_until_done(inst, utcnow())
    (posted,) = gateway.accepted.values()
    assert posted["title"].endswith("第一批双随机抽查结果公示")
    assert uscc in posted["html"] and "未发现问题" in posted["html"] and "共 1 户" in posted["html"]
    assert posted["subject"] == f"plan-{task.plan_id}-batch-1" and posted["version"] == 1
    page = inst.client.get(f"/app/inspection/tasks/plans/{task.plan_id}/batches/1/article")
    assert page.status_code == 200 and "已发布第 1 版" in page.text
