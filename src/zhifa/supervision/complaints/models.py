"""Tables of complaints (投诉举报): the case and the records it concerns.

The portal's intake writes `complaint` with nothing but this row, the blob registry and
the ledger (`PortalRoutes` in the supervision manifest): the publication it names is its
public id (the obligation id, as for corrections), never an internal table read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.supervision.complaints.rules import Channel, ComplaintStatus, LinkKind


class Complaint(Base):
    """One complaint about an enforcement action and the supervision case that handles it.

    The complainant's name and phone are personal data: shown to the staff who may read
    complaints, never on a public page (the receipt page shows the state and the answer's
    public part only) and, like every recorded row, only hashed in the public log."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    obligation_id: Mapped[int | None] = mapped_column(
        ForeignKey("publication_obligation.id"), index=True
    )  # the publication complained of (its public id), when filed from it
    matter: Mapped[str] = mapped_column(String(200))  # the matter, in the complainant's words
    complaint_text: Mapped[str] = mapped_column(String(5000))
    complainant_name: Mapped[str] = mapped_column(String(100))
    complainant_phone: Mapped[str] = mapped_column(String(40))
    evidence_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    evidence_type: Mapped[str] = mapped_column(String(40), default="")
    client_key: Mapped[str] = mapped_column(String(64), default="", index=True)  # keyed hash
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # staff entry
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    received_on: Mapped[date]  # Beijing day of receipt: the acceptance notice counts from it
    status: Mapped[ComplaintStatus] = mapped_column(enum_type(ComplaintStatus), index=True)
    limit_code: Mapped[str] = mapped_column(String(60))  # the stage's limit
    due_on: Mapped[date] = mapped_column(index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    due_basis: Mapped[str] = mapped_column(String(1000), default="")
    # the 受理告知 due day, kept after acceptance so that a late notice stays on record
    notice_due_on: Mapped[date]
    notice_due_provisional: Mapped[bool] = mapped_column(default=False)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    accepted_on: Mapped[date | None]
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rejection_reason: Mapped[str] = mapped_column(String(1000), default="")
    findings: Mapped[str] = mapped_column(String(5000), default="")  # 调查情况 (internal)
    answer_public: Mapped[str] = mapped_column(String(2000), default="")  # shown by receipt
    answer_internal: Mapped[str] = mapped_column(String(2000), default="")  # staff only
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    return_note: Mapped[str] = mapped_column(String(1000), default="")  # a leader's return
    extension_reason: Mapped[str] = mapped_column(String(1000), default="")
    extended_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_on: Mapped[date | None]  # Beijing day of the answer or the refusal


class ComplaintLink(Base):
    """A record a complaint concerns: an action, one of its documents or media records.
    Added by the handler from the records they may see; never changed or removed."""

    __tablename__ = "complaint_link"
    __table_args__ = (Index("ix_complaint_link_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    target_kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind))
    target_id: Mapped[int]
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
