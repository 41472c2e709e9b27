"""The supervision chapter's manifest: case-file review rounds, complaints, the
accountability report and the fact sheet."""

from __future__ import annotations

from zhifa.core.features import Feature, NavLink
from zhifa.core.permissions import Permission
from zhifa.supervision.accountability.models import AccountabilityDecision, VerifyFailure

FEATURE = Feature(
    name="supervision",
    models=("zhifa.supervision.accountability.models",),
    tracked=(VerifyFailure, AccountabilityDecision),
    navigation=(
        NavLink(
            "执法监督",
            "问责情况报告",
            "/app/supervision/accountability",
            Permission.accountability_read,
        ),
    ),
    routers=(
        "zhifa.supervision.accountability.routes:pages",
        "zhifa.supervision.fact_sheet.routes:pages",
    ),
)
