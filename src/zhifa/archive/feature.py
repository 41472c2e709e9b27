"""The archive chapter's manifest (记录办法 第十条、第十一条): the retention schedule,
the 档号 scheme, filing closed cases, 四性检测 (at filing, before a transfer and on a
schedule), transfer packages and the `zhifa archive` commands."""

from __future__ import annotations

from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.checks.service import periodic_check_job
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.packages.models import ArchiveTransfer
from zhifa.archive.retention.models import RetentionRule, RetentionSchedule
from zhifa.core.features import Feature, Job

FEATURE = Feature(
    name="archive",
    models=(
        "zhifa.archive.retention.models",
        "zhifa.archive.filing.models",
        "zhifa.archive.checks.models",
        "zhifa.archive.packages.models",
    ),
    tracked=(
        RetentionSchedule,
        RetentionRule,
        ArchiveCodeScheme,
        ArchiveFile,
        ArchiveItem,
        ArchiveCheck,
        ArchiveTransfer,
    ),
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
