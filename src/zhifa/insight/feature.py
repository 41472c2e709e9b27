"""Insight's manifest: the overdue report, the yearly figures (公示办法 第七条第四款) and the
weak-points dashboard (记录办法 第十二条)."""

from __future__ import annotations

from zhifa.core.features import DutySource, Feature, Job, NavLink
from zhifa.core.permissions import Permission
from zhifa.insight.weak_points import facts as weak_points
from zhifa.insight.weak_points.models import WEAK_POINTS_JOB_SECONDS
from zhifa.insight.yearly import service as yearly
from zhifa.insight.yearly.models import YearlyPart, YearlyReport
from zhifa.publicity.duties import DutyKind

FEATURE = Feature(
    name="insight",
    models=("zhifa.insight.yearly.models", "zhifa.insight.weak_points.models"),
    tracked=(YearlyPart, YearlyReport),
    duty_sources=(DutySource(DutyKind.yearly_figures, yearly.yearly_duties),),
    navigation=(
        NavLink("统计监督", "逾期问责报告", "/app/insight/overdue", Permission.accountability_read),
        NavLink("统计监督", "年度执法数据", "/app/insight/yearly", Permission.figures_read),
        NavLink("统计监督", "薄弱环节分析", "/app/insight/weak-points", Permission.dashboard_read),
    ),
    routers=(
        "zhifa.insight.routes:pages",
        "zhifa.insight.yearly.routes:pages",
        "zhifa.insight.weak_points.routes:pages",
    ),
    jobs=(
        Job(
            "insight.weak_points",
            lambda _settings: WEAK_POINTS_JOB_SECONDS,
            weak_points.refresh_job,
            "薄弱环节分析：按账本更新统计事实",
        ),
    ),
)
