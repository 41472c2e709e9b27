"""评查扣分 from real case-review records on SQLite and PostgreSQL (the demo's closed cases,
a drawn round): confirmed deductions of submitted sheets count, by item with their points;
a confirmed veto (it takes no points) and a deduction on a sheet not yet submitted do not;
the filters (the case's unit and officers, the submission day) narrow it; the drill-down
lists exactly the counted deductions, linking the score sheet for those who read reviews
and the case for an officer of it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import principal
from tests.supervision.reviews.helpers import drawn_round, reviewer_of, sheets
from zhifa.core.auth import Principal
from zhifa.core.clock import today
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action, ActionOfficer
from zhifa.insight.weak_points import facts, service
from zhifa.insight.weak_points.figures import BY_CODE
from zhifa.insight.weak_points.models import WeakPointFact
from zhifa.insight.weak_points.rules import Filters
from zhifa.supervision.reviews import service as reviews
from zhifa.supervision.reviews.models import FindingState, LinkKind, ReviewSheet
from zhifa.supervision.reviews.schemas import DismissIn, FindingIn

FIGURE = BY_CODE["review-deductions"]


def _found(db: Session, sheet: ReviewSheet, code: str, points: int, detail: str) -> int:
    who = reviewer_of(db, sheet)
    data = FindingIn(item_code=code, points=points, detail=detail,
                     link_kind=LinkKind.action, link_id=sheet.action_id)  # fmt: skip
    return reviews.add_finding(db, sheet, data, who).id


def _settle(db: Session, sheet: ReviewSheet) -> None:
    """Dismiss what the platform proposed, so the sheet can be submitted."""
    who = reviewer_of(db, sheet)
    for f in reviews.findings_of(db, sheet.id):
        if f.state is FindingState.proposed:
            reviews.dismiss(db, sheet, f.id, DismissIn(reason="已有书面说明"), who)


def _reviewed(db: Session, settings: Settings) -> tuple[ReviewSheet, list[int]]:
    """Sheet one submitted with two deductions and a veto; sheet two left open with one."""
    row = drawn_round(db, settings)
    one, two = sheets(db, row)[:2]
    counted = [
        _found(db, one, "documents_form", 2, "检查记录漏填检查时间"),
        _found(db, one, "law_article", 5, "未写明违反的具体条款"),
    ]
    _found(db, one, "veto_no_basis", 0, "决定书未载明法律依据")
    _settle(db, one)
    reviews.submit(db, one, reviewer_of(db, one))
    _found(db, two, "documents_form", 2, "尚未提交的评分表上的扣分")
    db.commit()
    facts.refresh(db)
    db.commit()
    return one, counted


def _officers(db: Session, action_id: int) -> set[int]:
    query = select(ActionOfficer.officer_id).where(ActionOfficer.action_id == action_id)
    return set(db.scalars(query))


def test_confirmed_deductions_of_submitted_sheets_count(db: Session, settings: Settings) -> None:
    one, counted = _reviewed(db, settings)
    rows = db.scalars(select(WeakPointFact).where(WeakPointFact.kind == "deduction"))
    assert sorted(r.record_id for r in rows) == sorted(counted)
    legal = principal(db, "legal")
    drill = service.drill(db, legal, FIGURE, Filters(), 1)
    assert drill.count == 2
    assert {(i.label, i.count, i.points) for i in drill.items} == {
        ("文书规范：文书填写不规范、漏项或者文号错误", 1, 2),
        ("法律适用：引用法律条款不具体或者不准确", 1, 5),
    }
    sheet_page = f"/app/supervision/reviews/sheets/{one.id}"
    assert [line.link for line in drill.lines] == [sheet_page, sheet_page]
    assert all("扣 " in line.label for line in drill.lines)
    assert sum(b.value for b in drill.months) == 2 and sum(b.value for b in drill.units) == 2


def test_filters_and_who_sees_what(db: Session, settings: Settings) -> None:
    one, _ = _reviewed(db, settings)
    legal = principal(db, "legal")
    action = db.get(Action, one.action_id)
    assert action is not None

    def count(f: Filters) -> int:
        return service.drill(db, legal, FIGURE, f, 1).count

    assert count(Filters(unit_id=action.unit_id)) == 2
    assert count(Filters(unit_id=-1)) == 0
    theirs = _officers(db, one.action_id)
    assert count(Filters(officer_id=min(theirs))) == 2
    stranger = db.scalars(select(User.id).where(User.id.not_in(theirs))).first()
    assert count(Filters(officer_id=stranger)) == 0
    assert count(Filters(action_kind=action.kind.value)) == 2
    assert count(Filters(start=today(), end=today())) == 2
    assert count(Filters(end=today() - timedelta(days=1))) == 0  # not a legal limit: a day
    # an officer of the case, who reads no reviews, is led to the case itself
    user = db.get(User, min(theirs))
    assert user is not None
    officer = Principal(user.id, user.username, user.full_name, user.roles)
    assert not officer.can(Permission.case_review_read)
    lines = service.drill(db, officer, FIGURE, Filters(), 1).lines
    assert {line.link for line in lines} == {f"/app/actions/{one.action_id}"}
