"""Core's manifest: accounts, units, certificates, the access log, the calendar, blobs and
grants; the ledger's checkpoint job."""

from __future__ import annotations

from zhifa.core.checkpoints import checkpoint_job
from zhifa.core.features import Feature, Job, NavLink
from zhifa.core.grants import RecordGrant
from zhifa.core.models import (
    AccessContext,
    AccessLog,
    ApiToken,
    Certificate,
    CertificateVersion,
    DueRecompute,
    HolidaySchedule,
    LoginEvent,
    StoredBlob,
    Unit,
    User,
)
from zhifa.core.permissions import Permission

FEATURE = Feature(
    name="core",
    models=(
        "zhifa.core.models",
        "zhifa.core.grants",
    ),
    tracked=(
        Unit,
        User,
        ApiToken,
        LoginEvent,
        AccessLog,
        AccessContext,
        HolidaySchedule,
        DueRecompute,
        StoredBlob,
        Certificate,
        CertificateVersion,
        RecordGrant,
    ),
    navigation=(
        NavLink("统计监督", "调阅日志", "/app/access-log", Permission.access_log_read),
        NavLink("统计监督", "登录日志", "/app/admin/logins", Permission.login_log_read),
        NavLink("系统管理", "用户", "/app/admin/users", Permission.user_admin),
        NavLink("系统管理", "单位", "/app/admin/units", Permission.unit_admin),
        NavLink("系统管理", "工作日历", "/app/calendar", Permission.app_use),
    ),
    routers=(
        "zhifa.core.routes:pages",
        "zhifa.core.routes:api",
        "zhifa.core.calendar_routes:pages",
        "zhifa.core.calendar_routes:api",
    ),
    jobs=(
        Job(
            "ledger.checkpoint",
            lambda settings: settings.checkpoint_interval_seconds,
            checkpoint_job,
            "签名账本检查点",
        ),
    ),
)
