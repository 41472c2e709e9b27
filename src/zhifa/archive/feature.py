"""The archive chapter's manifest (记录办法 第十条、第十一条): the retention schedule,
the 档号 scheme, filing closed cases."""

from __future__ import annotations

from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.retention.models import RetentionRule, RetentionSchedule
from zhifa.core.features import Feature

FEATURE = Feature(
    name="archive",
    models=("zhifa.archive.retention.models", "zhifa.archive.filing.models"),
    tracked=(RetentionSchedule, RetentionRule, ArchiveCodeScheme, ArchiveFile, ArchiveItem),
)
