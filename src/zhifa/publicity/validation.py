"""What a publication may state: the one set of checks every path that writes a public
item runs — the draft, its revision, a correction, an update, publishing — and that the
API's pydantic schemas run at the edge. Pure: no database, no clock (today is passed in).

The checks are those of the record the item describes:

- 统一社会信用代码 with its GB 32100 check character (`enforcement.identifiers`, the
  party form's own check); a 法人及非法人组织 and a 个体工商户 must have one, and the code
  says which of the two the party is (a 个体工商户's begins 92). A person's 身份证号 is
  never an item (`rules.EXCLUDED_ITEMS`: reported to 信用中国 only); free text is masked
  by the desensitiser.
- dates that are real days, the decision not after today, and in order:
  decision ≤ publication (today) ≤ end of the publication period (公示截止期);
  a licence's 有效期自 ≤ 有效期至.
- amounts in 万元: numbers, not negative, at most 6 decimals (one fen), not above what a
  decision document can hold; a fine and the 处罚类别 agree.
- categories from their closed lists: 行政相对人类别, 处罚类别 (行政处罚法 第九条),
  行政强制措施种类 (the seizure decision's choices), 许可类别.

Messages are Chinese and name the item by its label; `Problem.field` is the item's key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from zhifa.core.clock import people_date
from zhifa.enforcement.identifiers import InvalidIdentifier, validate_uscc
from zhifa.publicity import rules

LONG_TERM: Final = "长期"  # a 公示截止期 with no automatic end
# What a decision document can hold (recording/documents/forms: 9 999 999 999.99 元), in 万元.
MAX_WAN: Final = Decimal("999999.999999")
WAN_PLACES: Final = 6  # 0.000001 万元 = 1 分

_USCC_KEYS: Final = ("uscc", "authority_uscc", "source_uscc")
_DATE_KEYS: Final = ("decided_on", "valid_from", "valid_until")
_AMOUNT_KEYS: Final = ("fine_wan", "confiscation_wan")
_REQUIRED: Final = ("party_name", "party_category", "doc_number", "decided_on")

PENALTY_CATEGORIES: Final = (*(name for name, _ in rules.PENALTY_CATEGORY_WORDS), "其他")
COMPULSION_MEASURES: Final = ("查封", "扣押", "查封、扣押")
# 信用中国 行政许可 许可类别 (行政许可法 第十二条's kinds, as the standard names them)
LICENSE_CATEGORIES: Final = ("普通", "特许", "认可", "核准", "登记", "其他")
CATEGORY_LISTS: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("penalty", "category"): PENALTY_CATEGORIES,
    ("compulsion", "measure"): COMPULSION_MEASURES,
    ("license", "category"): LICENSE_CATEGORIES,
}
SEPARATOR: Final = "；"  # between several 处罚类别


@dataclass(frozen=True)
class Problem:
    field: str  # the item's key
    message: str  # Chinese, naming the item


def label_of(kind: str, key: str) -> str:
    return dict(rules.ITEMS.get(kind, ())).get(key, key)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _uscc_problem(value: str) -> str | None:
    try:
        validate_uscc(value)
    except InvalidIdentifier as exc:
        return exc.reason
    return None


def _amount_problem(value: str) -> str | None:
    amount = _amount(value)
    if amount is None:
        return "应为数字（单位：万元）"
    if amount < 0:
        return "不能为负数"
    if -amount.as_tuple().exponent > WAN_PLACES:  # type: ignore[operator]
        return f"最多保留{WAN_PLACES}位小数（即精确到分）"
    if amount > MAX_WAN:
        return "数额过大"
    return None


def _choice_problem(kind: str, key: str, value: str) -> str | None:
    allowed = CATEGORY_LISTS.get((kind, key))
    if allowed is None:
        return None
    parts = value.split(SEPARATOR) if key == "category" and kind == "penalty" else [value]
    if all(part in allowed for part in parts):
        return None
    return f"取值无效，可选：{'、'.join(allowed)}"


def _format_problem(kind: str, key: str, value: str) -> str | None:
    """The bare reason one item's value is malformed, or None."""
    if key in _USCC_KEYS:
        return _uscc_problem(value)
    if key in _DATE_KEYS:
        return None if _day(value) else "应为 YYYY-MM-DD 格式的真实日期"
    if key == "public_until":
        return None if value == LONG_TERM or _day(value) else "应为日期或“长期”"
    if key in _AMOUNT_KEYS:
        return _amount_problem(value)
    if key == "party_category":
        allowed = tuple(rules.PARTY_CATEGORIES.values())
        return None if value in allowed else f"取值无效，可选：{'、'.join(allowed)}"
    return _choice_problem(kind, key, value)


def item_problem(kind: str, key: str, value: str) -> str | None:
    """Why one item's value cannot be published (its format alone), naming the item; None
    when it can. An empty value is judged with the whole snapshot (`problems`)."""
    text = value.strip()
    if not text:
        return None
    reason = _format_problem(kind, key, text)
    return f"{label_of(kind, key)}{reason}" if reason else None


def _order(kind: str, values: Mapping[str, str], today: date) -> Iterator[Problem]:
    """decision ≤ publication (today) ≤ end of period; 有效期自 ≤ 有效期至."""
    decided = _day(values.get("decided_on", ""))
    if decided is None:
        return
    name, said = label_of(kind, "decided_on"), people_date(decided)
    if decided > today:
        yield Problem("decided_on", f"{name}（{said}）不能晚于今天（{people_date(today)}）")
    until = _day(values.get("public_until", ""))
    if until is not None and until < decided:
        shown = people_date(until)
        yield Problem("decided_on", f"{name}（{said}）不能晚于公示截止期（{shown}）")
    elif until is not None and until < today:
        yield Problem("public_until", f"公示截止期（{people_date(until)}）已过，不能再公示")
    start, end = _day(values.get("valid_from", "")), _day(values.get("valid_until", ""))
    if kind == "license" and start and end and end < start:
        yield Problem("valid_until", "有效期至不能早于有效期自")


def _consistency(kind: str, values: Mapping[str, str]) -> Iterator[Problem]:
    """What the items say of each other: an organisation has its code; a fine and the
    处罚类别 agree."""
    items = dict(rules.ITEMS[kind])
    for key in (k for k in (*_REQUIRED, "result") if k in items):  # a 双随机 result: no 文号
        if not values.get(key, "").strip():
            yield Problem(key, f"{label_of(kind, key)}不能为空")
    category, code = values.get("party_category", ""), values.get("uscc", "").strip()
    coded = (rules.PARTY_CATEGORIES["enterprise"], rules.PARTY_CATEGORIES["sole_trader"])
    right = rules.party_category("enterprise", code)
    if category in coded and not code:
        yield Problem("uscc", f"行政相对人为{category}的，须公示其统一社会信用代码")
    elif category in coded and right != category:
        yield Problem("party_category", f"统一社会信用代码为{code}的，行政相对人类别应为{right}")
    if kind != "penalty":
        return
    fined = "罚款" in values.get("category", "").split(SEPARATOR)
    amount = _amount(values.get("fine_wan", "").strip() or "0")
    if fined and not amount:
        yield Problem("fine_wan", "处罚类别含罚款的，须填写罚款金额（万元）")
    if amount and amount > 0 and not fined:
        yield Problem("category", "填写了罚款金额的，处罚类别须含罚款")


def problems(snapshot: Mapping[str, Any], today: date) -> list[Problem]:
    """Everything wrong with a snapshot about to be written or published, in item order."""
    kind = str(snapshot.get("kind", ""))
    if kind not in rules.ITEMS:
        return [Problem("kind", "公示类别无效")]
    values = {str(i["key"]): str(i["value"]) for i in snapshot.get("items", [])}
    found = []
    for key, _label in rules.ITEMS[kind]:
        message = item_problem(kind, key, values.get(key, ""))
        if message:
            found.append(Problem(key, message))
    if not found:  # order and agreement are judged on well-formed items only
        found = [*_consistency(kind, values), *_order(kind, values, today)]
    return found


def change_problem(occurred_on: date, decided_on: date) -> str | None:
    """Why a change of a decision (撤销、变更、确认违法 …) cannot take effect on
    `occurred_on`: not before the decision itself. (A day ahead is allowed: a judgment or
    a reconsideration decision may state when it takes effect.)"""
    if occurred_on < decided_on:
        said, decided = people_date(occurred_on), people_date(decided_on)
        return f"生效日期（{said}）不能早于原决定的日期（{decided}）"
    return None
