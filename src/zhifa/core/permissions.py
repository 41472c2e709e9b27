"""Roles and the one permission table that every route consults."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    officer = "officer"
    legal = "legal"
    supervision = "supervision"
    office = "office"
    leader = "leader"
    archivist = "archivist"
    admin = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.officer: "执法人员",
    Role.legal: "法制宣传科",
    Role.supervision: "安全生产监督管理科",
    Role.office: "办公室",
    Role.leader: "领导",
    Role.archivist: "档案管理员",
    Role.admin: "系统管理员",
}


class Permission(StrEnum):
    app_use = "app.use"  # sign in to the internal app at all
    party_read = "party.read"
    party_write = "party.write"
    officer_read = "officer.read"
    certificate_write = "certificate.write"
    user_admin = "user.admin"
    unit_admin = "unit.admin"
    token_admin = "token.admin"  # noqa: S105
    calendar_admin = "calendar.admin"
    login_log_read = "login_log.read"


_EVERYONE = {Permission.app_use, Permission.party_read, Permission.officer_read}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.officer: frozenset(_EVERYONE | {Permission.party_write}),
    Role.legal: frozenset(_EVERYONE | {Permission.party_write, Permission.certificate_write}),
    Role.supervision: frozenset(_EVERYONE),
    Role.office: frozenset(_EVERYONE | {Permission.certificate_write}),
    Role.leader: frozenset(_EVERYONE | {Permission.login_log_read}),
    Role.archivist: frozenset(_EVERYONE),
    Role.admin: frozenset(Permission),
}


def permissions_of(roles: set[Role] | frozenset[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= PERMISSIONS[role]
    return frozenset(granted)
