"""The internal app's navigation, by the chapters of the measures."""

from __future__ import annotations

from zhifa.core.auth import Principal
from zhifa.core.permissions import Permission

# (chapter, [(label, href or None while not yet built, permission needed)])
CHAPTERS: list[tuple[str, list[tuple[str, str | None, Permission]]]] = [
    (
        "事前公示",
        [
            ("执法人员与执法证", "/app/officers", Permission.officer_read),
            ("法律法规", "/app/catalog/laws", Permission.catalog_read),
            ("权力事项", "/app/catalog/power-items", Permission.catalog_read),
            ("办事指南", "/app/catalog/guides", Permission.catalog_read),
            ("随机抽查事项", "/app/catalog/random-checks", Permission.catalog_read),
            ("事前公示发布", "/app/catalog/publish", Permission.publication_publish),
            ("事前公示更新", "/app/catalog/updates", Permission.catalog_read),
        ],
    ),
    (
        "执法办案",
        [
            ("行政相对人", "/app/parties", Permission.party_read),
            ("执法案件", "/app/actions", Permission.action_read),
        ],
    ),
    (
        "全过程记录",
        [
            ("音视频记录", "/app/media", Permission.action_read),
            ("记录问题", "/app/recording/problems", Permission.action_all),
            ("例外审批", "/app/recording/exceptions", Permission.action_all),
        ],
    ),
    (
        "公示管理",
        [
            ("事后公示期限看板", "/app/publicity", Permission.publication_read),
            ("更正案件", "/app/publicity/corrections", Permission.publication_review),
            ("渠道投递", "/app/publicity/deliveries", Permission.publication_read),
        ],
    ),
    ("档案", [("归档与保管", None, Permission.app_use)]),
    (
        "统计监督",
        [
            ("逾期问责报告", "/app/insight/overdue", Permission.accountability_read),
            ("年度执法数据", "/app/insight/yearly", Permission.figures_read),
            ("调阅日志", "/app/access-log", Permission.access_log_read),
            ("授权调阅", "/app/grants", Permission.grant_manage),
            ("登录日志", "/app/admin/logins", Permission.login_log_read),
        ],
    ),
    (
        "系统管理",
        [
            ("用户", "/app/admin/users", Permission.user_admin),
            ("单位", "/app/admin/units", Permission.unit_admin),
            ("工作日历", "/app/calendar", Permission.app_use),
        ],
    ),
]


def nav_chapters(principal: Principal) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The chapters and links this person may open; empty chapters are left out."""
    shown = []
    for chapter, links in CHAPTERS:
        allowed = [(label, href) for label, href, perm in links if principal.can(perm)]
        if allowed:
            shown.append((chapter, allowed))
    return shown
