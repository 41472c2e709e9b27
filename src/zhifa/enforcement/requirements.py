"""What must be true before an action's current step can complete.

The hub knows its own requirements (officers, certificates, 事中 duties); features that
record more (documents, audio and video) declare their own checks in their manifests
(`requirements`), so that the hub never imports them."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from zhifa.core.features import registry
from zhifa.enforcement.models import Action
from zhifa.enforcement.steps import Step

# (db, action, step) -> what is still missing, in words a person understands
RequirementCheck = Callable[[Session, Action, Step], list[str]]


def missing_for(db: Session, action: Action, step: Step) -> list[str]:
    missing: list[str] = []
    for check in registry().requirements.values():
        missing.extend(check(db, action, step))
    return missing
