"""The supervision chapter's manifest: case-file review rounds, complaints, the
accountability report and the fact sheet."""

from __future__ import annotations

from zhifa.core.features import DutySource, Feature, NavLink, PortalRoutes
from zhifa.core.permissions import Permission
from zhifa.publicity.duties import DutyKind
from zhifa.supervision.accountability.models import AccountabilityDecision, VerifyFailure
from zhifa.supervision.complaints.duties import complaint_duties
from zhifa.supervision.complaints.models import Complaint, ComplaintLink
from zhifa.supervision.complaints.recompute import recompute_complaints
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
    models=(
        "zhifa.supervision.reviews.models",
        "zhifa.supervision.complaints.models",
        "zhifa.supervision.accountability.models",
    ),
    tracked=(
        ReviewTemplate,
        ReviewRound,
        ReviewSheet,
        ReviewAssignment,
        ReviewFinding,
        Rectification,
        Complaint,
        ComplaintLink,
        VerifyFailure,
        AccountabilityDecision,
    ),
    duty_sources=(DutySource(DutyKind.complaint, complaint_duties),),
    recompute_hooks=(recompute_complaints,),
    routers=(
        "zhifa.supervision.reviews.routes:pages",
        "zhifa.supervision.complaints.routes:pages",
        "zhifa.supervision.complaints.portal_routes:public",
        "zhifa.supervision.accountability.routes:pages",
        "zhifa.supervision.fact_sheet.routes:pages",
    ),
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
        NavLink("执法监督", "投诉举报", "/app/supervision/complaints", Permission.complaint_read),
        NavLink(
            "执法监督",
            "问责情况报告",
            "/app/supervision/accountability",
            Permission.accountability_read,
        ),
    ),
    portal_routes=(
        # 投诉举报 from the public: the form, its receipt and status page. The intake stores
        # the complaint and its evidence and ledgers both; the calendar gives the due day;
        # answered anti-spam questions are kept until they expire (shared with corrections).
        PortalRoutes(
            "zhifa.supervision.complaints.portal_routes:public",
            tables=frozenset(
                {
                    "complaint",
                    "correction_challenge_spent",
                    "stored_blob",
                    "ledger_head",
                    "holiday_schedule",
                }
            ),
            appends=frozenset({"ledger_entry", "ledger_node"}),
        ),
    ),
)
