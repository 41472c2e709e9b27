"""The dashboard's figures over HTTP on SQLite and PostgreSQL: facts that count and facts
that must not (on time, open before the due day, recorded, outside the period, of another
unit, officer or kind), each figure's number and rate, the filters, and the drill-down
listing exactly the counted records; who may read it.

The facts are written here directly (after the refresh has caught up with the ledger, so
it leaves them alone): the figures' queries are what is tested; the refresh from real
records is tested in test_weak_points_refresh."""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import login
from zhifa.core.audit import record_change
from zhifa.core.models import Unit, User
from zhifa.enforcement.models import Action, ActionOfficer, ActionStatus, Party, PowerItem
from zhifa.enforcement.steps import ActionKind
from zhifa.insight.weak_points import facts
from zhifa.insight.weak_points.models import WeakPointFact
from zhifa.insight.weak_points.rules import MANY_CASES

_IDS = itertools.count(1)
PERIOD = "from=2025-01-01&to=2025-12-31"
FAR = date(2099, 1, 1)


@dataclass
class World:
    units: list[int]
    officers: list[int]
    actions: list[Action]


def _actions(db: Session) -> World:
    units = list(db.scalars(select(Unit.id).order_by(Unit.id).limit(2)))
    officers = list(db.scalars(select(User.id).order_by(User.id).limit(2)))
    party = db.scalars(select(Party.id)).first()
    item = db.scalars(select(PowerItem.id)).first()
    assert party and item and len(units) == 2
    made = []
    for i in range(MANY_CASES + 1):
        kind = ActionKind.penalty if i % 2 == 0 else ActionKind.inspection
        action = Action(
            kind=kind, procedure="penalty.general", party_id=party, power_item_id=item,
            title=f"案件{i}", unit_id=units[0] if i < 2 else units[1], current_step="filing",
            status=ActionStatus.open,
        )  # fmt: skip
        db.add(action)
        db.flush()
        officer = ActionOfficer(action_id=action.id, officer_id=officers[0 if i < 2 else 1])
        db.add(officer)
        db.flush()
        record_change(db, "system", "action.open", action, officer)
        made.append(action)
    facts.refresh(db)  # the ledger is read to its end: the facts below stay as written
    return World(units, officers, made)


def _fact(a: Action, kind: str, label: str, **values: object) -> WeakPointFact:
    row: dict[str, object] = {
        "day": date(2025, 6, 1), "action_id": a.id, "unit_id": a.unit_id,
        "action_kind": a.kind.value, **values,
    }  # fmt: skip
    return WeakPointFact(kind=kind, record_type=kind, record_id=next(_IDS), label=label, **row)


def _write(db: Session, w: World) -> None:
    a, b, c = w.actions[0], w.actions[1], w.actions[2]
    reader = w.officers[0]
    rows = [
        _fact(a, "step", "步骤-迟", due_on=date(2025, 6, 1), done_on=date(2025, 6, 3)),
        _fact(b, "step", "步骤-准时", due_on=date(2025, 6, 1), done_on=date(2025, 6, 1)),
        _fact(c, "step", "步骤-未完成已届满", due_on=date(2025, 6, 1)),
        _fact(a, "step", "步骤-未到期", due_on=FAR),
        _fact(a, "step", "步骤-期外", day=date(2024, 6, 1), due_on=date(2024, 6, 1)),
        _fact(a, "recording", "录像-缺", state="missing"),
        _fact(b, "recording", "录像-有", state="recorded"),
        _fact(c, "recording", "录像-例外", state="excepted"),
        _fact(b, "publication", "公示-迟", due_on=date(2025, 6, 1), done_on=date(2025, 6, 9)),
        _fact(a, "correction", "更正-成立", state="corrected"),
        _fact(c, "correction", "更正-不成立", state="rejected"),
        _fact(c, "night", "夜间-甲", person_id=reader),
        _fact(c, "export_refused", "导出-拒"),
        _fact(b, "deduction", "扣分-文书"),
        _fact(a, "deduction", "扣分-期外", day=date(2024, 6, 1)),
    ]
    # the second officer reads MANY_CASES cases he has no part in; the first only one
    rows += [_fact(x, "no_part", f"调阅-{i}", person_id=w.officers[1], unit_id=w.units[1])
             for i, x in enumerate(w.actions[:MANY_CASES])]  # fmt: skip
    rows.append(_fact(a, "no_part", "调阅-少", person_id=reader))
    db.add_all(rows)
    db.commit()


NUMBER = re.compile(
    r'<section class="card weak-point" id="([a-z-]+)">.*?<strong>(\d+)</strong>', re.S
)


def _numbers(client: TestClient, query: str) -> dict[str, int]:
    page = client.get(f"/app/insight/weak-points?{query}")
    assert page.status_code == 200, page.text[-500:]
    return {code: int(n) for code, n in NUMBER.findall(page.text)}


def _listed(client: TestClient, code: str, query: str) -> set[str]:
    page = client.get(f"/app/insight/weak-points/{code}?{query}")
    assert page.status_code == 200
    body = page.text.split('id="records"', 1)[1]
    cells = re.findall(r'<td data-label="记录">(?:<a href="[^"]*">)?([^<]+)', body)
    return {html.unescape(c) for c in cells}


@pytest.fixture
def world(writer: Session) -> World:
    w = _actions(writer)
    _write(writer, w)
    writer.close()
    return w


def test_each_figure_counts_what_it_should(client: TestClient, world: World) -> None:
    login(client, "leader")
    numbers = _numbers(client, PERIOD)
    assert numbers["steps-late"] == 2  # late done, open past due; not on time, not yet due
    assert numbers["recording-missing"] == 1 and numbers["recording-excepted"] == 1
    assert numbers["publications-late"] == 1
    assert numbers["corrections-upheld"] == 1
    assert numbers["reads-at-night"] == 1 and numbers["exports-refused"] == 1
    assert numbers["reads-no-part"] == 1  # the one over the threshold, not the other
    assert numbers["gaps-unexplained"] == 0
    assert numbers["review-deductions"] == 1  # the one of 2024 is outside the period
    page = client.get(f"/app/insight/weak-points?{PERIOD}").text
    assert "占有时限的步骤 4 项的 50.0%" in page  # the one outside the period is not based
    assert "占应当记录的现场活动 3 项的 33.3%" in page
    assert "<svg" in page and "<script" not in page.split("<main>", 1)[1]


def test_the_drill_down_lists_exactly_the_counted_records(client: TestClient, world: World) -> None:
    login(client, "leader")
    assert _listed(client, "steps-late", PERIOD) == {"步骤-迟", "步骤-未完成已届满"}
    assert _listed(client, "recording-missing", PERIOD) == {"录像-缺"}
    assert _listed(client, "corrections-upheld", PERIOD) == {"更正-成立"}
    assert _listed(client, "review-deductions", PERIOD) == {"扣分-文书"}
    page = client.get(f"/app/insight/weak-points/review-deductions?{PERIOD}").text
    assert 'id="items"' in page and "按扣分项" in page
    assert 'id="items"' not in client.get(f"/app/insight/weak-points/steps-late?{PERIOD}").text
    readers = _listed(client, "reads-no-part", PERIOD)
    assert len(readers) == 1


def test_filters_narrow_every_figure(client: TestClient, world: World) -> None:
    login(client, "leader")
    first_unit = _numbers(client, f"{PERIOD}&unit={world.units[0]}")
    assert first_unit["steps-late"] == 1 and first_unit["publications-late"] == 1
    assert first_unit["exports-refused"] == 0 and first_unit["review-deductions"] == 1
    officer = _numbers(client, f"{PERIOD}&officer={world.officers[0]}")
    # his cases' facts, and his own reads (the night read), not the other reader's
    assert officer["steps-late"] == 1 and officer["reads-at-night"] == 1
    assert officer["reads-no-part"] == 0 and officer["exports-refused"] == 0
    assert officer["review-deductions"] == 1
    assert _numbers(client, f"{PERIOD}&unit={world.units[1]}")["review-deductions"] == 0
    inspection = _numbers(client, f"{PERIOD}&kind=inspection")
    assert inspection["steps-late"] == 0 and inspection["publications-late"] == 1
    assert inspection["review-deductions"] == 1
    assert _numbers(client, f"{PERIOD}&kind=penalty")["review-deductions"] == 0
    everything = _numbers(client, "")
    assert everything["steps-late"] == 3  # the one of 2024 too
    assert everything["review-deductions"] == 2
    assert _listed(client, "steps-late", f"{PERIOD}&unit={world.units[1]}") == {"步骤-未完成已届满"}


@pytest.mark.parametrize(
    "query", ["from=2025-13-01", "unit=abc", "kind=nothing", "from=2025-02-01&to=2025-01-01"]
)
def test_bad_filters_are_refused_clearly(client: TestClient, query: str) -> None:
    login(client, "leader")
    page = client.get(f"/app/insight/weak-points?{query}")
    assert 400 <= page.status_code < 500


@pytest.mark.parametrize(
    ("username", "status"), [("legal", 200), ("leader", 200), ("supervision", 403), ("office", 403)]
)
def test_who_may_read_it(client: TestClient, username: str, status: int) -> None:
    login(client, username)
    assert client.get("/app/insight/weak-points").status_code == status
    assert client.get("/app/insight/weak-points/steps-late").status_code == status


def test_an_unknown_figure_is_404(client: TestClient) -> None:
    login(client, "leader")
    assert client.get("/app/insight/weak-points/nothing").status_code == 404
