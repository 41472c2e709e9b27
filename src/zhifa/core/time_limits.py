"""The ONE rule table of legal time limits (时限) in zhifa.

Every limit the bureau must meet (or must let a party use) is a `TimeLimit` row in
`LIMITS`, with its legal basis, how it is counted, and which rule prevails where a
higher law or a national rule sets its own limit (公示办法 第八条、第九条: "有规定的，从其规定").
`due()` turns a row and a start day into a `Due`, using only the working-day calendar
(`zhifa.core.calendar`, design invariant 3): no day arithmetic happens here.

Counting rules applied in the table (see docs/time-limits.md):
- 《行政处罚法》第八十五条: its "二日""三日""五日""七日" are 工作日 (not calendar days).
- 《行政强制法》第六十九条: its periods of 十日以内 are 工作日.
- 《行政许可法》第八十二条: the agency's licensing periods are 工作日.
- Other "日" periods are calendar days, ending per 《民法典》第二百零三条 on the next
  working day when the last day is a rest day — except where noted (a coercive measure's
  maximum duration and unverified limits are not extended: acting earlier is never late).
- Minimum durations ("不少于6个月") are never extended.

Pure module: no database, no clock, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from zhifa.core.calendar import (
    Due,
    DueInstant,
    RestDays,
    WorkingCalendar,
    add_hours,
    fixed_date_in_year,
    hours_before,
)
from zhifa.core.clock import people_date

__all__ = [
    "LIMITS",
    "SOURCES",
    "Area",
    "Direction",
    "Lean",
    "Reading",
    "Source",
    "TimeLimit",
    "Unit",
    "Verification",
    "due",
    "due_at",
    "earliest_event",
    "lean_note",
    "limit",
    "limits_by_area",
    "limits_table_markdown",
    "publicity_limit",
    "relied_on",
    "rest_days_for",
    "retention_end",
    "retention_start",
    "stricter_due",
    "withdrawal_due",
    "withdrawal_limit",
    "year_end",
]


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"  # from an instant (a datetime): due_at(), never due()
    MONTHS = "months"
    FIXED_DATE = "fixed_date"


class Direction(StrEnum):
    # AFTER: `start` is the triggering event; the due day is the LAST day of the period.
    AFTER = "after"
    # BEFORE: `start` is a later event (e.g. the hearing); the due day is the LATEST day
    # the act (e.g. the notice) may be done so that the period fits before the event.
    BEFORE = "before"


class Lean(StrEnum):
    """Which side a provisional year (no official holiday schedule yet) leans to: the
    safe side of whoever bears the risk (design invariant 3). A bureau duty is due on
    the earliest plausible day; a party's period (and a minimum the bureau must keep)
    ends on the latest plausible day."""

    EARLIEST = "本局义务：暂定年份取最早可能日"
    LATEST = "当事人期限：暂定年份取最晚可能日"


class Verification(StrEnum):
    VERIFIED = "原文已核实"
    SECONDARY = "仅经二手资料核实"
    UNVERIFIED = "未能核实原文"


_BADGES = {
    Verification.VERIFIED: ("已核实", "ok"),
    Verification.SECONDARY: ("二手核实", "warn"),
    Verification.UNVERIFIED: ("未核实", "bad"),
}


def verification_badge(status: str) -> tuple[str, str]:
    """A rule's verification status as a short badge (words, tone); the full status is
    the detail behind it. Anything not known to be checked reads 未核实."""
    known = {v.value: v for v in Verification}
    return _BADGES[known.get(status, Verification.UNVERIFIED)]


class Reading(StrEnum):
    """What was actually read of a cited document."""

    TEXT = "原文已读"
    SECONDARY = "仅读到二手资料"
    NONE = "原文未取得"


# the most a row may claim when the weakest document it relies on was read so far
_MOST_CLAIMED = {
    Reading.TEXT: Verification.VERIFIED,
    Reading.SECONDARY: Verification.SECONDARY,
    Reading.NONE: Verification.UNVERIFIED,
}
_STRENGTH = {Verification.VERIFIED: 2, Verification.SECONDARY: 1, Verification.UNVERIFIED: 0}


@dataclass(frozen=True)
class Source:
    """A document rows rely on: how a basis names it, what of it was read and where (for a
    text not obtained: what was searched)."""

    key: str
    title: str
    cited_as: tuple[str, ...]
    reading: Reading
    where: str


class Area(StrEnum):
    PENALTY = "行政处罚"
    COMPULSION = "行政强制"
    INSPECTION = "行政检查"
    LICENSE = "行政许可"
    PUBLICITY = "行政执法公示"
    RECORDING = "行政执法全过程记录"
    ARCHIVE = "档案管理"
    SUPERVISION = "行政执法监督"


@dataclass(frozen=True)
class TimeLimit:
    """One legal time limit.

    `n`/`unit`: the length (for FIXED_DATE: `fixed_month`/`fixed_day` in the year
    `start.year + year_offset`). `extend_if_rest_day`: 民法典 第二百零三条 applies
    (calendar days and months only). `prevails_over`: codes this rule displaces where
    both apply. `verification`/`sources`: how the citation was checked.
    """

    code: str
    area: Area
    title: str
    n: int
    unit: Unit
    basis: str
    counted_from: str
    extend_if_rest_day: bool
    note: str
    verification: Verification
    sources: str
    prevails_over: tuple[str, ...] = ()
    yields_to: tuple[str, ...] = ()
    direction: Direction = Direction.AFTER
    lean: Lean = Lean.EARLIEST
    fixed_month: int = 0
    fixed_day: int = 0
    year_offset: int = 0

    def describe(self) -> str:
        """The limit in words, e.g. "7个工作日", "30日（自然日）", "次年1月31日前"."""
        if self.unit is Unit.FIXED_DATE:
            year = "次年" if self.year_offset == 1 else "当年"
            return f"{year}{self.fixed_month}月{self.fixed_day}日前"
        words = {
            Unit.WORKING_DAYS: f"{self.n}个工作日",
            Unit.CALENDAR_DAYS: f"{self.n}日（自然日）",
            Unit.HOURS: f"{self.n}小时",
            Unit.MONTHS: f"{self.n}个月",
        }[self.unit]
        if self.direction is Direction.BEFORE:
            return f"提前至少{words}"
        return words

    def rest_day_rule(self) -> str:
        if self.unit is Unit.WORKING_DAYS:
            return "按工作日计算"
        if self.unit is Unit.FIXED_DATE:
            return "固定日期，不顺延"
        if self.unit is Unit.HOURS:
            return "按小时自时刻起算，不顺延"
        if self.extend_if_rest_day:
            return "期满日遇休息日顺延（民法典第二百零三条）"
        return "不顺延"


# ---- sources, named once -------------------------------------------------------------

_SEED = "本局印发文件原文（/work/shared/seeds/000_de6b35438d5346f2.txt）"
_SRC_CHUFA = (
    "《行政处罚法》2021年修订文本（源自国家法律法规数据库 flk.npc.gov.cn 的转录："
    "GitHub Theonefkguy/Chinese-Laws 行政法/行政处罚法(2021-01-22).md）"
)
_SRC_XUKE = (
    "《行政许可法》2019年修正文本（GitHub Theonefkguy/Chinese-Laws "
    "行政法/行政许可法(2019-04-23).md）"
)
_SRC_QIANGZHI = "《行政强制法》文本（GitHub LawRefBook/Laws 行政法/行政强制法(2011-06-30).md）"
_SRC_AQSC = (
    "《安全生产法》2021年修正文本（GitHub LawRefBook/Laws 社会法/安全生产法(2021-06-10).md）"
)
_SRC_XXGK = (
    "《政府信息公开条例》2019年修订文本（国务院令第711号；GitHub LawRefBook/Laws "
    "行政法规/政府信息公开条例(2019-04-03).md，第十九条至第二十六条）"
)
_SRC_YANHUA = (
    "《烟花爆竹安全管理条例》2016年修订文本（GitHub LawRefBook/Laws "
    "行政法规/烟花爆竹安全管理条例(2016-02-06).md，第十九条）"
)
_SRC_WEIHUA = (
    "《危险化学品安全管理条例》2013年修订文本（GitHub LawRefBook/Laws "
    "行政法规/危险化学品安全管理条例(2013-12-07).md，第三十五条）"
)
_SRC_XUKE_LRB = (
    "《行政许可法》2019年修正文本（GitHub LawRefBook/Laws 行政法/行政许可法(2019-04-23).md）"
)
_SRC_SUSONG = (
    "《行政诉讼法》2017年修正文本（GitHub LawRefBook/Laws "
    "诉讼与非诉讼程序法/行政诉讼法(2017-06-27).md）"
)
_SRC_FUYI = (
    "《行政复议法》2023年修订文本（GitHub LawRefBook/Laws "
    "诉讼与非诉讼程序法/行政复议法(2023-09-01).md）"
)
_SRC_GUOBAN = (
    "国办发〔2018〕118号原文未能取得（北京市政府网站的转载只取得开头部分）；其“行政许可、行政处罚"
    "的执法决定信息要在执法决定作出之日起7个工作日内公开”“执法决定作出之日起20个工作日内向社会"
    "公布”两项要求，据新京报2019年1月4日对国务院新闻办发布会的报道核实"
)
_SRC_GUOBAN51 = (
    "国办发〔2015〕51号原文未能取得；其第（十八）项“除法律法规另有规定外，应将行政许可、行政处罚"
    "等信息自作出行政决定之日起7个工作日内上网公开”据信用十堰网站（credit.shiyan.gov.cn）对"
    "“双公示”政策依据的摘录核实，信用黑龙江网站转载的发改电〔2015〕557号亦称其“第十八条、"
    "第十九条”要求7个工作日内上网公开"
)
_BUREAU_18 = (
    "应急管理部令第18号即新《安全生产违法行为行政处罚办法》（2025年11月24日部务会议通过，"
    "2025年11月27日公布，2026年2月1日起施行；据网易号转载的部令公布文和中华建设网2025年12月8日"
    "报道），其条文未能取得：2026年12月在 pages、docs、code、issues 各检索库以“安全生产违法行为"
    "行政处罚办法 2025 应急管理部令第18号 全文”“应急管理部令 第18号 立案 之日起 日内作出”"
    "“安全生产违法行为行政处罚办法 复查 整改期限届满之日起”等检索，以“应急管理部令第18号”"
    "“应急管理部第29次部务会议”“安全生产违法行为行政处罚办法》已经2025”检索源码库原文，并查阅"
    "GitHub LawRefBook/Laws 的部门规章目录（只收公安部、市场监管总局等，无应急管理部规章），"
    "均只见公布文和新闻，未见条文"
)

_GONGSHI = "《上海市普陀区应急管理行政执法公示办法》"
_SRC_XYXF = (
    "《信用修复管理办法》（国家发展改革委令第36号）：令的公布文及第一条至第四条据 toubiaole.com、"
    "law-lib.com（m.law-lib.com/law/law_view.asp?id=786242）转载的令文核实；公示期限、信用修复"
    "申请条件的规定据财联社、证券之星2025年11月26日对国家发展改革委发布的新闻摘要核实，"
    "条号未能核实（可检索的资料中未见这些条文的原文）；"
    f"{_SEED}（第七条第一款）"
)
_JILU = "《上海市普陀区应急管理行政执法全过程记录办法》"
_GUOBAN = (
    "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的"
    "指导意见》（国办发〔2018〕118号）"
)
_ART85 = "《中华人民共和国行政处罚法》第八十五条（“二日”“三日”“五日”“七日”指工作日）"
_XYXF = "《信用修复管理办法》（国家发展改革委令第36号，2026年4月1日起施行）"
_XYXF_BASIS = (
    f"{_XYXF}（条号未能核实）；{_GONGSHI}第七条第一款（公示期限按照国家和本市有关规定执行）"
)
_XYXF_FROM = "自认定之日起（以行政处罚决定作出之日为准）"
_XYXF_CHECKED = (
    "条号未能核实：只读到令文第一条至第四条（第三条：终止公示即信用中国等信用信息系统不再公开"
    "已修复的失信信息），公示期限的规定据国家发展改革委发布的新闻摘要核实（仅经二手资料核实）。"
)

_ANJIAN126 = "《安全生产监管档案管理规定》（安监总办〔2007〕126号）"
_SRC_ANJIAN126 = (
    "安监总办〔2007〕126号（国家安全监管总局2007年6月4日印发，“经商国家档案局同意”）只读到"
    "jycdxd.com 转载的部分原文：“12. 安全生产监管日常管理文件材料应于次年6月30日以前归档；事故"
    "调查处理文件材料应在事…”（其后截断，执法检查材料的归档时间未取得）；应急管理部组建（2018年）"
    "后是否仍然有效未能核实。国家档案局令第13号《机关档案管理规定》的归档时间条文未能取得"
)

_XINFANG = "《信访工作条例》"
_SH_XINFANG = "《上海市信访条例》"
_SRC_XINFANG = (
    "《信访工作条例》（中共中央、国务院2022年2月25日发布）文本（GitHub LawRefBook/Laws "
    "行政法规/信访工作条例(2022-02-25).md，第二十三条、第三十一条、第三十四条）"
)
_SRC_SH_XINFANG = (
    "《上海市信访条例》2018年修正文本（GitHub LawRefBook/Laws DLC/上海地方法规/地方性法规/上海/"
    "上海市信访条例(2018-05-24).md，第三十五条至第三十七条）"
)
_JIANDU_UNREAD = (
    "未能核实《行政执法监督条例》（国务院令第825号，2026年2月1日起施行）是否另有规定：只读到其"
    "第一条至第六条（pages 检索库中新华社受权发布稿的开头），投诉举报的条文未能取得；另有规定的，"
    "从其规定（《上海市信访条例》第三十七条）。"
)

_SOURCE_LIST = (
    Source(
        "chufa",
        "《中华人民共和国行政处罚法》",
        ("《中华人民共和国行政处罚法》", "《行政处罚法》"),
        Reading.TEXT,
        _SRC_CHUFA,
    ),
    Source(
        "xuke",
        "《中华人民共和国行政许可法》",
        ("《中华人民共和国行政许可法》", "《行政许可法》"),
        Reading.TEXT,
        _SRC_XUKE,
    ),
    Source(
        "qiangzhi",
        "《中华人民共和国行政强制法》",
        ("《中华人民共和国行政强制法》", "《行政强制法》"),
        Reading.TEXT,
        _SRC_QIANGZHI,
    ),
    Source(
        "aqsc",
        "《中华人民共和国安全生产法》",
        ("《中华人民共和国安全生产法》", "《安全生产法》"),
        Reading.TEXT,
        _SRC_AQSC,
    ),
    Source(
        "xxgk",
        "《中华人民共和国政府信息公开条例》",
        ("《中华人民共和国政府信息公开条例》", "《政府信息公开条例》"),
        Reading.TEXT,
        _SRC_XXGK,
    ),
    Source(
        "yanhua",
        "《烟花爆竹安全管理条例》",
        ("《烟花爆竹安全管理条例》",),
        Reading.TEXT,
        _SRC_YANHUA,
    ),
    Source(
        "weihua",
        "《危险化学品安全管理条例》",
        ("《危险化学品安全管理条例》",),
        Reading.TEXT,
        _SRC_WEIHUA,
    ),
    Source(
        "susong",
        "《中华人民共和国行政诉讼法》",
        ("《中华人民共和国行政诉讼法》", "《行政诉讼法》"),
        Reading.TEXT,
        _SRC_SUSONG,
    ),
    Source(
        "fuyi",
        "《中华人民共和国行政复议法》",
        ("《中华人民共和国行政复议法》", "《行政复议法》"),
        Reading.TEXT,
        _SRC_FUYI,
    ),
    Source("gongshi", _GONGSHI, (_GONGSHI,), Reading.TEXT, _SEED),
    Source("jilu", _JILU, (_JILU,), Reading.TEXT, _SEED),
    Source("guoban118", _GUOBAN, ("国办发〔2018〕118号",), Reading.SECONDARY, _SRC_GUOBAN),
    Source(
        "guoban51",
        "《国务院办公厅关于运用大数据加强对市场主体服务和监管的若干意见》（国办发〔2015〕51号）",
        ("国办发〔2015〕51号",),
        Reading.SECONDARY,
        _SRC_GUOBAN51,
    ),
    Source("xyxf", _XYXF, ("《信用修复管理办法》",), Reading.SECONDARY, _SRC_XYXF),
    Source(
        "anjian126",
        _ANJIAN126,
        (_ANJIAN126, "安监总办〔2007〕126号"),
        Reading.SECONDARY,
        _SRC_ANJIAN126,
    ),
    Source(
        "chufa_banfa",
        "《安全生产违法行为行政处罚办法》（应急管理部令第18号，2026年2月1日起施行）",
        ("《安全生产违法行为行政处罚办法》", "应急管理部令第18号"),
        Reading.NONE,
        _BUREAU_18,
    ),
    Source(
        "xinfang",
        "《信访工作条例》（2022年）",
        (_XINFANG,),
        Reading.TEXT,
        _SRC_XINFANG,
    ),
    Source(
        "sh_xinfang", _SH_XINFANG + "（2018年修正）", (_SH_XINFANG,), Reading.TEXT, _SRC_SH_XINFANG
    ),
)
SOURCES: Final[Mapping[str, Source]] = MappingProxyType({s.key: s for s in _SOURCE_LIST})


def _rows() -> tuple[TimeLimit, ...]:
    wd, cd = Unit.WORKING_DAYS, Unit.CALENDAR_DAYS
    ok, sec, unv = Verification.VERIFIED, Verification.SECONDARY, Verification.UNVERIFIED
    return (
        # ---- 行政处罚 ------------------------------------------------------------------
        TimeLimit(
            code="penalty.decision_after_filing",
            area=Area.PENALTY,
            title="普通程序作出行政处罚决定",
            n=90,
            unit=cd,
            basis="《中华人民共和国行政处罚法》第六十条",
            counted_from="自行政处罚案件立案之日起",
            extend_if_rest_day=True,
            yields_to=("chufa_banfa",),
            note=(
                "未能核实适用的期限：第六十条原文已读（九十日内作出；“法律、法规、规章另有规定的，"
                "从其规定”），但应急管理部门的案件适用部门规章《安全生产违法行为行政处罚办法》"
                "（应急管理部令第18号，2026年2月1日起施行），其条文未能取得（检索情况见来源）。"
                "原办法（原国家安全监管总局令第15号，第77号修正）曾规定自立案之日起30日内作出、"
                "经负责人同意可延长（仅见于二手资料，已被新办法取代）。在核实部令第18号之前，"
                "本表保留法律规定的九十日（不属第八十五条所列，为自然日，期满遇休息日顺延）；"
                "稳妥起见，宜在30日内作出决定或依规办理延长审批。法制宣传科须核对部令第18号后"
                "更新本行。"
            ),
            verification=unv,
            sources=f"{_SRC_CHUFA}（第六十条）；{_BUREAU_18}",
        ),
        TimeLimit(
            code="penalty.hearing_request",
            area=Area.PENALTY,
            title="当事人要求听证（当事人期限）",
            n=5,
            unit=wd,
            basis=f"《中华人民共和国行政处罚法》第六十四条第一项；{_ART85}",
            counted_from="自告知听证权利的告知书送达当事人之日起",
            extend_if_rest_day=False,
            note=(
                "当事人的期限：期满前不得以当事人未要求听证为由作出决定。“五日”依第八十五条"
                "为工作日。"
            ),
            lean=Lean.LATEST,
            verification=ok,
            sources=_SRC_CHUFA,
        ),
        TimeLimit(
            code="penalty.hearing_notice",
            area=Area.PENALTY,
            title="听证通知（须在举行听证的七日前送达）",
            n=7,
            unit=wd,
            basis=f"《中华人民共和国行政处罚法》第六十四条第二项；{_ART85}",
            counted_from="以举行听证之日为准",
            extend_if_rest_day=False,
            direction=Direction.BEFORE,
            note=(
                "方向相反：due() 的起算日为听证日，结果为通知最迟送达日。采用从严口径：通知日"
                "（不计入）之后、听证日之前须有完整的7个工作日，即听证日不得早于通知日后第7个"
                "工作日的次日。早于该日送达总是合法的。由通知日求最早听证日用 earliest_event()。"
            ),
            verification=ok,
            sources=_SRC_CHUFA,
        ),
        TimeLimit(
            code="penalty.service_of_decision",
            area=Area.PENALTY,
            title="当事人不在场时送达行政处罚决定书",
            n=7,
            unit=wd,
            basis=f"《中华人民共和国行政处罚法》第六十一条第一款；{_ART85}",
            counted_from="自宣告行政处罚决定之日起",
            extend_if_rest_day=False,
            note="当事人在场的，宣告后当场交付；不在场的，七个工作日内依民事诉讼法有关规定送达。",
            verification=ok,
            sources=_SRC_CHUFA,
        ),
        TimeLimit(
            code="penalty.evidence_preservation_decision",
            area=Area.PENALTY,
            title="先行登记保存证据后作出处理决定",
            n=7,
            unit=wd,
            basis=f"《中华人民共和国行政处罚法》第五十六条；{_ART85}",
            counted_from="自先行登记保存之日起",
            extend_if_rest_day=False,
            note="“七日”依第八十五条为工作日。",
            verification=ok,
            sources=_SRC_CHUFA,
        ),
        TimeLimit(
            code="penalty.fine_payment",
            area=Area.PENALTY,
            title="当事人缴纳罚款（当事人期限）",
            n=15,
            unit=cd,
            basis="《中华人民共和国行政处罚法》第六十七条第三款",
            counted_from="自当事人收到行政处罚决定书之日起",
            extend_if_rest_day=True,
            note=(
                "当事人的期限，到期不缴纳的方可依第七十二条加处罚款。“十五日”不属第八十五条"
                "所列，为自然日，期满遇休息日顺延。决定书载明其他履行期限的，以决定书为准"
                "（第六十六条）。"
            ),
            lean=Lean.LATEST,
            verification=ok,
            sources=_SRC_CHUFA,
        ),
        TimeLimit(
            code="penalty.litigation_period",
            area=Area.PENALTY,
            title="当事人提起行政诉讼（当事人期限）",
            n=6,
            unit=Unit.MONTHS,
            basis=(
                "《中华人民共和国行政诉讼法》第四十六条第一款；"
                "《中华人民共和国行政复议法》第二十条第一款"
            ),
            counted_from="自当事人收到行政处罚决定书之日起（知道作出行政行为之日）",
            extend_if_rest_day=True,
            note=(
                "当事人的期限：行政诉讼六个月，长于申请行政复议的六十日，两者均届满后方可"
                "依《行政强制法》第五十三条申请人民法院强制执行（compulsion.court_application"
                "自本期限届满之日起算）。当事人已申请复议或起诉的，不适用。"
            ),
            lean=Lean.LATEST,
            verification=ok,
            sources=f"{_SRC_SUSONG}；{_SRC_FUYI}",
        ),
        # ---- 行政强制 ------------------------------------------------------------------
        TimeLimit(
            code="compulsion.seizure_period",
            area=Area.COMPULSION,
            title="查封、扣押期限",
            n=30,
            unit=cd,
            basis="《中华人民共和国行政强制法》第二十五条第一款",
            counted_from="自查封、扣押之日起",
            extend_if_rest_day=False,
            note=(
                "“三十日”超过第六十九条的十日，为自然日。这是对当事人权利的强制措施的最长期限，"
                "本表从严不因休息日顺延（顺延将延长强制）；期满日为休息日的，应在其前作出处理"
                "决定。检测、检验、检疫或者技术鉴定期间不计入（第二十五条第三款），须另行扣除。"
                "《安全生产法》第六十五条第一款第四项未另设期限。"
            ),
            verification=ok,
            sources=f"{_SRC_QIANGZHI}；{_SRC_AQSC}",
        ),
        TimeLimit(
            code="compulsion.on_site_report",
            area=Area.COMPULSION,
            title="当场实施行政强制措施后向负责人报告并补办批准手续",
            n=24,
            unit=Unit.HOURS,
            basis="《中华人民共和国行政强制法》第十九条",
            counted_from="自当场实施行政强制措施之时起",
            extend_if_rest_day=False,
            note=(
                "情况紧急、需要当场实施的，执法人员应当在二十四小时内向行政机关负责人报告，"
                "并补办批准手续；负责人认为不应当采取的，应当立即解除。按小时自实施时刻起算，"
                "跨越午夜、节假日均不顺延。"
            ),
            verification=ok,
            sources=_SRC_QIANGZHI,
        ),
        TimeLimit(
            code="compulsion.power_cut_notice",
            area=Area.COMPULSION,
            title="停止供电前通知生产经营单位（提前二十四小时）",
            n=24,
            unit=Unit.HOURS,
            basis="《中华人民共和国安全生产法》第七十条第二款",
            counted_from="以停止供电之时为准",
            extend_if_rest_day=False,
            direction=Direction.BEFORE,
            note=(
                "方向相反：起算时刻为停止供电之时，结果为书面通知生产经营单位的最迟时刻。"
                "有危及生产安全的紧急情形的除外。停止供电须经本部门主要负责人批准（第七十条"
                "第一款）。"
            ),
            verification=ok,
            sources=_SRC_AQSC,
        ),
        TimeLimit(
            code="compulsion.seizure_extension",
            area=Area.COMPULSION,
            title="查封、扣押延长期限（经行政机关负责人批准）",
            n=30,
            unit=cd,
            basis="《中华人民共和国行政强制法》第二十五条第一款、第二款",
            counted_from="自原查封、扣押期限届满之日起",
            extend_if_rest_day=False,
            note=(
                "情况复杂的，经负责人批准可延长，延长不得超过三十日；延长决定应及时书面告知当事人"
                "并说明理由。起算日为 compulsion.seizure_period 的到期日。不顺延，理由同上。"
            ),
            verification=ok,
            sources=_SRC_QIANGZHI,
        ),
        TimeLimit(
            code="compulsion.handling_after_seizure",
            area=Area.COMPULSION,
            title="查封、扣押后作出处理决定",
            n=30,
            unit=cd,
            basis="《中华人民共和国行政强制法》第二十七条、第二十五条",
            counted_from="自查封、扣押之日起",
            extend_if_rest_day=False,
            note=(
                "第二十七条：应当在第二十五条规定的期限内作出处理决定（没收、销毁或者解除）。"
                "期限与查封、扣押期限相同；经批准延长的，在延长期限（compulsion.seizure_extension）"
                "内作出。期限届满即应解除（第二十八条第一款第四项）。"
            ),
            verification=ok,
            sources=_SRC_QIANGZHI,
        ),
        TimeLimit(
            code="compulsion.court_application",
            area=Area.COMPULSION,
            title="申请人民法院强制执行",
            n=3,
            unit=Unit.MONTHS,
            basis="《中华人民共和国行政强制法》第五十三条",
            counted_from="自当事人申请行政复议或者提起行政诉讼的法定期限届满之日起",
            extend_if_rest_day=True,
            note=(
                "没有行政强制执行权的行政机关适用。申请前须催告，催告书送达十日（工作日，"
                "第六十九条）后当事人仍未履行的方可申请（第五十四条）。"
            ),
            verification=ok,
            sources=_SRC_QIANGZHI,
        ),
        # ---- 行政检查 ------------------------------------------------------------------
        TimeLimit(
            code="inspection.reinspection",
            area=Area.INSPECTION,
            title="责令限期整改后的复查",
            n=10,
            unit=cd,
            basis=(
                "《中华人民共和国安全生产法》第六十五条第一款第二项（要求限期改正）；"
                "复查时限：《安全生产违法行为行政处罚办法》（应急管理部令第18号；条号未能核实）"
            ),
            counted_from="自整改期限届满之日起",
            extend_if_rest_day=False,
            note=(
                "未能核实原文：安全生产法第六十五条只规定责令限期改正，未规定复查时限；“自整改"
                "期限届满之日起10日内进行复查”出自原《安全生产违法行为行政处罚办法》，新办法"
                "（应急管理部令第18号）的条文未能取得（检索情况见来源），不知是否沿用。在核实前"
                "从严按10个自然日、不顺延计算。法制宣传科须核对部令第18号后更新本行。"
            ),
            verification=unv,
            sources=f"{_SRC_AQSC}（第六十五条）；{_BUREAU_18}",
        ),
        # ---- 行政许可 ------------------------------------------------------------------
        TimeLimit(
            code="license.supplement_notice",
            area=Area.LICENSE,
            title="一次告知申请人需要补正的全部内容",
            n=5,
            unit=wd,
            basis="《中华人民共和国行政许可法》第三十二条第一款第四项、第八十二条",
            counted_from="自收到申请材料之日起",
            extend_if_rest_day=False,
            note=(
                "申请材料不齐全或者不符合法定形式的，应当当场或者在五日内一次告知申请人需要"
                "补正的全部内容；逾期不告知的，自收到申请材料之日起即为受理。以工作日计算"
                "（第八十二条）。"
            ),
            verification=ok,
            sources=f"{_SRC_XUKE}；{_SRC_XUKE_LRB}",
        ),
        TimeLimit(
            code="license.decision",
            area=Area.LICENSE,
            title="作出行政许可决定",
            n=20,
            unit=wd,
            basis="《中华人民共和国行政许可法》第四十二条第一款、第八十二条",
            counted_from="自受理行政许可申请之日起",
            extend_if_rest_day=False,
            yields_to=("yanhua", "weihua"),
            note=(
                "第八十二条：行政机关实施行政许可的期限以工作日计算，不含法定节假日。"
                "“法律、法规另有规定的，依照其规定”：具体许可事项的法律、法规另设期限的，以其"
                "为准，本行不适用。本局的许可中：《烟花爆竹安全管理条例》第十九条第二款，烟花爆竹"
                "经营（零售）许可自受理申请之日起20日内审查、核发；《危险化学品安全管理条例》"
                "第三十五条第一款，危险化学品经营许可自收到证明材料之日起30日内作出决定。条例的"
                "“日”不属第八十二条所指，为自然日。本表尚未为这两项许可单列时限，办理时按条例。"
                "听证、检验、鉴定、专家评审等时间不计入（第四十五条）。"
            ),
            verification=ok,
            sources=f"{_SRC_XUKE}；{_SRC_YANHUA}；{_SRC_WEIHUA}",
        ),
        TimeLimit(
            code="license.decision_extension",
            area=Area.LICENSE,
            title="行政许可决定延长期限（经本行政机关负责人批准）",
            n=10,
            unit=wd,
            basis="《中华人民共和国行政许可法》第四十二条第一款、第八十二条",
            counted_from="自原二十个工作日期限届满之日起",
            extend_if_rest_day=False,
            note="起算日为 license.decision 的到期日；应将延长期限的理由告知申请人。",
            verification=ok,
            sources=_SRC_XUKE,
        ),
        TimeLimit(
            code="license.certificate_issue",
            area=Area.LICENSE,
            title="颁发、送达行政许可证件",
            n=10,
            unit=wd,
            basis="《中华人民共和国行政许可法》第四十四条、第八十二条",
            counted_from="自作出准予行政许可决定之日起",
            extend_if_rest_day=False,
            note="以工作日计算（第八十二条）。",
            verification=ok,
            sources=_SRC_XUKE,
        ),
        TimeLimit(
            code="license.hearing_organise",
            area=Area.LICENSE,
            title="组织行政许可听证",
            n=20,
            unit=wd,
            basis="《中华人民共和国行政许可法》第四十七条第一款、第八十二条",
            counted_from="自收到申请人、利害关系人的听证申请之日起",
            extend_if_rest_day=False,
            note=(
                "申请人、利害关系人在被告知听证权利之日起五日内提出申请的适用。听证时间不计入"
                "许可决定期限（第四十五条）。以工作日计算（第八十二条）。"
            ),
            verification=ok,
            sources=_SRC_XUKE,
        ),
        TimeLimit(
            code="license.hearing_notice",
            area=Area.LICENSE,
            title="行政许可听证通知（须在举行听证的七日前送达）",
            n=7,
            unit=wd,
            basis="《中华人民共和国行政许可法》第四十八条第一款第一项、第八十二条",
            counted_from="以举行听证之日为准",
            extend_if_rest_day=False,
            direction=Direction.BEFORE,
            note=(
                "方向与 penalty.hearing_notice 相同：due() 的起算日为听证日，结果为通知申请人、"
                "利害关系人的最迟日（从严口径）；必要时予以公告。以工作日计算（第八十二条）。"
            ),
            verification=ok,
            sources=_SRC_XUKE,
        ),
        # ---- 行政执法公示 ---------------------------------------------------------------
        TimeLimit(
            code="publicity.penalty",
            area=Area.PUBLICITY,
            title="公示行政处罚决定信息",
            n=7,
            unit=wd,
            basis=f"《中华人民共和国安全生产法》第七十八条第二款；{_GONGSHI}第七条第一款",
            counted_from="自行政处罚决定作出之日起",
            extend_if_rest_day=False,
            note=(
                "两者均为7个工作日：法律（安全生产法：对生产经营单位作出处罚决定后七个工作日内在"
                "监督管理部门公示系统予以公开）与本局办法一致。依法不予公开的除外。国办发〔2018〕"
                "118号亦要求7个工作日内公开（仅经二手资料核实，不作本行依据）；《政府信息公开条例》"
                "第二十条第六项、第二十六条（具有一定社会影响的行政处罚决定主动公开，20个工作日）"
                "与《行政处罚法》第四十八条第一款（未另设时限）均不比本行严格。"
            ),
            verification=ok,
            sources=f"{_SRC_AQSC}（第七十八条）；{_SEED}；{_SRC_XXGK}；旁证：{_SRC_GUOBAN}",
        ),
        TimeLimit(
            code="publicity.compulsion",
            area=Area.PUBLICITY,
            title="公示行政强制决定信息",
            n=20,
            unit=wd,
            basis=f"{_GONGSHI}第七条第二款",
            counted_from="自执法决定作出之日起",
            extend_if_rest_day=False,
            note=(
                "本局办法原文为20个工作日。国办发〔2018〕118号对执法决定的一般要求同为20个工作日"
                "（仅经二手资料核实，不作本行依据）；《政府信息公开条例》第二十条未将行政强制决定"
                "列为主动公开的信息（第六项只及行政强制的依据、条件、程序）。未见更严格的上位规定。"
            ),
            verification=ok,
            sources=f"{_SEED}；{_SRC_XXGK}；旁证：{_SRC_GUOBAN}",
        ),
        TimeLimit(
            code="publicity.license",
            area=Area.PUBLICITY,
            title="公示行政许可决定信息",
            n=7,
            unit=wd,
            basis=(
                f"{_GUOBAN}（行政许可执法决定信息7个工作日内公开）；《国务院办公厅关于运用大数据"
                "加强对市场主体服务和监管的若干意见》（国办发〔2015〕51号）第（十八）项（行政许可、"
                f"行政处罚等信息自作出行政决定之日起7个工作日内上网公开）；{_GONGSHI}第四条"
                "（按国家和本市规定公示）"
            ),
            counted_from="自执法决定作出之日起",
            extend_if_rest_day=False,
            prevails_over=("publicity.license_local",),
            note=(
                "国家文件更严格，优先适用：本局办法第七条第二款为20个工作日（见 "
                "publicity.license_local），而国办发〔2018〕118号、国办发〔2015〕51号均要求行政许可"
                "决定信息7个工作日内公开；本局办法第四条规定按国家和本市规定公示。按7个工作日"
                "公示同时满足两者，也满足《政府信息公开条例》第二十条第五项、第二十六条（办理结果"
                "主动公开，20个工作日）。两份国办文件原文均未能取得，仅经二手资料核实。"
            ),
            verification=sec,
            sources=f"{_SRC_GUOBAN}；{_SRC_GUOBAN51}；{_SEED}；{_SRC_XXGK}",
        ),
        TimeLimit(
            code="publicity.license_local",
            area=Area.PUBLICITY,
            title="公示行政许可决定信息（本局办法原文，已被更严格的国家规定取代）",
            n=20,
            unit=wd,
            basis=f"{_GONGSHI}第七条第二款",
            counted_from="自执法决定作出之日起",
            extend_if_rest_day=False,
            note="仅供追溯：实际适用 publicity.license（7个工作日）。",
            verification=ok,
            sources=_SEED,
        ),
        TimeLimit(
            code="publicity.other_decision",
            area=Area.PUBLICITY,
            title="公示其他行政执法决定信息（行政征收征用等）",
            n=20,
            unit=wd,
            basis=f"{_GUOBAN}；{_GONGSHI}第四条（按国家和本市规定公示）",
            counted_from="自执法决定作出之日起",
            extend_if_rest_day=False,
            note=(
                "本局办法第七条只列处罚、强制、许可；其他执法决定按国办发〔2018〕118号的一般要求"
                "（20个工作日，仅经二手资料核实）。检查结果（含“双随机”抽查结果）另有法定时限，"
                "见 publicity.random_inspection。"
            ),
            verification=sec,
            sources=f"{_SRC_GUOBAN}；{_SEED}",
        ),
        TimeLimit(
            code="publicity.random_inspection",
            area=Area.PUBLICITY,
            title="公开安全生产监督检查情况（“双随机”抽查结果等）",
            n=20,
            unit=wd,
            basis=(
                "《中华人民共和国政府信息公开条例》第二十条第十三项、第二十六条；"
                f"{_GONGSHI}第七条第三款（“双随机”抽查结果同步在本局微信公众号公示）"
            ),
            counted_from="自抽查结果（检查情况信息）形成或者变更之日起",
            extend_if_rest_day=False,
            note=(
                "第二十条第十三项：安全生产的监督检查情况是行政机关应当主动公开的政府信息；"
                "第二十六条：主动公开的政府信息自形成或者变更之日起20个工作日内及时公开，法律、"
                "法规另有规定的从其规定（未见另有规定）。本局办法第七条第三款要求“双随机”抽查"
                "结果在“双随机、一公开”监管平台和本局微信公众号同步公示，未另设时限，按本行"
                "20个工作日。结果变更的，自变更之日起重新计算。检查后作出的行政处罚、行政强制"
                "决定另按 publicity.penalty、publicity.compulsion 公示。"
            ),
            verification=ok,
            sources=f"{_SRC_XXGK}；{_SEED}",
        ),
        TimeLimit(
            code="publicity.update_law_change",
            area=Area.PUBLICITY,
            title="因法律、法规、规章等变化更新事前公示信息",
            n=20,
            unit=wd,
            basis=f"{_GONGSHI}第八条第一项",
            counted_from="自相关文件颁布、修改、废止、失效之日起",
            extend_if_rest_day=False,
            note=(
                "第八条：法律、法规、规章和国家文件另有规定的，从其规定；未见更严格的规定。"
                "《政府信息公开条例》第二十六条对主动公开信息的变更同为20个工作日。"
            ),
            verification=ok,
            sources=f"{_SEED}；{_SRC_XXGK}",
        ),
        TimeLimit(
            code="publicity.update_organisation",
            area=Area.PUBLICITY,
            title="因机构设置变化更新事前公示信息",
            n=20,
            unit=wd,
            basis=f"{_GONGSHI}第八条第二项",
            counted_from="自机构设置变化三定方案等经批准之日起",
            extend_if_rest_day=False,
            note=(
                "第八条：法律、法规、规章和国家文件另有规定的，从其规定；未见更严格的规定。"
                "《政府信息公开条例》第二十条第二项（机构设置）、第二十六条对其变更同为20个"
                "工作日。"
            ),
            verification=ok,
            sources=f"{_SEED}；{_SRC_XXGK}",
        ),
        TimeLimit(
            code="publicity.update_certificate",
            area=Area.PUBLICITY,
            title="因执法证件信息变化更新事前公示信息",
            n=20,
            unit=wd,
            basis=f"{_GONGSHI}第八条第三项",
            counted_from="自行政执法人员执法证件信息发生变化之日起",
            extend_if_rest_day=False,
            note="第八条：法律、法规、规章和国家文件另有规定的，从其规定；未见另有规定。",
            verification=ok,
            sources=_SEED,
        ),
        TimeLimit(
            code="publicity.update_decision_changed",
            area=Area.PUBLICITY,
            title="行政执法决定被依法变更后更新公示信息",
            n=20,
            unit=wd,
            basis=f"{_GONGSHI}第八条第四项",
            counted_from="自变更之日起",
            extend_if_rest_day=False,
            note=(
                "行政处罚决定例外：公开的行政处罚决定被依法变更的，《行政处罚法》第四十八条"
                "第二款要求三个工作日内撤回原信息并公开说明理由（publicity.withdrawal_penalty，"
                "优先适用）。"
            ),
            verification=ok,
            sources=_SEED,
        ),
        TimeLimit(
            code="publicity.correction_request",
            area=Area.PUBLICITY,
            title="核实并处理书面更正要求",
            n=5,
            unit=wd,
            basis=f"{_GONGSHI}第九条第二项",
            counted_from="自收到公民、法人或者其他组织书面更正要求之日起",
            extend_if_rest_day=False,
            note="第九条：法律、法规、规章和国家文件另有规定的，从其规定；未见另有规定。",
            verification=ok,
            sources=_SEED,
        ),
        TimeLimit(
            code="publicity.withdrawal",
            area=Area.PUBLICITY,
            title="撤下被撤销等的行政执法决定信息",
            n=7,
            unit=wd,
            basis=f"{_GONGSHI}第九条第三项",
            counted_from="自行政执法决定被依法撤销、确认违法或者要求重新作出之日起",
            extend_if_rest_day=False,
            note=(
                "适用于行政处罚以外的执法决定。行政处罚决定适用更严格的《行政处罚法》第四十八条"
                "第二款（publicity.withdrawal_penalty，三个工作日）；用 withdrawal_limit() 选取。"
            ),
            verification=ok,
            sources=_SEED,
        ),
        TimeLimit(
            code="publicity.withdrawal_penalty",
            area=Area.PUBLICITY,
            title="撤回被变更、撤销等的行政处罚决定信息并公开说明理由",
            n=3,
            unit=wd,
            basis=f"《中华人民共和国行政处罚法》第四十八条第二款；{_ART85}",
            counted_from="自公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效之日起",
            extend_if_rest_day=False,
            prevails_over=("publicity.withdrawal", "publicity.update_decision_changed"),
            note=(
                "法律优先于本局办法（第九条：有规定的，从其规定）。“三日”依第八十五条为工作日，"
                "不是自然日。除撤回外，还须公开说明理由。"
            ),
            verification=ok,
            sources=_SRC_CHUFA,
        ),
        TimeLimit(
            code="publicity.yearly_figures",
            area=Area.PUBLICITY,
            title="公开上年度行政执法总体情况数据",
            n=0,
            unit=Unit.FIXED_DATE,
            basis=f"{_GONGSHI}第七条第四款",
            counted_from="对上年度数据，",
            extend_if_rest_day=False,
            fixed_month=1,
            fixed_day=31,
            year_offset=1,
            note=(
                "“于每年1月31日前”按截至1月31日24时计算；固定日期，遇休息日不顺延。"
                "due() 的起算日为所报告年度内任一日。"
            ),
            verification=ok,
            sources=_SEED,
        ),
        # ---- 公示期限: how long a published decision stays public (公示截止期) ----------
        TimeLimit(
            code="publicity.period_minor_max",
            area=Area.PUBLICITY,
            title="轻微失信信息确有必要公示时的最长公示期",
            n=3,
            unit=Unit.MONTHS,
            basis=_XYXF_BASIS,
            counted_from=_XYXF_FROM,
            extend_if_rest_day=False,
            note=(
                "信用公示：轻微失信信息原则上不予公示（不报送信用中国）；审核人记录确有必要的理由"
                "后报送，公示期最长不超过3个月，法定责任履行完毕即可申请信用修复（没有最短公示期，"
                "自决定之日起可记录修复）。门户网站等渠道的公示不受此限：生产经营单位的处罚信息"
                "一律公示（《安全生产法》第七十八条第二款，publicity.penalty），本局取本行为其公示"
                "截止期（公示办法第七条第一款：公示期限按国家规定执行）。届满日不顺延。"
                + _XYXF_CHECKED
            ),
            verification=sec,
            sources=_SRC_XYXF,
        ),
        TimeLimit(
            code="publicity.period_general_min",
            area=Area.PUBLICITY,
            title="一般失信信息的最短公示期（届满次日起可申请信用修复）",
            n=3,
            unit=Unit.MONTHS,
            basis=_XYXF_BASIS,
            counted_from=_XYXF_FROM,
            extend_if_rest_day=False,
            note=(
                "最短公示期届满后，信用主体方可申请信用修复：到期日为最短期的最后一日，次日起可"
                "记录信用修复决定（此前记录的予以拒绝）。公示期不由审核人选定：信用公示至最长"
                "公示期（publicity.period_general_max）届满，其间办理信用修复的提前终止。最短期限，"
                "不顺延。" + _XYXF_CHECKED
            ),
            lean=Lean.LATEST,
            verification=sec,
            sources=_SRC_XYXF,
        ),
        TimeLimit(
            code="publicity.period_general_max",
            area=Area.PUBLICITY,
            title="一般失信信息的最长公示期（届满自动停止公示）",
            n=12,
            unit=Unit.MONTHS,
            basis=_XYXF_BASIS,
            counted_from=_XYXF_FROM,
            extend_if_rest_day=False,
            note=(
                "最长公示期届满后自动停止公示：公示截止期即本期限的最后一日（门户网站等渠道同日"
                "停止）；记录信用修复的，信用中国的信用公示提前终止。届满日遇休息日不顺延：公示"
                "不得超过最长期限。" + _XYXF_CHECKED
            ),
            verification=sec,
            sources=_SRC_XYXF,
        ),
        TimeLimit(
            code="publicity.period_serious_min",
            area=Area.PUBLICITY,
            title="严重失信信息的最短公示期（届满次日起可申请信用修复）",
            n=12,
            unit=Unit.MONTHS,
            basis=_XYXF_BASIS,
            counted_from=_XYXF_FROM,
            extend_if_rest_day=False,
            note=(
                "最短公示期届满后，信用主体方可申请信用修复：到期日为最短期的最后一日，次日起可"
                "记录信用修复决定（此前记录的予以拒绝）。公示期不由审核人选定：信用公示至最长"
                "公示期（publicity.period_serious_max）届满，其间办理信用修复的提前终止。最短期限，"
                "不顺延。" + _XYXF_CHECKED
            ),
            lean=Lean.LATEST,
            verification=sec,
            sources=_SRC_XYXF,
        ),
        TimeLimit(
            code="publicity.period_serious_max",
            area=Area.PUBLICITY,
            title="严重失信信息的最长公示期（届满自动停止公示）",
            n=36,
            unit=Unit.MONTHS,
            basis=_XYXF_BASIS,
            counted_from=_XYXF_FROM,
            extend_if_rest_day=False,
            note=(
                "最长公示期届满后自动停止公示：公示截止期即本期限的最后一日（门户网站等渠道同日"
                "停止）；记录信用修复的，信用中国的信用公示提前终止。届满日遇休息日不顺延：公示"
                "不得超过最长期限。" + _XYXF_CHECKED
            ),
            verification=sec,
            sources=_SRC_XYXF,
        ),
        TimeLimit(
            code="publicity.period_compulsion",
            area=Area.PUBLICITY,
            title="行政强制决定信息的公示期（本局默认）",
            n=12,
            unit=Unit.MONTHS,
            basis=(
                "本局口径（未找到规定行政强制决定信息公示期限的法律、法规或国家、本市文件）；"
                f"{_GONGSHI}第七条第二款（未规定公示期限）"
            ),
            counted_from="自行政强制决定作出之日起",
            extend_if_rest_day=False,
            note=(
                "未能核实（无可核实的规定）：未找到规定行政强制决定信息公示期限的法律、法规或"
                "国家、本市文件（公示办法第七条第二款未规定期限）；本局口径公示1年（不由审核人"
                "另选），由法制宣传科确认。不属失信信息，不报送信用中国。届满日不顺延。"
            ),
            verification=unv,
            sources=f"{_SEED}（第七条第二款）；未找到规定公示期限的原文",
        ),
        # ---- 行政执法全过程记录 ---------------------------------------------------------
        TimeLimit(
            code="recording.av_minimum_retention",
            area=Area.RECORDING,
            title="未归档的行政检查视音频记录最短保存期",
            n=6,
            unit=Unit.MONTHS,
            basis=f"{_JILU}第十条第三款",
            counted_from="自视音频记录形成之日起",
            extend_if_rest_day=False,
            note=(
                "最短期限（“不少于6个月”），不顺延：到期日为必须保存的最后一日，最早可于次日"
                "按处置程序处置。仅适用于不作为案件证据或者未与行政相对人发生争议的记录；"
                "本办法未明确起算日，取记录形成之日。"
            ),
            lean=Lean.LATEST,
            verification=ok,
            sources=_SEED,
        ),
        # ---- 档案管理 ------------------------------------------------------------------
        TimeLimit(
            code="archive.filing",
            area=Area.ARCHIVE,
            title="办结案件的案卷归档（归档时间）",
            n=0,
            unit=Unit.FIXED_DATE,
            basis=f"{_ANJIAN126}第十二条（原文编号“12.”）",
            counted_from="案件办结之年",
            extend_if_rest_day=False,
            note=(
                "取转载原文中“安全生产监管日常管理文件材料应于次年6月30日以前归档”；执法检查材料"
                "本身的归档时间在转载中截断，取同一期限。固定日期，不顺延。该文件在应急管理部组建后"
                "是否仍然有效未能核实，国家档案局令第13号的归档时间条文未能取得，由办公室确认。"
            ),
            verification=Verification.SECONDARY,
            sources=_SRC_ANJIAN126,
            fixed_month=6,
            fixed_day=30,
            year_offset=1,
        ),
        # ---- 行政执法监督 ----------------------------------------------------------------
        TimeLimit(
            code="complaint.acceptance_notice",
            area=Area.SUPERVISION,
            title="告知投诉举报人是否受理",
            n=15,
            unit=cd,
            basis=f"{_SH_XINFANG}第三十五条第一款第二项、第二款；{_XINFANG}第二十三条第二款",
            counted_from="自收到投诉举报（信访事项）之日起",
            extend_if_rest_day=True,
            note=(
                "“十五日”“15日”未写明工作日，为自然日，期满日遇休息日顺延。不予受理的，"
                "须说明理由；投诉举报人姓名（名称）、住址、联系方式不清的，不书面告知（两条例同）。"
                + _JIANDU_UNREAD
            ),
            verification=ok,
            sources=f"{_SRC_SH_XINFANG}；{_SRC_XINFANG}",
        ),
        TimeLimit(
            code="complaint.handling",
            area=Area.SUPERVISION,
            title="办结投诉举报并书面答复",
            n=60,
            unit=cd,
            basis=f"{_SH_XINFANG}第三十七条；{_XINFANG}第三十四条",
            counted_from="自受理之日起",
            extend_if_rest_day=True,
            note=(
                "自然日，期满日遇休息日顺延。情况复杂的，经本机关负责人批准可以延长，延长不超过"
                "三十日（complaint.handling_extended），并告知延期理由。" + _JIANDU_UNREAD
            ),
            verification=ok,
            sources=f"{_SRC_SH_XINFANG}；{_SRC_XINFANG}",
        ),
        TimeLimit(
            code="complaint.handling_extended",
            area=Area.SUPERVISION,
            title="经负责人批准延长后的投诉举报办理期限",
            n=90,
            unit=cd,
            basis=f"{_SH_XINFANG}第三十七条；{_XINFANG}第三十四条",
            counted_from="自受理之日起（六十日办理期限加最长延长三十日）",
            extend_if_rest_day=True,
            note=(
                "最长延长三十日（自然日），须经本机关负责人（领导）批准并告知投诉举报人延期理由；"
                "本表取延长的最长期限。延长接在六十日期限的末日（顺延前）之后，故自受理之日起"
                "共九十日计算，期满日遇休息日再顺延，不因原末日顺延而多计。" + _JIANDU_UNREAD
            ),
            verification=ok,
            sources=f"{_SRC_SH_XINFANG}；{_SRC_XINFANG}",
        ),
    )


def _check(rows: Iterable[TimeLimit]) -> Mapping[str, TimeLimit]:
    table: dict[str, TimeLimit] = {}
    for row in rows:
        if row.code in table:
            raise ValueError(f"duplicate time-limit code {row.code}")
        if not re.search(r"第[一二三四五六七八九十百零]+条", row.basis):
            raise ValueError(f"{row.code}: basis must cite an article (第…条)")
        if row.unit is Unit.FIXED_DATE:
            date(2000 + row.year_offset, row.fixed_month, row.fixed_day)  # validates
        elif row.n < 1:
            raise ValueError(f"{row.code}: n must be positive")
        if row.extend_if_rest_day and row.unit not in (Unit.CALENDAR_DAYS, Unit.MONTHS):
            raise ValueError(f"{row.code}: only calendar days and months can be extended")
        if row.direction is Direction.BEFORE and row.unit not in (Unit.WORKING_DAYS, Unit.HOURS):
            raise ValueError(f"{row.code}: BEFORE limits are supported in working days and hours")
        if row.verification is Verification.UNVERIFIED and "未能核实" not in row.note:
            raise ValueError(f"{row.code}: an unverified limit must say so in its note")
        _check_reading(row)
        table[row.code] = row
    for row in table.values():
        for other in row.prevails_over:
            if other not in table:
                raise ValueError(f"{row.code}: prevails over unknown code {other}")
    return MappingProxyType(table)


def relied_on(row: TimeLimit) -> tuple[Source, ...]:
    """The documents a row relies on: those its basis cites and those it yields to."""
    cited = [s for s in SOURCES.values() if any(name in row.basis for name in s.cited_as)]
    return tuple(cited + [SOURCES[key] for key in row.yields_to if SOURCES[key] not in cited])


def _check_reading(row: TimeLimit) -> None:
    """A row claims no more than what was read of every document it relies on, and its
    `sources` say what was read of each and where."""
    unknown = [key for key in row.yields_to if key not in SOURCES]
    if unknown:
        raise ValueError(f"{row.code}: yields to unknown source {unknown}")
    relied = relied_on(row)
    if not relied:
        raise ValueError(f"{row.code}: basis cites no document of SOURCES")
    for source in relied:
        most = _MOST_CLAIMED[source.reading]
        if _STRENGTH[row.verification] > _STRENGTH[most]:
            raise ValueError(
                f"{row.code}: labelled {row.verification.name} but relies on {source.key} "
                f"({source.reading.value})"
            )
        if source.where not in row.sources:
            raise ValueError(f"{row.code}: sources must say what was read of {source.key}")


LIMITS: Final[Mapping[str, TimeLimit]] = _check(_rows())

# action kinds of the glossary (design guide) -> publicity and withdrawal codes
_ACTION_KINDS: Final = ("penalty", "compulsion", "inspection", "levy", "license", "other")


def limit(code: str) -> TimeLimit:
    """The row for `code`; KeyError with a clear message for an unknown code."""
    try:
        return LIMITS[code]
    except KeyError:
        raise KeyError(f"未知的时限代码：{code!r}（见 zhifa.core.time_limits.LIMITS）") from None


def limits_by_area() -> Mapping[Area, tuple[TimeLimit, ...]]:
    """All limits grouped by area, in table order (for the documentation page)."""
    groups: dict[Area, list[TimeLimit]] = {area: [] for area in Area}
    for row in LIMITS.values():
        groups[row.area].append(row)
    return MappingProxyType({a: tuple(rows) for a, rows in groups.items() if rows})


# ---- computing due dates -----------------------------------------------------------


def due(calendar: WorkingCalendar, code: str, start: date) -> Due:
    """The due day of limit `code` counted from `start`, by `calendar` only.

    Direction AFTER (all limits but the notice-before-hearing ones): `start` is the
    triggering day (not counted, 民法典 第二百零一条) and the result is the last day of
    the period. Direction BEFORE: `start` is the event day (e.g. the hearing) and the
    result is the latest day the act may be done. FIXED_DATE: `start` is any day of the
    year reported on. The `basis` names the legal basis and the calendar computation.
    """
    row = limit(code)
    return _due_of(calendar, row, start, _legal(row))


def due_at(code: str, start: datetime) -> DueInstant:
    """The instant limit `code` (counted in hours) ends, from the instant `start`
    (timezone-aware): AFTER, `start` is the triggering act and the result the last
    instant; BEFORE, `start` is the event and the result the latest instant of the act."""
    row = limit(code)
    if row.unit is not Unit.HOURS:
        raise ValueError(f"时限 {row.code} 按日计算，请用 due()")
    if not isinstance(start, datetime):
        raise TypeError(f"start must be a datetime (not {type(start).__name__})")
    if row.direction is Direction.BEFORE:
        computed = hours_before(start, row.n)
    else:
        computed = add_hours(start, row.n)
    return DueInstant(computed.at, f"{_legal(row)}。计算：{computed.basis}")


def retention_start(event_day: date) -> date:
    """The first day of a retention period counted from the year an archive file was
    formed: 1 January of the next year. The bureau's default (long-standing archival
    practice); no primary text saying so was found (docs/time-limits.md, archive)."""
    _require_date(event_day)
    return fixed_date_in_year(event_day.year + 1, 1, 1).date


def year_end(event_day: date) -> date:
    """31 December of ``event_day``'s year: the anchor (not counted) of a period that
    starts on 1 January of the next year."""
    _require_date(event_day)
    return fixed_date_in_year(event_day.year, 12, 31).date


def retention_end(calendar: WorkingCalendar, anchor: date, months: int) -> Due:
    """The last day content must be kept: ``months`` after ``anchor``, the day before
    the period's first day (民法典 第二百零一条: the anchor day is not counted). A
    minimum is never shortened nor extended: disposal may come the day after."""
    if months % 12 == 0:
        computed = calendar.add_years(anchor, months // 12, extend_if_rest_day=False)
        length = f"{months // 12}年"
    else:
        computed = calendar.add_months(anchor, months, extend_if_rest_day=False)
        length = f"{months}个月"
    return Due(
        computed.date,
        computed.provisional,
        f"保管期限{length}，自{people_date(anchor)}次日起算。计算：{computed.basis}",
        computed.provisional_years,
    )


def rest_days_for(row: TimeLimit) -> RestDays:
    """The rest days a provisional year gets so that `row` leans to its safe side: a
    forward period ends earliest with the law's rest days only and latest with the
    customary breaks; a BEFORE limit (act before an event) is the other way round."""
    early = (row.lean is Lean.EARLIEST) == (row.direction is Direction.AFTER)
    return RestDays.LAW if early else RestDays.CUSTOMARY


def lean_note(row: TimeLimit, years: tuple[int, ...]) -> str:
    """Why a provisional result is on the side it is (empty when nothing is provisional)."""
    if not years:
        return ""
    if row.lean is Lean.EARLIEST:
        why = "本局义务按最早可能日计算，宁早勿迟"
    else:
        why = "当事人期限按最晚可能日计算，不缩短当事人的期限"
    return f"。暂定日期的取向：{why}（{rest_days_for(row).value}）"


def _due_of(calendar: WorkingCalendar, row: TimeLimit, start: date, legal: str) -> Due:
    calendar = calendar.with_rest_days(rest_days_for(row))
    if row.direction is Direction.BEFORE:
        computed = _latest_before(calendar, row, start)
    elif row.unit is Unit.WORKING_DAYS:
        computed = calendar.add_working_days(start, row.n)
    elif row.unit is Unit.CALENDAR_DAYS:
        computed = calendar.add_calendar_days(
            start, row.n, extend_if_rest_day=row.extend_if_rest_day
        )
    elif row.unit is Unit.MONTHS:
        computed = calendar.add_months(start, row.n, extend_if_rest_day=row.extend_if_rest_day)
    elif row.unit is Unit.FIXED_DATE:
        _require_date(start)
        computed = fixed_date_in_year(start.year + row.year_offset, row.fixed_month, row.fixed_day)
    else:
        raise ValueError(f"时限 {row.code} 按小时计算，不能用 due() 按日计算")
    return Due(
        computed.date,
        computed.provisional,
        f"{legal}。计算：{computed.basis}{lean_note(row, computed.provisional_years)}",
        computed.provisional_years,
    )


def earliest_event(calendar: WorkingCalendar, code: str, act_day: date) -> Due:
    """For a BEFORE limit: the earliest event day (e.g. hearing) after an act (notice)
    done on `act_day` — the day after the n-th working day following `act_day`."""
    row = limit(code)
    if row.direction is not Direction.BEFORE:
        raise ValueError(f"时限 {row.code} 不是“事件日前”类时限")
    # the safe side of an event after an act is the later one: as many rest days as the
    # act-before-event computation of the same row uses
    calendar = calendar.with_rest_days(rest_days_for(row))
    window = calendar.add_working_days(act_day, row.n)
    after = calendar.add_calendar_days(window.date, 1, extend_if_rest_day=False)
    basis = (
        f"{_legal(row)}。计算：{window.basis}；事件日不得早于其次日"
        f"{people_date(after.date)}（从严口径：{row.n}个工作日须在事件日前完整经过）"
        f"{lean_note(row, window.provisional_years)}"
    )
    return Due(after.date, window.provisional, basis, window.provisional_years)


def stricter_due(
    calendar: WorkingCalendar, codes: Iterable[str], start: date
) -> tuple[TimeLimit, Due]:
    """Compute every limit in `codes` from `start` and return the one due first.

    On a tie the first code listed wins (list the higher rule first). The `basis`
    names the limits that were compared.
    """
    results = [(limit(code), due(calendar, code, start)) for code in codes]
    if not results:
        raise ValueError("至少需要一个时限代码")
    best_row, best_due = min(results, key=lambda item: item[1].date)
    others = [f"“{r.title}”（{people_date(d.date)}）" for r, d in results if r is not best_row]
    basis = best_due.basis
    if others:
        basis += f"；适用较严格的时限“{best_row.title}”，另比较了：{'、'.join(others)}"
    return best_row, Due(best_due.date, best_due.provisional, basis, best_due.provisional_years)


def withdrawal_limit(action_kind: str) -> TimeLimit:
    """The limit for taking down a published decision of `action_kind` that was revoked,
    changed or declared unlawful: penalties follow 行政处罚法 第四十八条第二款 (3 working
    days), which prevails over the bureau's 7 working days (公示办法 第九条第三项)."""
    _require_kind(action_kind)
    code = "publicity.withdrawal_penalty" if action_kind == "penalty" else "publicity.withdrawal"
    return LIMITS[code]


def withdrawal_due(
    calendar: WorkingCalendar, action_kind: str, start: date
) -> tuple[TimeLimit, Due]:
    """Due day of the withdrawal for `action_kind`, comparing every applicable rule."""
    _require_kind(action_kind)
    codes = ["publicity.withdrawal"]
    if action_kind == "penalty":
        codes.insert(0, "publicity.withdrawal_penalty")
    return stricter_due(calendar, codes, start)


def publicity_limit(action_kind: str) -> TimeLimit:
    """The limit for publishing a decision of `action_kind` (事后公示); for `inspection`,
    the result of the inspection (双随机 抽查结果: 政府信息公开条例 第二十条第十三项)."""
    _require_kind(action_kind)
    code = {
        "penalty": "publicity.penalty",
        "compulsion": "publicity.compulsion",
        "inspection": "publicity.random_inspection",
        "license": "publicity.license",
    }.get(action_kind, "publicity.other_decision")
    return LIMITS[code]


# ---- documentation -----------------------------------------------------------------


def limits_table_markdown() -> str:
    """The table of all limits for docs/time-limits.md (generated; a test keeps the page
    equal to it)."""
    lines: list[str] = []
    for area, rows in limits_by_area().items():
        lines += [f"### {area}", ""]
        lines.append("| 代码 | 事项 | 时限 | 起算 | 依据 | 计算 | 核实 | 说明 |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for r in rows:
            cells = [
                f"`{r.code}`",
                r.title,
                r.describe(),
                r.counted_from,
                r.basis,
                r.rest_day_rule(),
                r.verification.value,
                r.note + _relations(r),
            ]
            lines.append(_md_row(cells))
        lines.append("")
    lines += ["### 所依据文件的核实情况", ""]
    lines.append("| 文件 | 读到的 | 读了什么、在哪里（未取得的：检索了什么） | 依据它的时限 |")
    lines.append("|---|---|---|---|")
    for source in SOURCES.values():
        codes = [f"`{r.code}`" for r in LIMITS.values() if source in relied_on(r)]
        lines.append(_md_row([source.title, source.reading.value, source.where, "、".join(codes)]))
    return "\n".join(lines).rstrip() + "\n"


def _relations(row: TimeLimit) -> str:
    text = f" 优先于：{'、'.join(row.prevails_over)}。" if row.prevails_over else ""
    for key in row.yields_to:
        source = SOURCES[key]
        text += f" 让位于：{source.title}（{source.reading.value}）。"
    return text


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "／") for c in cells) + " |"


# ---- helpers -----------------------------------------------------------------------


def _legal(row: TimeLimit) -> str:
    joint = "，" if row.direction is Direction.BEFORE else ""
    return f"{row.title}：{row.basis}，{row.counted_from}{joint}{row.describe()}"


def _latest_before(calendar: WorkingCalendar, row: TimeLimit, event: date) -> Due:
    """Latest act day N such that the n working days after N all fall before `event`.

    Scans forward from a month boundary well before the event with calendar steps only,
    so that no day arithmetic is written here (invariant 3).
    """
    _require_date(event)

    def window(day: date) -> Due:
        return calendar.add_working_days(day, row.n)

    back = 2 + row.n // 10
    first = _month_start_before(event, back)
    while window(first).date >= event:  # never for sane n; widen if needed
        back += 2
        first = _month_start_before(event, back)
    day = first
    while True:
        nxt = calendar.add_calendar_days(day, 1, extend_if_rest_day=False).date
        if window(nxt).date >= event:
            break
        day = nxt
    fits, late = window(day), window(nxt)
    years = tuple(sorted(set(fits.provisional_years) | set(late.provisional_years)))
    basis = (
        f"事件日{people_date(event)}；最迟于{people_date(day)}完成："
        f"{fits.basis}，早于事件日（从严口径：{row.n}个工作日须在事件日前完整经过）"
    )
    return Due(day, bool(years), basis, years)


def _month_start_before(day: date, months: int) -> date:
    # month arithmetic on (year, month) only: the first day of an earlier month
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _require_kind(action_kind: str) -> None:
    if action_kind not in _ACTION_KINDS:
        raise ValueError(f"未知的执法行为类别：{action_kind!r}（可选：{'、'.join(_ACTION_KINDS)}）")


def _require_date(value: object) -> None:
    # datetime is a subclass of date: refuse it, as the calendar does
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"start must be a datetime.date (not {type(value).__name__})")


if __name__ == "__main__":  # print the documentation table: python -m zhifa.core.time_limits
    print(limits_table_markdown(), end="")
