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
    "username": "用户名",
    "full_name": "姓名",
    "password": "密码",
    "new_password": "新密码",
    "current_password": "当前密码",
    "roles": "角色",
    "unit_id": "所属单位",
    "name": "名称",
    "kind": "类别",
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
    "reason": "变更原因",
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
    # 事后公示 (publicity/)
    "severity": "严重程度",
    "months": "公示期（月）",
    "edits": "更正内容",
    "summary": "更正说明",
    "cause": "情形",
    "occurred_on": "生效日期",
    "decision_ref": "决定文书文号",
}


def _text(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "为必填项"
    if kind in {"string_too_short", "too_short"}:
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if kind in {"string_too_long", "too_long"}:
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind in {"enum", "literal_error"}:
        return f"取值无效，可选值：{ctx.get('expected', '')}"
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


def describe(exc: ValidationError | Sequence[Mapping[str, Any]]) -> InvalidInput:
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = next((part for part in reversed(loc) if not part.isdigit()), None)
    text = _text(first)
    if field is None:
        return InvalidInput(text, None)
    label = FIELD_LABELS.get(field, field)
    if first["type"] == "value_error":
        return InvalidInput(f"{label}：{text}", field)
    return InvalidInput(f"{label}{text}", field)


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate at the edge; raise a DomainError with a Chinese message on bad input."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise describe(exc) from exc
