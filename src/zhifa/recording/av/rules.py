"""Pure decisions of the recording rules (《全过程记录办法》 第五条、第六条、第七条、第十条):
which activities must be recorded in full audio and video, which may be, where video may
be left out; where the video of an activity has gaps; what an activity's record still
lacks; how long an unmarked inspection video must be kept. No database, no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

MEASURE = "《全过程记录办法》"


class Level(StrEnum):
    mandatory = "mandatory"  # 应当全程音视频记录（第五条）
    video_exempt = "video_exempt"  # 应当记录，高风险场所可不作视音频（第五条 + 第七条第一款）
    optional = "optional"  # 视情音视频记录（第六条）


LEVEL_LABELS = {
    Level.mandatory: "应当全程音视频记录",
    Level.video_exempt: "应当全程记录（高风险场所可不作视音频，以音频和照片记录）",
    Level.optional: "视情音视频记录",
}


@dataclass(frozen=True)
class Clause:
    article: str  # 第五条
    item: str  # （三）, or "" for a whole paragraph
    text: str

    @property
    def cite(self) -> str:
        return f"{self.article}{self.item}"

    @property
    def full(self) -> str:
        return f"{MEASURE}{self.cite}“{self.text}”"


def _c(article: str, item: str, text: str) -> Clause:
    return Clause(article, item, text)


CLAUSES: Mapping[str, Clause] = MappingProxyType(
    {
        "5.1": _c("第五条", "（一）", "采用告知承诺方式取得行政许可后的检查"),
        "5.2": _c("第五条", "（二）", "可能有争议、纠纷或危险性较大的行政执法活动"),
        "5.3": _c("第五条", "（三）", "实施行政强制措施、证据先行登记保存"),
        "5.4": _c("第五条", "（四）", "对发现的重大事故隐患采取现场处理措施决定"),
        "5.5": _c("第五条", "（五）", "立案后对相关行政相对人制作询问笔录"),
        "5.6": _c("第五条", "（六）", "陈述、申辩、听证"),
        "5.7": _c("第五条", "（七）", "留置送达或公告送达等送达方式"),
        "5.8": _c("第五条", "（八）", "应当全过程音视频记录的其他情形"),
        "6.1": _c("第六条", "（一）", "与行政相对人直接接触或者直接进入行政相对人场所的行政检查"),
        "6.2": _c("第六条", "（二）", "实施简易程序的行政处罚"),
        "6.3": _c("第六条", "（三）", "行政执法人员认为应当根据实际情况进行音视频记录的其他情形"),
        "7.1": _c("第七条", "第一款", "对于涉及易燃易爆等高风险现场（场所），可不作视音频记录"),
        "7.3": _c("第七条", "第三款", "开始视音频记录时，应告知行政相对人……中断的，应说明原因"),
        "10.3": _c(
            "第十条",
            "第三款",
            "不作为案件证据、未与行政相对人发生争议的，可不归档，但保存不少于6个月",
        ),
    }
)

# Party risk flags that make a site 易燃易爆 or similarly high-risk (第七条第一款); the
# labels are those of enforcement.models.RISK_FLAGS (a test keeps them equal).
HIGH_RISK_FLAGS: Mapping[str, str] = MappingProxyType(
    {
        "explosive": "易燃易爆",
        "hazardous_chemicals": "危险化学品",
        "fireworks": "烟花爆竹",
        "dust_explosion": "粉尘涉爆",
        "gas": "燃气",
    }
)


class Fact(StrEnum):
    """Facts an officer states that steer the rules (recorded with a reason)."""

    licence_by_commitment = "licence_by_commitment"  # action: 告知承诺取得许可后的检查
    disputed_or_dangerous = "disputed_or_dangerous"  # activity: 可能有争议、纠纷或危险性较大
    major_hazard_measure = "major_hazard_measure"  # activity: 重大事故隐患现场处理
    high_risk_site = "high_risk_site"  # activity: 在易燃易爆等高风险现场进行


FACT_LABELS = {
    Fact.licence_by_commitment: "当事人以告知承诺方式取得行政许可，本案为许可后的检查",
    Fact.disputed_or_dangerous: "本次活动可能有争议、纠纷或危险性较大",
    Fact.major_hazard_measure: "本次活动对重大事故隐患采取现场处理措施决定",
    Fact.high_risk_site: "本次活动在易燃易爆等高风险现场（场所）进行",
}
ACTION_FACTS = frozenset({Fact.licence_by_commitment})
BUREAU_PREFIX = "bureau:"  # a bureau situation stated for an activity: "bureau:<code>"

# Where each situation applies: (procedure, step) pairs and step codes of enforcement.steps.
_MEASURE_STEPS = frozenset(
    {("compulsion.seizure", "measure"), ("compulsion.preservation", "preservation")}
)
_INSPECTION_STEPS = frozenset({"inspection", "measures", "reinspection"})
_HEARING_STEPS = frozenset({"statement", "hearing"})
# Statements and hearings are held at the bureau, and an announcement is not at the
# party's site: the high-risk video exemption does not reach them.
_NOT_AT_SITE_STEPS = _HEARING_STEPS
RECORDED_SERVICE_METHODS: Mapping[str, str] = MappingProxyType(
    {"left": "留置送达", "announcement": "公告送达"}
)


@dataclass(frozen=True)
class BureauSituation:
    """A situation the bureau made mandatory (第五条（八）). With criteria it applies by
    itself to every activity that meets all of them; without, an officer states it."""

    code: str
    label: str
    kinds: frozenset[str] = frozenset()
    procedures: frozenset[str] = frozenset()
    steps: frozenset[str] = frozenset()
    risk_flags: frozenset[str] = frozenset()  # any one of them

    @property
    def automatic(self) -> bool:
        return bool(self.kinds or self.procedures or self.steps or self.risk_flags)

    def applies(self, facts: RecordingFacts) -> bool:
        if f"{BUREAU_PREFIX}{self.code}" in facts.stated:
            return True
        if not self.automatic:
            return False
        return (
            (not self.kinds or facts.kind in self.kinds)
            and (not self.procedures or facts.procedure in self.procedures)
            and (not self.steps or facts.step in self.steps)
            and (not self.risk_flags or bool(self.risk_flags & facts.risk_flags))
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "kinds": sorted(self.kinds),
            "procedures": sorted(self.procedures),
            "steps": sorted(self.steps),
            "risk_flags": sorted(self.risk_flags),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BureauSituation:
        return cls(
            code=str(data["code"]),
            label=str(data["label"]),
            kinds=frozenset(data.get("kinds", ())),
            procedures=frozenset(data.get("procedures", ())),
            steps=frozenset(data.get("steps", ())),
            risk_flags=frozenset(data.get("risk_flags", ())),
        )


@dataclass(frozen=True)
class RecordingFacts:
    """What is known about one activity (or one service record) when deciding."""

    kind: str  # ActionKind value
    procedure: str
    step: str
    step_label: str = ""
    risk_flags: frozenset[str] = frozenset()  # the party's
    stated: frozenset[str] = frozenset()  # Fact values (and bureau:<code>) stated true
    on_site_measure_decision: bool = False  # the action has a 现场处理措施决定书
    service_method: str | None = None  # deciding for a service record: its method
    situations: tuple[BureauSituation, ...] = ()


@dataclass(frozen=True)
class Reason:
    clause: Clause
    why: str  # how this activity meets the clause, in Chinese


@dataclass(frozen=True)
class RecordingDecision:
    level: Level
    reasons: tuple[Reason, ...]
    exemption: str | None = None  # why video may be left out (第七条第一款)

    @property
    def mandatory(self) -> bool:
        return self.level is not Level.optional

    @property
    def citations(self) -> tuple[str, ...]:
        cites = [r.clause.cite for r in self.reasons]
        if self.exemption:
            cites.append(CLAUSES["7.1"].cite)
        return tuple(dict.fromkeys(cites))

    @property
    def expected(self) -> str:
        """What media are expected, in Chinese."""
        if self.level is Level.mandatory:
            return "全程视音频（录像）"
        if self.level is Level.video_exempt:
            return "音频和照片（可不作视音频）"
        return "视情决定；如录像，同样须告知当事人并连续记录"

    @property
    def explanation(self) -> str:
        """The officer's page text: what is required and why, citing the clauses."""
        grounds = "；".join(f"{r.clause.full}：{r.why}" for r in self.reasons)
        if self.level is Level.optional:
            text = f"可以视情进行音视频记录（{grounds}）。"
            if self.exemption:
                text += f"{self.exemption}，如记录可不作视音频。"
            return text
        text = (
            f"应当全程音视频记录（{grounds}）。开始记录时应告知当事人，记录应连续；"
            "因设备故障、天气恶劣、电量或存储空间不足等中断的，应在视音频中说明原因，"
            "无法说明的应事后书面说明（第七条第三款）。"
        )
        if self.exemption:
            text += (
                f"{self.exemption}，依{CLAUSES['7.1'].full}可不作视音频记录，"
                "但应以音频和照片记录现场情况。"
            )
        return text


def high_risk_reason(facts: RecordingFacts) -> str | None:
    """Why the site counts as 易燃易爆 high-risk, or None."""
    if facts.step in _NOT_AT_SITE_STEPS or facts.service_method == "announcement":
        return None
    flags = [label for code, label in HIGH_RISK_FLAGS.items() if code in facts.risk_flags]
    if flags:
        return f"当事人场所涉及{'、'.join(flags)}，属易燃易爆等高风险现场（场所）"
    if Fact.high_risk_site in facts.stated:
        return "执法人员已说明本次活动在易燃易爆等高风险现场（场所）进行"
    return None


def mandatory_reasons(facts: RecordingFacts) -> list[Reason]:
    """第五条: every clause this activity (or service record) meets."""
    reasons: list[Reason] = []
    step = facts.step_label or facts.step
    inspection = facts.kind == "inspection" and facts.step in _INSPECTION_STEPS
    if inspection and Fact.licence_by_commitment in facts.stated:
        reasons.append(
            Reason(CLAUSES["5.1"], "当事人以告知承诺方式取得行政许可，本次为许可后的检查")
        )
    if Fact.disputed_or_dangerous in facts.stated:
        reasons.append(Reason(CLAUSES["5.2"], "执法人员已说明本次活动可能有争议、纠纷或危险性较大"))
    if (facts.procedure, facts.step) in _MEASURE_STEPS:
        reasons.append(Reason(CLAUSES["5.3"], f"本次为“{step}”"))
    if facts.kind == "inspection" and (
        Fact.major_hazard_measure in facts.stated
        or (facts.step == "measures" and facts.on_site_measure_decision)
    ):
        reasons.append(Reason(CLAUSES["5.4"], "本案对重大事故隐患作出现场处理措施决定"))
    if facts.procedure == "penalty.general" and facts.step == "investigation":
        reasons.append(Reason(CLAUSES["5.5"], "已立案，调查取证中对当事人制作询问笔录"))
    if facts.step in _HEARING_STEPS:
        reasons.append(Reason(CLAUSES["5.6"], f"本次为“{step}”"))
    method = RECORDED_SERVICE_METHODS.get(facts.service_method or "")
    if method is not None:
        reasons.append(Reason(CLAUSES["5.7"], f"本次以{method}方式送达"))
    for situation in facts.situations:
        if situation.applies(facts):
            reasons.append(Reason(CLAUSES["5.8"], f"本局规定：{situation.label}"))
    return reasons


def optional_reason(facts: RecordingFacts) -> Reason:
    """第六条: the item an activity not mandatorily recorded falls under."""
    if facts.kind == "inspection":
        return Reason(CLAUSES["6.1"], "本次为进入当事人场所的行政检查")
    if facts.procedure == "penalty.summary":
        return Reason(CLAUSES["6.2"], "本次为简易程序当场处罚")
    return Reason(CLAUSES["6.3"], "由执法人员根据实际情况决定是否音视频记录")


def decide(facts: RecordingFacts) -> RecordingDecision:
    """Mandatory, video-exempt or optional, with the clauses and the reason."""
    exemption = high_risk_reason(facts)
    reasons = mandatory_reasons(facts)
    if reasons:
        level = Level.video_exempt if exemption else Level.mandatory
        return RecordingDecision(level, tuple(reasons), exemption)
    return RecordingDecision(Level.optional, (optional_reason(facts),), exemption)


# ---- continuity (第七条第三款) ------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One recorded file of an activity placed on the time line."""

    media_id: int
    start: datetime
    duration_ms: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(milliseconds=self.duration_ms)


@dataclass(frozen=True)
class Gap:
    """The recording stopped after ``before_id`` ended and resumed with ``after_id``."""

    before_id: int
    after_id: int
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def key(self) -> tuple[int, int]:
        return self.before_id, self.after_id


def ordered(segments: Iterable[Segment]) -> list[Segment]:
    """By start; of two starting together the longer first, then by record id."""
    return sorted(segments, key=lambda s: (s.start, -s.duration_ms, s.media_id))


def find_gaps(segments: Iterable[Segment], tolerance_seconds: float) -> list[Gap]:
    """Gaps longer than the tolerance. Overlapping segments (two cameras) count as one
    continuous recording: a gap opens only where nothing was recording."""
    gaps: list[Gap] = []
    covering: Segment | None = None
    for segment in ordered(segments):
        if covering is not None:
            pause = (segment.start - covering.end).total_seconds()
            if pause > tolerance_seconds:
                gaps.append(Gap(covering.media_id, segment.media_id, covering.end, segment.start))
        if covering is None or segment.end > covering.end:
            covering = segment
    return gaps


# ---- what an activity's record lacks -------------------------------------------------------


class ExceptionState(StrEnum):
    none = "none"
    pending = "pending"  # 待领导审批
    approved = "approved"  # 领导已批准
    refused = "refused"  # 领导未批准


@dataclass(frozen=True)
class RecordState:
    """What is on record for one activity (or service record)."""

    decision: RecordingDecision
    videos: int = 0
    audios: int = 0
    photos: int = 0
    told: bool = False  # 告知已开始录像 recorded
    unexplained: Sequence[Gap] = field(default_factory=tuple)
    exception: ExceptionState = ExceptionState.none
    needs_notice: bool = True  # no party is present at a 公告送达


def _clock(moment: datetime, zone: Any) -> str:
    return moment.astimezone(zone).strftime("%H:%M:%S")


def record_problems(state: RecordState, zone: Any = None) -> list[str]:
    """What is missing before the step may complete (empty: nothing, or an approved
    exception). Continuity and telling the party apply to any video actually made."""
    if state.exception is ExceptionState.approved:
        return []
    problems: list[str] = []
    cites = "、".join(r.clause.cite for r in state.decision.reasons)
    if state.decision.level is Level.mandatory and not state.videos:
        problems.append(f"缺少视音频记录（{cites}应当全程音视频记录）")
    elif state.decision.level is Level.video_exempt and not (
        state.videos or (state.audios and state.photos)
    ):
        lacking = "、".join(
            name for name, n in (("音频", state.audios), ("照片", state.photos)) if not n
        )
        problems.append(
            f"缺少{lacking}记录（{cites}；高风险场所可不作视音频，但应以音频和照片记录）"
        )
    recorded = state.videos or (state.decision.level is Level.video_exempt and state.audios)
    if state.needs_notice and not state.told and (state.decision.mandatory or recorded):
        problems.append("未记录开始录音录像时已告知当事人（第七条第三款）")
    for gap in state.unexplained:
        problems.append(
            f"录像在 {_clock(gap.start, zone)} 至 {_clock(gap.end, zone)} 中断 "
            f"{round(gap.seconds)} 秒，尚未说明中断原因（第七条第三款）"
        )
    if problems and state.exception is ExceptionState.pending:
        problems.append("不记录的例外申请正待领导审批")
    return problems


# ---- retention (第十条第三款) ------------------------------------------------------------


class Retention(StrEnum):
    with_case = "with_case"  # 随案归档
    keep_six_months = "keep_six_months"  # 可不归档，保存不少于6个月


RETENTION_CODE = "recording.av_minimum_retention"  # core.time_limits


def retention_rule(action_kind: str, media_kind: str, evidence: bool, disputed: bool) -> Retention:
    """An inspection's video that is neither evidence nor disputed may skip archiving but
    is kept at least 6 months; everything else is archived with the case. (The measure
    reads "符合下列情形之一"; the stricter reading — neither mark — is applied.)"""
    if action_kind == "inspection" and media_kind == "video" and not evidence and not disputed:
        return Retention.keep_six_months
    return Retention.with_case


RETENTION_LABELS = {
    Retention.with_case: "随案卷归档，按档案保管期限保存",
    Retention.keep_six_months: "可不归档，但自记录形成之日起保存不少于6个月（第十条第三款）",
}
