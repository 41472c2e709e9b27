"""Pure rules of the 双随机 inspection tasks: the fixed vocabulary of results, when a
result may be recorded, the public snapshot of a result, and the 双随机 platform's export
columns. No database, no clock: today and the facts are passed in.

**The result vocabulary.** The categories are those the national 双随机 supervision (the
国家企业信用信息公示系统's 抽查检查结果, following 《企业信息公示暂行条例》 and
《企业公示信息抽查暂行办法》) records for a 抽查 result: 未发现问题、未按规定公示应当公示的
信息、公示信息隐瞒真实情况弄虚作假、通过登记的住所（经营场所）无法联系、不配合检查情节严重、
未发现开展本次抽查涉及的经营活动、发现问题已责令改正、发现问题待后续处理, and the issue's
发现问题已立案查处. Verification: only secondary — a district market regulator's 2017
report of its 双随机 results (cztn.gov.cn, 天宁区市场监管局郑陆分局) uses 正常经营、未按规定
公示信息、通过登记的住所(经营场所)无法联系、发现问题已责令改正; the orders' own texts were not
retrievable here. The labels are published as written below (法制宣传科 to confirm them
against the platform's code list before the first upload).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

from zhifa.core.clock import people_date
from zhifa.core.errors import DomainError
from zhifa.enforcement.masking import NameMode
from zhifa.publicity import rules as publicity_rules
from zhifa.publicity.snapshots import FORMAT, Bureau, Desensitiser


class InspectionResult(StrEnum):
    """检查结果: the value is the published label itself (one name everywhere)."""

    no_problem = "未发现问题"
    corrected = "发现问题已责令改正"
    case_opened = "发现问题已立案查处"
    follow_up = "发现问题待后续处理"
    not_disclosed = "未按规定公示应当公示的信息"
    false_disclosure = "公示信息隐瞒真实情况、弄虚作假"
    unreachable = "通过登记的住所（经营场所）无法联系"
    uncooperative = "不配合检查情节严重"
    no_activity = "未发现开展本次抽查涉及的经营活动"


RESULTS: Final = tuple(InspectionResult)
# A unit that cannot be reached was never visited: there is no 现场检查记录 to require.
WITHOUT_VISIT: Final = frozenset({InspectionResult.unreachable})

SITE_RECORD = "site_inspection_record"  # 现场检查记录 (recording/documents/kinds)

# The 双随机 platform's import columns, exactly (issue 15 point 5), by snapshot key.
EXPORT_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("item", "检查事项"),
    ("party_name", "检查对象"),
    ("uscc", "统一社会信用代码"),
    ("decided_on", "检查时间"),
    ("result", "检查结果"),
    ("authority", "检查机关"),
)

TASK_STATE_LABELS: Final = {
    "no_result": "待录入结果",
    "open": "待公示",
    "draft": "公示草稿",
    "reviewed": "已审核待发布",
    "published": "已公示",
    "exempted": "依法不予公开",
}


@dataclass(frozen=True)
class ResultFacts:
    """What a result is judged against."""

    result: InspectionResult
    checked_on: date
    today: date
    site_record_issued: bool  # the action has an issued 现场检查记录
    batch_starts_on: date
    published: bool  # the result's publication is out (or exempted): no more changes


def result_problem(facts: ResultFacts) -> DomainError | None:
    """Why this result cannot be recorded now, in words (None: it can)."""
    if facts.published:
        return DomainError("该检查结果已公示，不能再修改；如有错误请通过更正程序处理", "result")
    if facts.checked_on > facts.today:
        said, today = people_date(facts.checked_on), people_date(facts.today)
        return DomainError(f"检查日期（{said}）不能晚于今天（{today}）", "checked_on")
    if facts.checked_on < facts.batch_starts_on:
        start = people_date(facts.batch_starts_on)
        return DomainError(f"检查日期不能早于本批次检查期间的开始日（{start}）", "checked_on")
    if facts.result not in WITHOUT_VISIT and not facts.site_record_issued:
        return DomainError(
            f"录入“{facts.result.value}”前，须先在检查案件中签发现场检查记录"
            f"（只有“{InspectionResult.unreachable.value}”可不经现场检查录入）",
            "result",
        )
    return None


@dataclass(frozen=True)
class ResultSource:
    """What a result's public snapshot states."""

    plan: str
    batch: str
    item: str  # 检查事项 (the catalogue's 随机抽查事项)
    party: dict[str, Any]  # kind, name, uscc (as enforcement.parties keeps them)
    checked_on: date
    result: InspectionResult


def snapshot(source: ResultSource, bureau: Bureau, name_mode: NameMode) -> dict[str, Any]:
    """The result's public snapshot (``zhifa-publication/1``, kind ``inspection``): a
    个体工商户 registered as a person is shown by the masked name, as a decision is."""
    mask = Desensitiser(source.party, name_mode)
    uscc = str(source.party.get("uscc") or "")
    values = {
        "plan": mask.text(source.plan),
        "batch": mask.text(source.batch),
        "item": mask.text(source.item),
        "party_name": mask.name_shown(),
        "party_category": publicity_rules.party_category(str(source.party.get("kind")), uscc),
        "uscc": uscc,
        "decided_on": source.checked_on.isoformat(),
        "result": source.result.value,
        "authority": bureau.name,
        "authority_uscc": bureau.uscc,
    }
    items = [
        {"key": key, "label": label, "value": values[key]}
        for key, label in publicity_rules.INSPECTION_ITEMS
    ]
    return {
        "format": FORMAT,
        "kind": "inspection",
        "kind_label": publicity_rules.KIND_LABELS["inspection"],
        "items": items,
    }


def export_row(snap: dict[str, Any]) -> list[str]:
    """One row of the platform export from a published snapshot, in `EXPORT_COLUMNS`."""
    values = {str(i["key"]): str(i["value"]) for i in snap.get("items", [])}
    return [values.get(key, "") for key, _ in EXPORT_COLUMNS]


def export_header() -> list[str]:
    return [label for _, label in EXPORT_COLUMNS]
