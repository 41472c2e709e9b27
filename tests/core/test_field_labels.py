"""Words people use in refusals: every field a request can name has a Chinese label (one
mapping, core.validation.FIELD_LABELS), a refusal lists all refused fields at once, each
with its own message, and never shows a raw field name or enum value."""

from __future__ import annotations

import re
from typing import Any

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.core.settings import Settings
from zhifa.core.validation import FIELD_LABELS, parse
from zhifa.enforcement.actions import MattersIn
from zhifa.enforcement.parties import PartyIn
from zhifa.web.app import create_app


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        if "$ref" in node:
            found.add(node["$ref"].rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def test_every_field_a_request_names_has_a_label(sqlite_settings: Settings) -> None:
    spec = create_app(sqlite_settings).openapi()
    schemas = spec["components"]["schemas"]
    named: set[str] = set()
    bodies: set[str] = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            named |= {p["name"] for p in operation.get("parameters", [])}
            _refs(operation.get("requestBody", {}), bodies)
    seen: set[str] = set()
    while bodies:
        name = bodies.pop()
        if name not in seen:
            seen.add(name)
            named |= set(schemas[name].get("properties", {}))
            _refs(schemas[name], bodies)
    assert len(named) > 150
    assert sorted(named - set(FIELD_LABELS)) == []


def test_all_refused_fields_at_once_in_words() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse(MattersIn, {"matters": [], "told_at": "明天"})
    error = refused.value
    assert set(error.errors) == {"matters", "told_at"}
    assert error.errors["matters"] == "告知事项不能为空"
    assert error.errors["told_at"].startswith("告知时间")
    assert error.field == "matters"
    assert "告知事项不能为空" in error.message and "告知时间" in error.message
    assert not re.search(r"[a-z]_[a-z]|matters", error.message)


def test_an_enum_refusal_names_no_raw_values() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse(PartyIn, {"kind": "robot", "name": "某公司"})
    assert refused.value.errors["kind"] == "类别取值无效，请从列表中选择"
    assert not re.search(r"[A-Za-z]{3,}", refused.value.message)
