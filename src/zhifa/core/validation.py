"""Turn pydantic validation errors into one Chinese message that names the field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from zhifa.core.errors import InvalidInput

# Record ids are INTEGER columns (PostgreSQL int4): an id in a body or form beyond them is
# refused here, before it reaches the database driver (which would overflow: a 500).
MAX_RECORD_ID = 2**31 - 1
BodyRecordId = Annotated[int, Field(ge=1, le=MAX_RECORD_ID)]

FIELD_LABELS: dict[str, str] = {
    # 投诉举报 (supervision/complaints)
    "matter": "投诉的执法事项",
    "complaint_text": "投诉内容",
    "complainant_name": "投诉人姓名或名称",
    "complainant_phone": "联系电话",
    "received_on": "收到日期",
    "received_via": "收到方式",
    "findings": "调查情况",
    "answer_public": "答复意见",
    "answer_internal": "内部说明",
    "handler": "承办人",
    "link_kind": "记录类别",
    "link_id": "记录编号",
    "link_note": "关联说明",
    "extension_reason": "延期理由",
    "username": "用户名",
    "full_name": "姓名",
    "password": "密码",
    "new_password": "新密码",
    "current_password": "当前密码",
    "roles": "角色",
    "unit_id": "所属单位",
    "name": "名称",
    "kind": "类别",
    "lean": "暂定年份的取向",
    "parent_id": "上级单位",
    "uscc": "统一社会信用代码",
    "id_number": "身份证号",
    "address": "地址",
    "industry": "行业",
    "risk_flags": "风险标识",
    "phone": "联系电话",
    "legal_representative": "法定代表人",
    "number": "执法证号",
    "issuing_authority": "发证机关",
    "scope": "执法领域",
    "valid_from": "有效期起",
    "valid_to": "有效期至",
    "status": "状态",
    "reason": "理由",
    "label": "用途说明",
    # the 事前公示 catalogue (catalog/)
    "title": "标题",
    "level": "层级",
    "issuing_body": "制定机关",
    "doc_number": "文号",
    "edition": "版本说明",
    "published_on": "公布日期",
    "effective_on": "施行日期",
    "amended_on": "修改日期",
    "repealed_on": "废止日期",
    "replaced_by_id": "替代法规",
    "article": "条",
    "paragraph": "款",
    "item": "项",
    "text": "条文",
    "code": "编码",
    "field": "执法领域",
    "basis": "法律依据",
    "duties": "责任事项",
    "accountability": "追责情形",
    "conditions": "申请条件",
    "materials": "申请材料",
    "procedure": "办理流程",
    "time_limit": "办理时限",
    "fees": "收费标准",
    "place": "办理地点与方式",
    "contacts": "咨询与监督电话",
    "targets": "抽查对象",
    "method": "抽查方式",
    "frequency": "抽查比例与频次",
    "mode": "导入方式",
    # enforcement: actions, activities and their duties (enforcement/)
    "party_id": "行政相对人",
    "power_item_id": "执法事项",
    "officer_ids": "执法人员",
    "lead_officer_id": "主办人员",
    "officer_id": "执法人员",
    "to_step": "下一步骤",
    "started_at": "开始时间",
    "party_present": "当事人或在场人员",
    "shown_at": "亮证时间",
    "matters": "告知事项",
    "told_at": "告知时间",
    "at": "时间",
    "signer_name": "签名人",
    "signature_png_base64": "签名",
    "grantee_id": "被授权人",
    "record_type": "记录类别",
    "record_id": "记录编号",
    "valid_until": "有效期至",
    "is_active": "账号状态",
    "user_id": "用户",
    # documents, media and full-process recording (recording/)
    "fields": "文书内容",
    "pattern": "文号格式",
    "media_id": "音视频记录",
    "activity_id": "现场执法活动",
    "service_id": "送达记录",
    "approved": "审批结果",
    "restricted": "限制查看",
    "marked": "标记",
    "value": "取值",
    "detail": "中断说明",
    "before_media_id": "中断前的记录",
    "after_media_id": "中断后的记录",
    "stated_in": "说明方式",
    "stated_media_id": "说明所在的记录",
    "stated_offset_seconds": "说明所在的时间点",
    "statement_image_base64": "书面说明照片",
    "gap_tolerance_seconds": "允许的中断时长",
    "situations": "情形",
    "kinds": "执法行为类别",
    "procedures": "执法程序",
    "steps": "步骤",
    "purpose": "调阅事由",
    "purpose_note": "调阅说明",
    "download": "下载方式",
    # publicity (publicity/)
    "obligation_id": "公示义务",
    "severity": "严重程度",
    "months": "公示期（月）",
    "credit_necessity": "确有必要的理由",
    "decided_by": "作出修复决定的机关",
    "decided_on": "修复决定日期",
    "reference": "决定文号或受理编号",
    "note": "意见",
    "received_by": "接收人",
    "check_id": "四性检测",
    "transfer_id": "移交",
    "approve": "审批结果",
    "file_id": "档案",
    "archival_code": "档号",
    "item_nos": "件号",
    "request_id": "利用申请",
    "use_kind": "利用方式",
    "wanted_until": "利用截止日期",
    "copy": "复制（下载带水印的复制件）",
    "rows": "各类记录",
    "record_class": "记录类别",
    "period_kind": "保管期限",
    "period_n": "年数或月数",
    "starts": "起算",
    "fonds": "全宗号",
    "fonds_name": "全宗名称",
    "category": "门类代码",
    "org_code": "机构代码",
    "code_pattern": "档号格式",
    "seq_width": "件号位数",
    "schedule_id": "保管期限表版本",
    "what_is_wrong": "需要更正的内容",
    "edits": "更正内容",
    "summary": "更正说明",
    "rebuild": "重新生成",
    "cause": "情形",
    "decision_ref": "决定文号",
    "occurred_on": "生效日期",
    "channel": "公示渠道",
    "publication": "公示",
    "person_id": "责任人",
    # catalog updates (catalog/updates)
    "articles": "条文",
    "approval_number": "批准文号",
    "approved_on": "批准日期",
    "description": "说明",
    "unit_ids": "涉及单位",
    "law_change_id": "法规变更",
    "organisation_change_id": "机构变更",
    "file": "文件",
    # query and path parameters
    "q": "搜索词",
    "risk": "风险标识",
    "page": "页码",
    "state": "状态",
    "current": "仅看有效",
    "user": "用户",
    "holder": "承办人",
    "party": "行政相对人",
    "action": "案件",
    "from": "起始",
    "to": "截止",
    "start": "起始",
    "end": "截止",
    "n": "期间",
    "index": "序号",
    "size": "账本规模",
    "year": "年度",
    "subject": "编码",
    "public_id": "公开编号",
    "action_id": "案件",
    "document_id": "文书",
    "upload_id": "上传",
    "token_id": "令牌",
    "grant_id": "授权",
    "exception_id": "例外申请",
    "certificate_id": "执法证",
    "law_id": "法规",
    "item_id": "事项",
    "update_id": "更新事项",
    "publication_id": "公示",
    "exemption_id": "不予公开申请",
    "correction_id": "更正申请",
    "withdrawal_id": "撤下事项",
    "delivery_id": "投递记录",
    # 双随机: the inspection directories (inspection/)
    "industry_code": "行业代码",
    "risk_grade": "风险等级",
    "street": "属地",
    "special_flags": "特殊标识",
    "licence_state": "许可状态",
    "in_scope": "纳入抽查",
    "subject_id": "检查对象",
    "absence_id": "不可用时段",
    "recusal_id": "回避关系",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "ground": "回避事由",
    # 双随机: the 年度监督检查计划 (inspection/plans/)
    "plan_id": "检查计划",
    "batches": "批次",
    "filters": "检查范围",
    "strata": "抽取层级",
    "rounding": "取整规则",
    "team_size": "检查组人数",
    "cap": "每人检查次数上限",
    "lead_department": "牵头部门",
    "partners": "配合部门",
    "department": "所属部门",
    "members": "外部检查人员",
    "sections": "门类",
    "divisions": "大类",
    "streets": "属地",
    "grades": "风险等级",
    "flags": "特殊标识",
    "quota": "抽取方式",
    "count": "抽取数量",
    "ratio": "抽取比例",
    # 双随机: the draw (inspection/draws/) and the inspection tasks (inspection/tasks/)
    "round_at": "随机源时间",
    "lottery": "彩票",
    "draw_date": "开奖日期",
    "ordered": "号码是否按开出顺序",
    "signature": "drand 签名",
    "lottery_sets": "彩票开奖号码",
    "target": "检查对象",
    "task_id": "检查任务",
    "result": "检查结果",
    "checked_on": "检查日期",
    "penalty_action_id": "处罚案件",
    # archive: holds and disposal
    "hold_kind": "保全事由",
    "hold_target": "保全对象",
    "hold_target_id": "对象编号",
    "hold_reference": "文号或案号",
    "release_reason": "解除理由",
    "due_items": "到期条目",
    "appraisal_opinions": "鉴定意见",
    "appraisal_opinion": "鉴定意见",
    "disposal_item": "条目",
    "extend_years": "延长年数",
    "witness_statement": "监销意见",
    # the accountability report (supervision/accountability/)
    "instance_key": "问责事项",
    "outcome": "处理决定",
}


def _text(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing" or (error.get("input") == "" and not kind.startswith("string")):
        return "为必填项"
    if kind in {"string_too_short", "too_short"}:
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if kind in {"string_too_long", "too_long"}:
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind in {"enum", "literal_error"}:
        return "取值无效，请从列表中选择"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "日期无效，应为 YYYY-MM-DD 格式的真实日期"
    if kind.startswith("int") or kind.startswith("float"):
        return "应为数字"
    if kind.startswith("bool"):
        return "应为是或否"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return "数值超出允许范围"
    return "取值无效"


def _located(error: Mapping[str, Any]) -> tuple[str | None, str]:
    """The field an error names (the innermost name in its location) and the label people
    read for it (the innermost name that has one; never a raw name)."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    names = [part for part in reversed(loc) if not part.isdigit()]
    label = next((FIELD_LABELS[name] for name in names if name in FIELD_LABELS), "所填内容")
    return (names[0] if names else None), label


def describe(exc: ValidationError | Sequence[Mapping[str, Any]]) -> InvalidInput:
    """All of a request's refused fields at once: one message listing them (the first
    field is the error's `field`) and each field's own message in `errors`."""
    found: dict[str, str] = {}
    loose: list[str] = []  # errors of the whole body, not of one field
    for error in exc.errors() if isinstance(exc, ValidationError) else exc:
        field, label = _located(error)
        text = _text(error)
        if label.endswith("日期") and text.startswith("日期"):
            text = text[len("日期") :]  # 公布日期无效, not 公布日期日期无效
        message = f"{label}：{text}" if error["type"] == "value_error" else f"{label}{text}"
        if field is None:
            loose.append(text)
        else:
            found.setdefault(field, message)
    message = "；".join([*loose, *found.values()])
    return InvalidInput(message, next(iter(found), None), found)


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate at the edge; raise a DomainError with a Chinese message on bad input."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise describe(exc) from exc
