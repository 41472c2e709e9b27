"""Tables of the core: units, users and their roles, sessions, API tokens, login events."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.core.permissions import Role


class UnitKind(StrEnum):
    section = "section"  # 科室
    brigade = "brigade"  # 执法大队
    squad = "squad"  # 中队


UNIT_KIND_LABELS = {UnitKind.section: "科室", UnitKind.brigade: "执法大队", UnitKind.squad: "中队"}


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(String(20))


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class ApiToken(Base):
    """A bearer token for machine clients; only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginEvent(Base):
    """Every sign-in attempt, successful or not (append-only)."""

    __tablename__ = "login_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(50))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    success: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(50), default="")
    client: Mapped[str] = mapped_column(String(100), default="")


class LoginThrottle(Base):
    """Failed sign-ins counted under one key: a client (keyed hash of its address), an
    account (``a:<user id>``, or a keyed hash of a name no account has) or a known device.
    Volatile state, not a record: not ledgered, forgotten an hour after the last failure
    once no wait is running."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    wait_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AccessLog(Base):
    """Every read of a record by a person: who, when, which record, why (append-only)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    via: Mapped[str] = mapped_column(String(10), default="page")


class AccessContext(Base):
    """Where an access came from and which action / party it concerned, beside its
    ``AccessLog`` row (a table of its own: adding columns to ``access_log`` would change
    the ledger snapshot of every row already logged). Append-only."""

    __tablename__ = "access_context"

    access_id: Mapped[int] = mapped_column(ForeignKey("access_log.id"), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), default="")  # IP address
    action_id: Mapped[int | None] = mapped_column(index=True)
    party_id: Mapped[int | None] = mapped_column(index=True)


class HolidaySchedule(Base):
    """An official holiday schedule loaded by the administrator for a year the calendar
    library does not know yet. A later load for the same year supersedes, never erases."""

    __tablename__ = "holiday_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    loaded_by: Mapped[str] = mapped_column(String(50), default="")


class DueRecompute(Base):
    """A stored provisional due day recomputed when a year's official schedule was loaded
    (append-only): which record, the day it had and the day it has now. The record's own
    due day is updated in the same transaction; this row keeps the previous one."""

    __tablename__ = "due_recompute"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_table: Mapped[str] = mapped_column(String(60), index=True)
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    limit_code: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)  # the year whose schedule was loaded
    official: Mapped[bool] = mapped_column(default=True)  # False: an example schedule
    old_date: Mapped[date]
    new_date: Mapped[date]
    provisional: Mapped[bool] = mapped_column(default=False)  # the new day still is
    basis: Mapped[str] = mapped_column(String(1000))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredBlob(Base):
    """A file put into the write-once blob store (content-addressed by its digest)."""

    __tablename__ = "stored_blob"

    digest: Mapped[str] = mapped_column(String(80), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(50), default="")


class JobLease(Base):
    """One scheduled job's lease (`core.jobs`): who holds it until when, when it is next
    due, and what its last run did. Scheduling state, not a record: not ledgered."""

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120), default="")
    lease_until: Mapped[datetime | None]
    next_due_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    last_report: Mapped[str] = mapped_column(String(500), default="")
    runs: Mapped[int] = mapped_column(default=0)


class CertificateStatus(StrEnum):
    active = "active"  # 在用
    revoked = "revoked"  # 已注销
    suspended = "suspended"  # 暂扣


class Certificate(Base):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[CertificateVersion]] = relationship(
        order_by="CertificateVersion.version", back_populates="certificate"
    )


class CertificateVersion(Base):
    __tablename__ = "certificate_version"
    __table_args__ = (UniqueConstraint("certificate_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), index=True)
    version: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), index=True)
    issuing_authority: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    status: Mapped[CertificateStatus] = mapped_column(enum_type(CertificateStatus))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    certificate: Mapped[Certificate] = relationship(back_populates="versions")
