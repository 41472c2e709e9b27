"""Insight's manifest: the overdue report and the yearly figures (公示办法 第七条第四款)."""

from __future__ import annotations

from zhifa.core.features import DutySource, Feature, NavLink
from zhifa.core.permissions import Permission
from zhifa.insight.yearly import service as yearly
from zhifa.insight.yearly.models import YearlyPart, YearlyReport
from zhifa.publicity.duties import DutyKind

FEATURE = Feature(
    name="insight",
    models=("zhifa.insight.yearly.models",),
    tracked=(YearlyPart, YearlyReport),
    duty_sources=(DutySource(DutyKind.yearly_figures, yearly.yearly_duties),),
    navigation=(
        NavLink("统计监督", "逾期问责报告", "/app/insight/overdue", Permission.accountability_read),
        NavLink("统计监督", "年度执法数据", "/app/insight/yearly", Permission.figures_read),
    ),
    routers=(
        "zhifa.insight.routes:pages",
        "zhifa.insight.yearly.routes:pages",
    ),
)
