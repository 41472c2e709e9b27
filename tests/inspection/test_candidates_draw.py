"""The directories' frozen lists are what a draw commits to: on the demo's directories the
candidates (subjects by 统一社会信用代码, inspectors by 执法证号, 回避 pairs) form a valid
announcement, and no drawn team holds an inspector paired with its target."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy.orm import Session

from tests.inspection.fixtures import announcement
from zhifa.inspection.directory import collect
from zhifa.inspection.draw import Quota, Rounding, Stratum, compute
from zhifa.inspection.inspectors.rules import Period


def test_demo_candidates_make_a_draw_that_respects_recusal(db: Session) -> None:
    frozen = collect(db, Period(date(2026, 12, 14), date(2026, 12, 31)), "安全生产")
    key = tuple(s.label for s in frozen.subjects if s.risk_grade == "A")
    other = tuple(s.label for s in frozen.subjects if s.risk_grade != "A")
    ann = announcement(
        strata=(
            Stratum("重点", key, Quota("all")),
            Stratum("一般", other, Quota("ratio", ratio="0.5", rounding=Rounding.CEILING)),
        ),
        inspectors=frozen.inspectors,
        cap=3,
        avoidance=frozenset(frozen.avoidance),
        target_fields={},
        field_inspectors={},
    )
    avoided = set(frozen.avoidance)
    assert avoided  # the demo's declared 回避 is among the frozen pairs
    avoided_targets = {target for _, target in avoided}
    drawn_avoided = 0
    for seed in range(20):
        result = compute(ann, hashlib.sha256(f"beacon {seed}".encode()).digest())
        for team in result.teams:
            assert len(team.inspectors) == 2
            assert not {(i, team.target) for i in team.inspectors} & avoided
            drawn_avoided += team.target in avoided_targets
    assert drawn_avoided > 0  # the rule was really put to the test
