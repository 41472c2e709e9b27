"""The phone pages: list, new from a kind, fill (with errors shown at the field),
preview, issue, download, print, correct, serve; and the registration of the step
requirement by importing what the app always imports."""

from __future__ import annotations

import html
import re
import subprocess
import sys

from fastapi.testclient import TestClient

from tests.conftest import login
from tests.factories import open_action
from tests.recording.helpers import PENALTY_DECISION, pdf_text
from zhifa.core.clock import today
from zhifa.core.settings import Settings

ID_IN_EDIT = re.compile(r"/documents/(\d+)/edit")


def test_document_pages_flow(sqlite_client: TestClient, sqlite_settings: Settings) -> None:
    client = sqlite_client
    action_id = open_action(sqlite_settings)
    csrf = login(client, "zhangwei")
    base = f"/app/actions/{action_id}/documents"

    listing = client.get(base)
    assert listing.status_code == 200
    assert "尚未签发《立案审批表》" in listing.text and 'name="csrf_token"' in listing.text

    created = client.post(base, data={"kind": "penalty_decision", "csrf_token": csrf})
    assert created.status_code == 303
    match = ID_IN_EDIT.search(created.headers["location"])
    assert match
    doc_id = int(match.group(1))
    form = client.get(f"{base}/{doc_id}/edit")
    assert form.status_code == 200 and "行政处罚决定书（单位）" in form.text
    assert "上海市普陀区人民政府" in form.text  # prefilled 行政复议机关

    fields = {**PENALTY_DECISION, "review_body": "上海市普陀区人民政府", "payment": ""}
    bad = client.post(
        f"{base}/{doc_id}/edit", data={**fields, "fine_amount": "-1", "csrf_token": csrf}
    )
    assert bad.status_code == 422
    assert "罚款金额（元）不能为负数" in bad.text
    assert re.search(r'name="fine_amount"[^>]*aria-invalid="true"', bad.text)

    saved = client.post(
        f"{base}/{doc_id}/edit", data={**fields, "next": "preview", "csrf_token": csrf}
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("/preview")
    preview = client.get(f"{base}/{doc_id}/preview")
    assert preview.status_code == 200
    inner = html.unescape(preview.text)
    assert "草稿预览" in inner and PENALTY_DECISION["facts"] in inner

    issued = client.post(f"{base}/{doc_id}/issue", data={"csrf_token": csrf})
    assert issued.status_code == 303
    detail = client.get(f"{base}/{doc_id}")
    number = f"（普）应急罚〔{today().year}〕1号"
    assert number in detail.text and "已签发" in detail.text and "账本条目" in detail.text
    again = client.post(f"{base}/{doc_id}/edit", data={**fields, "csrf_token": csrf})
    assert again.status_code == 409 and "签发后不能修改" in again.text

    pdf = client.get(f"{base}/{doc_id}/pdf")
    assert pdf.headers["content-type"] == "application/pdf" and number in pdf_text(pdf.content)
    printed = client.get(f"{base}/{doc_id}/print")
    assert "核验：sha256:" in pdf_text(printed.content)

    serve_form = client.get(f"{base}/{doc_id}/serve")
    assert serve_form.status_code == 200 and "电子送达" in serve_form.text
    refused = client.post(
        f"{base}/{doc_id}/serve",
        data={
            "method": "electronic",
            "served_on": today().isoformat(),
            "recipient": "陈建国",
            "csrf_token": csrf,
        },
    )
    assert refused.status_code == 400 and "同意" in refused.text
    served = client.post(
        f"{base}/{doc_id}/serve",
        data={
            "method": "direct",
            "served_on": today().isoformat(),
            "recipient": "陈建国",
            "csrf_token": csrf,
        },
        files={"receipt_file": ("回执.jpg", b"\xff\xd8\xff\xe0 signed receipt", "image/jpeg")},
    )
    assert served.status_code == 303, served.text
    detail = client.get(f"{base}/{doc_id}")
    assert "直接送达" in detail.text and "按期送达" in detail.text

    correct_form = client.get(f"{base}/{doc_id}/correct")
    assert correct_form.status_code == 200
    empty = client.post(f"{base}/{doc_id}/correct", data={"reason": "", "csrf_token": csrf})
    assert empty.status_code == 422
    correction = client.post(
        f"{base}/{doc_id}/correct", data={"reason": "当事人名称有误", "csrf_token": csrf}
    )
    assert correction.status_code == 303
    new_match = ID_IN_EDIT.search(correction.headers["location"])
    assert new_match and int(new_match.group(1)) != doc_id
    new_form = client.get(correction.headers["location"])
    assert "当事人名称有误" in new_form.text and number in new_form.text

    discard = client.post(
        f"/app/actions/{action_id}/documents/{new_match.group(1)}/discard",
        data={"reason": "改用另一份", "csrf_token": csrf},
    )
    assert discard.status_code == 303
    assert "草稿已作废" in client.get(f"{base}/{new_match.group(1)}").text


def test_issue_refusal_shows_the_form_with_the_field(
    sqlite_client: TestClient, sqlite_settings: Settings
) -> None:
    client = sqlite_client
    action_id = open_action(sqlite_settings)
    csrf = login(client, "zhangwei")
    base = f"/app/actions/{action_id}/documents"
    created = client.post(base, data={"kind": "rectification_order", "csrf_token": csrf})
    doc_id = int(ID_IN_EDIT.search(created.headers["location"]).group(1))  # type: ignore[union-attr]
    refused = client.post(f"{base}/{doc_id}/issue", data={"csrf_token": csrf})
    assert refused.status_code == 422
    assert "存在的问题为必填项" in refused.text
    assert re.search(r'name="problems"[^>]*aria-invalid="true"', refused.text)


def test_requirement_holds_in_a_process_that_loads_only_the_models() -> None:
    code = (
        "from zhifa.core.schema import all_metadata; all_metadata();"
        "from zhifa.core.features import registry; print(sorted(registry().requirements))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "documents" in out
