"""Deterministic demo data: units, officers, accounts and 50 valid parties in 普陀区."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

from zhifa.core.permissions import Role
from zhifa.demo.data import (
    DEMO_PASSWORD,
    INDUSTRIES,
    PARTY_KINDS,
    PERSON_TYPES,
    RISK_FLAGS,
    STREETS,
    demo_accounts,
    demo_dataset,
    demo_officers,
    demo_parties,
    demo_units,
)
from zhifa.enforcement.identifiers import (
    birth_date_of,
    org_code_check_char,
    validate_id_number,
    validate_phone,
    validate_uscc,
)

START_OF_2026 = date(2026, 1, 1)
END_OF_2026 = date(2026, 12, 31)


def test_deterministic() -> None:
    assert demo_dataset() == demo_dataset()
    assert demo_dataset(7) == demo_dataset(7)
    assert demo_parties(7) != demo_parties(8)
    assert dataclasses.asdict(demo_dataset())  # plain dicts on demand


def test_units() -> None:
    units = {unit.name: unit for unit in demo_units()}
    for name in ("局领导", "办公室", "法制宣传科", "安全生产监督管理科"):
        assert units[name].kind == "section"
    assert units["执法大队"].kind == "brigade"
    for name in ("第一中队", "第二中队", "第三中队"):
        assert units[name].kind == "squad"
        assert units[name].parent == "执法大队"
    assert {unit.kind for unit in units.values()} <= {"section", "brigade", "squad"}
    # Parents come before children, so a loader can insert in order.
    seen: set[str] = set()
    for unit in demo_units():
        assert unit.parent is None or unit.parent in seen
        seen.add(unit.name)


def test_officers_and_certificates() -> None:
    officers = demo_officers()
    assert len(officers) >= 12
    unit_names = {unit.name for unit in demo_units() if unit.kind in ("brigade", "squad")}
    assert all(officer.unit in unit_names for officer in officers)
    assert len({officer.username for officer in officers}) == len(officers)
    assert all(officer.username.isascii() and officer.username.isalpha() for officer in officers)
    numbers = [officer.certificate.number for officer in officers]
    assert len(set(numbers)) == len(numbers)
    for officer in officers:
        cert = officer.certificate
        assert cert.number.isdigit() and len(cert.number) == 11 and cert.number.startswith("31")
        assert cert.issuing_authority == "上海市人民政府"
        assert cert.scope and set(cert.scope) <= {"安全生产", "应急管理"}
        assert cert.valid_from < cert.valid_to
        validate_phone(officer.phone)
    expired = [o for o in officers if o.certificate.valid_to < START_OF_2026]
    assert len(expired) == 1
    for officer in officers:
        if officer not in expired:
            cert = officer.certificate
            assert cert.valid_from <= START_OF_2026 and cert.valid_to >= END_OF_2026


def test_every_role_has_an_account() -> None:
    accounts = demo_accounts()
    roles = Counter(role for account in accounts for role in account.roles)
    assert set(roles) == {role.value for role in Role}
    by_username = {account.username: account for account in accounts}
    assert len(by_username) == len(accounts)
    assert by_username["admin"].roles == ("admin",)
    for name in ("legal", "supervision", "office", "leader", "archivist"):
        assert by_username[name].roles == (name,)
    assert roles["officer"] == len(demo_officers())
    unit_names = {unit.name for unit in demo_units()}
    assert all(account.unit is None or account.unit in unit_names for account in accounts)
    assert DEMO_PASSWORD == "Zhifa@2026"


def test_fifty_parties_with_valid_identifiers() -> None:
    parties = demo_parties()
    assert len(parties) == 50
    kinds = Counter(party.kind for party in parties)
    assert set(kinds) <= set(PARTY_KINDS)
    assert kinds["enterprise"] >= 35 and kinds["person"] >= 8
    for party in parties:
        assert party.address.startswith("上海市普陀区")
        assert party.street in STREETS
        assert validate_phone(party.phone) == party.phone
        assert set(party.risk_flags) <= set(RISK_FLAGS)
        assert party.industry is None or party.industry in INDUSTRIES
        if party.kind == "enterprise":
            assert party.uscc is not None and party.id_number is None
            assert validate_uscc(party.uscc) == party.uscc
            assert party.uscc.startswith("91310107")
            assert org_code_check_char(party.uscc[8:16]) == party.uscc[16]
            assert party.legal_representative and party.industry
            assert party.name.startswith("上海") and "公司" in party.name
        else:
            assert party.id_number is not None
            if party.person_type == "individual_business":  # with its 92… code
                assert party.uscc is not None and party.uscc.startswith("92310107")
                assert validate_uscc(party.uscc) == party.uscc
            else:
                assert party.uscc is None
            assert validate_id_number(party.id_number, today=START_OF_2026) == party.id_number
            assert party.id_number.startswith("310107")
            assert 1950 <= birth_date_of(party.id_number).year <= 2005
            assert party.person_type in PERSON_TYPES
            assert (party.person_type == "individual_business") == bool(party.business_name)
    identifiers = [party.uscc or party.id_number for party in parties]
    assert len(set(identifiers)) == 50
    assert len({party.name for party in parties}) == 50


def test_risk_flags_and_industries() -> None:
    parties = demo_parties()
    flags = Counter(flag for party in parties for flag in party.risk_flags)
    assert flags["hazardous_chemicals"] >= 8
    assert flags["explosive"] >= 4
    assert set(RISK_FLAGS) == {
        "hazardous_chemicals",
        "explosive",
        "fireworks",
        "confined_space",
        "dust_explosion",
        "gas",
        "ammonia_refrigeration",  # 涉氨制冷 and 金属冶炼: special flags of the 检查对象名录库
        "metal_smelting",
    }
    assert RISK_FLAGS["hazardous_chemicals"] == "危险化学品"
    used = {party.industry for party in parties if party.kind == "enterprise"}
    assert used == set(INDUSTRIES)


def test_other_seeds_stay_valid() -> None:
    for seed in range(5):
        for party in demo_parties(seed):
            if party.uscc:
                validate_uscc(party.uscc)
            if party.id_number:
                validate_id_number(party.id_number)
