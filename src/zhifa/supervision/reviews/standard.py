"""The bureau's default scoring template (version 1 is seeded from this; every change is
a new version). Sources, as read for this template:

- DB32/T 4181-2021《行政执法案卷制作及评查规范》(江苏省市场监督管理局 2021-12-31 发布，
  2022-01-31 实施，江苏省司法厅提出): only its front matter was read (second-hand, a
  document-sharing site's preview) — it applies to closed 许可、处罚、强制 case files.
  Nothing below is quoted from its body.
- The 测绘地理信息 行政处罚案卷评查标准 (second-hand, as quoted on m.wenke99.com): 基本标准
  items each make the file 不合格卷 (主体不合法, 执法人员不具有执法资格, 适用法律不正确,
  程序不合法, 执法人员少于 2 人 …); the rest is scored by section with per-item deductions,
  "扣完为止，不计负分".
- Reports of provincial reviews (许昌市司法局 2022, 陇南市司法局 2020, second-hand): the
  headings 主体、事实证据、法律适用、程序、裁量、文书与立卷归档, and the grades 优秀 /
  合格 / 不合格.
- 《安全生产监管执法监督办法》(安监总政法〔2018〕34号) was not found in the reference
  library: not cited for any item.

The section weights, the points and the thresholds 90 (优秀) and 60 (合格) are the bureau's
own choices, not read in any rule; legal staff change them by making a new version.
"""

from __future__ import annotations

from zhifa.supervision.reviews.rules import Deduction, Section, Template, Veto

# Codes the platform's own checks propose (prefill.py); a new template version keeps them
# to keep the pre-fill.
TWO_OFFICERS = "veto_two_officers"
PARTY_PERIOD = "veto_party_period"
MISSING_RECORDING = "procedure_recording"
UNEXPLAINED_GAP = "procedure_gap"
LATE_STEP = "procedure_late"
MISSING_DOCUMENT = "documents_missing"
PLATFORM_CODES = frozenset(
    {TWO_OFFICERS, PARTY_PERIOD, MISSING_RECORDING, UNEXPLAINED_GAP, LATE_STEP, MISSING_DOCUMENT}
)

DEFAULT_TEMPLATE = Template(
    name="区应急管理局行政执法案卷评查标准",
    excellent_from=90,
    pass_from=60,
    sources=(
        "DB32/T 4181-2021《行政执法案卷制作及评查规范》（仅读到前言和范围，二手）",
        "测绘地理信息行政处罚案卷评查标准（基本标准一票否决、扣完为止，二手）",
        "分值与等次分数线为本局设定，非法定标准",
    ),
    vetoes=(
        Veto(TWO_OFFICERS, "执法人员少于两人"),
        Veto("veto_no_basis", "无法律依据或者适用法律错误"),
        Veto(PARTY_PERIOD, "当事人陈述申辩或者听证期限未届满即作出决定"),
        Veto("veto_beyond_power", "超越职权或者执法主体不合法"),
    ),
    sections=(
        Section(
            "subject",
            "主体",
            10,
            (
                Deduction("subject_certificate", "执法人员未出示执法证件或者未记录出示", 5),
                Deduction("subject_avoidance", "应当回避而未回避或者未告知申请回避的权利", 5),
            ),
        ),
        Section(
            "evidence",
            "事实证据",
            25,
            (
                Deduction("evidence_unclear", "违法事实表述不清或者与证据不符", 10),
                Deduction("evidence_insufficient", "证据不充分或者证据之间相互矛盾", 10),
                Deduction("evidence_form", "证据取得方式不合法或者缺少当事人确认", 5),
            ),
        ),
        Section(
            "law",
            "法律适用",
            20,
            (
                Deduction("law_article", "引用法律条款不具体或者不准确", 5),
                Deduction("law_discretion", "未按照裁量基准裁量或者未说明裁量理由", 10),
            ),
        ),
        Section(
            "procedure",
            "程序",
            25,
            (
                Deduction(LATE_STEP, "超过法定期限办理", 5),
                Deduction(MISSING_RECORDING, "应当全过程音像记录而未记录或者记录不完整", 5),
                Deduction(UNEXPLAINED_GAP, "音像记录中断未作说明", 3),
                Deduction("procedure_rights", "未依法告知陈述、申辩、听证等权利", 10),
            ),
        ),
        Section(
            "documents",
            "文书规范",
            10,
            (
                Deduction(MISSING_DOCUMENT, "应当制作的执法文书缺失", 5),
                Deduction("documents_form", "文书填写不规范、漏项或者文号错误", 2),
                Deduction("documents_service", "送达不符合规定或者缺少送达回证", 3),
            ),
        ),
        Section(
            "filing",
            "归档",
            10,
            (
                Deduction("filing_order", "卷内材料排列顺序不当或者页码、目录有误", 2),
                Deduction("filing_late", "未按时立卷归档", 3),
            ),
        ),
    ),
)
