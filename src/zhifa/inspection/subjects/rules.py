"""Pure decisions about the 检查对象名录库 (inspection subjects): the closed vocabularies
an entry is described by, and the structure of its 国民经济行业分类 code. No database,
no clock, no I/O.

**Industry code (GB/T 4754-2017《国民经济行业分类》, 第4章 编码方法和代码结构).** Four
levels: 门类 one Latin capital letter (A–T, 20 of them), 大类 two digits, 中类 three digits
whose first two are the 大类, 小类 four digits whose first three are the 中类. A code is
written here as the 门类 letter followed by the digits of its finest level (``C33``,
``C336``, ``C3360``), and its 大类 must be one of the 门类's. The table of 门类 → 大类 below
is this module's own data, taken from the standard's 代码表 (sources: the structure from
江苏省统计局's note on GB/T 4754-2017, tj.jiangsu.gov.cn/art/2025/1/20/art_85775_11475179;
the 大类 of A–E from by56.com/news/15660 and crsrw.com/qiyezixun/48983, both reproducing
the 2017 代码表; F–T from the same 代码表 as remembered — SECONDARY: the standard's own text
was not read). Whether a 中类 or 小类 exists is not checked (the 1,382 小类 are not
embedded): only that it sits under a real 大类 of the right 门类.

**属地.** The 街道 and 镇 of 上海市普陀区: 8 街道 and 2 镇 since 沪府〔2014〕89号 (真如镇 became
真如镇街道) and 沪府〔2014〕90号 (万里街道 set up from 长征镇) — SECONDARY: read at
xzqh.org/html/show/sh/36916 (2014年上海市行政区划) and zh.wikipedia 真如镇街道 / 万里街道
("截至2018年，普陀区下辖8街道、2镇"); the government's own list was not reachable here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from zhifa.enforcement.models import RISK_FLAGS

# 门类 → (first 大类, last 大类), GB/T 4754-2017 代码表.
SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 5, "农、林、牧、渔业"),
    "B": (6, 12, "采矿业"),
    "C": (13, 43, "制造业"),
    "D": (44, 46, "电力、热力、燃气及水生产和供应业"),
    "E": (47, 50, "建筑业"),
    "F": (51, 52, "批发和零售业"),
    "G": (53, 60, "交通运输、仓储和邮政业"),
    "H": (61, 62, "住宿和餐饮业"),
    "I": (63, 65, "信息传输、软件和信息技术服务业"),
    "J": (66, 69, "金融业"),
    "K": (70, 70, "房地产业"),
    "L": (71, 72, "租赁和商务服务业"),
    "M": (73, 75, "科学研究和技术服务业"),
    "N": (76, 79, "水利、环境和公共设施管理业"),
    "O": (80, 82, "居民服务、修理和其他服务业"),
    "P": (83, 83, "教育"),
    "Q": (84, 85, "卫生和社会工作"),
    "R": (86, 90, "文化、体育和娱乐业"),
    "S": (91, 96, "公共管理、社会保障和社会组织"),
    "T": (97, 97, "国际组织"),
}

_CODE = re.compile(r"([A-Z])(\d{2,4})")


def section_of(division: int) -> str | None:
    """The 门类 a 大类 belongs to (None when no 门类 has it)."""
    for letter, (first, last, _) in SECTIONS.items():
        if first <= division <= last:
            return letter
    return None


def industry_problem(code: str) -> str | None:
    """Why ``code`` is not a well-formed GB/T 4754-2017 code (None when it is)."""
    match = _CODE.fullmatch(code)
    if match is None:
        return "应为门类字母加 2 至 4 位数字（大类、中类或小类），如 C33、C336、C3360"
    letter, digits = match.groups()
    if letter not in SECTIONS:
        return f"门类“{letter}”不存在（GB/T 4754-2017 的门类为 A 至 T）"
    first, last, name = SECTIONS[letter]
    division = int(digits[:2])
    if not first <= division <= last:
        owner = section_of(division)
        where = f"，属于门类 {owner}" if owner else "，标准中没有这个大类"
        return (
            f"大类 {digits[:2]} 不属于门类 {letter}（{name}，大类 {first:02d}–{last:02d}）{where}"
        )
    return None


class RiskGrade(StrEnum):
    """A subject's risk grade: A (highest) to D; a plan decides each grade's share."""

    a = "A"
    b = "B"
    c = "C"
    d = "D"


RISK_GRADE_LABELS = {
    RiskGrade.a: "A级（重大风险）",
    RiskGrade.b: "B级（较大风险）",
    RiskGrade.c: "C级（一般风险）",
    RiskGrade.d: "D级（低风险）",
}


# 上海市普陀区 街道 and 镇 (see the module docstring for the sources).
STREETS: tuple[str, ...] = (
    "长寿路街道",
    "曹杨新村街道",
    "长风新村街道",
    "宜川路街道",
    "甘泉路街道",
    "石泉路街道",
    "真如镇街道",
    "万里街道",
    "长征镇",
    "桃浦镇",
)

# Special flags: the vocabulary is the parties' risk flags (one list for the platform).
SPECIAL_FLAGS = RISK_FLAGS


class LicenceState(StrEnum):
    valid = "valid"
    expired = "expired"
    revoked = "revoked"
    not_required = "not_required"


LICENCE_LABELS = {
    LicenceState.valid: "持证有效",
    LicenceState.expired: "已过期",
    LicenceState.revoked: "已吊销或注销",
    LicenceState.not_required: "无需许可",
}


class OperatingStatus(StrEnum):
    operating = "operating"
    suspended = "suspended"
    deregistered = "deregistered"


STATUS_LABELS = {
    OperatingStatus.operating: "在营",
    OperatingStatus.suspended: "停业",
    OperatingStatus.deregistered: "注销",
}


def unknown_flags(flags: Iterable[str]) -> list[str]:
    return [flag for flag in flags if flag not in SPECIAL_FLAGS]


def drawable(status: OperatingStatus, in_scope: bool) -> bool:
    """Whether an entry may be drawn: in scope of random checks and operating."""
    return in_scope and status is OperatingStatus.operating


def by_label(labels: Mapping[Any, str], text: str) -> str | None:
    """The code whose label (or the code itself) is ``text``, e.g. 在营 → operating."""
    text = text.strip()
    for code, label in labels.items():
        if text in (str(code), label):
            return str(code)
    return None
