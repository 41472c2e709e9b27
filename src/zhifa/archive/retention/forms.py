"""The 保管期限表 page form: one line per record class (period kind, number, the event
that starts it, basis), prefilled from the version in force or the suggested rows, and
read back into a `ScheduleIn` with every refused field named by its line
(``rows.3.period_n``, as the service names them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zhifa.archive.retention.rules import (
    CLASS_LABELS,
    SUGGESTED_ROWS,
    PeriodKind,
    RecordClass,
    ScheduleRow,
)
from zhifa.archive.retention.service import RuleIn, ScheduleIn, row_field
from zhifa.core.errors import InvalidInput
from zhifa.core.validation import parse

ROW_KEYS = ("record_class", "period_kind", "period_n", "starts", "basis")
CLASSES = tuple(RecordClass)  # the form's lines, in this order
FORM_KEYS = ("reason", *(row_field(i, key) for i in range(len(CLASSES)) for key in ROW_KEYS))


def prefill(rows: Iterable[ScheduleRow]) -> dict[str, str]:
    """The form's values from ``rows`` (a class they lack takes the suggested row)."""
    given = {row.record_class: row for row in (*SUGGESTED_ROWS, *rows)}
    values = {"reason": ""}
    for index, record_class in enumerate(CLASSES):
        row = given[record_class]
        values |= {
            row_field(index, "record_class"): record_class.value,
            row_field(index, "period_kind"): row.period.kind.value,
            row_field(index, "period_n"): str(row.period.n) if row.period.n else "",
            row_field(index, "starts"): row.starts.value,
            row_field(index, "basis"): row.basis,
        }
    return values


def _row(index: int, values: Mapping[str, str]) -> RuleIn:
    raw = {key: values.get(row_field(index, key), "") for key in ROW_KEYS}
    if raw["period_kind"] == PeriodKind.permanent.value or not raw["period_n"]:
        raw["period_n"] = "0"  # 永久 has no length; a missing one is the service's refusal
    return parse(RuleIn, raw)


def schedule_in(values: Mapping[str, str]) -> ScheduleIn:
    """The proposal the form describes; every refused field at once, each by its line."""
    errors: dict[str, str] = {}
    rows = []
    for index, record_class in enumerate(CLASSES):
        try:
            rows.append(_row(index, values))
        except InvalidInput as refused:
            for name, text in refused.errors.items():
                errors[row_field(index, name)] = f"{CLASS_LABELS[record_class]}：{text}"
    proposal = None
    try:
        proposal = parse(ScheduleIn, {"reason": values.get("reason", ""), "rows": rows})
    except InvalidInput as refused:  # its reason (its rows were judged line by line above)
        errors = {k: v for k, v in refused.errors.items() if k == "reason"} | errors
    if errors or proposal is None:
        raise InvalidInput("；".join(errors.values()), next(iter(errors), None), errors)
    return proposal
