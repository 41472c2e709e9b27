"""The archive chapter's manifest (记录办法 第十条、第十一条): the retention schedule,
the 档号 scheme, filing closed cases (and the 归档 duty on the deadline board), 四性检测
(at filing, before a transfer and on a schedule), transfer packages and the `zhifa
archive` commands, the use of archived files (利用申请, 审批, 利用记录), holds and
approved disposal (and what it removed, for `zhifa verify`)."""

from __future__ import annotations

from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.checks.service import periodic_check_job
from zhifa.archive.disposal import service as disposal
from zhifa.archive.disposal.models import (
    DisposalBatch,
    DisposalItem,
    DisposalOpinion,
    DisposalOutcome,
    DisposalWitness,
)
from zhifa.archive.filing.duties import filing_duties
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.holds.models import ArchiveHold
from zhifa.archive.packages.models import ArchiveTransfer
from zhifa.archive.retention.models import RetentionRule, RetentionSchedule
from zhifa.archive.use.models import ArchiveUse, ArchiveUseRequest
from zhifa.core.features import DutySource, Feature, Job, NavLink
from zhifa.core.permissions import Permission
from zhifa.publicity.duties import DutyKind

FEATURE = Feature(
    name="archive",
    models=(
        "zhifa.archive.retention.models",
        "zhifa.archive.filing.models",
        "zhifa.archive.checks.models",
        "zhifa.archive.packages.models",
        "zhifa.archive.use.models",
        "zhifa.archive.holds.models",
        "zhifa.archive.disposal.models",
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
        ArchiveHold,
        DisposalBatch,
        DisposalItem,
        DisposalOpinion,
        DisposalWitness,
        DisposalOutcome,
    ),
    duty_sources=(DutySource(DutyKind.archive_filing, filing_duties),),
    disposed_blobs=(disposal.disposed_blobs,),
    routers=(
        "zhifa.archive.retention.routes:pages",
        "zhifa.archive.retention.routes:api",
        "zhifa.archive.filing.routes:pages",
        "zhifa.archive.filing.routes:api",
        "zhifa.archive.checks.routes:pages",
        "zhifa.archive.checks.routes:api",
        "zhifa.archive.use.routes:pages",
        "zhifa.archive.use.routes:api",
        "zhifa.archive.holds.routes:pages",
        "zhifa.archive.disposal.routes:pages",
    ),
    navigation=(
        NavLink("档案", "归档与保管", "/app/archive", Permission.archive_read),
        NavLink("档案", "保管期限表", "/app/archive/schedule", Permission.archive_read),
        NavLink("档案", "档号规则", "/app/archive/scheme", Permission.archive_read),
        NavLink("档案", "保全", "/app/archive/holds", Permission.archive_read),
        NavLink("档案", "到期鉴定与销毁", "/app/archive/disposal", Permission.archive_read),
        NavLink(
            "档案", "我的利用申请", "/app/archive/use/requests", Permission.archive_use_request
        ),
        NavLink("档案", "利用审批", "/app/archive/use/approvals", Permission.archive_use_approve),
    ),
    commands=(("archive", "zhifa.archive.cli:archive_app"),),
    jobs=(
        Job(
            "archive.periodic_check",
            lambda settings: settings.archive_check_interval_seconds,
            periodic_check_job,
            "档案定期四性检测",
        ),
        Job(
            "archive.disposal_due",
            lambda _settings: disposal.DUE_JOB_SECONDS,
            disposal.due_job,
            "每月列出到期待鉴定销毁的档案，续期保全锁定",
        ),
    ),
)
