"""A correction's status looked up by its receipt number (issue 13 point 3): /corrections
answers a form (no longer 405), the result shows status words and dates only — nothing the
requester typed — in the portal-only process behind its table guard; a malformed number
is refused beside the field without being shown back; lookups share the public lookups'
rate window. And the decision page's headline: amounts in 元, dates for people."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.publicity.test_corrections import publish, submit
from zhifa.core.settings import Settings
from zhifa.web.app import create_portal_app
from zhifa.web.portal import headline, yuan

TYPED = {"name": "赵六", "contact": "13700001111", "what_is_wrong": "处罚依据条款引用有误"}


def _receipt(answer: object) -> str:
    location: str = answer.headers["location"]  # type: ignore[attr-defined]
    return location.split("/")[-1].split("?")[0]


def test_lookup_by_receipt_in_the_portal_process(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    with TestClient(create_portal_app(settings), follow_redirects=False) as public:
        form = public.get("/corrections")
        assert form.status_code == 200 and 'name="receipt"' in form.text
        sent = submit(public, public_id, **TYPED)
        assert sent.status_code == 303, sent.text
        receipt = _receipt(sent)

        found = public.get("/corrections", params={"receipt": f"  {receipt.lower()} "})
        assert found.status_code == 200
        assert receipt in found.text and 'id="correction-status"' in found.text
        assert "已受理" in found.text and "处理期限" in found.text and "年" in found.text
        for typed in (*TYPED.values(), "137****1111", "赵某某"):
            assert typed not in found.text, typed
        assert f'href="/p/{public_id}"' in found.text

        unknown = public.get("/corrections", params={"receipt": "GZ-2026-AAAAAAAA"})
        assert unknown.status_code == 404 and "未找到该受理编号" in unknown.text
        assert 'value="GZ-2026-AAAAAAAA"' in unknown.text  # kept: it looks like a number
        mistaken = public.get("/corrections", params={"receipt": "13700001111"})
        assert mistaken.status_code == 422 and 'id="receipt-error"' in mistaken.text
        assert "13700001111" not in mistaken.text  # a phone number typed by mistake


def test_lookups_share_the_public_rate_window(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    strict = settings.model_copy(update={"certificate_lookups_per_window": 3})
    with TestClient(create_portal_app(strict), follow_redirects=False) as public:
        receipt = _receipt(submit(public, public_id))
        assert public.get(f"/corrections/{receipt}").status_code == 200  # 1
        assert public.get("/corrections", params={"receipt": receipt}).status_code == 200  # 2
        assert public.get("/c/NO-SUCH-1").status_code == 404  # 3: a certificate lookup
        refused = public.get("/corrections", params={"receipt": receipt})
        assert refused.status_code == 429 and "查询过于频繁" in refused.text
        assert public.get("/corrections").status_code == 200  # the bare form is no lookup


def test_amounts_in_yuan_and_the_headline() -> None:
    assert yuan("2") == "20,000 元" and yuan("2.5") == "25,000 元"
    assert yuan("0.123456") == "1,234.56 元" and yuan("150") == "1,500,000 元"
    assert yuan("") == yuan("0") == yuan("abc") == yuan("-1") == yuan("NaN") == ""
    items = [
        {"key": "party_name", "label": "", "value": "某化工有限公司"},
        {"key": "doc_number", "label": "", "value": "（普）应急罚〔2026〕12号"},
        {"key": "content", "label": "", "value": "罚款人民币二万元"},
        {"key": "fine_wan", "label": "", "value": "2"},
        {"key": "confiscation_wan", "label": "", "value": ""},
        {"key": "decided_on", "label": "", "value": "2026-03-02"},
        {"key": "authority", "label": "", "value": "上海市普陀区应急管理局"},
    ]
    top = headline("penalty", items, date(2027, 3, 1))
    assert top.sentence == (
        "上海市普陀区应急管理局于2026年3月2日对某化工有限公司作出行政处罚决定，"
        "文号（普）应急罚〔2026〕12号。"
    )
    assert dict(top.facts) == {
        "处罚内容": "罚款人民币二万元",
        "罚款金额": "20,000 元",
        "决定日期": "2026年3月2日",
        "决定机关": "上海市普陀区应急管理局",
        "公示至": "2027年3月1日",
    }
    assert dict(headline("penalty", items, None).facts)["公示至"] == "长期公示"
