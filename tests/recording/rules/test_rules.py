"""The pure rule table of 《全过程记录办法》 第五条、第六条、第七条、第十条: each situation
decides its level with its clause; gaps; what a record lacks; retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zhifa.enforcement.models import RISK_FLAGS
from zhifa.recording.av.rules import (
    HIGH_RISK_FLAGS,
    BureauSituation,
    ExceptionState,
    Fact,
    Gap,
    Level,
    RecordingFacts,
    RecordState,
    Retention,
    Segment,
    decide,
    find_gaps,
    record_problems,
    retention_rule,
)

NO_RISK = frozenset({"confined_space"})


def facts(kind: str, procedure: str, step: str, **extra: object) -> RecordingFacts:
    return RecordingFacts(kind=kind, procedure=procedure, step=step, **extra)  # type: ignore[arg-type]


DRINKS = BureauSituation("night_check", "夜间检查", steps=frozenset({"inspection"}))
ASKED = BureauSituation("media_present", "有媒体在场的执法活动")  # stated by the officer

# situation -> (facts, level, the clause cited)
TABLE = {
    "(一) 告知承诺许可后的检查": (
        facts(
            "inspection",
            "inspection.on_site",
            "inspection",
            stated=frozenset({Fact.licence_by_commitment}),
        ),
        Level.mandatory,
        "第五条（一）",
    ),
    "(二) 可能有争议或危险性较大": (
        facts("other", "other.general", "handling", stated=frozenset({Fact.disputed_or_dangerous})),
        Level.mandatory,
        "第五条（二）",
    ),
    "(三) 查封扣押": (
        facts("compulsion", "compulsion.seizure", "measure"),
        Level.mandatory,
        "第五条（三）",
    ),
    "(三) 证据先行登记保存": (
        facts("compulsion", "compulsion.preservation", "preservation"),
        Level.mandatory,
        "第五条（三）",
    ),
    "(四) 重大事故隐患现场处理（现场处理措施决定书）": (
        facts("inspection", "inspection.on_site", "measures", on_site_measure_decision=True),
        Level.mandatory,
        "第五条（四）",
    ),
    "(四) 重大事故隐患现场处理（执法人员说明）": (
        facts(
            "inspection",
            "inspection.on_site",
            "inspection",
            stated=frozenset({Fact.major_hazard_measure}),
        ),
        Level.mandatory,
        "第五条（四）",
    ),
    "(五) 立案后询问笔录": (
        facts("penalty", "penalty.general", "investigation"),
        Level.mandatory,
        "第五条（五）",
    ),
    "(六) 陈述申辩": (
        facts("penalty", "penalty.general", "statement"),
        Level.mandatory,
        "第五条（六）",
    ),
    "(六) 听证": (facts("penalty", "penalty.general", "hearing"), Level.mandatory, "第五条（六）"),
    "(七) 留置送达": (
        facts("penalty", "penalty.general", "service", service_method="left"),
        Level.mandatory,
        "第五条（七）",
    ),
    "(七) 公告送达": (
        facts("levy", "levy.general", "service", service_method="announcement"),
        Level.mandatory,
        "第五条（七）",
    ),
    "(八) 本局规定（自动适用）": (
        facts("inspection", "inspection.on_site", "inspection", situations=(DRINKS,)),
        Level.mandatory,
        "第五条（八）",
    ),
    "(八) 本局规定（执法人员选择）": (
        facts(
            "license",
            "license.general",
            "review",
            situations=(ASKED,),
            stated=frozenset({"bureau:media_present"}),
        ),
        Level.mandatory,
        "第五条（八）",
    ),
    "第六条(一) 现场检查": (
        facts("inspection", "inspection.on_site", "inspection"),
        Level.optional,
        "第六条（一）",
    ),
    "第六条(一) 复查": (
        facts("inspection", "inspection.on_site", "reinspection"),
        Level.optional,
        "第六条（一）",
    ),
    "第六条(二) 简易程序": (
        facts("penalty", "penalty.summary", "on_site_decision"),
        Level.optional,
        "第六条（二）",
    ),
    "第六条(三) 其他": (
        facts("other", "other.general", "handling"),
        Level.optional,
        "第六条（三）",
    ),
    "第六条(三) 许可现场核查": (
        facts("license", "license.general", "review"),
        Level.optional,
        "第六条（三）",
    ),
    "第七条 易燃易爆场所的查封": (
        facts("compulsion", "compulsion.seizure", "measure", risk_flags=frozenset({"explosive"})),
        Level.video_exempt,
        "第五条（三）",
    ),
    "第七条 执法人员说明的高风险现场": (
        facts(
            "penalty", "penalty.general", "investigation", stated=frozenset({Fact.high_risk_site})
        ),
        Level.video_exempt,
        "第五条（五）",
    ),
}


@pytest.mark.parametrize("name", list(TABLE))
def test_rule_table(name: str) -> None:
    given, level, clause = TABLE[name]
    decision = decide(given)
    assert decision.level is level, decision
    assert clause in decision.citations
    assert clause in decision.explanation or clause.replace("条", "条") in decision.explanation
    assert decision.explanation.startswith("应当" if level is not Level.optional else "可以")


def test_every_situation_of_the_measure_is_in_the_table() -> None:
    cited = {c for given, _, _ in TABLE.values() for c in decide(given).citations}
    assert {f"第五条（{n}）" for n in "一二三四五六七八"} <= cited
    assert {f"第六条（{n}）" for n in "一二三"} <= cited
    assert "第七条第一款" in cited


def test_video_exemption_names_the_flags_and_asks_for_audio_and_photos() -> None:
    decision = decide(
        facts(
            "inspection",
            "inspection.on_site",
            "measures",
            on_site_measure_decision=True,
            risk_flags=frozenset({"hazardous_chemicals", "gas"}),
        )
    )
    assert decision.level is Level.video_exempt and decision.mandatory
    assert decision.exemption is not None and "危险化学品、燃气" in decision.exemption
    assert "音频和照片" in decision.expected and "第七条第一款" in decision.citations


@pytest.mark.parametrize("step", ["statement", "hearing"])
def test_no_video_exemption_for_statements_and_hearings(step: str) -> None:
    # Held at the bureau, not at the party's explosive site.
    decision = decide(
        facts("penalty", "penalty.general", step, risk_flags=frozenset({"explosive"}))
    )
    assert decision.level is Level.mandatory and decision.exemption is None


def test_no_exemption_for_an_announcement_and_none_for_other_flags() -> None:
    announced = facts("penalty", "penalty.general", "service", service_method="announcement")
    assert decide(announced).level is Level.mandatory
    flagged = facts("compulsion", "compulsion.seizure", "measure", risk_flags=NO_RISK)
    assert decide(flagged).level is Level.mandatory  # 有限空间 is not 易燃易爆


def test_optional_at_a_high_risk_site_says_video_may_be_left_out() -> None:
    decision = decide(
        facts("inspection", "inspection.on_site", "inspection", risk_flags=frozenset({"fireworks"}))
    )
    assert decision.level is Level.optional and "烟花爆竹" in (decision.exemption or "")
    assert "可不作视音频" in decision.explanation


def test_several_clauses_are_all_cited() -> None:
    decision = decide(
        facts(
            "penalty",
            "penalty.general",
            "investigation",
            stated=frozenset({Fact.disputed_or_dangerous}),
        )
    )
    assert decision.citations == ("第五条（二）", "第五条（五）")


def test_licence_fact_only_reaches_inspections_and_measure_only_measures_step() -> None:
    licence = frozenset({Fact.licence_by_commitment})
    assert (
        decide(facts("penalty", "penalty.summary", "on_site_decision", stated=licence)).level
        is Level.optional
    )
    assert decide(
        facts("inspection", "inspection.on_site", "reinspection", stated=licence)
    ).mandatory
    measure = facts(
        "inspection", "inspection.on_site", "reinspection", on_site_measure_decision=True
    )
    assert decide(measure).level is Level.optional


def test_bureau_situation_needs_all_its_criteria() -> None:
    both = BureauSituation(
        "chem_night",
        "危化企业检查",
        kinds=frozenset({"inspection"}),
        risk_flags=frozenset({"hazardous_chemicals", "gas"}),
    )
    base = facts("inspection", "inspection.on_site", "inspection", situations=(both,))
    assert decide(base).level is Level.optional
    gas = facts(
        "inspection",
        "inspection.on_site",
        "inspection",
        situations=(both,),
        risk_flags=frozenset({"gas"}),
    )
    assert "第五条（八）" in decide(gas).citations
    assert BureauSituation.from_dict(both.to_dict()) == both


def test_high_risk_labels_match_the_party_flags() -> None:
    assert {k: RISK_FLAGS[k] for k in HIGH_RISK_FLAGS} == dict(HIGH_RISK_FLAGS)


# ---- gaps ---------------------------------------------------------------------------------

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def seg(media_id: int, start_s: float, length_s: float) -> Segment:
    return Segment(media_id, T0 + timedelta(seconds=start_s), round(length_s * 1000))


def test_gaps_over_the_tolerance_only() -> None:
    segments = [seg(3, 200, 60), seg(1, 0, 100), seg(2, 130, 60)]  # out of order on purpose
    gaps = find_gaps(segments, 20)
    assert [(g.before_id, g.after_id, g.seconds) for g in gaps] == [(1, 2, 30.0)]
    assert find_gaps(segments, 5) == [
        Gap(1, 2, T0 + timedelta(seconds=100), T0 + timedelta(seconds=130)),
        Gap(2, 3, T0 + timedelta(seconds=190), T0 + timedelta(seconds=200)),
    ]
    assert find_gaps(segments, 30) == []


def test_overlapping_cameras_leave_no_gap_and_a_gap_is_measured_from_the_latest_end() -> None:
    segments = [seg(1, 0, 100), seg(2, 10, 20), seg(3, 110, 10), seg(4, 200, 5)]
    assert [(g.before_id, g.after_id) for g in find_gaps(segments, 5)] == [(1, 3), (3, 4)]
    assert find_gaps([seg(1, 0, 100), seg(2, 50, 100)], 0) == []


def test_exactly_the_tolerance_is_not_a_gap() -> None:
    assert find_gaps([seg(1, 0, 10), seg(2, 40, 10)], 30) == []
    assert len(find_gaps([seg(1, 0, 10), seg(2, 40.5, 10)], 30)) == 1


# ---- what a record lacks ------------------------------------------------------------------

MANDATORY = decide(facts("compulsion", "compulsion.seizure", "measure"))
EXEMPT = decide(
    facts("compulsion", "compulsion.seizure", "measure", risk_flags=frozenset({"explosive"}))
)
OPTIONAL = decide(facts("other", "other.general", "handling"))
GAP = Gap(1, 2, T0, T0 + timedelta(seconds=45))


def test_mandatory_needs_video_notice_and_explained_gaps() -> None:
    assert record_problems(RecordState(MANDATORY)) == [
        "缺少视音频记录（第五条（三）应当全程音视频记录）",
        "未记录开始录音录像时已告知当事人（第七条第三款）",
    ]
    gap = record_problems(RecordState(MANDATORY, videos=2, told=True, unexplained=(GAP,)), UTC)
    assert gap == ["录像在 08:00:00 至 08:00:45 中断 45 秒，尚未说明中断原因（第七条第三款）"]
    assert record_problems(RecordState(MANDATORY, videos=2, told=True)) == []


def test_video_exempt_needs_audio_and_photos() -> None:
    assert record_problems(RecordState(EXEMPT, audios=1, told=True))[0].startswith("缺少照片记录")
    assert record_problems(RecordState(EXEMPT, audios=1, photos=3, told=True)) == []
    assert record_problems(RecordState(EXEMPT, videos=1, told=True)) == []


def test_optional_without_video_needs_nothing_but_with_video_rule_seven_applies() -> None:
    assert record_problems(RecordState(OPTIONAL, photos=2)) == []
    assert record_problems(RecordState(OPTIONAL, videos=1, told=True)) == []
    assert record_problems(RecordState(OPTIONAL, videos=1)) == [
        "未记录开始录音录像时已告知当事人（第七条第三款）"
    ]


def test_an_approved_exception_waives_everything_a_pending_one_is_said() -> None:
    assert record_problems(RecordState(MANDATORY, exception=ExceptionState.approved)) == []
    pending = record_problems(RecordState(MANDATORY, exception=ExceptionState.pending))
    assert pending[-1] == "不记录的例外申请正待领导审批"
    refused = record_problems(RecordState(MANDATORY, exception=ExceptionState.refused))
    assert refused == record_problems(RecordState(MANDATORY))


def test_no_notice_needed_for_an_announcement() -> None:
    announced = decide(
        facts("penalty", "penalty.general", "service", service_method="announcement")
    )
    state = RecordState(announced, videos=1, needs_notice=False)
    assert record_problems(state) == []


# ---- retention ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "media", "evidence", "disputed", "rule"),
    [
        ("inspection", "video", False, False, Retention.keep_six_months),
        ("inspection", "video", True, False, Retention.with_case),
        ("inspection", "video", False, True, Retention.with_case),
        ("inspection", "photo", False, False, Retention.with_case),
        ("penalty", "video", False, False, Retention.with_case),
    ],
)
def test_retention_rule(
    kind: str, media: str, evidence: bool, disputed: bool, rule: Retention
) -> None:
    assert retention_rule(kind, media, evidence, disputed) is rule
