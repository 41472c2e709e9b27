"""The public correction form's guards, with no login: a Chinese arithmetic question in a
signed, time-limited token (no server state, so several portal processes agree), and the
form's CSRF token (a random value in a SameSite=Strict cookie that the form repeats, as
the sign-in form does)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from dataclasses import dataclass

CHALLENGE_MAX_AGE_SECONDS = 30 * 60
CSRF_COOKIE = "zhifa_correction_csrf"
_DIGITS = "零一二三四五六七八九"


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


def _sign(secret: str, payload: str) -> str:
    key = secret.encode()
    return hmac.new(key, f"correction-challenge|{payload}".encode(), hashlib.sha256).hexdigest()


def new_challenge(secret: str, now: float | None = None) -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    plus = secrets.randbelow(2) == 0
    if not plus and a < b:
        a, b = b, a
    op = "加" if plus else "减"
    issued = int(time.time() if now is None else now)
    payload = f"{a}.{'+' if plus else '-'}.{b}.{issued}.{secrets.token_hex(4)}"
    question = f"{chinese_number(a)}{op}{chinese_number(b)}等于几？（请填阿拉伯数字）"
    return Challenge(question, f"{payload}.{_sign(secret, payload)[:32]}")


def _answer_value(text: str) -> int | None:
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain.isascii() and plain.isdigit():
        return int(plain)
    for n in range(100):
        if chinese_number(n) == plain:
            return n
    return None


def check_answer(secret: str, token: str, answer: str, now: float | None = None) -> str | None:
    """None when the answer is right and the token genuine and fresh; else the message."""
    payload, _, signature = token.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 5 or not hmac.compare_digest(signature, _sign(secret, payload)[:32]):
        return "验证问题已失效，请回答新的问题"
    a, op, b, issued = int(parts[0]), parts[1], int(parts[2]), int(parts[3])
    if (time.time() if now is None else now) - issued > CHALLENGE_MAX_AGE_SECONDS:
        return "验证问题已超时（30分钟），请回答新的问题"
    expected = a + b if op == "+" else a - b
    if _answer_value(answer) != expected:
        return "验证问题回答不正确，请重新计算"
    return None


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str, sent: str) -> bool:
    return bool(cookie) and secrets.compare_digest(cookie, sent)
