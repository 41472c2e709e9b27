"""The archive chapter's manifest (记录办法 第十条、第十一条): the retention schedule,
the 档号 scheme, filing closed cases, holds and disposal."""

from __future__ import annotations

from zhifa.archive.disposal import service as disposal
from zhifa.archive.disposal.models import (
    DisposalBatch,
    DisposalItem,
    DisposalOpinion,
    DisposalOutcome,
    DisposalWitness,
)
from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.holds.models import ArchiveHold
from zhifa.archive.retention.models import RetentionRule, RetentionSchedule
from zhifa.core.features import Feature, Job

FEATURE = Feature(
    name="archive",
    models=(
        "zhifa.archive.retention.models",
        "zhifa.archive.filing.models",
        "zhifa.archive.holds.models",
        "zhifa.archive.disposal.models",
    ),
    tracked=(
        RetentionSchedule,
        RetentionRule,
        ArchiveCodeScheme,
        ArchiveFile,
        ArchiveItem,
        ArchiveHold,
        DisposalBatch,
        DisposalItem,
        DisposalOpinion,
        DisposalWitness,
        DisposalOutcome,
    ),
    disposed_blobs=(disposal.disposed_blobs,),
    routers=("zhifa.archive.holds.routes:pages", "zhifa.archive.disposal.routes:pages"),
    jobs=(
        Job(
            "archive.disposal_due",
            lambda _settings: disposal.DUE_JOB_SECONDS,
            disposal.due_job,
            "每月列出到期待鉴定销毁的档案，续期保全锁定",
        ),
    ),
)
