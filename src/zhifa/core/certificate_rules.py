"""Pure decisions about certificates: what state one is in on a given day."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from zhifa.core.models import CertificateStatus


class CertificateState(StrEnum):
    valid = "valid"  # 有效
    not_yet_valid = "not_yet_valid"  # 未生效
    expired = "expired"  # 已过期
    revoked = "revoked"  # 已注销
    suspended = "suspended"  # 暂扣


STATE_LABELS = {
    CertificateState.valid: "有效",
    CertificateState.not_yet_valid: "未生效",
    CertificateState.expired: "已过期",
    CertificateState.revoked: "已注销",
    CertificateState.suspended: "暂扣",
}


def certificate_state(
    status: CertificateStatus, valid_from: date, valid_to: date, on: date
) -> CertificateState:
    """A certificate is valid on a day when it is in use and the day is within its term
    (both ends included)."""
    if status is CertificateStatus.revoked:
        return CertificateState.revoked
    if status is CertificateStatus.suspended:
        return CertificateState.suspended
    if on < valid_from:
        return CertificateState.not_yet_valid
    if on > valid_to:
        return CertificateState.expired
    return CertificateState.valid
