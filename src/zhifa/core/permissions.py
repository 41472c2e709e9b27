"""Roles and the one permission table that every route consults."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    officer = "officer"
    legal = "legal"
    supervision = "supervision"
    office = "office"
    leader = "leader"
    archivist = "archivist"
    admin = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.officer: "执法人员",
    Role.legal: "法制宣传科",
    Role.supervision: "安全生产监督管理科",
    Role.office: "办公室",
    Role.leader: "领导",
    Role.archivist: "档案管理员",
    Role.admin: "系统管理员",
}


class Permission(StrEnum):
    app_use = "app.use"  # sign in to the internal app at all
    party_read = "party.read"
    party_write = "party.write"
    officer_read = "officer.read"
    certificate_write = "certificate.write"
    user_admin = "user.admin"
    unit_admin = "unit.admin"
    token_admin = "token.admin"  # noqa: S105
    calendar_admin = "calendar.admin"
    login_log_read = "login_log.read"
    action_read = "action.read"  # see enforcement actions and their records
    action_write = "action.write"  # open actions, record activities and duties, move steps
    document_write = "document.write"  # draft and fill documents
    document_issue = "document.issue"  # issue (number and freeze), correct, record service
    action_all = "action.all"  # see every action, not only one's own unit's or assigned
    access_log_read = "access_log.read"  # 调阅监督: read who looked at which record
    media_restrict = "media.restrict"  # flag records 国家秘密/商业秘密/个人隐私
    media_restricted_read = "media.restricted_read"  # see flagged records without assignment
    recording_exception_decide = "recording.exception_decide"  # approve not recording
    publication_read = "publication.read"  # the deadline board and publication drafts
    publication_review = "publication.review"  # draft, review, ask for an exemption
    publication_publish = "publication.publish"  # publish, approve an exemption
    channel_admin = "channel.admin"  # enable / disable publication channels
    catalog_read = "catalog.read"  # laws, power items, guides, the random-check list
    catalog_write = "catalog.write"  # keep the 事前公示 catalogue (legal section)
    accountability_read = "accountability.read"  # overdue report (公示办法 第十条)
    accountability_decide = "accountability.decide"  # a leader decides on accountability instances
    figures_read = "figures.read"  # yearly figures: the staff page and the XLSX export
    dashboard_read = "insight.dashboard_read"  # 薄弱环节分析: the supervision dashboard
    figures_submit_safety = "figures.submit_safety"  # enter 安全生产监督管理科's figures
    figures_submit_brigade = "figures.submit_brigade"  # enter 执法大队's figures
    figures_review = "figures.review"  # review, publish and report the yearly figures
    grant_manage = "grant.manage"  # let a person read a record outside their need to know
    inspection_read = "inspection.read"  # 双随机: the directories (need to know within)
    inspection_write = "inspection.write"  # keep the 检查对象 and 检查人员 directories
    inspection_recusal_declare = "inspection.recusal_declare"  # declare one's own 回避
    inspection_plan_write = "inspection.plan_write"  # draft and edit the 年度监督检查计划
    inspection_plan_approve = "inspection.plan_approve"  # approve (and so freeze) a plan
    inspection_draw_write = "inspection.draw_write"  # announce a draw, enter its beacon, substitute
    inspection_task_open = "inspection.task_open"  # open a drawn batch's inspection cases
    inspection_result_record = "inspection.result_record"  # record a 双随机 result (own cases)
    archive_read = "archive.read"  # the archive's lists, files, schedule and reports
    archive_schedule_write = "archive.schedule_write"  # propose a 保管期限表 version, 档号 scheme
    archive_schedule_approve = "archive.schedule_approve"  # approve a 保管期限表 version
    archive_file = "archive.file"  # file closed cases, run 四性检测, export packages
    archive_use_request = "archive.use_request"  # ask to read, copy or borrow an archive file
    archive_use_approve = "archive.use_approve"  # decide use requests (archivist; leader)
    archive_hold_manage = "archive.hold_manage"  # place and release holds (保全)
    archive_dispose_prepare = "archive.dispose_prepare"  # make a 销毁批次 from the due list
    archive_dispose_appraise = "archive.dispose_appraise"  # 鉴定小组: give appraisal opinions
    archive_dispose_approve = "archive.dispose_approve"  # a leader approves a 销毁批次
    archive_dispose_supervise = "archive.dispose_supervise"  # 监销人 confirm a batch
    archive_dispose_execute = "archive.dispose_execute"  # execute an approved, witnessed batch
    complaint_read = "complaint.read"  # 投诉举报: the supervision cases and their timeline
    complaint_handle = "complaint.handle"  # enter, accept, assign, link, investigate, draft answer
    complaint_sign = "complaint.sign"  # a leader signs (签发) or returns the drafted answer
    case_review_read = "case_review.read"  # 案卷评查: rounds, sheets, reports and figures
    case_review_manage = "case_review.manage"  # organise rounds, reassign, rectification (法制机构)
    case_review_score = "case_review.score"  # score the case files one is assigned to
    case_review_approve = "case_review.approve"  # a leader approves a round's report


_EVERYONE = {
    Permission.app_use,
    Permission.party_read,
    Permission.officer_read,
    Permission.action_read,
    Permission.publication_read,
    Permission.catalog_read,
    Permission.inspection_read,
    Permission.archive_use_request,
    Permission.case_review_score,
}
_HANDLING = {
    Permission.party_write,
    Permission.action_write,
    Permission.document_write,
    Permission.document_issue,
}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.officer: frozenset(
        _EVERYONE
        | _HANDLING
        | {
            Permission.figures_read,
            Permission.figures_submit_brigade,
            Permission.inspection_recusal_declare,
            Permission.inspection_result_record,
        }
    ),
    Role.legal: frozenset(
        _EVERYONE
        | _HANDLING
        | {
            Permission.certificate_write,
            Permission.action_all,
            Permission.publication_review,
            Permission.publication_publish,
            Permission.media_restrict,
            Permission.catalog_write,
            Permission.accountability_read,
            Permission.dashboard_read,
            Permission.figures_read,
            Permission.figures_review,
            Permission.inspection_write,
            Permission.inspection_plan_write,
            Permission.inspection_draw_write,
            Permission.inspection_task_open,
            Permission.inspection_result_record,
            Permission.archive_read,
            Permission.archive_hold_manage,
            Permission.archive_dispose_appraise,
            Permission.archive_dispose_supervise,
            Permission.complaint_read,
            Permission.complaint_handle,
            Permission.case_review_read,
            Permission.case_review_manage,
        }
    ),
    Role.supervision: frozenset(
        _EVERYONE
        | {
            Permission.action_all,
            Permission.access_log_read,
            Permission.accountability_read,
            Permission.figures_read,
            Permission.figures_submit_safety,
            Permission.inspection_write,
            Permission.inspection_plan_write,
            Permission.inspection_draw_write,
            Permission.inspection_task_open,
            Permission.archive_read,
            Permission.archive_hold_manage,
            Permission.archive_dispose_supervise,
        }
    ),
    Role.office: frozenset(
        _EVERYONE
        | {
            Permission.certificate_write,
            Permission.archive_read,
            Permission.archive_schedule_write,
            Permission.archive_dispose_appraise,
            Permission.archive_dispose_supervise,
        }
    ),
    Role.leader: frozenset(
        _EVERYONE
        | {
            Permission.login_log_read,
            Permission.action_all,
            Permission.access_log_read,
            Permission.media_restrict,
            Permission.media_restricted_read,
            Permission.recording_exception_decide,
            Permission.grant_manage,
            Permission.accountability_read,
            Permission.accountability_decide,
            Permission.dashboard_read,
            Permission.figures_read,
            Permission.inspection_plan_approve,
            Permission.archive_read,
            Permission.archive_schedule_approve,
            Permission.archive_use_approve,
            Permission.archive_hold_manage,
            Permission.archive_dispose_approve,
            Permission.complaint_read,
            Permission.complaint_sign,
            Permission.case_review_read,
            Permission.case_review_approve,
        }
    ),
    Role.archivist: frozenset(
        _EVERYONE
        | {
            Permission.action_all,
            Permission.archive_read,
            Permission.archive_schedule_write,
            Permission.archive_file,
            Permission.archive_use_approve,
            Permission.archive_hold_manage,
            Permission.archive_dispose_prepare,
            Permission.archive_dispose_appraise,
            Permission.archive_dispose_execute,
        }
    ),
    Role.admin: frozenset(Permission),
}


def permissions_of(roles: set[Role] | frozenset[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= PERMISSIONS[role]
    return frozenset(granted)
