"""What the core API answers: the signed-in person, users, units, API tokens and a due
date of the working-day calendar."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from zhifa.core.auth import Principal
from zhifa.core.calendar import Due
from zhifa.core.models import ApiToken, Unit, User
from zhifa.core.permissions import Permission, Role


class MeOut(BaseModel):
    user_id: int
    username: str
    full_name: str
    roles: list[Role]
    permissions: list[Permission]

    @classmethod
    def of(cls, who: Principal) -> MeOut:
        return cls(
            user_id=who.user_id,
            username=who.username,
            full_name=who.full_name,
            roles=sorted(who.roles),
            permissions=sorted(who.permissions),
        )


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str
    roles: list[Role]
    unit_id: int | None
    is_active: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            roles=sorted(user.roles),
            unit_id=user.unit_id,
            is_active=user.is_active,
        )


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    parent_id: int | None

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(id=unit.id, name=unit.name, kind=unit.kind, parent_id=unit.parent_id)


class TokenOut(BaseModel):
    """An API token as the list shows it: never the token itself, only its first letters."""

    id: int
    prefix: str
    user_id: int
    label: str
    created_at: str  # ISO 8601 as Python writes it (+00:00)
    last_used_at: str | None
    revoked: bool

    @classmethod
    def of(cls, row: ApiToken) -> TokenOut:
        return cls(
            id=row.id,
            prefix=row.prefix,
            user_id=row.user_id,
            label=row.label,
            created_at=row.created_at.isoformat(),
            last_used_at=row.last_used_at.isoformat() if row.last_used_at else None,
            revoked=row.revoked_at is not None,
        )


class IssuedTokenOut(BaseModel):
    token: str  # shown this once: only its hash is kept


class DueOut(BaseModel):
    date: date
    provisional: bool
    basis: str
    ends_at: str
    lean: str | None = Field(
        default=None,
        description="暂定年份的取向：earliest（本局义务，最早可能日）或 latest（当事人期限，"
        "最晚可能日）；结果不涉及暂定年份时为空",
    )

    @classmethod
    def of(cls, due: Due, lean: str | None = None) -> DueOut:
        return cls(
            date=due.date,
            provisional=due.provisional,
            basis=due.basis,
            ends_at=due.ends_at.isoformat(),
            lean=lean if due.provisional else None,
        )
