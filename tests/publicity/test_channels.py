"""The channels behind the one interface, on SQLite and PostgreSQL: the 信用中国 export
batches (rows in the standard's order, 万元, 新增/修改/删除, CSV with BOM and XLSX read back,
write-once files, downloads logged), the WeChat article (page and posting adapter, escaped),
and the channel pages' guards."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import csrf_of
from tests.enforcement.test_actions import _as
from tests.publicity import test_outbox
from tests.publicity.test_outbox import (
    SECRET,
    Receiver,
    Serve,
    add_event,
    assert_ledgered,
    deliveries,
    enable,
    publish_one,
    run_until_done,
)
from zhifa.cli import app as cli_app
from zhifa.core.db import utcnow
from zhifa.core.models import AccessLog, StoredBlob
from zhifa.core.settings import SettingsError, load_settings
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.models import Channel, CreditExportBatch, DeliveryStatus, Publication
from zhifa.publicity.rules import TEMPLATES

# the outbox tests' fixtures, used here too
instance_of = test_outbox.instance_of
serve = test_outbox.serve


def _item(snapshot: dict, key: str) -> str:
    return next(str(i["value"]) for i in snapshot["items"] if i["key"] == key)


def test_credit_export_batches_csv_and_xlsx(instance_of, db: Session) -> None:
    inst = instance_of({})
    pub_id = publish_one(inst, db)
    add_event(inst, pub_id, OutboxEvent.correct, "罚款金额笔误，已更正")
    add_event(inst, pub_id, OutboxEvent.withdraw, "行政复议决定撤销原处罚决定")
    add_event(inst, pub_id, OutboxEvent.expire)

    rows = deliveries(inst, "credit_shanghai")
    assert all(d.status is DeliveryStatus.delivered for d in rows)  # inline: at once
    receipts = [d.receipt for d in rows]
    assert all(
        re.fullmatch(rf"批次 \d{{4}}-0001 行政处罚 第 {n} 行", r)
        for n, r in zip((1, 2, 3), receipts, strict=False)
    )
    assert "未另行导出" in receipts[3]

    # staff close the batch into files
    _as(inst.client, "legal")
    page = inst.client.get("/app/publicity/credit-exports")
    assert page.status_code == 200 and "收集中" in page.text
    closed = inst.client.post(
        "/app/publicity/credit-exports/close", data={"csrf_token": csrf_of(page.text)}
    )
    assert closed.status_code == 303
    with inst.factory() as session:
        batch = session.scalar(select(CreditExportBatch))
        assert batch is not None and batch.status.value == "closed"
        names = sorted(batch.files)
        number = batch.number
        assert names == [f"credit-{number}-penalty.csv", f"credit-{number}.xlsx"]
        for digest in batch.files.values():
            assert session.get(StoredBlob, digest) is not None  # registered, ledgered
        pub = session.get(Publication, pub_id)
        assert pub is not None
        snapshot = pub.snapshot
    # nothing left to close
    again = inst.client.post(
        "/app/publicity/credit-exports/close", data={"csrf_token": csrf_of(page.text)}
    )
    assert again.status_code == 400 and "没有正在收集的报送批次" in again.text

    listing = inst.client.get("/app/publicity/credit-exports")
    assert f"credit-{number}.xlsx" in listing.text
    base = f"/app/publicity/credit-exports/{batch.id}/files"
    xlsx = inst.client.get(f"{base}/credit-{number}.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["行政处罚", "行政许可"]
    sheet = [list(r) for r in book["行政处罚"].iter_rows(values_only=True)]
    header = [label for _, label in TEMPLATES["penalty"]] + ["操作类型"]
    assert sheet[0] == header
    assert [r[-1] for r in sheet[1:]] == ["新增", "修改", "删除"]
    fine = header.index("罚款金额（万元）")
    assert [r[fine] for r in sheet[1:]] == ["2"] * 3  # 20000 元 = 2 万元
    assert sheet[1][header.index("行政相对人名称")] == _item(snapshot, "party_name")
    assert sheet[1][header.index("行政处罚决定书文号")] == _item(snapshot, "doc_number")
    remark = header.index("备注")
    assert "罚款金额笔误，已更正" in sheet[2][remark]
    assert "撤下原因：行政复议决定撤销原处罚决定" in sheet[3][remark]
    licence = [list(r) for r in book["行政许可"].iter_rows(values_only=True)]
    assert licence == [[label for _, label in TEMPLATES["license"]] + ["操作类型"]]

    raw = inst.client.get(f"{base}/credit-{number}-penalty.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table == [[cell or "" for cell in row] for row in sheet]

    # downloads are logged; other people may not download
    db.rollback()
    logged = db.scalars(select(AccessLog).where(AccessLog.record_type == "credit_export")).all()
    assert {row.record_id for row in logged} == {
        f"{batch.id}/credit-{number}.xlsx",
        f"{batch.id}/credit-{number}-penalty.csv",
    }
    _as(inst.client, "supervision")
    assert inst.client.get(f"{base}/credit-{number}.xlsx").status_code == 403
    assert inst.client.get(f"{base}/nothing.csv").status_code == 403

    # the next change opens the next batch
    add_event(inst, pub_id, OutboxEvent.update, "决定变更")
    assert deliveries(inst, "credit_shanghai")[-1].receipt.endswith(
        f"{number[:5]}0002 行政处罚 第 1 行"
    )
    assert_ledgered(inst)


def test_cli_deliver_and_export(instance_of, db: Session) -> None:
    inst = instance_of({})
    settings = inst.settings
    runner = CliRunner()
    env = {"ZHIFA_DATABASE_URL": settings.database_url} if settings.database_url else {}
    args = ["--data-dir", str(settings.data_dir)]
    result = runner.invoke(cli_app, ["publicity", "export", *args], env=env)
    assert result.exit_code == 1 and "没有正在收集的报送批次" in result.output
    publish_one(inst, db)
    result = runner.invoke(cli_app, ["publicity", "deliver", "--once", *args], env=env)
    assert result.exit_code == 0 and "已投递 0，待重试 0，失败 0" in result.output, result.output
    result = runner.invoke(cli_app, ["publicity", "export", *args], env=env)
    assert result.exit_code == 0 and ".xlsx" in result.output, result.output


def test_wechat_article_page_and_adapter(serve: Serve, instance_of, db: Session) -> None:
    gateway = serve(Receiver(secret=SECRET, plan=["503"]))
    inst = instance_of({"wechat": gateway.url})
    enable(inst.client, inst.factory, "wechat")
    pub_id = publish_one(inst, db)
    add_event(inst, pub_id, OutboxEvent.correct, "<script>alert(1)</script>更正说明")
    run_until_done(inst, utcnow())

    assert len(gateway.accepted) == 2 and gateway.bad_signatures == 0
    posted = sorted(gateway.accepted.values(), key=lambda b: b["title"])
    corrected = next(b for b in posted if b["event"] == "correct")
    assert corrected["title"].startswith("【更正】行政处罚决定信息公示：")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;更正说明" in corrected["html"]
    assert "<script>" not in corrected["html"]
    assert "行政处罚决定书文号" in corrected["html"] and corrected["digest"]

    _as(inst.client, "supervision")  # readers may open the article to paste it
    page = inst.client.get(f"/app/publicity/publications/{pub_id}/wechat")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&amp;lt;script&amp;gt;" in page.text  # the HTML source, shown escaped
    assert 'data-copy="wechat-html"' in page.text and "/static/copy-text.js" in page.text
    assert inst.client.get("/static/copy-text.js").status_code == 200
    assert inst.client.get("/app/publicity/publications/999999/wechat").status_code == 404


def test_channel_pages_guarded(instance_of, db: Session) -> None:
    inst = instance_of({})
    with inst.factory() as session:
        hook = session.scalar(select(Channel).where(Channel.code == "district_portal"))
        assert hook is not None and not hook.enabled
        hook_id = hook.id
    client = inst.client
    assert client.get("/app/publicity/channels").status_code == 303  # to the login page

    _as(client, "legal")
    page = client.get("/app/publicity/channels")
    assert page.status_code == 200 and "信用中国（上海）导出" in page.text
    token = csrf_of(page.text)
    url = f"/app/publicity/channels/{hook_id}/enabled"
    assert client.post(url, data={"enabled": "1", "csrf_token": token}).status_code == 403

    _as(client, "admin")
    page = client.get("/app/publicity/channels")
    token = csrf_of(page.text)
    header = client.headers.pop("X-CSRF-Token")
    assert client.post(url, data={"enabled": "1"}).status_code == 403  # no CSRF token
    client.headers["X-CSRF-Token"] = header
    refused = client.post(url, data={"enabled": "1", "csrf_token": token})
    assert refused.status_code == 400 and "ZHIFA_CHANNEL_URLS" in refused.text
    with inst.factory() as session:
        assert not session.get(Channel, hook_id).enabled  # type: ignore[union-attr]

    publish_one(inst, db)
    _as(client, "legal")
    listing = client.get("/app/publicity/deliveries")
    assert listing.status_code == 200 and "门户网站" in listing.text and "已投递" in listing.text
    delivered = deliveries(inst, "portal")[0]
    retry = client.post(
        f"/app/publicity/deliveries/{delivered.id}/retry",
        data={"csrf_token": csrf_of(listing.text)},
    )
    assert retry.status_code == 409
    assert client.get("/app/publicity/deliveries?status=bogus").status_code == 422


def test_channel_endpoints_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHIFA_CHANNEL_URLS", '{"district_portal": "https://portal.example/hook"}')
    monkeypatch.setenv("ZHIFA_CHANNEL_SECRETS", '{"district_portal": "s3cret"}')
    loaded = load_settings(None)
    assert loaded.channel_urls == {"district_portal": "https://portal.example/hook"}
    assert loaded.channel_secrets == {"district_portal": "s3cret"}
    monkeypatch.setenv("ZHIFA_CHANNEL_URLS", '{"wechat": "file:///etc/passwd"}')
    with pytest.raises(SettingsError, match=r"ZHIFA_CHANNEL_URLS.*http://"):
        load_settings(None)
