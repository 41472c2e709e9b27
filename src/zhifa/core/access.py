"""Logging every read of a record by a person (调阅), committed with the request."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.models import AccessLog


def log_access(
    db: Session,
    who: Principal,
    record_type: str,
    record_id: object | None,
    purpose: str,
    via: str = "page",
) -> None:
    """Record and commit the read before the content is returned."""
    row = AccessLog(
        user_id=who.user_id,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        purpose=purpose[:200],
        via=via,
    )
    db.add(row)
    record_change(db, who.username, "access.read", row)
    db.commit()
