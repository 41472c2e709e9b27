"""Writes the demo dataset into a database, idempotently (by username, unit name,
certificate number, USCC / ID number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core import accounts
from zhifa.core import certificates as officer_service
from zhifa.core.models import CertificateVersion, Unit, UnitKind, User
from zhifa.core.permissions import Role
from zhifa.demo.catalog import seed_demo_catalog
from zhifa.demo.data import DEMO_PASSWORD, DemoParty, demo_dataset
from zhifa.demo.inspection import seed_demo_inspection, seed_demo_plan
from zhifa.enforcement import parties
from zhifa.enforcement.models import PartyKind, PartyVersion
from zhifa.publicity.channels.registry import ensure_default_channels
from zhifa.publicity.models import PlatformStart
from zhifa.recording.onsite.service import seed_default_scripts


@dataclass
class SeedReport:
    units: int = 0
    users: int = 0
    certificates: int = 0
    parties: int = 0
    power_items: int = 0
    laws: int = 0
    channels: int = 0
    scripts: int = 0
    inspection_subjects: int = 0
    inspection_plans: int = 0


def _unit_ids(db: Session, report: SeedReport) -> dict[str, int]:
    ids = {unit.name: unit.id for unit in db.scalars(select(Unit))}
    for unit in demo_dataset().units:
        if unit.name not in ids:
            data = accounts.UnitIn(
                name=unit.name,
                kind=UnitKind(unit.kind),
                parent_id=ids[unit.parent] if unit.parent else None,
            )
            ids[unit.name] = accounts.create_unit(db, data, None).id
            report.units += 1
    return ids


def _ensure_user(
    db: Session,
    username: str,
    full_name: str,
    roles: list[Role],
    unit_id: int | None,
    phone: str | None,
    report: SeedReport,
) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        data = accounts.UserIn(
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            roles=roles,
            unit_id=unit_id,
            phone=phone,
        )
        user = accounts.create_user(db, data, None)
        report.users += 1
    return user


def _party_exists(db: Session, party: DemoParty) -> bool:
    column = PartyVersion.uscc if party.uscc else PartyVersion.id_number
    return (
        db.scalar(select(PartyVersion.id).where(column == (party.uscc or party.id_number)))
        is not None
    )


def _party_input(party: DemoParty) -> parties.PartyIn:
    name = party.name
    if party.business_name:
        name = f"{party.business_name}（{party.name}）"
    return parties.PartyIn(
        kind=PartyKind(party.kind),
        name=name,
        uscc=party.uscc,
        id_number=party.id_number,
        legal_representative=party.legal_representative,
        address=party.address,
        industry=party.industry or "",
        phone=party.phone,
        risk_flags=list(party.risk_flags),
    )


def seed_demo(db: Session) -> SeedReport:
    """Create whatever of the demo data is missing; running it again adds nothing."""
    report = SeedReport()
    dataset = demo_dataset()
    unit_ids = _unit_ids(db, report)
    for account in dataset.accounts:
        _ensure_user(
            db,
            account.username,
            account.full_name,
            [Role(r) for r in account.roles],
            unit_ids.get(account.unit or ""),
            account.phone,
            report,
        )
    known_numbers = set(db.scalars(select(CertificateVersion.number)))
    for officer in dataset.officers:
        user = _ensure_user(
            db,
            officer.username,
            officer.full_name,
            [Role.officer],
            unit_ids.get(officer.unit),
            officer.phone,
            report,
        )
        cert = officer.certificate
        if cert.number not in known_numbers:
            officer_service.issue_certificate(
                db,
                officer_service.CertificateIn(
                    officer_id=user.id,
                    number=cert.number,
                    issuing_authority=cert.issuing_authority,
                    scope="、".join(cert.scope),
                    valid_from=cert.valid_from,
                    valid_to=cert.valid_to,
                ),
                who=None,
            )
            report.certificates += 1
    for party in dataset.parties:
        if not _party_exists(db, party):
            parties.register_party(db, _party_input(party), who=None)
            report.parties += 1
    report.laws, report.power_items = seed_demo_catalog(db)  # the 事前公示 catalogue
    report.inspection_subjects = seed_demo_inspection(db)  # 一单两库's directories
    report.inspection_plans = seed_demo_plan(db)  # the 2026 年度监督检查计划
    report.channels = ensure_default_channels(db)
    report.scripts = seed_default_scripts(db)  # 规范执法用语 of the on-site screens
    _demo_platform_start(db)
    db.commit()
    return report


# The demo's story: the bureau began keeping its duties here on 1 February 2026, so the
# demo's history (catalogue changes, decisions) is charged to people, while the 2025
# yearly figures (due 31 January 2026) are 历史遗留.
DEMO_PLATFORM_START = date(2026, 2, 1)


def _demo_platform_start(db: Session) -> None:
    start = db.get(PlatformStart, 1)
    if start is not None and start.started_on > DEMO_PLATFORM_START:
        start.started_on = DEMO_PLATFORM_START
