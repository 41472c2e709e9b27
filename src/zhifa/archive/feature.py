"""The archive chapter's manifest (记录办法 第十条、第十一条): the retention schedule,
the 档号 scheme, filing closed cases, 四性检测 (at filing, before a transfer and on a
schedule), transfer packages and the `zhifa archive` commands, and the use of archived
files (利用申请, 审批, 利用记录)."""

from __future__ import annotations

from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.checks.service import periodic_check_job
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.packages.models import ArchiveTransfer
from zhifa.archive.retention.models import RetentionRule, RetentionSchedule
from zhifa.archive.use.models import ArchiveUse, ArchiveUseRequest
from zhifa.core.features import Feature, Job, NavLink
from zhifa.core.permissions import Permission

FEATURE = Feature(
    name="archive",
    models=(
        "zhifa.archive.retention.models",
        "zhifa.archive.filing.models",
        "zhifa.archive.checks.models",
        "zhifa.archive.packages.models",
        "zhifa.archive.use.models",
    ),
    tracked=(
        RetentionSchedule,
        RetentionRule,
        ArchiveCodeScheme,
        ArchiveFile,
        ArchiveItem,
        ArchiveCheck,
        ArchiveTransfer,
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
    commands=(("archive", "zhifa.archive.cli:archive_app"),),
    jobs=(
        Job(
            "archive.periodic_check",
            lambda settings: settings.archive_check_interval_seconds,
            periodic_check_job,
            "档案定期四性检测",
        ),
    ),
)
