"""Which action (and activity) a file from a body-camera dock belongs to. Pure.

Either every file goes to one action (``--action``), or a map file says it, rule by
rule; the first rule that matches wins. A TOML file, kept beside the dock folder and
edited by the officer or the dock's keeper; it is read again whenever it changes, so a
file no rule matches yet simply waits until a rule is added::

    # 执法记录仪采集站：文件 → 案件（第一条匹配的规则生效）
    [[rule]]
    match = "DSJ-001/20260501_*"     # 相对于采集目录的路径（* 可跨目录）
    action = 12
    activity = 34                     # 可选：现场执法活动编号

    [[rule]]
    match = "*"
    after = "2026-05-01 14:00"        # 可选：文件时间（北京时间）不早于
    before = "2026-05-01 18:00"       # 可选：文件时间早于
    action = 13

The file time is the file's modification time, which body cameras set when a segment
is closed.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from datetime import datetime

from zhifa.core.clock import SHANGHAI


class MapError(ValueError):
    """The map file cannot be used; the message says where and why (Chinese)."""


@dataclass(frozen=True)
class Target:
    action_id: int
    activity_id: int | None = None


@dataclass(frozen=True)
class Rule:
    pattern: str
    target: Target
    after: datetime | None = None
    before: datetime | None = None

    def matches(self, relative: str, modified: datetime) -> bool:
        if not fnmatch.fnmatchcase(relative, self.pattern):
            return False
        if self.after is not None and modified < self.after:
            return False
        return not (self.before is not None and modified >= self.before)


def _positive(value: object, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise MapError(f"{where}：{name} 须为正整数")
    return value


def _moment(value: object, where: str, name: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise MapError(f"{where}：{name} 应为时间，如 2026-05-01 14:00") from None
    else:
        raise MapError(f"{where}：{name} 应为时间，如 2026-05-01 14:00")
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def parse_map(text: str) -> list[Rule]:
    """The rules of a map file; ``MapError`` names the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MapError(f"映射文件不是有效的 TOML：{exc}") from None
    rules = data.get("rule", [])
    if not isinstance(rules, list) or not rules:
        raise MapError("映射文件中没有 [[rule]] 规则")
    out = []
    for number, item in enumerate(rules, start=1):
        where = f"第 {number} 条规则"
        if not isinstance(item, dict):
            raise MapError(f"{where} 格式错误")
        unknown = set(item) - {"match", "action", "activity", "after", "before"}
        if unknown:
            raise MapError(f"{where}：不认识的字段 {', '.join(sorted(unknown))}")
        pattern = item.get("match")
        if not isinstance(pattern, str) or not pattern.strip():
            raise MapError(f"{where}：缺少 match（文件路径模式）")
        activity = item.get("activity")
        rule = Rule(
            pattern=pattern.strip(),
            target=Target(
                _positive(item.get("action"), where, "action"),
                None if activity is None else _positive(activity, where, "activity"),
            ),
            after=_moment(item.get("after"), where, "after"),
            before=_moment(item.get("before"), where, "before"),
        )
        if rule.after and rule.before and rule.after >= rule.before:
            raise MapError(f"{where}：after 须早于 before")
        out.append(rule)
    return out


def target_for(rules: list[Rule], relative: str, modified: datetime) -> Target | None:
    """The first rule's target for a file (path relative to the dock folder, with ``/``)."""
    for rule in rules:
        if rule.matches(relative, modified):
            return rule.target
    return None
