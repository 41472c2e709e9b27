"""The archive chapter's manifest (记录办法 第十条、第十一条): the retention schedule,
the 档号 scheme, filing closed cases, and their use (利用申请, 审批, 利用记录)."""

from __future__ import annotations

from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.retention.models import RetentionRule, RetentionSchedule
from zhifa.archive.use.models import ArchiveUse, ArchiveUseRequest
from zhifa.core.features import Feature, NavLink
from zhifa.core.permissions import Permission

FEATURE = Feature(
    name="archive",
    models=(
        "zhifa.archive.retention.models",
        "zhifa.archive.filing.models",
        "zhifa.archive.use.models",
    ),
    tracked=(
        RetentionSchedule,
        RetentionRule,
        ArchiveCodeScheme,
        ArchiveFile,
        ArchiveItem,
        ArchiveUseRequest,
        ArchiveUse,
    ),
    navigation=(
        NavLink(
            "档案", "我的利用申请", "/app/archive/use/requests", Permission.archive_use_request
        ),
        NavLink("档案", "利用审批", "/app/archive/use/approvals", Permission.archive_use_approve),
    ),
    routers=("zhifa.archive.use.routes:pages", "zhifa.archive.use.routes:api"),
)
