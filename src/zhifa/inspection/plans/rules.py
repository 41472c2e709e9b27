"""Pure rules of the 年度监督检查计划 (annual inspection plan) and its batches (批次): what a
batch may say, which directory entries it covers, how they fall into strata, and the
draw announcement (`inspection.draw.Announcement`) an approved batch becomes. No
database, no clock: the caller passes the frozen directory lists (`directory.collect`).

A batch's **scope** keeps the directory entries matching every filter it sets (门类, 大类,
属地, risk grade; special flags: any of those named). Its **strata** are tried in order and
an entry belongs to the first whose grades and flags it matches (so 重点 before 一般 keeps
them apart); an entry matching none is outside the batch. Quotas are the draw core's
`Quota` (全部, 按数量, 按比例 with the batch's rounding rule); they are checked by it.

**联合抽查**: the lead department and the partner departments by name; the partners'
inspectors (name, 执法证号, department) join the batch's inspector pool as external members,
labelled by their 执法证号 like the bureau's own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, Field, model_validator

from zhifa.core.errors import DomainError
from zhifa.core.validation import BodyRecordId
from zhifa.inspection.beacon import Source
from zhifa.inspection.candidates import Candidates, CandidateSubject
from zhifa.inspection.draw import Announcement, Quota, Rounding, Stratum
from zhifa.inspection.subjects.rules import STREETS, RiskGrade, unknown_flags


class QuotaKind(StrEnum):
    ALL = "all"
    COUNT = "count"
    RATIO = "ratio"


QUOTA_LABELS = {QuotaKind.ALL: "全部", QuotaKind.COUNT: "按数量", QuotaKind.RATIO: "按比例"}


class PlanStatus(StrEnum):
    draft = "draft"
    approved = "approved"


STATUS_LABELS = {PlanStatus.draft: "草稿（待批准）", PlanStatus.approved: "已批准（已冻结）"}


def _flags(flags: Iterable[str], field: str) -> None:
    unknown = unknown_flags(flags)
    if unknown:
        raise DomainError(f"未知的特殊标识：{'、'.join(unknown)}", field)


class StratumIn(BaseModel):
    """One stratum: which entries (grades, special flags: any of) and how many of them."""

    name: str = Field(min_length=1, max_length=20)
    grades: list[RiskGrade] = []  # empty: any grade
    flags: list[str] = []  # empty: no flag needed; else any of them
    quota: QuotaKind
    count: int | None = None
    ratio: str | None = Field(default=None, max_length=10)

    @model_validator(mode="after")
    def _check(self) -> Self:
        _flags(self.flags, "flags")
        if self.quota is QuotaKind.RATIO and (self.ratio or "").strip().startswith("-"):
            raise DomainError(f"“{self.name}”的抽取比例不得小于 0", "ratio")
        if self.quota is QuotaKind.COUNT and (self.count is None or self.count < 1):
            raise DomainError(f"“{self.name}”的抽取数量须为正整数", "count")
        return self

    def quota_of(self, rounding: Rounding) -> Quota:
        """The draw core's quota (its validation: a ratio above 1 is refused there)."""
        data = {"kind": str(self.quota), "count": self.count, "ratio": self.ratio}
        try:
            return Quota.from_json({**data, "rounding": str(rounding)})
        except DomainError as exc:
            raise DomainError(f"“{self.name}”：{exc.message}", exc.field) from exc

    def matches(self, subject: CandidateSubject) -> bool:
        if self.grades and subject.risk_grade not in self.grades:
            return False
        return not self.flags or bool(set(self.flags) & set(subject.special_flags))


class ScopeIn(BaseModel):
    """Which directory entries a batch covers; an empty filter does not filter."""

    sections: list[str] = []  # 门类 letters, e.g. C
    divisions: list[str] = []  # 大类, two digits, e.g. 33
    streets: list[str] = []  # 属地
    grades: list[RiskGrade] = []
    flags: list[str] = []  # any of them

    @model_validator(mode="after")
    def _check(self) -> Self:
        _flags(self.flags, "flags")
        if any(s not in STREETS for s in self.streets):
            raise DomainError("属地须为普陀区的街道或镇", "streets")
        if any(len(s) != 1 or not ("A" <= s <= "T") for s in self.sections):
            raise DomainError("门类须为 A–T 中的字母", "sections")
        if any(len(d) != 2 or not d.isdigit() for d in self.divisions):
            raise DomainError("大类须为两位数字，如 33", "divisions")
        return self

    def covers(self, s: CandidateSubject) -> bool:
        return (
            (not self.sections or s.section in self.sections)
            and (not self.divisions or s.division in self.divisions)
            and (not self.streets or s.street in self.streets)
            and (not self.grades or s.risk_grade in self.grades)
            and (not self.flags or bool(set(self.flags) & set(s.special_flags)))
        )


class ExternalMemberIn(BaseModel):
    """A partner department's inspector joining a 联合抽查 as an external member."""

    name: str = Field(min_length=1, max_length=50)
    number: str = Field(min_length=1, max_length=30)  # 执法证号
    department: str = Field(min_length=1, max_length=100)


class PartnerIn(BaseModel):
    department: str = Field(min_length=1, max_length=100)
    members: list[ExternalMemberIn] = []


class BatchIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)  # 第一批
    item_id: BodyRecordId  # the 随机抽查事项 of the catalogue
    basis: str = Field(min_length=1, max_length=500)  # 检查依据
    field: str = Field(min_length=1, max_length=50)  # 执法领域 (inspector qualification)
    starts_on: date
    ends_on: date
    filters: ScopeIn = ScopeIn()  # 检查范围
    strata: list[StratumIn] = Field(min_length=1, max_length=10)
    rounding: Rounding = Rounding.CEILING
    team_size: int = 2
    cap: int = 5
    lead_department: str = Field(default="", max_length=100)  # 联合抽查: 牵头部门
    partners: list[PartnerIn] = []

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.ends_on < self.starts_on:
            raise DomainError("检查期间的结束日期不能早于开始日期", "ends_on")
        if self.team_size < 2:
            raise DomainError("检查组不得少于 2 名执法人员", "team_size")
        if self.cap < 1:
            raise DomainError("每名检查人员的检查次数上限须至少为 1", "cap")
        names = [s.name for s in self.strata]
        if len(set(names)) != len(names):
            raise DomainError("同一批次中层级名称不得重复", "strata")
        for stratum in self.strata:
            stratum.quota_of(self.rounding)
        if self.partners and not self.lead_department.strip():
            raise DomainError("联合抽查须写明牵头部门", "lead_department")
        numbers = [m.number for m in self.external_members()]
        if len(set(numbers)) != len(numbers):
            raise DomainError("联合抽查的外部检查人员执法证号不得重复", "partners")
        return self

    def external_members(self) -> list[ExternalMemberIn]:
        return [m for p in self.partners for m in p.members]


class PlanIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=100)
    unit_id: BodyRecordId  # 制定单位
    batches: list[BatchIn] = Field(default=[], max_length=20)

    @model_validator(mode="after")
    def _check(self) -> Self:
        for batch in self.batches:
            within_year(batch, self.year)
        names = [b.name for b in self.batches]
        if len(set(names)) != len(names):
            raise DomainError("批次名称不得重复", "batches")
        return self


def within_year(batch: BatchIn, year: int) -> None:
    if batch.starts_on.year != year or batch.ends_on.year != year:
        raise DomainError(f"“{batch.name}”的检查期间须在 {year} 年内", "starts_on")


# ---- strata over the directory ---------------------------------------------------------------


@dataclass(frozen=True)
class StratumSize:
    name: str
    population: int
    size: int | None  # how many would be drawn now; None: the quota cannot be met
    problem: str | None


def stratify(batch: BatchIn, subjects: Sequence[CandidateSubject]) -> list[tuple[str, ...]]:
    """Each stratum's candidate labels (sorted), in the batch's order of strata."""
    members: list[list[str]] = [[] for _ in batch.strata]
    for subject in subjects:
        if batch.filters.covers(subject):
            index = next((i for i, s in enumerate(batch.strata) if s.matches(subject)), None)
            if index is not None:
                members[index].append(subject.label)
    return [tuple(sorted(labels)) for labels in members]


def strata_sizes(batch: BatchIn, subjects: Sequence[CandidateSubject]) -> list[StratumSize]:
    sizes = []
    for stratum, labels in zip(batch.strata, stratify(batch, subjects), strict=True):
        if not labels:
            sizes.append(StratumSize(stratum.name, 0, None, "名录中没有符合条件的检查对象"))
            continue
        try:
            n = stratum.quota_of(batch.rounding).size(len(labels))
        except DomainError as exc:
            sizes.append(StratumSize(stratum.name, len(labels), None, exc.message))
        else:
            sizes.append(StratumSize(stratum.name, len(labels), n, None))
    return sizes


def check_drawable(batch: BatchIn, subjects: Sequence[CandidateSubject]) -> None:
    """Refuse a batch whose strata cannot be drawn from the directory as it stands."""
    for size in strata_sizes(batch, subjects):
        if size.problem is not None:
            raise DomainError(f"“{batch.name}”的“{size.name}”：{size.problem}", "strata")


def announcement_of(
    plan: Mapping[str, object],
    batch: BatchIn,
    candidates: Candidates,
    *,
    announced_at: str,
    randomness: Sequence[Source],
) -> Announcement:
    """The draw announcement of an approved batch over the frozen directory lists: strata
    with their candidate labels and quotas, the bureau's listed inspectors and the partners'
    external members, the 回避 pairs, team size and cap. ``plan`` is what the announcement
    says of the plan (e.g. its title, year, batch and 检查事项)."""
    check_drawable(batch, candidates.subjects)
    strata = tuple(
        Stratum(s.name, labels, s.quota_of(batch.rounding))
        for s, labels in zip(batch.strata, stratify(batch, candidates.subjects), strict=True)
    )
    external = {m.number for m in batch.external_members()}
    return Announcement(
        plan=dict(plan),
        announced_at=announced_at,
        strata=strata,
        inspectors=tuple(sorted(set(candidates.inspectors) | external)),
        team_size=batch.team_size,
        cap=batch.cap,
        randomness=tuple(randomness),
        avoidance=frozenset(candidates.avoidance),
    )


# ---- the page form of a batch ----------------------------------------------------------------

GRADE_STRATA = {RiskGrade.a: "A级", RiskGrade.b: "B级", RiskGrade.c: "C级", RiskGrade.d: "D级"}
ALL_WORDS = {"全部", "100%", "1"}


def batch_data(values: Mapping[str, str], streets: Sequence[str]) -> dict[str, object]:
    """A batch as the page form gives it: one stratum per risk grade with a share typed in
    the grade's row (全部, a ratio such as 0.05, or nothing: not covered); partners' members
    one a line as 部门，姓名，执法证号."""
    strata: list[dict[str, object]] = []
    for grade, name in GRADE_STRATA.items():
        share = values.get(f"share_{grade}", "").strip()
        if share in ALL_WORDS:
            strata.append({"name": name, "grades": [grade], "quota": "all"})
        elif share:
            strata.append({"name": name, "grades": [grade], "quota": "ratio", "ratio": share})
    partners: dict[str, list[dict[str, str]]] = {}
    for line in values.get("partners", "").splitlines():
        parts = [p.strip() for p in line.replace(",", "，").split("，")]
        if line.strip() and (len(parts) != 3 or not all(parts)):
            raise DomainError("外部检查人员每行须写成：部门，姓名，执法证号", "partners")
        if line.strip():
            member = {"department": parts[0], "name": parts[1], "number": parts[2]}
            partners.setdefault(parts[0], []).append(member)
    return {
        **{k: values.get(k, "") for k in ("name", "item_id", "basis", "field", "rounding")},
        **{k: values.get(k) or None for k in ("starts_on", "ends_on", "team_size", "cap")},
        "lead_department": values.get("lead_department", ""),
        "filters": {"streets": list(streets)},
        "strata": strata,
        "partners": [{"department": d, "members": m} for d, m in partners.items()],
    }
