"""An approved batch and the directory's frozen lists make the draw core's announcement
(`plans.rules.announcement_of`): each demo batch draws with `draw.compute`, its strata
as the plan says (first matching stratum, scope filters), its partners' inspectors in the
pool, 回避 respected; and the pure rules of strata and of the page form."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.errors import DomainError
from zhifa.inspection.beacon import DrandSource
from zhifa.inspection.candidates import CandidateSubject
from zhifa.inspection.directory import collect
from zhifa.inspection.draw import Announcement, compute
from zhifa.inspection.inspectors.rules import Period
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.rules import BatchIn, announcement_of, batch_data, stratify

PLAN = {"plan": "2026年度安全生产“双随机、一公开”监督检查计划"}


def _demo_batches(db: Session) -> list[BatchIn]:
    plan = db.scalar(select(InspectionPlan).where(InspectionPlan.year == 2026))
    assert plan is not None and plan.status == "approved"
    return [BatchIn.model_validate(b) for b in plan.batches]


def test_demo_batches_draw_with_the_draw_core(db: Session) -> None:
    first, second = _demo_batches(db)
    for batch in (first, second):
        frozen = collect(db, Period(batch.starts_on, batch.ends_on), batch.field)
        ann = announcement_of(
            {**PLAN, "batch": batch.name},
            batch,
            frozen,
            announced_at="2026-05-20T01:00:00Z",
            randomness=(DrandSource(30_000_000),),
        )
        assert Announcement.from_json(ann.to_json()) == ann  # a valid, publishable input
        by_label = {s.label: s for s in frozen.subjects}
        for stratum in ann.strata:
            assert stratum.candidates  # approval refused empty strata
        if batch is first:
            assert {"31010720001", "31010720002"} <= set(ann.inspectors)  # 联合抽查
            key, other = ann.strata
            assert {by_label[c].risk_grade for c in key.candidates} == {"A"}
            assert "A" not in {by_label[c].risk_grade for c in other.candidates}
            assert len(key.candidates) + len(other.candidates) == len(frozen.subjects)
        else:
            assert set(ann.inspectors) == set(frozen.inspectors)
            (only,) = ann.strata
            assert {by_label[c].section for c in only.candidates} == {"C"}
        avoided = set(frozen.avoidance)
        for seed in range(10):
            result = compute(ann, hashlib.sha256(f"{batch.name} {seed}".encode()).digest())
            for drawn, stratum in zip(result.strata, ann.strata, strict=True):
                assert len(drawn.drawn) == stratum.quota.size(len(stratum.candidates))
            assert len(result.teams) == sum(len(d.drawn) for d in result.strata)
            for team in result.teams:
                assert len(team.inspectors) == batch.team_size
                assert not {(i, team.target) for i in team.inspectors} & avoided


def _subject(
    label: str, grade: str, flags: tuple[str, ...] = (), street: str = "桃浦镇"
) -> CandidateSubject:
    return CandidateSubject(label, "C", "33", "C3360", grade, street, flags, "not_required")


def _batch(**changes: object) -> BatchIn:
    data: dict[str, object] = {
        "name": "第一批", "item_id": 1, "basis": "依据", "field": "安全生产",
        "starts_on": date(2026, 3, 1), "ends_on": date(2026, 3, 31),
        "strata": [{"name": "重点", "flags": ["fireworks"], "quota": "all"},
                   {"name": "A级", "grades": ["A"], "quota": "count", "count": 1},
                   {"name": "其他", "grades": ["B", "C"], "quota": "ratio", "ratio": "0.5"}],
        **changes,
    }  # fmt: skip
    return BatchIn.model_validate(data)


def test_strata_take_each_entry_once_in_order() -> None:
    subjects = [
        _subject("1", "A", ("fireworks",)),
        _subject("2", "A"),
        _subject("3", "B", ("fireworks",)),
        _subject("4", "C"),
        _subject("5", "D"),  # no stratum: outside the batch
        _subject("6", "B", street="长征镇"),
    ]
    assert stratify(_batch(), subjects) == [("1", "3"), ("2",), ("4", "6")]
    scoped = _batch(filters={"streets": ["长征镇"]})
    assert stratify(scoped, subjects) == [(), (), ("6",)]


def test_the_page_form_becomes_a_batch() -> None:
    values = {"name": "第一批", "item_id": "3", "basis": "依据", "field": "安全生产",
              "starts_on": "2026-03-01", "ends_on": "2026-03-31", "rounding": "四舍五入",
              "team_size": "2", "cap": "4", "share_A": "全部", "share_C": "0.05",
              "lead_department": "区应急管理局",
              "partners": "区市场监督管理局，王芳，31010720001\n"
                          "区消防救援支队,李强,31010730001"}  # fmt: skip
    batch = BatchIn.model_validate(batch_data(values, ["桃浦镇"]))
    assert [(s.name, s.quota, s.ratio) for s in batch.strata] == [
        ("A级", "all", None),
        ("C级", "ratio", "0.05"),
    ]
    assert batch.filters.streets == ["桃浦镇"] and batch.cap == 4
    assert [p.department for p in batch.partners] == ["区市场监督管理局", "区消防救援支队"]
    assert batch.external_members()[1].number == "31010730001"
    with pytest.raises(DomainError, match="部门，姓名，执法证号"):
        batch_data({**values, "partners": "区市场监督管理局，王芳"}, [])
