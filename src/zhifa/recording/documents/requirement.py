"""The documents requirement of a step: each document kind the step lists must have an
issued document for the action that no correction has replaced."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhifa.enforcement.models import Action
from zhifa.enforcement.requirements import register_requirement
from zhifa.enforcement.steps import Step
from zhifa.recording.documents.kinds import KINDS
from zhifa.recording.documents.service import has_effective


def missing_documents(db: Session, action: Action, step: Step) -> list[str]:
    missing = []
    for code in step.documents:
        kind = KINDS.get(code)
        if kind is None:
            missing.append(f"文书种类“{code}”未定义，无法签发")
        elif not has_effective(db, action.id, code):
            missing.append(f"尚未签发《{kind.title}》")
    return missing


register_requirement("documents", missing_documents)
