"""Every template renders to an A4 PDF whose text carries the party, the 文号 and what
the officer filled; the verification line lands on every page of a print copy."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from tests.recording.helpers import pdf_pages, pdf_text
from zhifa.recording.documents import forms
from zhifa.recording.documents.kinds import KINDS, DocumentKind, FieldType, prefill
from zhifa.recording.documents.render import (
    render_html,
    render_pdf,
    stamp_pdf,
    verification_lines,
)

ENTERPRISE = {
    "kind": "enterprise",
    "kind_label": "单位",
    "name": "上海申江精细化工有限公司",
    "uscc": "91310107MA1G8XXX1K",
    "id_number": None,
    "legal_representative": "陈建国",
    "address": "上海市普陀区真南路1000号",
    "phone": "021-62001234",
    "contact": "陈建国",
}
PERSON = {
    **ENTERPRISE,
    "kind": "person",
    "kind_label": "个人",
    "name": "赵小明",
    "uscc": None,
    "id_number": "310107199001011234",
    "legal_representative": None,
    "contact": "赵小明",
}


def context(party: dict[str, Any]) -> dict[str, Any]:
    return {
        "bureau": {
            "name": "上海市普陀区应急管理局",
            "uscc": "11310107MB2F12345X",
            "address": "上海市普陀区大渡河路1668号",
            "phone": "021-52564588",
            "review_body": "上海市普陀区人民政府",
        },
        "action": {"id": 7, "title": "未如实记录安全生产教育和培训情况", "kind_label": "行政处罚"},
        "power_item": {"code": "CF-002", "name": "某事项", "basis": "《安全生产法》第九十七条"},
        "party": party,
        "officers": [
            {"name": "张伟", "certificate_number": "31010700012", "lead": True},
            {"name": "李娜", "certificate_number": "31010700013", "lead": False},
        ],
        "officer_names": {"first": "张伟", "second": "李娜", "all": "张伟、李娜"},
        "issued": {},
        "issued_summary": "《行政处罚决定书（单位）》（普）应急罚〔2026〕1号",
    }


def complete_values(kind: DocumentKind, ctx: dict[str, Any]) -> dict[str, Any]:
    values = prefill(kind, ctx, datetime(2026, 3, 5, 9, 30))
    for spec in kind.fields:
        if spec.name in values:
            continue
        if spec.type is FieldType.textarea:
            values[spec.name] = f"{spec.label}甲项\n{spec.label}乙项"
        elif spec.type is FieldType.text:
            values[spec.name] = f"{spec.label}示例"
        elif spec.type is FieldType.date:
            values[spec.name] = "2026-03-20"
        elif spec.type is FieldType.datetime:
            values[spec.name] = "2026-03-05T11:15"
        elif spec.type is FieldType.choice:
            values[spec.name] = spec.choices[-1] if spec.name != "penalty_content" else "罚款"
        elif spec.type is FieldType.integer:
            values[spec.name] = spec.maximum or 30
    if "penalty_content" in values:
        values["penalty_content"] = "罚款"
        values["fine_amount"] = "2000" if kind.code == "on_site_penalty_decision" else "12500.5"
    return forms.validate(kind, values, complete=True)


CASES = [
    (kind.code, variant)
    for kind in KINDS.values()
    for variant in (list(kind.variants) or ["enterprise"])
]


@pytest.mark.parametrize(("code", "variant"), CASES)
def test_every_kind_renders_with_its_fields(code: str, variant: str) -> None:
    kind = KINDS[code]
    party = PERSON if variant == "person" else ENTERPRISE
    ctx = context(party)
    stored = complete_values(kind, ctx)
    _variant, title, template = kind.variant_for(party["kind"])
    number = "（普）应急测〔2026〕9号" if kind.numbered else None
    html = render_html(
        kind,
        template=template,
        title=title,
        fields=forms.typed_values(kind, stored),
        context=ctx,
        document={
            "id": 1,
            "number": number,
            "issue_date": date(2026, 3, 5),
            "issued_at": None,
            "correction": None,
        },
        draft=False,
    )
    pdf = render_pdf(html)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    assert_pdfa_2b(reader)
    text = pdf_text(pdf).replace("\n", "")
    assert party["name"] in text
    assert title.replace("（", "").replace("）", "")[:4] in text.replace("（", "")
    if number:
        assert number in text
    # A value the officer typed shows up (the first free-text field).
    typed = next((v for k, v in stored.items() if kind.field(k).type is FieldType.textarea), None)
    if typed:
        assert typed.splitlines()[0] in text


def assert_pdfa_2b(reader: PdfReader) -> None:
    """Identified as PDF/A-2b, with its sRGB output intent, and every font embedded."""
    root = reader.trailer["/Root"]
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            embedded = described["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(embedded), font


def test_penalty_decision_states_rights_bureau_and_amount() -> None:
    kind = KINDS["penalty_decision"]
    for party, pronoun in ((ENTERPRISE, "你单位"), (PERSON, "你")):
        ctx = context(party)
        stored = complete_values(kind, ctx)
        _v, title, template = kind.variant_for(party["kind"])
        html = render_html(
            kind,
            template=template,
            title=title,
            fields=forms.typed_values(kind, stored),
            context=ctx,
            document={
                "id": 3,
                "number": "（普）应急罚〔2026〕3号",
                "issue_date": date(2026, 3, 5),
                "issued_at": None,
                "correction": None,
            },
            draft=False,
        )
        text = pdf_text(render_pdf(html)).replace("\n", "")
        for words in (
            "上海市普陀区应急管理局",
            title,
            "陈述、申辩、听证",
            "六十日内",
            "申请行政复议",
            "六个月内",
            "提起行政诉讼",
            "人民币壹万贰仟伍佰元伍角整",
            "12,500.50",
            "2026年3月5日",
            f"{pronoun}如不服",
        ):
            assert words in text, words
        if party is PERSON:
            assert "310107199001011234" in text and "统一社会信用代码" not in text


def test_notice_states_statement_and_hearing_rights() -> None:
    kind = KINDS["penalty_notice"]
    ctx = context(ENTERPRISE)
    stored = complete_values(kind, ctx)
    html = render_html(
        kind,
        template=kind.template,
        title=kind.title,
        fields=forms.typed_values(kind, stored),
        context=ctx,
        document={
            "id": 4,
            "number": None,
            "issue_date": None,
            "issued_at": None,
            "correction": None,
        },
        draft=True,
    )
    text = pdf_text(render_pdf(html)).replace("\n", "")
    for words in (
        "陈述和申辩",
        "要求举行听证",
        "五日",
        "六十日内",
        "六个月内",
        "草稿预览",
        "签发时自动编号",
    ):
        assert words in text, words


def test_stamp_puts_the_line_on_every_page() -> None:
    html = "<html><body>" + "".join(f"<p>第{i}段。</p>" for i in range(150)) + "</body></html>"
    pdf = render_pdf(html)
    lines = verification_lines("sha256:" + "ab" * 32, 4321, "（普）应急罚〔2026〕5号")
    stamped = stamp_pdf(pdf, lines)
    pages = pdf_pages(stamped)
    assert len(pages) == len(pdf_pages(pdf)) >= 3
    for number, text in enumerate(pages, 1):
        assert f"核验：sha256:{'ab' * 32} 账本第 4321 条" in text
        assert f"第 {number} 页，共 {len(pages)} 页" in text
        assert "第" in text and "段" in text  # the page's own content is still there
    assert_pdfa_2b(PdfReader(io.BytesIO(stamped)))  # the overlay keeps the identification
