"""Pure rules of 事后公示 (publication of decisions): which issued decisions oblige
publication, the 双公示 data items and their order, which publication period applies to
which kind and severity, and the deadline-board states. No database, no clock, no I/O:
today and the calendar are passed in.

Time limits to publish and the publication periods themselves (公示期限, the
`publicity.period_*` rows) live in `zhifa.core.time_limits` (the one table of limits);
this module only says which limit codes apply to a decision kind and severity.

Verification of the sources used here (also shown on the board's rule page):

- 《信用修复管理办法》（国家发展和改革委员会令第36号，2025年11月20日公布，2026年4月1日起施行）:
  the promulgation text and its 第一条至第四条 were read in reproductions of the order
  (toubiaole.com, law-lib.com); 第三条 defines 终止公示 as 信用中国 and the other credit
  information systems no longer showing the repaired information. The period rules —
  轻微失信信息原则上不予公示（确有必要公示的最长不超过3个月，法定责任履行完毕即可申请修复）,
  一般 最短3个月最长1年, 严重 最短1年最长3年, 自认定之日起计算, 最短公示期届满后方可申请
  信用修复, 最长公示期届满后自动停止公示 — were read only in news summaries of the NDRC
  release (财联社、证券之星 2025-11-26). The ARTICLE NUMBERS of these rules could not be
  verified: the table's rows cite the order with "条号未能核实".
- 信用中国 "双公示" data items: see the 双公示 section below (`TEMPLATES`) for what was
  read. The standard's own text (《行政许可和行政处罚等信用信息数据标准》) and the
  信用中国 upload templates themselves could not be retrieved here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from zhifa.core.calendar import Due, WorkingCalendar
from zhifa.core.clock import people_date
from zhifa.core.time_limits import TimeLimit, due, limit, publicity_limit
from zhifa.enforcement.identifiers import is_sole_trader_uscc

# ---- which decisions oblige publication ------------------------------------------------

# Issued document kind -> the action kind whose publication it triggers (公示办法 第七条).
# `license_decision` (准予行政许可决定书) is not yet a document kind of recording/documents;
# it is listed so that licences are picked up the day that kind is added.
DECISION_DOCUMENTS: Final[dict[str, str]] = {
    "penalty_decision": "penalty",
    "on_site_penalty_decision": "penalty",
    "seizure_decision": "compulsion",
    "license_decision": "license",
}

KIND_LABELS: Final[dict[str, str]] = {
    "penalty": "行政处罚",
    "compulsion": "行政强制",
    "license": "行政许可",
    "inspection": "双随机抽查结果",  # 公示办法 第七条第三款; inspection.tasks records them
}


def limit_codes(kind: str) -> tuple[str, ...]:
    """The time-limit codes compared for publishing a decision of `kind`: the applicable
    row first, then every row it prevails over (the stricter date wins, see
    `time_limits.stricter_due`)."""
    row: TimeLimit = publicity_limit(kind)
    return (row.code, *row.prevails_over)


# ---- deadline board ---------------------------------------------------------------------


class BoardState(StrEnum):
    OPEN = "未到期"
    DUE_SOON = "临期"
    OVERDUE = "已逾期"
    DONE = "已完成"


# 临期: at most this many working days left (today excluded)
DUE_SOON_WORKING_DAYS: Final = 2  # not a legal limit: the board's warning


def board_state(
    calendar: WorkingCalendar, due_on: date, today: date, *, done: bool
) -> tuple[BoardState, int]:
    """The obligation's state and the working days left (negative: working days late).

    A due day runs to its end (24:00 Beijing time), so on the due day itself the
    obligation is 临期 with 0 days left; from the next day on it is 已逾期.
    """
    if today <= due_on:
        left = calendar.working_days_between(today, due_on).count
    else:
        left = -calendar.working_days_between(due_on, today).count
    if done:
        return BoardState.DONE, left
    if today > due_on:
        return BoardState.OVERDUE, left
    if left <= DUE_SOON_WORKING_DAYS:
        return BoardState.DUE_SOON, left
    return BoardState.OPEN, left


# ---- publication periods (公示期限) ---------------------------------------------------------


class Severity(StrEnum):
    minor = "minor"  # 轻微
    general = "general"  # 一般
    serious = "serious"  # 严重
    not_credit = "not_credit"  # 非失信信息（行政强制、行政许可）


SEVERITY_LABELS: Final[dict[Severity, str]] = {
    Severity.minor: "轻微失信信息",
    Severity.general: "一般失信信息",
    Severity.serious: "严重失信信息",
    Severity.not_credit: "非失信信息",
}


@dataclass(frozen=True)
class PeriodRule:
    """How long a publication of one kind and severity stays public, and whether it goes to
    信用中国 (credit publicity).

    Two duties, kept apart:

    - Publication itself (the bureau's portal, the district portals, the other channels):
      every penalty on a 生产经营单位, whatever its severity (《安全生产法》第七十八条第二款,
      7 working days, no minor-case exception).
    - Credit publicity (信用中国, the 双公示 export): 《信用修复管理办法》 (令第36号).
      轻微失信信息 is not sent unless the reviewer records why it is 确有必要
      (`needs_necessity`); then at most 3 months.

    The period is the rule's, not a pick: `max_code` (rows of `zhifa.core.time_limits`)
    is when it ends by itself (公示截止期, counted from the decision day, 自认定之日起);
    `min_code` the shortest period, after which the party may apply for 信用修复. A
    recorded 信用修复 ends the credit publicity earlier. No `max_code`: no automatic end
    (长期公示), the rule's basis is `basis_without_period`.
    """

    code: str
    kind: str
    severity: Severity
    max_code: str | None
    min_code: str | None = None
    needs_necessity: bool = False
    credit: bool = False  # 失信信息: credit publicity with a 信用修复 window
    meaning: str = ""  # what the category means and what follows, in words
    basis_without_period: str = ""
    verification_without_period: str = ""

    @property
    def max_months(self) -> int | None:
        return limit(self.max_code).n if self.max_code else None

    @property
    def min_months(self) -> int | None:
        return limit(self.min_code).n if self.min_code else None

    @property
    def basis(self) -> str:
        codes = [c for c in (self.min_code, self.max_code) if c]
        return "；".join(dict.fromkeys(limit(c).basis for c in codes)) or self.basis_without_period

    @property
    def verification(self) -> str:
        if self.max_code is None:
            return self.verification_without_period
        return limit(self.max_code).verification.value

    def sent_to_credit(self, necessity: str) -> bool:
        """Whether the publication goes to 信用中国: always, except 轻微失信信息 without a
        recorded reason why its publicity is 确有必要 (令第36号)."""
        return not self.needs_necessity or bool(necessity.strip())


_PORTAL = "本局门户网站、区政府门户网站等渠道依《安全生产法》第七十八条第二款一律公示"

PERIOD_RULES: Final[tuple[PeriodRule, ...]] = (
    PeriodRule(
        "penalty.minor",
        "penalty",
        Severity.minor,
        max_code="publicity.period_minor_max",
        needs_necessity=True,
        credit=True,
        meaning=(
            "轻微：按失信严重程度认定为轻微失信的处罚信息。"
            f"{_PORTAL}，公示3个月；原则上不报送信用中国，审核人记录“确有必要”的理由后才报送，"
            "信用公示最长3个月，当事人履行完法定责任即可申请信用修复。"
        ),
    ),
    PeriodRule(
        "penalty.general",
        "penalty",
        Severity.general,
        max_code="publicity.period_general_max",
        min_code="publicity.period_general_min",
        credit=True,
        meaning=(
            "一般：认定为一般失信（既非轻微也非严重）的处罚信息。"
            f"{_PORTAL}并报送信用中国；满3个月后当事人可申请信用修复，满1年自动停止公示。"
        ),
    ),
    PeriodRule(
        "penalty.serious",
        "penalty",
        Severity.serious,
        max_code="publicity.period_serious_max",
        min_code="publicity.period_serious_min",
        credit=True,
        meaning=(
            f"严重：认定为严重失信的处罚信息。{_PORTAL}并报送信用中国；满1年后当事人可申请"
            "信用修复，满3年自动停止公示。"
        ),
    ),
    PeriodRule(
        "compulsion.default",
        "compulsion",
        Severity.not_credit,
        max_code="publicity.period_compulsion",
        meaning="行政强制决定信息不属失信信息，公示1年（本局口径），不报送信用中国。",
    ),
    PeriodRule(
        "license.default",
        "license",
        Severity.not_credit,
        max_code=None,
        meaning="行政许可信息不属失信信息，公示至许可有效期届满，并按双公示报送信用中国。",
        basis_without_period=(
            "行政许可信息不属失信信息，《信用修复管理办法》的公示期不适用；许可有效期至有日期的，"
            "公示至有效期届满，否则长期公示（本局口径，由法制宣传科确认）"
        ),
        verification_without_period="未能核实（无可核实的规定）",
    ),
    PeriodRule(
        "inspection.default",
        "inspection",
        Severity.not_credit,
        max_code=None,
        meaning="双随机抽查结果不属失信信息，在门户网站和微信公众号公示，不报送信用中国。",
        basis_without_period=(
            "《政府信息公开条例》第二十条第十三项（安全生产监督检查情况）未规定公开期限；"
            "抽查结果长期公示（本局口径，由法制宣传科确认）"
        ),
        verification_without_period="未能核实（无可核实的规定）",
    ),
)


@dataclass(frozen=True)
class CreditWindow:
    """The credit publicity of one penalty under 令第36号, computed from the decision day
    and the category: `earliest_repair` the first day the party may apply for 信用修复
    (the day after the shortest period; 轻微: the decision day — 履行完法定责任即可申请),
    `ends` the last day of credit publicity (it ends by itself after it)."""

    earliest_repair: date
    earliest_basis: str
    ends: Due


def public_until(calendar: WorkingCalendar, rule: PeriodRule, decided_on: date) -> Due | None:
    """The last day of publication (公示截止期) under `rule`, counted from the decision day:
    the rule's longest period. None when the rule has no automatic end."""
    if rule.max_code is None:
        return None
    return due(calendar, rule.max_code, decided_on)


def credit_window(
    calendar: WorkingCalendar, rule: PeriodRule, decided_on: date
) -> CreditWindow | None:
    """The 信用修复 window of a 失信信息 rule (None for the other kinds)."""
    if not rule.credit or rule.max_code is None:
        return None
    ends = due(calendar, rule.max_code, decided_on)
    if rule.min_code is None:
        basis = (
            f"{limit(rule.max_code).basis}：轻微失信信息没有最短公示期，当事人履行完法定责任"
            "即可申请信用修复"
        )
        return CreditWindow(decided_on, basis, ends)
    shortest = due(calendar, rule.min_code, decided_on)
    # not a legal limit: the next day after the shortest period the table computed
    after = calendar.add_calendar_days(shortest.date, 1, extend_if_rest_day=False)
    basis = f"{shortest.basis}；最短公示期届满后（{people_date(after.date)}起）方可申请信用修复"
    return CreditWindow(after.date, basis, ends)


def period_rule(kind: str, severity: Severity) -> PeriodRule:
    for rule in PERIOD_RULES:
        if rule.kind == kind and rule.severity is severity:
            return rule
    allowed = "、".join(SEVERITY_LABELS[r.severity] for r in PERIOD_RULES if r.kind == kind)
    raise ValueError(f"{KIND_LABELS.get(kind, kind)}信息的严重程度只能是：{allowed}")


def rule_by_code(code: str) -> PeriodRule:
    return next(r for r in PERIOD_RULES if r.code == code)


def rules_of(kind: str) -> list[PeriodRule]:
    return [r for r in PERIOD_RULES if r.kind == kind]


def severity_of(kind: str, text: str | None) -> Severity:
    """The severity a form or request names (its code). A penalty has no default: the
    reviewer must choose; a kind with one rule (行政强制、行政许可) has only that one.
    ValueError (Chinese, listing the choices in words) otherwise."""
    choices = rules_of(kind)
    allowed = "、".join(SEVERITY_LABELS[r.severity] for r in choices)
    if not text:
        if len(choices) == 1:
            return choices[0].severity
        raise ValueError(f"请选择失信信息的严重程度（{allowed}），本项没有默认值")
    try:
        return Severity(text)
    except ValueError:
        raise ValueError(f"严重程度取值无效，可选：{allowed}") from None


def necessity_problem(rule: PeriodRule, necessity: str) -> str | None:
    """Why a 确有必要 reason may not be recorded under `rule`, or None."""
    if necessity.strip() and not rule.needs_necessity:
        label = SEVERITY_LABELS[rule.severity]
        return f"只有轻微失信信息需要说明向信用中国公示“确有必要”的理由，{label}不填"
    return None


# ---- the 双公示 data items ------------------------------------------------------------------
#
# What was read (SECONDARY: the standard's text and the 信用中国 templates themselves were
# not found in any source searchable here; public projects that implement the templates
# were read instead, and they agree with each other on the columns and their order):
#
# - 行政处罚: the column comments of a credit-data sync table (`tr_t_gajhgx_xzcfxxzb_new`,
#   package com.troy.sync, TableStructureToInsertSQL.java): 行政相对人名称, 行政相对人类别,
#   行政相对人代码_1(统一社会信用代码), _2(工商注册号), _3(组织机构代码), _4(税务登记号),
#   _5(事业单位证书号), 法定代表人, 法定代表人证件类型, 法定代表人证件号码, 证件类型,
#   证件号码, 行政处罚决定书文号 … 备注; the 信用中国 export header of
#   wujiawei1207537021/wu-framework-parent (…/ws/domian/PersonPunish.java) and of
#   com.centit.jtt2xyb (ExportXzcf) with _6(社会组织登记证号) after _5 and the penalty items
#   from 行政处罚决定书文号 to 备注 in the order below (公示截止期 after 处罚有效期).
# - 行政许可: dragdream/cc (src/com/beidasoft/zfjd/permission/bean/PermissionList.java):
#   the same party columns _1…_6, 法定代表人, 证件类型, 证件号码, then 行政许可决定文书名称,
#   行政许可决定文书号, 许可类别, 许可证书名称, 许可编号, 许可内容, 许可决定日期, 有效期自,
#   有效期至, 许可机关, 许可机关统一社会信用代码, 当前状态 — no 公示截止期; a 信用中国
#   row of a city platform (huweidongls/FuseApp, …/bean/CreditList1Bean.java: XK_XDR_LB
#   "法人及非法人组织", XK_FR_ZJLX, XK_XDR_ZJLX in that order) and the 行政许可 export header of
#   com.centit.jtt2xyb (ExportBxzxk) ending 数据来源单位, 数据来源单位统一社会信用代码, 备注.
# - 行政相对人类别: PermissionList.java's code list 01 自然人, 02 法人, 03 非法人组织,
#   04 个体工商户; the 信用中国 rows read name 法人及非法人组织. A 个体工商户 is told by its
#   统一社会信用代码 (GB 32100: 登记管理部门码 9 工商, 机构类别码 2 个体工商户).
# Where the sources differ (older exports: 法定代表人身份证号 instead of 法定代表人证件类型
# + 法定代表人证件号码, 处罚金额 for 罚款金额) the newer form with 行政相对人类别 is followed.
# Not read anywhere: which identity columns the template wants filled for a 个体工商户;
# zhifa reports its 经营者's 身份证 in 证件类型/证件号码, as for a 自然人 (法制宣传科 to
# confirm against the template).

# The public items of each kind: (key, label) in the templates' order, without the
# columns that are reported only (`REPORTED_ONLY`). Keys are stable names for code and
# exports; a snapshot holds exactly these.
PENALTY_ITEMS: Final[tuple[tuple[str, str], ...]] = (
    ("party_name", "行政相对人名称"),
    ("party_category", "行政相对人类别"),
    ("uscc", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("doc_number", "行政处罚决定书文号"),
    ("violation_type", "违法行为类型"),
    ("facts", "违法事实"),
    ("basis", "处罚依据"),
    ("category", "处罚类别"),
    ("content", "处罚内容"),
    ("fine_wan", "罚款金额（万元）"),
    ("confiscation_wan", "没收违法所得、没收非法财物的金额（万元）"),
    ("license_revoked", "暂扣或吊销证照名称及编号"),
    ("decided_on", "处罚决定日期"),
    ("valid_until", "处罚有效期"),
    ("public_until", "公示截止期"),
    ("authority", "处罚机关"),
    ("authority_uscc", "处罚机关统一社会信用代码"),
    ("source", "数据来源单位"),
    ("source_uscc", "数据来源单位统一社会信用代码"),
    ("remark", "备注"),
)

# The 行政许可 template has no 公示截止期: a licence is public until its 有效期至.
LICENSE_ITEMS: Final[tuple[tuple[str, str], ...]] = (
    ("party_name", "行政相对人名称"),
    ("party_category", "行政相对人类别"),
    ("uscc", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("doc_title", "行政许可决定文书名称"),
    ("doc_number", "行政许可决定文书号"),
    ("category", "许可类别"),
    ("certificate_name", "许可证书名称"),
    ("license_number", "许可编号"),
    ("content", "许可内容"),
    ("decided_on", "许可决定日期"),
    ("valid_from", "有效期自"),
    ("valid_until", "有效期至"),
    ("authority", "许可机关"),
    ("authority_uscc", "许可机关统一社会信用代码"),
    ("status", "当前状态"),
    ("source", "数据来源单位"),
    ("source_uscc", "数据来源单位统一社会信用代码"),
    ("remark", "备注"),
)

# 行政强制 has no national 双公示 standard: the bureau's items, shaped like the penalty's
# (公示办法 第七条第二款: 执法单位、执法对象、执法类别、执法结论).
COMPULSION_ITEMS: Final[tuple[tuple[str, str], ...]] = (
    ("party_name", "行政相对人名称"),
    ("party_category", "行政相对人类别"),
    ("uscc", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("doc_number", "行政强制决定书文号"),
    ("measure", "行政强制措施种类"),
    ("facts", "实施行政强制的理由"),
    ("basis", "行政强制依据"),
    ("objects", "查封扣押的场所、设施或者财物"),
    ("period", "行政强制期限"),
    ("decided_on", "行政强制决定日期"),
    ("public_until", "公示截止期"),
    ("authority", "实施机关"),
    ("authority_uscc", "实施机关统一社会信用代码"),
    ("source", "数据来源单位"),
    ("source_uscc", "数据来源单位统一社会信用代码"),
    ("remark", "备注"),
)

# 双随机抽查结果 (公示办法 第七条第三款): the items the 双随机 platform's export carries
# (检查事项、检查对象、统一社会信用代码、检查时间、检查结果、检查机关), with the plan and
# batch they came from. `decided_on` is the day of the check (so the date checks apply).
INSPECTION_ITEMS: Final[tuple[tuple[str, str], ...]] = (
    ("plan", "抽查计划"),
    ("batch", "抽查批次"),
    ("item", "检查事项"),
    ("party_name", "检查对象"),
    ("party_category", "检查对象类别"),
    ("uscc", "统一社会信用代码"),
    ("decided_on", "检查时间"),
    ("result", "检查结果"),
    ("authority", "检查机关"),
    ("authority_uscc", "检查机关统一社会信用代码"),
)

ITEMS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "penalty": PENALTY_ITEMS,
    "license": LICENSE_ITEMS,
    "compulsion": COMPULSION_ITEMS,
    "inspection": INSPECTION_ITEMS,
}

# The templates' party columns, in their order: the public ones by their snapshot key.
# zhifa records one code, the 统一社会信用代码 (which replaced the other registration
# numbers, 三证合一); codes _2 to _6 are reported empty.
TEMPLATE_PARTY_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("party_name", "行政相对人名称"),
    ("party_category", "行政相对人类别"),
    ("uscc", "行政相对人代码_1（统一社会信用代码）"),
    ("registration_number", "行政相对人代码_2（工商注册号）"),
    ("organisation_code", "行政相对人代码_3（组织机构代码）"),
    ("tax_number", "行政相对人代码_4（税务登记号）"),
    ("institution_number", "行政相对人代码_5（事业单位证书号）"),
    ("social_organisation_number", "行政相对人代码_6（社会组织登记证号）"),
    ("legal_representative", "法定代表人"),
    ("legal_representative_id_type", "法定代表人证件类型"),
    ("legal_representative_id_number", "法定代表人证件号码"),
    ("id_type", "证件类型"),
    ("id_number", "证件号码"),
)
_PARTY_KEYS: Final = frozenset(key for key, _ in TEMPLATE_PARTY_COLUMNS)


def _template(items: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return TEMPLATE_PARTY_COLUMNS + tuple(i for i in items if i[0] not in _PARTY_KEYS)


# The 信用中国 upload templates: every column in the templates' order, as exported.
TEMPLATES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "penalty": _template(PENALTY_ITEMS),
    "license": _template(LICENSE_ITEMS),
}

# Template columns reported to 信用中国 and never public (no snapshot, portal, API or log
# holds them): key -> (label, why).
REPORTED_ONLY: Final[dict[str, tuple[str, str]]] = {
    "legal_representative_id_type": ("法定代表人证件类型", "仅报送信用中国，不向社会公开"),
    "legal_representative_id_number": (
        "法定代表人证件号码",
        "仅报送信用中国；身份证号不公开（个人信息保护法第二十八条：敏感个人信息）",
    ),
    "id_type": ("证件类型", "仅报送信用中国，不向社会公开"),
    "id_number": (
        "证件号码",
        "仅报送信用中国；身份证号不公开（个人信息保护法第二十八条：敏感个人信息）",
    ),
}

# Items of the templates that zhifa never publishes, by label, and why.
EXCLUDED_ITEMS: Final[dict[str, str]] = dict(REPORTED_ONLY.values())

# 行政相对人类别 as the templates name them, by what zhifa knows of the party.
PARTY_CATEGORIES: Final[dict[str, str]] = {
    "enterprise": "法人及非法人组织",
    "sole_trader": "个体工商户",
    "person": "自然人",
}
ID_CARD: Final = "身份证"  # 证件类型 of a 身份证号 (the only document a party form takes)


def party_category(kind: str, uscc: str | None) -> str:
    """行政相对人类别 of a party of `kind` (enterprise/person) with its code. A 个体工商户
    is its own category, told by its 92… code: a natural person who registered a business
    (民法典 第五十四条; the party form takes it as a person with that code), neither a
    自然人 with an empty code nor a 法人及非法人组织."""
    if is_sole_trader_uscc(uscc):
        return PARTY_CATEGORIES["sole_trader"]
    return PARTY_CATEGORIES.get(kind, "其他")


# 行政处罚法 第九条: the kinds of administrative penalty, with words that name them.
PENALTY_CATEGORY_WORDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("警告", ("警告",)),
    ("通报批评", ("通报批评",)),
    ("罚款", ("罚款",)),
    ("没收违法所得", ("没收违法所得",)),
    ("没收非法财物", ("没收非法财物",)),
    ("暂扣许可证件", ("暂扣",)),
    ("降低资质等级", ("降低资质等级",)),
    ("吊销许可证件", ("吊销",)),
    ("限制开展生产经营活动", ("限制开展生产经营活动",)),
    ("责令停产停业", ("责令停产停业", "停产停业")),
    ("责令关闭", ("责令关闭", "关闭")),
    ("限制从业", ("限制从业",)),
)


def penalty_categories(content: str, fine_yuan: str | None) -> str:
    """处罚类别 named in the decision's 处罚内容 (行政处罚法 第九条), joined by ；."""
    found = [name for name, words in PENALTY_CATEGORY_WORDS if any(w in content for w in words)]
    if fine_yuan and "罚款" not in found and _decimal(fine_yuan) not in (None, Decimal(0)):
        found.append("罚款")
    return "；".join(found) or "其他"


def _decimal(text: str | None) -> Decimal | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        return Decimal(str(text).strip())
    except InvalidOperation:
        return None


def yuan_to_wan(text: str | None) -> str:
    """元 -> 万元 as the standard asks, up to 6 decimals, no trailing zeros: 20000 -> 2."""
    value = _decimal(text)
    if value is None:
        return ""
    wan = (value / Decimal(10000)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    plain = format(wan.normalize(), "f")
    return plain


# ---- free text: personal data that must not leave ---------------------------------------

ID_NUMBER_RE: Final = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)")
MOBILE_RE: Final = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE_RE: Final = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
BANK_RE: Final = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
