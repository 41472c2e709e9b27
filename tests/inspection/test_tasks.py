"""The 双随机 inspection tasks on SQLite and PostgreSQL: opening a drawn batch (idempotent
per target; the team as the case's officers with the lead first, a grant of the case to
each member, the partners' external members kept), refusals of a result in words with
nothing written, and the result's publication obligation due 20 working days after the
check by the calendar."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.factories import open_action, principal, writing
from tests.inspection.helpers import entries
from tests.inspection.task_helpers import (
    API,
    BATCH,
    TEAM_A,
    TEAM_B,
    demo_plan,
    issue_site_record,
    numbers,
    open_batch,
    teams,
)
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.grants import GrantRecord, RecordGrant
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.enforcement.models import Action, ActionOfficer
from zhifa.inspection.draw import Team
from zhifa.inspection.tasks import service as tasks
from zhifa.inspection.tasks.models import InspectionTask
from zhifa.ledger.models import ledger_entry
from zhifa.publicity.models import PublicationObligation


def _count(db: Session, model: object) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]


def _ledger(db: Session) -> int:
    return _count(db, ledger_entry)


def test_opening_is_idempotent_with_the_team_as_officers_and_granted(
    client: TestClient, db: Session
) -> None:
    first = open_batch(db)
    assert len(first) == 2
    before = (_count(db, InspectionTask), _count(db, Action), _count(db, RecordGrant), _ledger(db))
    assert open_batch(db) == first  # the same tasks again, nothing new
    after = (_count(db, InspectionTask), _count(db, Action), _count(db, RecordGrant), _ledger(db))
    assert after == before

    n = numbers(db)
    people = {p: principal(db, p).user_id for p in (TEAM_A, TEAM_B)}
    for task_id, lead in zip(first, (TEAM_A, TEAM_B), strict=True):
        task = db.get(InspectionTask, task_id)
        assert task is not None
        action = db.get(Action, task.action_id)
        assert action is not None and action.procedure == "inspection.on_site"
        assert action.power_item.kind.value == "inspection"
        rows = db.scalars(select(ActionOfficer).where(ActionOfficer.action_id == action.id))
        officers = {o.officer_id: o.lead for o in rows}
        assert officers == {people[TEAM_A]: lead == TEAM_A, people[TEAM_B]: lead == TEAM_B}
        assert task.inspectors[0] == n[lead]
        of_case = (
            RecordGrant.record_type == GrantRecord.action,
            RecordGrant.record_id == action.id,
        )
        granted = set(db.scalars(select(RecordGrant.grantee_id).where(*of_case)))
        assert granted == set(people.values())
        assert task.external_members == []  # a team of the bureau's own officers
    assert entries(db, "inspection_task") == ["inspection.task.open"] * 2


def test_a_joint_team_keeps_the_partners_member_and_cases_the_bureaus_officer(
    client: TestClient, db: Session
) -> None:
    """联合抽查: a drawn team may mix a partner's member (not a user here) with the bureau's
    officer; a team of partners' members only cannot open a case of the bureau."""
    first, second = teams(db)
    joint = Team(first.target, first.stratum, ("31010720001", first.inspectors[0]))
    only_partners = Team(second.target, second.stratum, ("31010720001", "31010720002"))
    with writing(db) as w:
        try:
            tasks.open_inspections(w, demo_plan(w), BATCH, [only_partners], principal(w, "legal"))
        except DomainError as exc:
            assert "全部是联合抽查部门的人员" in exc.message
            w.rollback()
        else:  # pragma: no cover - the assertion below explains
            raise AssertionError("a team without the bureau's officers opened a case")
    with writing(db) as w:
        (task,) = tasks.open_inspections(w, demo_plan(w), BATCH, [joint], principal(w, "legal"))
        assert task.external_members == [
            {"name": "王芳", "number": "31010720001", "department": "区市场监督管理局"}
        ]
        rows = w.scalars(select(ActionOfficer).where(ActionOfficer.action_id == task.action_id))
        user = next(u for u, number in numbers(w).items() if number == first.inspectors[0])
        assert [(o.officer_id, o.lead) for o in rows] == [(principal(w, user).user_id, True)]


def test_a_wrong_team_is_refused_before_anything_is_written(db: Session) -> None:
    before = (_count(db, InspectionTask), _count(db, Action), _ledger(db))
    good = teams(db)
    bad = [*good, Team(good[0].target[:-1] + "X", "一般", good[0].inspectors)]
    strangers = [good[0], Team(good[1].target, "一般", ("99999999", good[1].inspectors[0]))]
    for wrong, words in ((bad, "尚未登记"), (strangers, "不是本局在岗执法人员")):
        with writing(db) as w:
            try:
                tasks.open_inspections(w, demo_plan(w), BATCH, wrong, principal(w, "supervision"))
            except DomainError as exc:
                assert words in exc.message
                w.rollback()
            else:  # pragma: no cover - the assertion below explains
                raise AssertionError("a wrong team was accepted")
    assert (_count(db, InspectionTask), _count(db, Action), _ledger(db)) == before


def test_results_are_refused_in_words_and_nothing_changes(
    client: TestClient, db: Session, settings: Settings
) -> None:
    first, _ = open_batch(db)
    task = db.get(InspectionTask, first)
    assert task is not None
    checked = (today() - timedelta(days=1)).isoformat()
    h = {"X-CSRF-Token": login(client, TEAM_A)}
    before = _ledger(db)
    cases = [
        ({"result": "未发现问题", "checked_on": checked}, 400, "现场检查记录"),
        ({"result": "无法联系", "checked_on": checked}, 422, ""),  # not the vocabulary
        ({"result": "通过登记的住所（经营场所）无法联系",
          "checked_on": (today() + timedelta(days=1)).isoformat()}, 400, "不能晚于今天"),
        ({"result": "通过登记的住所（经营场所）无法联系", "checked_on": "2026-05-31"}, 400,
         "不能早于本批次检查期间的开始日"),
    ]  # fmt: skip
    for body, status, words in cases:
        got = client.post(f"{API}/{first}/result", json=body, headers=h)
        assert got.status_code == status, (body, got.text)
        assert words in got.text
    assert _ledger(db) == before
    # An officer not on the case may not record its result (not even see the case).
    stranger = {"X-CSRF-Token": login(client, "lina")}
    before = _ledger(db)  # signing in is ledgered
    body = {"result": "通过登记的住所（经营场所）无法联系", "checked_on": checked}
    assert client.post(f"{API}/{first}/result", json=body, headers=stranger).status_code == 404
    assert _ledger(db) == before

    # 无法联系 needs no visit; the obligation is due 20 working days after the check.
    h = {"X-CSRF-Token": login(client, TEAM_A)}
    got = client.post(f"{API}/{first}/result", json=body, headers=h)
    assert got.status_code == 200, got.text
    assert got.json()["publication_state"] == "open"
    db.rollback()
    task = db.get(InspectionTask, first)
    assert task is not None and task.obligation_id is not None
    ob = db.get(PublicationObligation, task.obligation_id)
    assert ob is not None and ob.kind == "inspection" and ob.document_id is None
    expected = due(working_calendar(db), "publicity.random_inspection", date.fromisoformat(checked))
    assert (ob.limit_code, ob.due_on) == ("publicity.random_inspection", expected.date)

    # A penalty case may be named only with 已立案查处, and only one of the same party.
    other = open_action(settings, "penalty.general")
    issue_site_record(client, task.action_id)
    h = {"X-CSRF-Token": login(client, TEAM_A)}
    wrong = {"result": "未发现问题", "checked_on": checked, "penalty_action_id": other}
    refused = client.post(f"{API}/{first}/result", json=wrong, headers=h)
    assert refused.status_code == 400 and "只有“发现问题已立案查处”" in refused.text
    # A correction before publication: ledgered as such, the due day counted again.
    earlier = (today() - timedelta(days=3)).isoformat()
    fixed = {"result": "发现问题已责令改正", "checked_on": earlier}
    got = client.post(f"{API}/{first}/result", json=fixed, headers=h)
    assert got.status_code == 200, got.text
    assert got.json()["result_revision"] == 2
    assert entries(db, "inspection_task")[-2:] == [
        "inspection.task.result",
        "inspection.task.correct",
    ]
    db.rollback()
    ob = db.get(PublicationObligation, task.obligation_id)
    assert ob is not None
    again = due(working_calendar(db), "publicity.random_inspection", date.fromisoformat(earlier))
    assert ob.decided_on == date.fromisoformat(earlier) and ob.due_on == again.date
