"""The correction form's anti-spam question (issue 11, point 7), through real HTTP on
SQLite and PostgreSQL: one question admits one submission (a resubmitted form and a
second try after a wrong answer are refused, in Chinese, and store nothing; two
concurrent answers of one question: one wins); nothing the page hides gives the answer
away (the token is a random id, the issue time and two keyed MACs, and checks only with
the server's key); a wrong answer keeps what the requester typed and asks the same sum
again under a new token; a client may store only so many evidence bytes in 24 hours (429
before anything is stored)."""

from __future__ import annotations

import re
import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.publicity.test_corrections import (
    PDF,
    _counts,
    answer_of,
    form_fields,
    publish,
    submit,
)
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.publicity import public_form
from zhifa.publicity.models import CorrectionRequest, SpentChallenge
from zhifa.publicity.public_form import chinese_number
from zhifa.web.app import create_app

TYPED = {
    "name": "李四",
    "contact": "021-62541234",
    "what_is_wrong": "处罚决定日期有误，应为三月二日。",
    "website": "",
}
_NUMBERS = {chinese_number(n): n for n in range(100)}


def question_of(html: str) -> str:
    match = re.search(r"验证问题：(.+?等于几)", html)
    assert match
    return match.group(1)


def _received(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(CorrectionRequest)) or 0)


def test_one_question_admits_one_submission(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    page = client.get(f"/corrections/new?p={public_id}")
    form = {**form_fields(page.text), **TYPED}
    first = client.post("/corrections", data=form)
    assert first.status_code == 303, first.text
    before = _counts(db, settings)
    for _ in range(4):  # the finding: one token, five accepted requests
        # replayed as sent, cookie and all (a refusal page sets a new CSRF cookie)
        client.cookies.clear()
        client.cookies.set(public_form.CSRF_COOKIE, form["csrf_token"])
        again = client.post("/corrections", data=form)
        assert again.status_code == 400 and "该验证问题已经回答过" in again.text
        assert 'name="challenge"' in again.text  # with a new question to answer
    assert _counts(db, settings) == before
    assert _received(db) == 1


def test_a_wrong_answer_spends_the_question_and_keeps_the_input(
    client: TestClient, db: Session, settings: Settings
) -> None:
    public_id = publish(client, db)["obligation_id"]
    before = _counts(db, settings)
    page = client.get(f"/corrections/new?p={public_id}")
    fields = form_fields(page.text)
    right = fields["answer"]
    wrong = client.post("/corrections", data={**fields, **TYPED, "answer": str(int(right) + 1)})
    assert wrong.status_code == 400 and "验证问题回答不正确" in wrong.text
    for value in ("李四", "021-62541234", "处罚决定日期有误，应为三月二日。"):
        assert value in wrong.text  # what was typed is still in the form
    again = form_fields(wrong.text)
    assert again["challenge"] != fields["challenge"]  # a new token ...
    assert again["answer"] == right and question_of(wrong.text) == question_of(
        page.text
    )  # same sum
    assert 'id="answer-error"' in wrong.text and 'aria-invalid="true"' in wrong.text
    # The right answer to the spent question no longer counts: no answer-by-answer trying.
    client.cookies.clear()
    client.cookies.set(public_form.CSRF_COOKIE, fields["csrf_token"])
    late = client.post("/corrections", data={**fields, **TYPED, "answer": right})
    assert late.status_code == 400 and "该验证问题已经回答过" in late.text
    assert _counts(db, settings) == before
    # The new question on the refusal page works.
    renewed = form_fields(late.text)
    client.cookies.clear()
    client.cookies.set(public_form.CSRF_COOKIE, renewed["csrf_token"])
    fresh = client.post("/corrections", data={**renewed, **TYPED})
    assert fresh.status_code == 303, fresh.text


def test_the_page_hides_nothing_that_gives_the_answer(client: TestClient, db: Session) -> None:
    public_id = publish(client, db)["obligation_id"]
    secret = "t" * 40  # the test instances' key (tests/conftest.py)
    for _ in range(10):
        html = client.get(f"/corrections/new?p={public_id}").text
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
        assert set(hidden) == {"csrf_token", "p", "challenge"}
        match = re.search(r"验证问题：(.+?)(加|减)(.+?)等于几", html)
        assert match
        a, b = _NUMBERS[match.group(1)], _NUMBERS[match.group(3)]
        answer = answer_of(html)
        nonce, issued, tag, answer_mac = hidden["challenge"].split(".")
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce)  # 16 random bytes
        assert abs(int(issued) - time.time()) < 120
        assert re.fullmatch(r"[0-9a-f]{32}", tag) and re.fullmatch(r"[0-9a-f]{32}", answer_mac)
        operands = {str(a), str(b), answer, "+", "-"}
        assert not operands & {nonce, issued, tag, answer_mac}
        # Only the server's key tells the right answer from a wrong one.
        db.rollback()
        token = hidden["challenge"]
        assert public_form.answer_challenge(db, "x" * 40, token, answer) == public_form.INVALID
        db.rollback()
    # A token in the old shape (its operands in the clear) is no token at all.
    old = f"3.+.5.{int(time.time())}.abcd1234.{'0' * 32}"
    assert public_form.answer_challenge(db, secret, old, "8") == public_form.INVALID
    db.rollback()


def test_two_answers_of_one_question_at_once_one_wins(settings: Settings, db: Session) -> None:
    secret = settings.resolved_secret_key()
    challenge = public_form.new_challenge(secret)
    match = re.search(r"^(.+?)(加|减)(.+?)等于几", challenge.question)
    assert match
    a, b = _NUMBERS[match.group(1)], _NUMBERS[match.group(3)]
    answer = str(a + b if match.group(2) == "加" else a - b)
    engine = make_engine(settings.resolved_database_url)
    factory = make_session_factory(engine)
    results: list[str | None] = []
    try:
        with factory() as first:
            assert public_form.answer_challenge(first, secret, challenge.token, answer) is None

            # The second answer arrives while the first is not yet committed.
            def second() -> None:
                with factory() as other:
                    results.append(
                        public_form.answer_challenge(other, secret, challenge.token, answer)
                    )
                    other.commit()

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(0.5)
            first.commit()
            thread.join(30)
        assert results == [public_form.SPENT]
        db.rollback()
        assert db.scalar(select(func.count()).select_from(SpentChallenge)) == 1
    finally:
        engine.dispose()


def test_evidence_bytes_per_client_and_day(settings: Settings, db: Session) -> None:
    capped = settings.model_copy(
        update={"correction_evidence_bytes_per_day": 1024**2, "correction_requests_per_hour": 20}
    )
    big = PDF + b"0" * (600 * 1024)
    small = PDF + b"1" * (100 * 1024)
    with TestClient(create_app(capped), follow_redirects=False) as client:
        public_id = publish(client, db)["obligation_id"]
        assert submit(client, public_id, files={"evidence": ("a.pdf", big, "application/pdf")})
        before = _counts(db, capped)
        over = submit(
            client, public_id, files={"evidence": ("b.pdf", big + b"x", "application/pdf")}
        )
        assert over.status_code == 429, over.text[:300]
        assert "证明材料已达上限" in over.text and "24小时内最多上传 1 MB" in over.text
        assert _counts(db, capped) == before  # nothing stored, not even the file
        assert 'value="张三"' in over.text  # the form comes back as typed
        fits = submit(client, public_id, files={"evidence": ("c.pdf", small, "application/pdf")})
        assert fits.status_code == 303, fits.text[:300]
        plain = submit(client, public_id)  # a request without evidence is not capped
        assert plain.status_code == 303
    assert _received(db) == 3
