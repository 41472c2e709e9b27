"""The public correction form's guards, with no login.

The anti-spam question is arithmetic in Chinese, shown as text (a screen reader reads it
out; an image would shut out blind requesters and stop no bot written for this form).
What the page hides carries nothing that gives the answer away: the token is a random
id, the time of issue, a keyed MAC that makes the token genuine and a keyed MAC over the
answer, which only the server can check. A token is spent by its first answer, right or
wrong (`SpentChallenge`, in the database, so every portal process agrees): one question
admits one submission and cannot be tried answer by answer.

A wrong answer keeps the question: the page asks the same sum again under a new token
(a new id, so the old token stays spent). The question follows from the first half of the
token's id and the server's key (`_operands`), so a token names its question without
carrying it. A robot gains nothing it did not have: the question is on the page in plain
words, and each answer still costs a fresh token; the hourly limit of accepted requests
bounds what any robot gets through.

The form's CSRF token is a random value in a SameSite=Strict cookie that the form
repeats, as the sign-in form does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request

from zhifa.core.errors import DomainError, Forbidden, InvalidInput
from zhifa.publicity.models import SpentChallenge

CHALLENGE_MAX_AGE_SECONDS = 30 * 60  # an anti-spam window, not a legal time limit
CSRF_COOKIE = "zhifa_correction_csrf"
_DIGITS = "零一二三四五六七八九"

INVALID = "验证问题已失效，请回答新的问题"
EXPIRED = "验证问题已超时（30分钟），请回答新的问题"
SPENT = "该验证问题已经回答过，每个问题只能提交一次，请回答新的问题"
WRONG = "验证问题回答不正确，请重新计算后填写"
_SEED_CHARS = 11  # the first half of a token's id: 8 random bytes, URL-safe base64


def chinese_number(n: int) -> str:
    """0-99 in Chinese numerals: 7 → 七, 12 → 十二, 20 → 二十."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _mac(secret: str, *parts: str) -> str:
    text = "|".join(("correction-challenge", *parts))
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def _operands(secret: str, seed: str) -> tuple[int, int, bool]:
    """The question a token's seed names: two numbers from 1 to 9 and plus or minus (a
    difference never below zero)."""
    pick = hmac.new(secret.encode(), f"correction-question|{seed}".encode(), "sha256").digest()
    a, b, plus = pick[0] % 9 + 1, pick[1] % 9 + 1, pick[2] % 2 == 0
    if not plus and a < b:
        a, b = b, a
    return a, b, plus


def _genuine_seed(secret: str, token: str) -> str | None:
    """The seed of a token this server issued (its tag checks), else None."""
    parts = token.split(".")
    if len(parts) != 4 or len(parts[0]) != 2 * _SEED_CHARS:
        return None
    nonce, issued, tag, _ = parts
    if not hmac.compare_digest(tag, _mac(secret, "token", nonce, issued)):
        return None
    return nonce[:_SEED_CHARS]


def new_challenge(secret: str, now: float | None = None, again: str = "") -> Challenge:
    """A new question; or, `again` being a token this server issued, the same question
    under a new token."""
    seed = _genuine_seed(secret, again) or secrets.token_urlsafe(8)
    a, b, plus = _operands(secret, seed)
    answer = a + b if plus else a - b
    nonce = seed + secrets.token_urlsafe(8)
    issued = str(int(time.time() if now is None else now))
    token = ".".join(
        (
            nonce,
            issued,
            _mac(secret, "token", nonce, issued),
            _mac(secret, "answer", nonce, issued, str(answer)),
        )
    )
    question = (
        f"{chinese_number(a)}{'加' if plus else '减'}{chinese_number(b)}等于几？（请填阿拉伯数字）"
    )
    return Challenge(question, token)


def _answer_value(text: str) -> int | None:
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain.isascii() and plain.isdigit() and len(plain) <= 3:
        return int(plain)
    for n in range(100):
        if chinese_number(n) == plain:
            return n
    return None


def _spend(db: Session, nonce: str, expires_at: datetime, now: datetime) -> bool:
    """Mark the token spent; False if it was spent before (also by a concurrent request:
    the unique id decides). Spent ids past their token's age go in one statement."""
    db.execute(delete(SpentChallenge).where(SpentChallenge.expires_at < now))
    if db.scalar(select(SpentChallenge.id).where(SpentChallenge.nonce == nonce)) is not None:
        return False
    db.add(SpentChallenge(nonce=nonce, expires_at=expires_at))
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        return False
    return True


def answer_challenge(
    db: Session, secret: str, token: str, answer: str, now: float | None = None
) -> str | None:
    """None when the token is genuine, fresh and unspent and the answer right; else the
    message. A genuine, fresh token is spent here whatever the answer: the caller commits
    that before it refuses anything else."""
    parts = token.split(".")
    if len(parts) != 4 or len(parts[0]) > 40 or not parts[1].isdigit() or len(parts[1]) > 12:
        return INVALID
    nonce, issued, tag, answer_mac = parts
    if not hmac.compare_digest(tag, _mac(secret, "token", nonce, issued)):
        return INVALID
    clock = time.time() if now is None else now
    if not -60 <= clock - int(issued) <= CHALLENGE_MAX_AGE_SECONDS:
        return EXPIRED
    expires_at = datetime.fromtimestamp(int(issued) + CHALLENGE_MAX_AGE_SECONDS, UTC)
    if not _spend(db, nonce, expires_at, datetime.fromtimestamp(clock, UTC)):
        return SPENT
    value = _answer_value(answer)
    right = value is not None and hmac.compare_digest(
        answer_mac, _mac(secret, "answer", nonce, issued, str(value))
    )
    return None if right else WRONG


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str, sent: str) -> bool:
    return bool(cookie) and secrets.compare_digest(cookie, sent)


class FormRefused(InvalidInput):
    """Several fields of the form refused at once: each field's message (the first is the
    exception's own message)."""

    def __init__(self, fields: dict[str, str]) -> None:
        field, message = next(iter(fields.items()))
        super().__init__(message, field)
        self.fields = fields


def check_guards(
    db: Session, secret: str, cookie: str, values: dict[str, str], refused: dict[str, str]
) -> None:
    """The guards of a public form without login (CSRF, the hidden field only robots fill,
    the question), then the typed fields' refusals (``refused``) with the answer's: every
    refusal at once. A genuine question is spent here whatever follows."""
    if not csrf_ok(cookie, values.get("csrf_token", "")):
        raise Forbidden("表单已失效（CSRF 校验失败），请刷新页面后重新填写")
    if values.get("website"):  # a field people do not see: only robots fill it
        raise DomainError("提交未通过校验，请刷新页面后重新填写")
    problem = answer_challenge(db, secret, values.get("challenge", ""), values.get("answer", ""))
    if refused:
        raise FormRefused({**refused, **({"answer": problem} if problem else {})})
    if problem:
        raise DomainError(problem, "answer")


async def evidence_upload(request: Request, max_bytes: int) -> bytes | None:
    """The form's evidence file's bytes (one more than allowed at most, so that a file too
    large is told apart without reading it all), None when none was sent."""
    upload = (await request.form()).get("evidence")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(max_bytes + 1)
