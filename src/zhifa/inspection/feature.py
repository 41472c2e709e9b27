"""The 双随机 chapter's manifest: the 检查对象名录库 and 执法检查人员名录库 (一单两库; the
随机抽查事项清单 is the catalogue's), the 年度监督检查计划 and its draws (staff pages and
the portal's public pages)."""

from __future__ import annotations

from zhifa.core.features import Feature, NavLink, PortalRoutes
from zhifa.core.permissions import Permission
from zhifa.inspection.draws.models import InspectionDraw, PublicInspection
from zhifa.inspection.inspectors.models import (
    InspectorAbsence,
    InspectorAbsenceVersion,
    Recusal,
    RecusalVersion,
)
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.subjects.models import InspectionSubject, InspectionSubjectVersion
from zhifa.inspection.tasks.models import InspectionTask

FEATURE = Feature(
    name="inspection",
    models=(
        "zhifa.inspection.subjects.models",
        "zhifa.inspection.inspectors.models",
        "zhifa.inspection.plans.models",
        "zhifa.inspection.draws.models",
        "zhifa.inspection.tasks.models",
    ),
    tracked=(
        InspectionSubject,
        InspectionSubjectVersion,
        InspectorAbsence,
        InspectorAbsenceVersion,
        Recusal,
        RecusalVersion,
        InspectionPlan,
        InspectionDraw,
        PublicInspection,
        InspectionTask,
    ),
    navigation=(
        NavLink(
            "双随机抽查", "随机抽查事项清单", "/app/catalog/random-checks", Permission.catalog_read
        ),
        NavLink(
            "双随机抽查", "检查对象名录库", "/app/inspection/subjects", Permission.inspection_read
        ),
        NavLink(
            "双随机抽查",
            "执法检查人员名录库",
            "/app/inspection/inspectors",
            Permission.inspection_read,
        ),
        NavLink(
            "双随机抽查", "年度监督检查计划", "/app/inspection/plans", Permission.inspection_read
        ),
    ),
    routers=(
        "zhifa.inspection.subjects.routes:pages",
        "zhifa.inspection.subjects.routes:api",
        "zhifa.inspection.inspectors.routes:pages",
        "zhifa.inspection.inspectors.routes:api",
        "zhifa.inspection.plans.routes:pages",
        "zhifa.inspection.plans.routes:api",
        "zhifa.inspection.draws.routes:pages",
        "zhifa.inspection.draws.routes:api",
        "zhifa.inspection.draws.portal_routes:public",
        "zhifa.inspection.tasks.routes:pages",
        "zhifa.inspection.tasks.routes:api",
    ),
    # The public plans and draws (/inspection/...) on the portal process too: they read
    # the frozen public rows only.
    portal_routes=(
        PortalRoutes(
            "zhifa.inspection.draws.portal_routes:public",
            tables=frozenset({"public_inspection"}),
        ),
    ),
)
