"""Documents print right (issue 13 point 8), checked on real PDFs: the signature block
(签名, 落款, 印章) never stands on a page without the last lines of the body, whatever the
body's length; the 执法人员 line has no stretched gaps; the bureau's address and phone
(settings) are on the 告知书 and the documents that ask the party to reply. And the
hazards found in an issued 现场检查记录 prefill the 指令书 of the same action."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login
from tests.factories import open_action
from tests.recording.helpers import pdf_pages, pdf_text
from tests.recording.test_render import ENTERPRISE, complete_values, context
from zhifa.core.settings import Settings
from zhifa.recording.documents import forms
from zhifa.recording.documents.kinds import KINDS, FieldType
from zhifa.recording.documents.render import render_html, render_pdf

# One line of body text, a little over one printed line (so items wrap, as real ones do).
BODY_LINE = (
    "经现场核查，该单位{}号作业区域的安全警示标志设置不规范，部分标志被货物遮挡，未能起到警示作用"
)
# Text of the signature block, the 落款, the contact lines and the page foot (anything
# else is body).
SIGNATURE = re.compile(
    r"签名|印章|年\s*月\s*日|^\s*上海市普陀区应急管理局\s*$|^\s*\d{4}年\d+月\d+日\s*$"
    r"|本文书一式|本决定书当场交付|第\s*\d+\s*页\s*共\s*\d+\s*页|本局地址|联系人："
)
BLOCK = re.compile(r"（印章）|年\s*月\s*日")  # on the signature block's page(s), nowhere else


def _render(code: str, lines: int, ctx: dict[str, Any] | None = None) -> bytes:
    """The kind, for an enterprise, with ``lines`` items in its first free-text field."""
    kind = KINDS[code]
    ctx = ctx or context(ENTERPRISE)
    values = complete_values(kind, ctx)
    body = next(spec.name for spec in kind.fields if spec.type is FieldType.textarea)
    values[body] = "\n".join(BODY_LINE.format(n) for n in range(1, lines + 1))
    _variant, title, template = kind.variant_for("enterprise")
    html = render_html(
        kind,
        template=template,
        title=title,
        fields=forms.typed_values(kind, values),
        context=ctx,
        document={
            "id": 1,
            "number": "（普）应急测〔2026〕9号" if kind.numbered else None,
            "issue_date": date(2026, 3, 5),
            "issued_at": None,
            "correction": None,
        },
        draft=False,
    )
    return render_pdf(html)


def _block_page(pdf: bytes) -> int:
    return next(i for i, text in enumerate(pdf_pages(pdf)) if BLOCK.search(text))


def _body_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not SIGNATURE.search(line)]


@pytest.mark.parametrize("code", list(KINDS))
def test_signature_block_is_never_alone_on_a_page(code: str) -> None:
    # The shortest body that pushes the signature block off the first page: before the
    # fix, exactly there it stood alone at the top of page 2 (16 of 16 kinds).
    low, high = 1, 24
    while low < high:
        middle = (low + high) // 2
        if _block_page(_render(code, middle)) >= 1:
            high = middle
        else:
            low = middle + 1
    assert low < 24, "the body never pushed the signature block to a second page"
    for lines in (low, low + 1):
        pages = pdf_pages(_render(code, lines))
        for number, text in enumerate(pages, 1):
            if BLOCK.search(text):
                body = _body_lines(text)
                assert len(body) >= 2, f"{lines} 项时第 {number} 页只有签名落款：{text!r}"


def test_officers_line_breaks_between_officers_without_gaps(tmp_path: Any) -> None:
    ctx = context(ENTERPRISE)
    ctx["officers"] = [
        {"name": "张伟", "certificate_number": "31010700012", "lead": True},
        {"name": "欧阳明远", "certificate_number": "31010700013", "lead": False},
        {"name": "李娜", "certificate_number": "31010700014", "lead": False},
    ]
    path = tmp_path / "on_site.pdf"
    path.write_bytes(_render("on_site_penalty_decision", 1, ctx))
    layout = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in layout.splitlines() if "执法证号" in line]
    assert lines, layout
    joined = "".join(lines)
    for officer in ctx["officers"]:  # each officer's entry whole, on one line
        assert f"{officer['name']}（执法证号 {officer['certificate_number']}）" in joined
    for line in lines:  # before: "张伟（执法证号               31010700012）"
        assert not re.search(r"\S {3,}\S", line.strip()), line


ASKS_FOR_A_REPLY = (
    "penalty_notice",
    "hearing_notice",
    "penalty_decision",
    "on_site_penalty_decision",
    "rectification_order",
    "on_site_measure_decision",
    "seizure_decision",
    "evidence_preservation_notice",
)


@pytest.mark.parametrize("code", ASKS_FOR_A_REPLY)
def test_bureau_address_and_phone_are_printed(code: str) -> None:
    ctx = context(ENTERPRISE)
    ctx["bureau"] = {**ctx["bureau"], "address": "上海市普陀区测试路8号", "phone": "021-11112222"}
    text = pdf_text(_render(code, 2, ctx)).replace("\n", "")
    assert "本局地址：上海市普陀区测试路8号" in text
    assert "联系电话：021-11112222" in text


def test_a_context_frozen_without_the_address_still_prints() -> None:
    # Documents issued before the context carried the address are shown as issued.
    ctx = context(ENTERPRISE)
    ctx["bureau"] = {k: v for k, v in ctx["bureau"].items() if k not in ("address", "phone")}
    text = pdf_text(_render("penalty_notice", 2, ctx))
    assert "本局地址" not in text and str(ENTERPRISE["name"]) in text


def _headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": login(client, "zhangwei")}


def test_hazards_of_the_inspection_record_prefill_the_order(
    client: TestClient, settings: Settings
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    hazards = "消防通道堆放杂物\n配电箱未上锁\n三号车间安全警示标志被货物遮挡"
    made = client.post(
        f"/api/v1/actions/{action_id}/documents",
        json={"kind": "site_inspection_record", "fields": {"problems": hazards}},
        headers=h,
    )
    assert made.status_code == 201, made.text
    record = made.json()
    fields = {"ended_at": record["fields"]["started_at"], "checked": "检查了生产车间和仓库"}
    saved = client.patch(f"/api/v1/documents/{record['id']}", json={"fields": fields}, headers=h)
    assert saved.status_code == 200, saved.text
    issued = client.post(f"/api/v1/documents/{record['id']}/issue", headers=h)
    assert issued.status_code == 200, issued.text

    for kind in ("rectification_order", "on_site_measure_decision"):
        draft = client.post(
            f"/api/v1/actions/{action_id}/documents", json={"kind": kind, "fields": {}}, headers=h
        )
        assert draft.status_code == 201, draft.text
        assert draft.json()["fields"]["problems"] == hazards, kind

    # Editable: the officer keeps two of the three and issues; the PDF says what was kept
    # and where the party reaches the bureau.
    order = client.post(
        f"/api/v1/actions/{action_id}/documents",
        json={"kind": "rectification_order", "fields": {}},
        headers=h,
    ).json()
    kept = "消防通道堆放杂物\n配电箱未上锁"
    deadline = (date.fromisoformat(order["fields"]["found_on"]) + timedelta(days=10)).isoformat()
    edited = client.patch(
        f"/api/v1/documents/{order['id']}",
        json={"fields": {"problems": kept, "deadline": deadline}},
        headers=h,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["fields"]["problems"] == kept
    done = client.post(f"/api/v1/documents/{order['id']}/issue", headers=h)
    assert done.status_code == 200, done.text
    pdf = client.get(f"/api/v1/documents/{order['id']}/pdf")
    text = pdf_text(pdf.content).replace("\n", "")
    assert "消防通道堆放杂物" in text and "配电箱未上锁" in text
    assert "三号车间" not in text
    assert f"本局地址：{settings.bureau_address}" in text
    assert settings.bureau_phone in text


def test_without_an_inspection_record_the_order_starts_empty(
    client: TestClient, settings: Settings
) -> None:
    action_id = open_action(settings)
    draft = client.post(
        f"/api/v1/actions/{action_id}/documents",
        json={"kind": "rectification_order", "fields": {}},
        headers=_headers(client),
    )
    assert draft.status_code == 201, draft.text
    assert "problems" not in draft.json()["fields"]
