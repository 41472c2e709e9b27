"""The document kinds (文书种类) on the bureau's unified templates, as data: each kind's
code, Chinese title, default 文号 pattern (or none, for 笔录 and 回执), the fields the
officer fills (with types, required flags and what they are prefilled from), the
template that prints it, and cross-field checks.

Pure: no database, no clock, no I/O. Today and now are passed in by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from zhifa.core.time_limits import limit

# 行政强制法 第二十五条: a seizure lasts at most this many days (the table's row)
_SEIZURE_DAYS = limit("compulsion.seizure_period").n


class FieldType(StrEnum):
    text = "text"  # one line
    textarea = "textarea"  # several lines; one item per line where a list is meant
    date = "date"  # YYYY-MM-DD
    datetime = "datetime"  # YYYY-MM-DDTHH:MM, Beijing time
    money = "money"  # 元, two decimals, never negative
    integer = "integer"
    choice = "choice"
    boolean = "boolean"


@dataclass(frozen=True)
class FieldSpec:
    """One field the officer fills. ``prefill`` names where a new draft takes its first
    value from: a dotted path into the document context (``party.address``), ``today``
    or ``now``; ``default`` is a fixed first value."""

    name: str
    label: str
    type: FieldType = FieldType.text
    required: bool = True
    help: str = ""
    choices: tuple[str, ...] = ()
    prefill: str | None = None
    default: Any = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def limit(self) -> int:
        if self.max_length is not None:
            return self.max_length
        return 5000 if self.type is FieldType.textarea else 200


# A cross-field check: (field values) -> (field, message) when something is wrong.
Check = Callable[[Mapping[str, Any]], tuple[str, str] | None]


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str  # 文书名称
    group: str  # 检查 / 强制 / 处罚 / 通用
    pattern: str | None  # default 文号 pattern; None: the kind carries no 文号
    fields: tuple[FieldSpec, ...]
    template: str  # template file under templates/forms
    basis: str = ""  # 法律依据 of the document
    # Template variants by the party's kind (单位/个人), e.g. 行政处罚决定书.
    variants: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    service_limit: str | None = None  # time-limit code for serving it (core.time_limits)
    checks: tuple[Check, ...] = ()
    # Fields an issued document of this kind hands on to later drafts of the same action
    # (the context's ``issued.<code>.<field>``), e.g. the 检查记录's hazards to the 指令书.
    carries: tuple[str, ...] = ()

    @property
    def numbered(self) -> bool:
        return self.pattern is not None

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def variant_for(self, party_kind: str) -> tuple[str, str, str]:
        """(variant, title, template) for a party of this kind."""
        if party_kind in self.variants:
            label, template = self.variants[party_kind]
            return party_kind, f"{self.title}（{label}）", template
        return "", self.title, self.template


# ---- numbering patterns ------------------------------------------------------------------

PLACEHOLDERS = ("{year}", "{n}")
_BRACES = re.compile(r"\{[^}]*\}")


def pattern_problem(pattern: str) -> str | None:
    """Why a 文号 pattern is unusable, or None. It must carry {year} and {n} once each
    and no other placeholder."""
    text = pattern.strip()
    if not text:
        return "文号格式不能为空"
    if len(text) > 60:
        return "文号格式不能超过 60 个字符"
    unknown = [p for p in _BRACES.findall(text) if p not in PLACEHOLDERS]
    if unknown:
        return f"文号格式含有未知占位符：{'、'.join(unknown)}（只能使用 {{year}} 和 {{n}}）"
    for placeholder in PLACEHOLDERS:
        if text.count(placeholder) != 1:
            return f"文号格式须包含且只包含一次 {placeholder}"
    return None


def format_number(pattern: str, year: int, n: int) -> str:
    """``（普）应急罚〔{year}〕{n}号`` + 2026, 7 -> ``（普）应急罚〔2026〕7号``."""
    return pattern.replace("{year}", str(year)).replace("{n}", str(n))


# ---- Chinese writing of dates and amounts --------------------------------------------------


def cn_date(value: date | None) -> str:
    """2026-03-05 -> 2026年3月5日 (GB/T 9704 writes dates in Arabic numerals)."""
    if value is None:
        return "    年  月  日"
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime | None) -> str:
    if value is None:
        return "    年  月  日  时  分"
    return f"{cn_date(value.date())}{value.hour}时{value.minute:02d}分"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four(group: int) -> str:
    """0..9999 in capital numerals, with the zeros a cheque writer would write."""
    out = ""
    zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[position]
    return out


def money_in_words(amount: Decimal) -> str:
    """Decimal('10500.5') -> 人民币壹万零伍佰元伍角 (大写金额, as on a 决定书)."""
    if amount < 0:
        raise ValueError("金额不能为负数")
    cents = int((amount * 100).quantize(Decimal(1)))
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    groups: list[int] = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(words)
            continue
        if words and (need_zero or group < 1000):
            words += "零"
        words += _four(group) + _BIG_UNITS[index]
        need_zero = False
    text = "人民币"
    if words:
        text += words + "元"
    if jiao == 0 and fen == 0:
        return text + ("整" if words else "零元整")
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif words:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return text


# ---- cross-field checks ------------------------------------------------------------------


def _ends_after_starts(start: str, end: str, message: str) -> Check:
    def check(values: Mapping[str, Any]) -> tuple[str, str] | None:
        begin, finish = values.get(start), values.get(end)
        if begin is not None and finish is not None and finish < begin:
            return end, message
        return None

    return check


def _fine_needs_amount(values: Mapping[str, Any]) -> tuple[str, str] | None:
    content = str(values.get("penalty_content") or "")
    if "罚款" in content and values.get("fine_amount") is None:
        return "fine_amount", "处罚内容含罚款时须填写罚款金额"
    return None


def _amount_needs_fine(values: Mapping[str, Any]) -> tuple[str, str] | None:
    amount = values.get("fine_amount")
    content = str(values.get("penalty_content") or "")
    if amount is not None and amount > 0 and "罚款" not in content:
        return "penalty_content", "填写了罚款金额的，处罚内容须写明罚款"
    return None


_TIMES = _ends_after_starts("started_at", "ended_at", "结束时间不能早于开始时间")

# ---- the kinds ----------------------------------------------------------------------------

F = FieldType

_REVIEW_BODY = FieldSpec(
    "review_body",
    "行政复议机关",
    prefill="bureau.review_body",
    help="当事人不服时申请行政复议的机关",
)


# The hazards (事故隐患) found in the action's issued 现场检查记录: the first problems of a
# 现场处理措施决定书 or 责令限期整改指令书 drafted after it.
_INSPECTED_HAZARDS = "issued.site_inspection_record.problems"


# 《行政处罚法》第五十一条: 当场处罚 only up to these fines (and 警告).
ON_SITE_FINE_LIMITS = {"person": Decimal(200), "enterprise": Decimal(3000)}


def on_site_fine_problem(party_kind: str, amount: Decimal | None) -> str | None:
    """Why a 当场处罚 fine exceeds what the summary procedure allows, or None."""
    ceiling = ON_SITE_FINE_LIMITS.get(party_kind)
    if amount is None or ceiling is None or amount <= ceiling:
        return None
    who = "公民" if party_kind == "person" else "法人或者其他组织"
    return f"当场处罚对{who}的罚款不得超过 {ceiling} 元（《行政处罚法》第五十一条），应适用普通程序"


KINDS_LIST: tuple[DocumentKind, ...] = (
    DocumentKind(
        code="site_inspection_record",
        title="现场检查记录",
        group="检查",
        pattern="（普）应急检记〔{year}〕{n}号",
        template="site_inspection_record.html",
        basis="《中华人民共和国安全生产法》第六十五条",
        fields=(
            FieldSpec("place", "检查场所", prefill="party.address"),
            FieldSpec("started_at", "检查时间（起）", F.datetime, prefill="now"),
            FieldSpec("ended_at", "检查时间（止）", F.datetime),
            FieldSpec("attendee", "现场负责人或陪同人员", prefill="party.contact"),
            FieldSpec("attendee_position", "职务", required=False),
            FieldSpec(
                "checked", "检查情况", F.textarea, help="逐项记录检查的部位、设施、资料及发现"
            ),
            FieldSpec(
                "problems",
                "发现的问题（事故隐患）",
                F.textarea,
                required=False,
                help="每行一项；没有则不填",
            ),
        ),
        checks=(_TIMES,),
        carries=("problems",),
    ),
    DocumentKind(
        code="on_site_measure_decision",
        title="现场处理措施决定书",
        group="检查",
        pattern="（普）应急现决〔{year}〕{n}号",
        template="on_site_measure_decision.html",
        basis="《中华人民共和国安全生产法》第六十五条第一款第三项",
        fields=(
            FieldSpec("found_on", "检查日期", F.date, prefill="today"),
            FieldSpec(
                "problems",
                "发现的问题",
                F.textarea,
                prefill=_INSPECTED_HAZARDS,
                help="每行一项；起草时从本案已签发的现场检查记录带入，可修改",
            ),
            FieldSpec(
                "legal_basis",
                "处理依据",
                F.textarea,
                default="《中华人民共和国安全生产法》第六十五条第一款第三项",
            ),
            FieldSpec(
                "measures",
                "现场处理措施",
                F.textarea,
                help="如：责令立即排除；从危险区域内撤出作业人员；责令暂时停产停业或者停止使用相关设施、设备",
            ),
            FieldSpec(
                "lift_condition",
                "解除条件",
                F.textarea,
                required=False,
                default="重大事故隐患排除后，经审查同意，方可恢复生产经营和使用。",
            ),
            _REVIEW_BODY,
        ),
    ),
    DocumentKind(
        code="rectification_order",
        title="责令限期整改指令书",
        group="检查",
        pattern="（普）应急责改〔{year}〕{n}号",
        template="rectification_order.html",
        basis="《中华人民共和国安全生产法》第六十五条第一款第三项",
        fields=(
            FieldSpec("found_on", "检查日期", F.date, prefill="today"),
            FieldSpec(
                "problems",
                "存在的问题",
                F.textarea,
                prefill=_INSPECTED_HAZARDS,
                help="每行一项；起草时从本案已签发的现场检查记录带入，可修改",
            ),
            FieldSpec(
                "legal_basis",
                "整改依据",
                F.textarea,
                default="《中华人民共和国安全生产法》第六十五条第一款第三项",
            ),
            FieldSpec("deadline", "整改期限", F.date, help="在此日期前整改完毕"),
            FieldSpec(
                "requirements",
                "整改要求",
                F.textarea,
                required=False,
                default="整改期间，应当采取有效措施，防止事故发生；整改完毕后书面报告本局。",
            ),
            _REVIEW_BODY,
        ),
        checks=(_ends_after_starts("found_on", "deadline", "整改期限不能早于检查日期"),),
    ),
    DocumentKind(
        code="reinspection_opinion",
        title="整改复查意见书",
        group="检查",
        pattern="（普）应急复查〔{year}〕{n}号",
        template="reinspection_opinion.html",
        basis="《中华人民共和国安全生产法》第六十五条",
        fields=(
            FieldSpec(
                "order_number",
                "原指令书文号",
                prefill="issued.rectification_order.doc_number",
                help="被复查的《责令限期整改指令书》或《现场处理措施决定书》文号",
            ),
            FieldSpec(
                "order_date",
                "原指令书日期",
                F.date,
                prefill="issued.rectification_order.issue_date",
            ),
            FieldSpec("reinspected_on", "复查日期", F.date, prefill="today"),
            FieldSpec("findings", "复查情况", F.textarea),
            FieldSpec(
                "conclusion",
                "复查结论",
                F.choice,
                choices=(
                    "已按要求整改完毕",
                    "部分整改，限期继续整改",
                    "未按要求整改，依法处理",
                ),
            ),
            FieldSpec("opinion", "复查意见", F.textarea, required=False),
        ),
    ),
    DocumentKind(
        code="case_filing_approval",
        title="立案审批表",
        group="处罚",
        pattern="（普）应急立〔{year}〕{n}号",
        template="case_filing_approval.html",
        basis="《中华人民共和国行政处罚法》第五十四条",
        fields=(
            FieldSpec("case_cause", "案由", prefill="action.title"),
            FieldSpec(
                "source",
                "案件来源",
                F.choice,
                choices=(
                    "监督检查",
                    "投诉举报",
                    "上级交办",
                    "其他部门移送",
                    "事故调查",
                    "其他",
                ),
            ),
            FieldSpec("received_on", "受案日期", F.date, prefill="today"),
            FieldSpec("summary", "简要案情及立案理由", F.textarea),
            FieldSpec("proposal", "承办人意见", F.textarea, default="建议立案调查。"),
            FieldSpec("reviewer_opinion", "审核意见", F.textarea, required=False),
            FieldSpec("approver_opinion", "审批意见", F.textarea, required=False),
        ),
    ),
    DocumentKind(
        code="inquiry_record",
        title="询问笔录",
        group="处罚",
        pattern=None,
        template="inquiry_record.html",
        basis="《中华人民共和国行政处罚法》第五十五条",
        fields=(
            FieldSpec("started_at", "询问时间（起）", F.datetime, prefill="now"),
            FieldSpec("ended_at", "询问时间（止）", F.datetime),
            FieldSpec("place", "询问地点"),
            FieldSpec("interviewee", "被询问人姓名", prefill="party.contact"),
            FieldSpec("gender", "性别", F.choice, required=False, choices=("男", "女")),
            FieldSpec("age", "年龄", F.integer, required=False, minimum=14, maximum=120),
            FieldSpec("id_number", "身份证号", required=False, max_length=18),
            FieldSpec("employer", "工作单位", required=False, prefill="party.name"),
            FieldSpec("position", "职务", required=False),
            FieldSpec("phone", "联系电话", required=False, max_length=20),
            FieldSpec("address", "住址", required=False),
            FieldSpec("recorder", "记录人", prefill="officer_names.second"),
            FieldSpec("others_present", "其他在场人员", required=False),
            FieldSpec(
                "content",
                "询问内容",
                F.textarea,
                max_length=20000,
                help="问答逐条记录，每行以“问：”或“答：”开头",
            ),
        ),
        checks=(_TIMES,),
    ),
    DocumentKind(
        code="evidence_preservation_notice",
        title="先行登记保存证据通知书",
        group="强制",
        pattern="（普）应急先保〔{year}〕{n}号",
        template="evidence_preservation_notice.html",
        basis="《中华人民共和国行政处罚法》第五十六条",
        fields=(
            FieldSpec("case_cause", "案由", prefill="action.title"),
            FieldSpec(
                "reason",
                "先行登记保存的理由",
                F.textarea,
                default="证据可能灭失或者以后难以取得",
            ),
            FieldSpec(
                "items",
                "证据名称、规格、数量",
                F.textarea,
                help="每行一项，如：液化石油气钢瓶 15 kg 3 只",
            ),
            FieldSpec("storage_method", "保存方式", F.choice, choices=("就地保存", "异地保存")),
            FieldSpec("storage_place", "保存地点", prefill="party.address"),
            FieldSpec("period_from", "保存期间（起）", F.date, prefill="today"),
        ),
    ),
    DocumentKind(
        code="seizure_decision",
        title="查封扣押决定书",
        group="强制",
        pattern="（普）应急查扣〔{year}〕{n}号",
        template="seizure_decision.html",
        basis="《中华人民共和国行政强制法》第二十四条；《中华人民共和国安全生产法》第六十五条第一款第四项",
        fields=(
            FieldSpec("measure", "强制措施", F.choice, choices=("查封", "扣押", "查封、扣押")),
            FieldSpec("facts", "查封扣押的理由（违法事实）", F.textarea),
            FieldSpec(
                "legal_basis",
                "依据",
                F.textarea,
                default="《中华人民共和国安全生产法》第六十五条第一款第四项、《中华人民共和国行政强制法》第二十四条",
            ),
            FieldSpec(
                "items",
                "查封扣押的场所、设施或者财物",
                F.textarea,
                help="每行一项，写明名称、数量、规格",
            ),
            FieldSpec(
                "period_days",
                "期限（日）",
                F.integer,
                minimum=1,
                maximum=_SEIZURE_DAYS,
                default=_SEIZURE_DAYS,
            ),
            FieldSpec("start_on", "期限起算日", F.date, prefill="today"),
            FieldSpec("storage_place", "财物存放地点", required=False),
            _REVIEW_BODY,
        ),
    ),
    DocumentKind(
        code="penalty_notice",
        title="行政处罚告知书",
        group="处罚",
        pattern="（普）应急罚告〔{year}〕{n}号",
        template="penalty_notice.html",
        basis="《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条",
        fields=(
            FieldSpec("facts", "违法事实", F.textarea),
            FieldSpec("evidence", "证据", F.textarea, help="每行一项"),
            FieldSpec("violated", "违反的规定", F.textarea),
            FieldSpec("penalty_basis", "处罚依据", F.textarea, prefill="power_item.basis"),
            FieldSpec("penalty_content", "拟作出的行政处罚", F.textarea),
            FieldSpec("fine_amount", "拟罚款金额（元）", F.money, required=False),
            FieldSpec(
                "hearing_right",
                "告知听证权利",
                F.boolean,
                required=False,
                default=True,
                help="拟作出较大数额罚款、没收较大数额违法所得、责令停产停业、吊销许可证件等处罚的，应当告知",
            ),
            FieldSpec("contact_person", "联系人", required=False, prefill="officer_names.first"),
            FieldSpec("contact_phone", "联系电话", required=False, max_length=30),
        ),
        checks=(_fine_needs_amount, _amount_needs_fine),
    ),
    DocumentKind(
        code="hearing_notice",
        title="听证告知书",
        group="处罚",
        pattern="（普）应急听告〔{year}〕{n}号",
        template="hearing_notice.html",
        basis="《中华人民共和国行政处罚法》第六十三条、第六十四条",
        fields=(
            FieldSpec("facts", "违法事实", F.textarea),
            FieldSpec("violated", "违反的规定", F.textarea),
            FieldSpec("penalty_basis", "处罚依据", F.textarea, prefill="power_item.basis"),
            FieldSpec("penalty_content", "拟作出的行政处罚", F.textarea),
            FieldSpec("fine_amount", "拟罚款金额（元）", F.money, required=False),
            FieldSpec("contact_person", "联系人", required=False, prefill="officer_names.first"),
            FieldSpec("contact_phone", "联系电话", required=False, max_length=30),
        ),
        checks=(_fine_needs_amount, _amount_needs_fine),
    ),
    DocumentKind(
        code="statement_record",
        title="当事人陈述申辩笔录",
        group="处罚",
        pattern=None,
        template="statement_record.html",
        basis="《中华人民共和国行政处罚法》第四十五条",
        fields=(
            FieldSpec("started_at", "时间（起）", F.datetime, prefill="now"),
            FieldSpec("ended_at", "时间（止）", F.datetime),
            FieldSpec("place", "地点"),
            FieldSpec("speaker", "陈述申辩人", prefill="party.contact"),
            FieldSpec("speaker_position", "职务或与当事人关系", required=False),
            FieldSpec("recorder", "记录人", prefill="officer_names.second"),
            FieldSpec("content", "陈述申辩内容", F.textarea, max_length=20000),
        ),
        checks=(_TIMES,),
    ),
    DocumentKind(
        code="penalty_decision",
        title="行政处罚决定书",
        group="处罚",
        pattern="（普）应急罚〔{year}〕{n}号",
        template="penalty_decision.html",
        basis="《中华人民共和国行政处罚法》第五十九条",
        variants=MappingProxyType(
            {
                "enterprise": ("单位", "penalty_decision_enterprise.html"),
                "person": ("个人", "penalty_decision_person.html"),
            }
        ),
        service_limit="penalty.service_of_decision",
        fields=(
            FieldSpec("facts", "违法事实", F.textarea),
            FieldSpec("evidence", "证据", F.textarea, help="每行一项"),
            FieldSpec("violated", "违反的规定", F.textarea),
            FieldSpec("penalty_basis", "处罚依据", F.textarea, prefill="power_item.basis"),
            FieldSpec(
                "statement",
                "陈述申辩或听证情况及采纳情况",
                F.textarea,
                required=False,
                help="当事人未提出的，写明“当事人在法定期限内未提出陈述、申辩（听证）”",
            ),
            FieldSpec("penalty_content", "行政处罚内容", F.textarea),
            FieldSpec("fine_amount", "罚款金额（元）", F.money, required=False),
            FieldSpec(
                "payment",
                "缴纳方式",
                F.textarea,
                required=False,
                default="凭本决定书及《非税收入一般缴款书》到指定银行或者通过电子缴库方式缴纳",
            ),
            _REVIEW_BODY,
        ),
        checks=(_fine_needs_amount, _amount_needs_fine),
    ),
    DocumentKind(
        code="on_site_penalty_decision",
        title="行政（当场）处罚决定书",
        group="处罚",
        pattern="（普）应急当罚〔{year}〕{n}号",
        template="on_site_penalty_decision.html",
        basis="《中华人民共和国行政处罚法》第五十一条、第五十二条",
        fields=(
            FieldSpec("occurred_at", "违法行为时间", F.datetime, prefill="now"),
            FieldSpec("place", "违法行为地点", prefill="party.address"),
            FieldSpec("facts", "违法事实", F.textarea),
            FieldSpec("violated", "违反的规定", F.textarea),
            FieldSpec("penalty_basis", "处罚依据", F.textarea, prefill="power_item.basis"),
            FieldSpec("penalty_content", "处罚内容", F.choice, choices=("警告", "罚款")),
            FieldSpec("fine_amount", "罚款金额（元）", F.money, required=False),
            FieldSpec(
                "payment",
                "罚款缴纳方式",
                F.choice,
                required=False,
                choices=("到指定银行或者通过电子支付系统缴纳", "当场收缴"),
            ),
            FieldSpec("statement", "当事人陈述申辩情况", F.textarea, required=False),
            _REVIEW_BODY,
        ),
        checks=(_fine_needs_amount, _amount_needs_fine),
    ),
    DocumentKind(
        code="service_receipt",
        title="文书送达回执",
        group="通用",
        pattern=None,
        template="service_receipt.html",
        basis="《中华人民共和国行政处罚法》第六十一条；《中华人民共和国民事诉讼法》第八十七条",
        fields=(
            FieldSpec(
                "served_documents",
                "送达文书名称及文号",
                F.textarea,
                prefill="issued_summary",
                help="每行一件",
            ),
            FieldSpec("recipient", "受送达人", prefill="party.name"),
            FieldSpec("place", "送达地点", prefill="party.address"),
            FieldSpec(
                "method",
                "送达方式",
                F.choice,
                choices=("直接送达", "留置送达", "邮寄送达", "公告送达", "电子送达"),
            ),
            FieldSpec("served_at", "送达时间", F.datetime, required=False, prefill="now"),
            FieldSpec("signer", "签收人", required=False),
            FieldSpec(
                "note",
                "备注",
                F.textarea,
                required=False,
                help="留置送达的，写明拒收事由、日期和见证人",
            ),
        ),
    ),
    DocumentKind(
        code="license_decision",
        title="准予行政许可决定书",
        group="许可",
        pattern="（普）应急许〔{year}〕{n}号",
        template="license_decision.html",
        basis="《中华人民共和国行政许可法》第三十八条、第三十九条",
        # Certificates are issued or served within 10 working days of the decision.
        service_limit="license.certificate_issue",
        fields=(
            FieldSpec("applied_on", "申请日期", F.date),
            FieldSpec("license_item", "许可事项", prefill="power_item.name"),
            FieldSpec("license_name", "许可证件名称", default="危险化学品经营许可证"),
            FieldSpec("license_number", "许可证编号"),
            FieldSpec("scope", "许可范围", F.textarea, help="如：经营方式、品种"),
            FieldSpec("valid_from", "有效期自", F.date, prefill="today"),
            FieldSpec("valid_to", "有效期至", F.date),
            _REVIEW_BODY,
        ),
        checks=(_ends_after_starts("valid_from", "valid_to", "有效期至不能早于有效期自"),),
    ),
    DocumentKind(
        code="case_closing_approval",
        title="结案审批表",
        group="处罚",
        pattern="（普）应急结〔{year}〕{n}号",
        template="case_closing_approval.html",
        basis="《中华人民共和国行政处罚法》第五十七条",
        fields=(
            FieldSpec("case_cause", "案由", prefill="action.title"),
            FieldSpec(
                "decision_number",
                "处理决定文号",
                required=False,
                prefill="issued.penalty_decision.doc_number",
            ),
            FieldSpec("result", "处理结果", F.textarea),
            FieldSpec("execution", "执行情况", F.textarea, help="如：罚款已于某日全额缴纳"),
            FieldSpec("proposal", "承办人意见", F.textarea, default="建议结案。"),
            FieldSpec("reviewer_opinion", "审核意见", F.textarea, required=False),
            FieldSpec("approver_opinion", "审批意见", F.textarea, required=False),
        ),
    ),
)

KINDS: Mapping[str, DocumentKind] = MappingProxyType({k.code: k for k in KINDS_LIST})
GROUPS = ("检查", "强制", "处罚", "许可", "通用")


def document_kind(code: str) -> DocumentKind:
    try:
        return KINDS[code]
    except KeyError:
        raise KeyError(f"未知的文书种类：{code}") from None


# ---- prefill ------------------------------------------------------------------------------


def _lookup(context: Mapping[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list | tuple) and part.isdigit():
            index = int(part)
            value = value[index] if index < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


def prefill(kind: DocumentKind, context: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """First values of a new draft: defaults, then what the context knows. ``now`` is the
    local (Beijing) time of drafting. Values are in stored (JSON) form."""
    values: dict[str, Any] = {}
    for spec in kind.fields:
        value: Any = spec.default
        if spec.prefill == "today":
            value = now.date().isoformat()
        elif spec.prefill == "now":
            value = now.strftime("%Y-%m-%dT%H:%M")
        elif spec.prefill:
            found = _lookup(context, spec.prefill)
            if found not in (None, ""):
                value = found
        if value is not None:
            values[spec.name] = value
    return values
