"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from zhifa.core.errors import DomainError

_hasher = PasswordHasher()
# A fixed hash to verify against when the user does not exist, so that timing does not
# reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("zhifa-no-such-user")

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def check_policy(password: str, field: str = "password") -> None:
    """At least 8 characters, with letters and digits."""
    if len(password) < MIN_LENGTH:
        raise DomainError(f"密码至少需要 {MIN_LENGTH} 位", field)
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise DomainError("密码须同时包含字母和数字", field)
