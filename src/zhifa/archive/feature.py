"""The archive chapter's manifest (记录办法 第十条、第十一条): the retention schedule,
the 档号 scheme, filing closed cases (and the 归档 duty on the deadline board)."""

from __future__ import annotations

from zhifa.archive.filing.duties import filing_duties
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.retention.models import RetentionRule, RetentionSchedule
from zhifa.core.features import DutySource, Feature, NavLink
from zhifa.core.permissions import Permission
from zhifa.publicity.duties import DutyKind

FEATURE = Feature(
    name="archive",
    models=("zhifa.archive.retention.models", "zhifa.archive.filing.models"),
    tracked=(RetentionSchedule, RetentionRule, ArchiveCodeScheme, ArchiveFile, ArchiveItem),
    duty_sources=(DutySource(DutyKind.archive_filing, filing_duties),),
    routers=(
        "zhifa.archive.retention.routes:pages",
        "zhifa.archive.retention.routes:api",
        "zhifa.archive.filing.routes:pages",
        "zhifa.archive.filing.routes:api",
    ),
    navigation=(
        NavLink("档案", "归档与保管", "/app/archive", Permission.archive_read),
        NavLink("档案", "保管期限表", "/app/archive/schedule", Permission.archive_read),
        NavLink("档案", "档号规则", "/app/archive/scheme", Permission.archive_read),
    ),
)
