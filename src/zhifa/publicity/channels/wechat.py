"""The bureau's WeChat official account (微信公众号): an HTML article ready to paste into
the account's editor (inline styles only: the editor drops classes and style sheets), and
an adapter that POSTs the article to a configured endpoint (e.g. the bureau's publishing
gateway) as JSON ``{title, html, digest, idempotency_key, …}`` with the same headers,
signature and outcome rules as the webhook channel."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhifa.core.http import templates
from zhifa.publicity.channels.base import OUTBOX_EVENT_LABELS, OutboxEvent, OutgoingMessage
from zhifa.publicity.channels.webhook import post_json
from zhifa.publicity.rules import KIND_LABELS

# The public snapshot kind of a 双随机 batch's results, published as one article.
INSPECTION_BATCH = "inspection_batch"

_TITLE_PREFIX = {
    OutboxEvent.publish: "",
    OutboxEvent.update: "【更新】",
    OutboxEvent.correct: "【更正】",
    OutboxEvent.withdraw: "【撤下】",
    OutboxEvent.expire: "【公示期满】",
}


def _item(snapshot: dict[str, Any], key: str) -> str:
    for item in snapshot.get("items", []):
        if item.get("key") == key:
            return str(item.get("value") or "")
    return ""


def article_title(message: OutgoingMessage) -> str:
    kind = KIND_LABELS.get(message.kind, message.kind)
    party = _item(message.snapshot, "party_name")
    return f"{_TITLE_PREFIX[message.event]}{kind}决定信息公示：{party}"


def article_html(message: OutgoingMessage) -> str:
    """The article body (escaped by the template engine)."""
    return templates.env.get_template("wechat_article.html").render(
        message=message,
        title=article_title(message),
        event_label=OUTBOX_EVENT_LABELS[message.event],
        items=[i for i in message.snapshot.get("items", []) if str(i.get("value") or "")],
        withdrawn=message.event in (OutboxEvent.withdraw, OutboxEvent.expire),
        # correction and update notes carry their own date and word (e.g. 2026年…更正：…)
        dated_note=message.event in (OutboxEvent.correct, OutboxEvent.update) and message.note,
    )


def inspection_batch_html(article: dict[str, Any]) -> str:
    """A 双随机 batch's article: every published result of the batch in one table
    (``article``: title, header, rows, digests; escaped by the template engine)."""
    return templates.env.get_template("wechat_inspection_batch.html").render(**article)


class WechatChannel:
    kind = "wechat"
    inline = False

    def deliver(self, db: Session, message: OutgoingMessage, config: dict[str, Any]) -> str:
        if message.is_public_snapshot and message.kind == INSPECTION_BATCH:
            return self._batch(message, config)
        if message.is_public_snapshot:
            # The account carries decision articles; the catalogue is read on the portal.
            return "事前公示目录、执法人员和年度数据在门户网站公示，未推送公众号文章"
        if message.kind == "inspection":
            # One article per batch lists its results (the INSPECTION_BATCH snapshot).
            return "双随机抽查结果按批次汇总为一篇公众号文章发布，未逐条推送"
        data = {
            "format": "zhifa-wechat-article/1",
            "title": article_title(message),
            "html": article_html(message),
            "idempotency_key": message.idempotency_key,
            "event": message.event.value,
            "publication_id": message.publication_id,
            "obligation_id": message.obligation_id,
            "version": message.version,
            "digest": message.digest,
            "ledger_index": message.ledger_index,
        }
        return post_json(config["url"], data, message, config)

    def _batch(self, message: OutgoingMessage, config: dict[str, Any]) -> str:
        data = {
            "format": "zhifa-wechat-article/1",
            "title": message.title,
            "html": inspection_batch_html(message.snapshot["article"]),
            "idempotency_key": message.idempotency_key,
            "event": message.event.value,
            "public_snapshot_id": message.public_snapshot_id,
            "subject": message.subject,
            "version": message.version,
            "digest": message.digest,
            "ledger_index": message.ledger_index,
        }
        return post_json(config["url"], data, message, config)
