"""Versioned records: an edit never changes a version in place, it adds the next one."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.db import Base
from zhifa.core.errors import DomainError

V = TypeVar("V", bound=Base)


class Versioned(Protocol):
    id: int
    current_version: int


def add_version(
    db: Session,
    *,
    entity: Versioned,
    current: Base,
    version_model: type[V],
    link: str,
    fields: dict[str, Any],
    reason: str,
    who: Principal | None,
    kind: str,
) -> V:
    """Store ``fields`` as the entity's next version and make it current (ledgered)."""
    if all(getattr(current, key) == value for key, value in fields.items()):
        raise DomainError("内容没有变化，无需保存新版本", "reason")
    number = entity.current_version + 1
    version = version_model(
        **{link: entity.id},
        version=number,
        reason=reason,
        created_by=who.user_id if who else None,
        **fields,
    )
    db.add(version)
    entity.current_version = number
    record_change(db, actor_name(who), kind, version, entity)  # type: ignore[arg-type]
    return version
