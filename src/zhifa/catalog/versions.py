"""Storing a catalogue entity's content as a version: the first one, or the next one
through core.versioning.add_version (an edit never changes a version in place)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.db import Base
from zhifa.core.versioning import Versioned, add_version

V = TypeVar("V", bound=Base)


def current_of(db: Session, entity: Versioned, version_model: type[V], link: str) -> V | None:
    query = select(version_model).where(
        getattr(version_model, link) == entity.id,
        version_model.version == entity.current_version,  # type: ignore[attr-defined]
    )
    return db.scalar(query)


def history_of(db: Session, entity: Versioned, version_model: type[V], link: str) -> list[V]:
    query = select(version_model).where(getattr(version_model, link) == entity.id)
    return list(db.scalars(query.order_by(version_model.version.desc())))  # type: ignore[attr-defined]


def save_version(
    db: Session,
    *,
    entity: Versioned,
    version_model: type[V],
    link: str,
    fields: dict[str, Any],
    reason: str,
    who: Principal | None,
    kind: str,
) -> V:
    """The entity's first version, or its next one if it has versions already."""
    db.flush()
    current = current_of(db, entity, version_model, link)
    if current is not None:
        return add_version(
            db,
            entity=entity,
            current=current,
            version_model=version_model,
            link=link,
            fields=fields,
            reason=reason,
            who=who,
            kind=kind,
        )
    version = version_model(
        **{link: entity.id},
        version=1,
        reason=reason,
        created_by=who.user_id if who else None,
        **fields,
    )
    db.add(version)
    entity.current_version = 1
    record_change(db, actor_name(who), kind, version, entity)  # type: ignore[arg-type]
    return version
