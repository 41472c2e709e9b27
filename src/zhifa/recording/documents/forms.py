"""Validating what the officer fills in: one pydantic model per document kind, built from
the kind's field list, with Chinese messages that name the field. Pure.

Two strictnesses: a draft may be incomplete (types and bounds are still checked, so a
bad date or a negative fine is refused at once); issuing requires every required field.
Values are kept in JSON form: dates as ``YYYY-MM-DD``, times as ``YYYY-MM-DDTHH:MM``
(Beijing time), money as a string with two decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
)

from zhifa.core.calendar import SHANGHAI
from zhifa.core.errors import InvalidInput
from zhifa.recording.documents.kinds import DocumentKind, FieldSpec, FieldType, document_kind


def _blank_is_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _two_decimals(value: Decimal) -> Decimal:
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("最多保留两位小数")
    return value.quantize(Decimal("0.01"))


def _naive_minutes(value: datetime) -> datetime:
    # Officers enter Beijing time; keep it as entered (naive), to the minute.
    if value.tzinfo is not None:
        value = value.astimezone(SHANGHAI)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _annotation(spec: FieldSpec) -> Any:
    """The pydantic type of one field (its required-ness is decided by the caller)."""
    kind = spec.type
    if kind in (FieldType.text, FieldType.textarea):
        return Annotated[str, Field(min_length=1, max_length=spec.limit)]
    if kind is FieldType.date:
        return date
    if kind is FieldType.datetime:
        return Annotated[datetime, AfterValidator(_naive_minutes)]
    if kind is FieldType.money:
        return Annotated[
            Decimal,
            Field(ge=0, le=Decimal("9999999999.99"), allow_inf_nan=False),
            AfterValidator(_two_decimals),
        ]
    if kind is FieldType.integer:
        return Annotated[int, Field(ge=spec.minimum, le=spec.maximum)]
    if kind is FieldType.choice:
        return Literal[spec.choices]  # type: ignore[valid-type]
    return bool


@cache
def _model(code: str, complete: bool) -> type[BaseModel]:
    kind = document_kind(code)
    definitions: dict[str, Any] = {}
    for spec in kind.fields:
        inner = _annotation(spec)
        required = complete and spec.required and spec.type is not FieldType.boolean
        annotated = Annotated[inner if required else inner | None, BeforeValidator(_blank_is_none)]
        definitions[spec.name] = (annotated, ...) if required else (annotated, None)
    config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name = f"{kind.code}_{'complete' if complete else 'draft'}"
    return create_model(name, __config__=config, **definitions)


def _label(kind: DocumentKind, name: str) -> str:
    try:
        return kind.field(name).label
    except KeyError:
        return name


def _message(kind: DocumentKind, error: Mapping[str, Any]) -> InvalidInput:
    loc = [str(part) for part in error.get("loc", ())]
    name = loc[0] if loc else ""
    label = _label(kind, name)
    kind_of_error = str(error["type"])
    ctx = error.get("ctx") or {}
    if kind_of_error == "extra_forbidden":
        return InvalidInput(f"《{kind.title}》没有“{name}”这一栏", name)
    if kind_of_error == "missing":
        text = "为必填项"
    elif kind_of_error in {"string_too_short", "too_short"}:
        text = "不能为空"
    elif kind_of_error in {"string_too_long", "too_long"}:
        text = f"不能超过 {ctx.get('max_length')} 个字符"
    elif kind_of_error.startswith("datetime"):
        text = "时间无效，应为 YYYY-MM-DD HH:MM 格式的真实时间"
    elif kind_of_error.startswith("date"):
        text = "日期无效，应为 YYYY-MM-DD 格式的真实日期"
    elif kind_of_error == "greater_than_equal":
        bound = ctx.get("ge")
        text = "不能为负数" if str(bound) == "0" else f"不能小于 {bound}"
    elif kind_of_error == "less_than_equal":
        text = f"不能大于 {ctx.get('le')}"
    elif kind_of_error in {"decimal_max_places", "decimal_max_digits"}:
        text = "最多保留两位小数" if "places" in kind_of_error else "数额过大"
    elif kind_of_error.startswith(("int", "decimal", "float", "finite")):
        text = "应为数字"
    elif kind_of_error == "literal_error":
        spec = kind.field(name)
        text = f"取值无效，可选：{'、'.join(spec.choices)}"
    elif kind_of_error.startswith("bool"):
        text = "应为是或否"
    elif kind_of_error == "value_error":
        text = str(ctx.get("error", error.get("msg", "")))
    else:
        text = "取值无效"
    return InvalidInput(f"{label}{text}", name or None)


def _json_value(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    if spec.type is FieldType.date:
        return value.isoformat()
    if spec.type is FieldType.datetime:
        return value.strftime("%Y-%m-%dT%H:%M")
    if spec.type is FieldType.money:
        return f"{value:.2f}"
    return value


def validate(kind: DocumentKind, data: Mapping[str, Any], *, complete: bool) -> dict[str, Any]:
    """Check ``data`` for ``kind``; returns the values in JSON form (None dropped).
    Raises InvalidInput naming the first bad field; ``complete`` adds the required
    fields and the kind's cross-field checks."""
    if not isinstance(data, Mapping):
        raise InvalidInput("文书内容应为“栏目: 值”的对象", "fields")
    model = _model(kind.code, complete)
    try:
        parsed = model.model_validate(dict(data))
    except ValidationError as exc:
        raise _message(kind, exc.errors()[0]) from exc
    typed = {spec.name: getattr(parsed, spec.name) for spec in kind.fields}
    if complete:
        for check in kind.checks:
            problem = check(typed)
            if problem is not None:
                field, message = problem
                raise InvalidInput(message, field)
    out = {}
    for spec in kind.fields:
        value = _json_value(spec, typed[spec.name])
        if value is not None:
            out[spec.name] = value
    return out


def typed_values(kind: DocumentKind, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored JSON values back to Python values (for templates and rules); unknown or
    malformed values are left out rather than guessed."""
    out: dict[str, Any] = {}
    for spec in kind.fields:
        raw = stored.get(spec.name)
        if raw is None:
            continue
        try:
            if spec.type is FieldType.date:
                out[spec.name] = date.fromisoformat(raw)
            elif spec.type is FieldType.datetime:
                out[spec.name] = datetime.fromisoformat(raw)
            elif spec.type is FieldType.money:
                out[spec.name] = Decimal(str(raw))
            else:
                out[spec.name] = raw
        except (TypeError, ValueError, ArithmeticError):
            continue
    return out
