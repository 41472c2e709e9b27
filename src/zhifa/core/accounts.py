"""Use cases for units and user accounts (administrator's work)."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.core.audit import IMPERSONAL_ACTORS, record_change
from zhifa.core.auth import Principal, actor_name, clear_account_throttle
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import Unit, UnitKind, User, UserRole
from zhifa.core.passwords import check_policy, hash_password
from zhifa.core.permissions import Role
from zhifa.core.validation import BodyRecordId

USERNAME_PATTERN = r"^[a-z][a-z0-9_.-]{2,49}$"


class UnitIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    kind: UnitKind
    parent_id: BodyRecordId | None = None

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()


class UserIn(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    full_name: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1)
    unit_id: BodyRecordId | None = None
    phone: str | None = Field(default=None, max_length=20)


class UserUpdate(BaseModel):
    full_name: str = Field(min_length=1, max_length=50)
    roles: list[Role] = Field(min_length=1)
    unit_id: BodyRecordId | None = None
    phone: str | None = Field(default=None, max_length=20)
    is_active: bool = True


def list_units(db: Session) -> list[Unit]:
    return list(db.scalars(select(Unit).order_by(Unit.parent_id.nulls_first(), Unit.id)))


def _check_unit(db: Session, unit_id: int | None, field: str) -> None:
    if unit_id is not None and db.get(Unit, unit_id) is None:
        raise DomainError("所选单位不存在", field)


def create_unit(db: Session, data: UnitIn, who: Principal | None) -> Unit:
    if db.scalar(select(Unit).where(Unit.name == data.name)) is not None:
        raise Conflict(f"单位名称“{data.name}”已存在", "name")
    _check_unit(db, data.parent_id, "parent_id")
    unit = Unit(name=data.name, kind=data.kind, parent_id=data.parent_id)
    db.add(unit)
    record_change(db, actor_name(who), "unit.create", unit)
    return unit


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.username)))


def get_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def create_user(db: Session, data: UserIn, who: Principal | None) -> User:
    if data.username in IMPERSONAL_ACTORS:  # the ledger's words for nobody in particular
        raise Conflict(f"用户名“{data.username}”为系统保留，不能使用", "username")
    if db.scalar(select(func.count()).where(User.username == data.username)):
        raise Conflict(f"用户名“{data.username}”已被使用", "username")
    check_policy(data.password)
    _check_unit(db, data.unit_id, "unit_id")
    user = User(
        username=data.username,
        full_name=data.full_name.strip(),
        password_hash=hash_password(data.password),
        unit_id=data.unit_id,
        phone=data.phone,
    )
    user.role_rows = [UserRole(role=role.value) for role in sorted(set(data.roles))]
    db.add(user)
    record_change(db, actor_name(who), "user.create", user)
    return user


def update_user(db: Session, user_id: int, data: UserUpdate, who: Principal) -> User:
    user = get_user(db, user_id)
    _check_unit(db, data.unit_id, "unit_id")
    if user_id == who.user_id and (Role.admin not in data.roles or not data.is_active):
        raise DomainError("不能取消自己的管理员角色或停用自己的账号", "roles")
    user.full_name = data.full_name.strip()
    user.unit_id = data.unit_id
    user.phone = data.phone
    user.is_active = data.is_active
    wanted = {role.value for role in data.roles}
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - {row.role for row in user.role_rows})
    ]
    record_change(db, who.username, "user.update", user)
    return user


def reset_password(db: Session, user_id: int, new_password: str, who: Principal) -> None:
    user = get_user(db, user_id)
    check_policy(new_password, "new_password")
    user.password_hash = hash_password(new_password)
    clear_account_throttle(db, user_id)
    record_change(db, who.username, "user.reset_password", user)


def unlock(db: Session, user_id: int, who: Principal) -> None:
    """Lift the wait that sign-in failures put on this account for unknown devices."""
    user = get_user(db, user_id)
    clear_account_throttle(db, user_id)
    record_change(db, who.username, "user.unlock", user)
