"""The directories' pure rules: GB/T 4754-2017 code structure (大类 within its 门类), the
closed vocabularies, who is an inspector for a period and field, and the frozen candidate
lists a draw commits to (sorted labels, strata attributes, 回避 pairs in force)."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.core.models import CertificateStatus
from zhifa.demo.data import STREETS as DEMO_STREETS
from zhifa.inspection.candidates import InspectorFacts, RecusalFacts, SubjectFacts, freeze
from zhifa.inspection.inspectors.rules import (
    AbsenceFacts,
    AbsenceKind,
    CertificateFacts,
    Period,
    listing,
)
from zhifa.inspection.subjects.rules import (
    SECTIONS,
    STREETS,
    LicenceState,
    OperatingStatus,
    RiskGrade,
    industry_problem,
    section_of,
)


@pytest.mark.parametrize("code", ["A01", "C33", "C336", "C3360", "F5166", "G59", "K70", "T97"])
def test_well_formed_industry_codes(code: str) -> None:
    assert industry_problem(code) is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("C", "应为门类字母加 2 至 4 位数字"),
        ("C33600", "应为门类字母加 2 至 4 位数字"),
        ("c33", "应为门类字母加 2 至 4 位数字"),
        ("3360", "应为门类字母加 2 至 4 位数字"),
        ("U01", "门类“U”不存在"),
        ("C51", "大类 51 不属于门类 C（制造业，大类 13–43），属于门类 F"),
        ("A98", "大类 98 不属于门类 A（农、林、牧、渔业，大类 01–05），标准中没有这个大类"),
        ("F4410", "大类 44 不属于门类 F"),
    ],
)
def test_malformed_industry_codes_say_why(code: str, says: str) -> None:
    problem = industry_problem(code)
    assert problem is not None and says in problem


def test_sections_cover_the_97_divisions_once() -> None:
    covered = [d for first, last, _ in SECTIONS.values() for d in range(first, last + 1)]
    assert covered == list(range(1, 98))  # 20 门类, 大类 01–97, in order, no gap or overlap
    assert len(SECTIONS) == 20 and section_of(26) == "C" and section_of(98) is None


def test_streets_are_the_districts_ten_and_the_demo_uses_them() -> None:
    assert len(STREETS) == 10 and sum(s.endswith("镇") for s in STREETS) == 2
    assert set(DEMO_STREETS) == set(STREETS)


PERIOD = Period(date(2026, 12, 14), date(2026, 12, 31))


def _cert(number: str, to: date = date(2028, 1, 1), scope: str = "安全生产、应急管理",
          status: CertificateStatus = CertificateStatus.active) -> CertificateFacts:  # fmt: skip
    return CertificateFacts(number, status, date(2024, 1, 1), to, scope)


def test_an_inspector_needs_a_certificate_valid_all_period_for_the_field() -> None:
    assert listing([_cert("311")], [], PERIOD, "安全生产") == ("311", [])
    number, why = listing([_cert("312", to=date(2026, 12, 20))], [], PERIOD, "安全生产")
    assert number is None and why == ["执法证 312 在 2026年12月31日 已过期"]
    number, why = listing([_cert("313", scope="应急管理")], [], PERIOD, "安全生产")
    assert number is None and "不含“安全生产”" in why[0]
    # "安全" is not a field this certificate names, though the text contains it.
    assert listing([_cert("314")], [], PERIOD, "安全")[0] is None
    revoked = _cert("315", status=CertificateStatus.revoked)
    assert listing([revoked], [], PERIOD, "安全生产")[0] is None
    assert listing([revoked], [], PERIOD, "安全生产")[1] == ["执法证 315 在 2026年12月14日 已注销"]
    assert listing([revoked, _cert("316")], [], PERIOD, "安全生产") == ("316", [])


def test_an_absence_overlapping_the_period_leaves_the_inspector_out() -> None:
    leave = AbsenceFacts(AbsenceKind.leave, date(2026, 12, 31), date(2027, 1, 3))
    number, why = listing([_cert("311")], [leave], PERIOD, "安全生产")
    assert number is None and why == ["休假 2026年12月31日至2027年1月3日，与期间重叠"]
    before = AbsenceFacts(AbsenceKind.training, date(2026, 12, 1), date(2026, 12, 13))
    assert listing([_cert("311")], [before], PERIOD, "安全生产") == ("311", [])


def _subject(uscc: str, **changes: object) -> SubjectFacts:
    base: dict[str, object] = {
        "uscc": uscc,
        "industry_code": "C3360",
        "risk_grade": RiskGrade.b,
        "street": "桃浦镇",
        "special_flags": ("dust_explosion", "confined_space"),
        "licence_state": LicenceState.not_required,
        "status": OperatingStatus.operating,
        "in_scope": True,
    }
    return SubjectFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_frozen_candidates() -> None:
    subjects = [
        _subject("91310107MA1G00000Q"),
        _subject("913101070000000001", status=OperatingStatus.suspended),
        _subject("91310107000000000A", in_scope=False),
        _subject("91310107389963963E", industry_code="G59", risk_grade=RiskGrade.d),
    ]
    inspectors = [
        InspectorFacts(1, (_cert("31107000009"),)),
        InspectorFacts(2, (_cert("31107000001"),)),
        InspectorFacts(3, (_cert("31107000005", to=date(2026, 12, 30)),)),  # expires inside
        InspectorFacts(
            4,
            (_cert("31107000003"),),
            (AbsenceFacts(AbsenceKind.secondment, date(2026, 11, 1), date(2026, 12, 15)),),
        ),
    ]
    recusals = [
        RecusalFacts(1, "91310107MA1G00000Q", date(2026, 1, 1), None),
        RecusalFacts(2, "91310107389963963E", date(2025, 1, 1), date(2026, 12, 13)),  # ended
        RecusalFacts(2, "91310107MA1G00000Q", date(2026, 12, 31), date(2027, 1, 31)),
        RecusalFacts(3, "91310107MA1G00000Q", date(2026, 1, 1), None),  # not listed
        RecusalFacts(1, "913101070000000001", date(2026, 1, 1), None),  # subject not listed
    ]
    frozen = freeze(subjects, inspectors, recusals, PERIOD, "安全生产")
    assert [s.label for s in frozen.subjects] == ["91310107389963963E", "91310107MA1G00000Q"]
    assert frozen.inspectors == ("31107000001", "31107000009")
    assert frozen.avoidance == (
        ("31107000001", "91310107MA1G00000Q"),
        ("31107000009", "91310107MA1G00000Q"),
    )
    first = frozen.to_json()["subjects"][1]  # type: ignore[index]
    assert first == {
        "label": "91310107MA1G00000Q",
        "section": "C",
        "division": "33",
        "industry_code": "C3360",
        "risk_grade": "B",
        "street": "桃浦镇",
        "special_flags": ["confined_space", "dust_explosion"],
        "licence_state": "not_required",
    }
    # The same facts in another order freeze to the same lists.
    again = freeze(subjects[::-1], inspectors[::-1], recusals[::-1], PERIOD, "安全生产")
    assert again == frozen
