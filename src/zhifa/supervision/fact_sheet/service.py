"""Gathering one action's fact sheet: its publications (with their channels' deliveries),
withdrawals and updates, the issued decision documents, and for each published snapshot
and issued decision the ledger entry with its inclusion proof in the newest signed
checkpoint (signed now, in the caller's transaction, when the newest predates it — as the
archive's packages do, `archive.evidence.covering_checkpoint`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.evidence import covering_checkpoint
from zhifa.core.auth import Principal
from zhifa.core.settings import Settings
from zhifa.enforcement.actions import get_action
from zhifa.enforcement.models import Action
from zhifa.ledger import (
    ProofError,
    SqlNodeStore,
    StoredCheckpoint,
    get_entry,
    inclusion_proof,
    verify_inclusion,
)
from zhifa.publicity.channels.base import OUTBOX_EVENT_LABELS
from zhifa.publicity.models import (
    DELIVERY_STATUS_LABELS,
    PUBLICATION_STATUS_LABELS,
    TASK_STATUS_LABELS,
    WITHDRAWAL_CAUSE_LABELS,
    Channel,
    Delivery,
    OutboxMessage,
    Publication,
    PublicationObligation,
    PublicationStatus,
    PublicationUpdate,
    Withdrawal,
)
from zhifa.recording.documents.kinds import KINDS
from zhifa.recording.documents.models import Document

PHASE_LABELS = {"inspection": "事后公示（抽查检查结果）"}
DECISION_PHASE = "事后公示（行政执法决定）"


@dataclass(frozen=True)
class Proof:
    """A ledger entry and its inclusion proof in a signed checkpoint's tree."""

    index: int
    what: str  # which fact the entry records, in words
    time: datetime
    payload_sha256: str
    leaf_hash: bytes
    path: list[bytes]
    size: int  # the checkpoint's tree size
    root: bytes
    ok: bool  # the proof leads to the checkpoint's root (ledger.verify_inclusion)


@dataclass(frozen=True)
class Delivered:
    channel: str
    event: str
    status: str
    delivered_at: datetime | None


@dataclass(frozen=True)
class PublicationFact:
    id: int
    version: int
    phase: str
    status: str
    doc_number: str
    published_at: datetime | None
    due_on: date
    public_until: date | None
    digest: str
    correction_note: str
    end_reason: str
    deliveries: list[Delivered]
    proof: Proof | None


@dataclass(frozen=True)
class DecisionFact:
    doc_number: str
    title: str
    issued_at: datetime | None
    pdf_digest: str
    correction_reason: str
    proof: Proof | None


@dataclass(frozen=True)
class TaskFact:
    what: str  # 撤下（被依法撤销） / 更新
    reference: str  # 文号 of the deciding document
    due_on: date
    status: str
    done_at: datetime | None


@dataclass
class FactSheet:
    action_id: int
    checkpoint: StoredCheckpoint
    decisions: list[DecisionFact] = field(default_factory=list)
    publications: list[PublicationFact] = field(default_factory=list)
    tasks: list[TaskFact] = field(default_factory=list)

    @property
    def proofs(self) -> list[Proof]:
        """Every proof on the sheet, once each, in ledger order."""
        found = [d.proof for d in self.decisions] + [p.proof for p in self.publications]
        unique = {proof.index: proof for proof in found if proof is not None}
        return [unique[index] for index in sorted(unique)]


def _proof(db: Session, index: int | None, what: str, checkpoint: StoredCheckpoint) -> Proof | None:
    entry = get_entry(db, index) if index is not None else None
    if entry is None or entry.index >= checkpoint.size:
        return None
    path = inclusion_proof(SqlNodeStore(db, size=checkpoint.size), entry.index, checkpoint.size)
    try:
        verify_inclusion(entry.index, checkpoint.size, entry.leaf_hash, path, checkpoint.root_hash)
        ok = True
    except ProofError:
        ok = False
    return Proof(
        entry.index,
        what,
        entry.time,
        entry.payload_sha256,
        entry.leaf_hash,
        list(path),
        checkpoint.size,
        checkpoint.root_hash,
        ok,
    )


def _versions(db: Session, first: Document) -> Iterator[Document]:
    """An issued decision and the corrected versions that superseded it, in order."""
    current: Document | None = first
    while current is not None:
        yield current
        current = db.scalar(select(Document).where(Document.supersedes_id == current.id))


def _deliveries(db: Session, publication_id: int) -> list[Delivered]:
    query = (
        select(Delivery, OutboxMessage, Channel)
        .join(OutboxMessage, OutboxMessage.id == Delivery.message_id)
        .join(Channel, Channel.id == Delivery.channel_id)
        .where(OutboxMessage.publication_id == publication_id)
        .order_by(Delivery.id)
    )
    return [
        Delivered(
            channel.name,
            OUTBOX_EVENT_LABELS[message.event],
            DELIVERY_STATUS_LABELS[delivery.status],
            delivery.delivered_at,
        )
        for delivery, message, channel in db.execute(query)
    ]


def _item(snapshot: dict[str, Any], key: str) -> str:
    """One public item of a frozen snapshot (``{"items": [{"key", "label", "value"}]}``)."""
    items = snapshot.get("items", [])
    return next((str(i.get("value", "")) for i in items if i.get("key") == key), "")


def _publications(
    db: Session, obligation: PublicationObligation, checkpoint: StoredCheckpoint
) -> Iterator[PublicationFact]:
    query = (
        select(Publication)
        .where(
            Publication.obligation_id == obligation.id,
            Publication.published_at.is_not(None),
        )
        .order_by(Publication.version)
    )
    for pub in db.scalars(query):
        yield PublicationFact(
            id=pub.id,
            version=pub.version,
            phase=PHASE_LABELS.get(obligation.kind, DECISION_PHASE),
            status=PUBLICATION_STATUS_LABELS[pub.status],
            doc_number=_item(pub.snapshot, "doc_number"),
            published_at=pub.published_at,
            due_on=obligation.due_on,
            public_until=pub.public_until,
            digest=pub.digest,
            correction_note=pub.correction_note,
            end_reason=pub.end_reason if pub.status is PublicationStatus.withdrawn else "",
            deliveries=_deliveries(db, pub.id),
            proof=_proof(db, pub.ledger_index, f"公示第{pub.version}版", checkpoint),
        )


def _tasks(db: Session, obligation_id: int) -> Iterator[TaskFact]:
    for w in db.scalars(
        select(Withdrawal).where(Withdrawal.obligation_id == obligation_id).order_by(Withdrawal.id)
    ):
        what = f"撤下（{WITHDRAWAL_CAUSE_LABELS[w.cause]}）"
        yield TaskFact(what, w.decision_ref, w.due_on, TASK_STATUS_LABELS[w.status], w.done_at)
    for u in db.scalars(
        select(PublicationUpdate)
        .where(PublicationUpdate.obligation_id == obligation_id)
        .order_by(PublicationUpdate.id)
    ):
        yield TaskFact("更新", u.decision_ref, u.due_on, TASK_STATUS_LABELS[u.status], u.done_at)


def _decision(db: Session, doc: Document, checkpoint: StoredCheckpoint) -> DecisionFact:
    kind = KINDS.get(doc.kind)
    return DecisionFact(
        doc_number=doc.doc_number or "",
        title=kind.title if kind else doc.kind,
        issued_at=doc.issued_at,
        pdf_digest=doc.pdf_digest or "",
        correction_reason=doc.correction_reason,
        proof=_proof(db, doc.issue_entry, f"签发{doc.doc_number or ''}", checkpoint),
    )


def fact_sheet(db: Session, settings: Settings, action_id: int, who: Principal) -> FactSheet:
    """The action's public facts with proofs (the action as ``who`` may see it)."""
    action: Action = get_action(db, action_id, who)
    obligations = list(
        db.scalars(
            select(PublicationObligation)
            .where(PublicationObligation.action_id == action.id)
            .order_by(PublicationObligation.id)
        )
    )
    ids = [o.id for o in obligations]
    published = select(Publication.ledger_index).where(Publication.obligation_id.in_(ids))
    indexes = [i for i in db.scalars(published) if i is not None]
    documents = [
        doc
        for o in obligations
        if o.document_id is not None and (first := db.get(Document, o.document_id)) is not None
        for doc in _versions(db, first)
    ]
    indexes += [d.issue_entry for d in documents if d.issue_entry is not None]
    checkpoint = covering_checkpoint(db, settings, max(indexes, default=0))
    sheet = FactSheet(action.id, checkpoint)
    sheet.decisions = [_decision(db, d, checkpoint) for d in documents if d.issued_at]
    for obligation in obligations:
        sheet.publications += _publications(db, obligation, checkpoint)
        sheet.tasks += _tasks(db, obligation.id)
    return sheet
