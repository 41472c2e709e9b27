"""The supervision chapter's manifest: case-file review rounds, complaints, the
accountability report and the fact sheet."""

from __future__ import annotations

from zhifa.core.features import Feature, NavLink
from zhifa.core.permissions import Permission
from zhifa.supervision.reviews.models import (
    Rectification,
    ReviewAssignment,
    ReviewFinding,
    ReviewRound,
    ReviewSheet,
    ReviewTemplate,
)

FEATURE = Feature(
    name="supervision",
    models=("zhifa.supervision.reviews.models",),
    tracked=(
        ReviewTemplate,
        ReviewRound,
        ReviewSheet,
        ReviewAssignment,
        ReviewFinding,
        Rectification,
    ),
    routers=("zhifa.supervision.reviews.routes:pages",),
    navigation=(
        NavLink("执法监督", "案卷评查", "/app/supervision/reviews", Permission.case_review_read),
        NavLink(
            "执法监督",
            "我的评查任务",
            "/app/supervision/reviews/mine",
            Permission.case_review_score,
        ),
        NavLink(
            "执法监督", "评查统计", "/app/supervision/reviews/figures", Permission.case_review_read
        ),
    ),
)
