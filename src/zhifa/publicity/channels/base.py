"""The one channel interface.

Every change the public must see (publish, update, correct, withdraw, expire) becomes one
`OutgoingMessage`, written to the outbox in the transaction of the change, and is
delivered to every enabled channel. A channel is *inline* when it writes into this same
database (the built-in portal): it is delivered inside that transaction, so the portal
changes exactly when the publication does. Other channels are delivered by the outbox
worker with retries; they must accept the same message twice (the idempotency key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.orm import Session


class OutboxEvent(StrEnum):
    publish = "publish"  # 首次公示
    update = "update"  # 决定变更后更新公示（公示办法 第八条第四项）
    correct = "correct"  # 更正（公示办法 第九条第二项）
    withdraw = "withdraw"  # 撤下（公示办法 第九条第三项；行政处罚法 第四十八条第二款）
    expire = "expire"  # 公示期满
    repair = "repair"  # 信用修复：终止信用公示（令第36号；仅信用中国渠道）


OUTBOX_EVENT_LABELS = {
    OutboxEvent.publish: "公示",
    OutboxEvent.update: "更新",
    OutboxEvent.correct: "更正",
    OutboxEvent.withdraw: "撤下",
    OutboxEvent.expire: "期满停止公示",
    OutboxEvent.repair: "信用修复，终止信用公示",
}


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel receives: only public, already desensitised content."""

    idempotency_key: str  # the same for every retry of one message to one channel
    event: OutboxEvent
    publication_id: int | None  # the version this message is about (None: a public snapshot)
    obligation_id: int | None  # stable across versions: the public id of the publication
    version: int
    kind: str  # penalty / compulsion / license; or a public snapshot's kind (power_item …)
    snapshot: dict[str, Any]  # the frozen snapshot of that version
    snapshot_json: str  # its canonical text
    digest: str  # sha256 of snapshot_json
    ledger_index: int | None  # the `publication.snapshot` ledger entry
    public_until: date | None  # 公示截止期; None: 长期
    note: str  # correction note / withdrawal reason shown to the public; "" otherwise
    occurred_at: datetime
    # A public snapshot (catalogue, officers, yearly figures: `publicity.public_snapshots`)
    # instead of a publication: its row id, its stable key within the kind, title and unit.
    public_snapshot_id: int | None = None
    subject: str = ""
    title: str = ""
    unit_name: str = ""

    @property
    def is_public_snapshot(self) -> bool:
        return self.public_snapshot_id is not None


class ChannelAdapter(Protocol):
    """One kind of channel. `deliver` returns a receipt (shown to staff, kept with the
    delivery) or raises to be retried later."""

    kind: str
    inline: bool

    def deliver(self, db: Session, message: OutgoingMessage, config: dict[str, Any]) -> str: ...


class DeliveryFailed(Exception):
    """A channel refused or could not take a message. `permanent`: retrying the same
    message cannot help (e.g. HTTP 400/401/403/404/422); the delivery is marked failed at
    once for staff to look at, instead of retrying for hours. Any other exception raised by
    `deliver` is temporary and retried with back-off."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
