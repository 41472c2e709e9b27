"""The overdue report over HTTP on SQLite and PostgreSQL: publication obligations,
correction requests and withdrawals with known due days around National Day 2026,
completed on given days; the page's late working days against counts made here with the
chinesecalendar library directly; the XLSX read back with openpyxl equals the page;
filters; 403 for roles without the permission; every read access-logged."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import chinese_calendar
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as, _open, _valid_officers
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import AccessLog, Unit, UnitKind, User
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.enforcement.models import Action
from zhifa.publicity.models import (
    CorrectionRequest,
    CorrectionStatus,
    ObligationStatus,
    PlatformStart,
    PublicationObligation,
    PublicationUpdate,
    TaskStatus,
    Withdrawal,
    WithdrawalCause,
)
from zhifa.recording.documents.models import Document, DocumentStatus

DUE = date(2026, 9, 30)  # Wednesday before National Day (10月1日–7日 off)


def working_days_late(due_on: date, end: date) -> int:
    """Counted here with the library directly, not with the app's calendar."""
    days = (due_on + timedelta(days=i) for i in range(1, (end - due_on).days + 1))
    return sum(1 for d in days if chinese_calendar.is_workday(d))


@dataclass(frozen=True)
class Expect:
    reference: str
    late: int | None  # None: on time, not listed
    done: date | None
    unit: int
    person: int


@dataclass
class World:
    unit_a: int
    unit_b: int
    zhang: int
    li: int
    expected: dict[tuple[str, int], Expect]

    def late(self, kind: str | None = None, **match: int) -> set[tuple[str, int]]:
        return {
            key
            for key, e in self.expected.items()
            if e.late is not None
            and (kind is None or key[0] == kind)
            and all(getattr(e, name) == value for name, value in match.items())
        }

    def one(self, kind: str) -> int:
        return next(k[1] for k in self.expected if k[0] == kind)


def _obligation(
    db: Session, action: Action, number: str, unit: int, person: int, done: date | None
) -> PublicationObligation:
    code = "publicity.penalty"
    computed = due(working_calendar(db), code, date(2026, 9, 20))
    assert computed.date == DUE  # from the make-up Sunday 20th: 21–24, 28–30 (25th is 中秋)
    doc = Document(
        action_id=action.id,
        kind="penalty_decision",
        status=DocumentStatus.issued,
        doc_number=number,
        issue_date=date(2026, 9, 20),
    )
    db.add(doc)
    db.flush()
    ob = PublicationObligation(
        action_id=action.id,
        document_id=doc.id,
        kind="penalty",
        decided_on=date(2026, 9, 20),
        limit_code=code,
        due_on=computed.date,
        due_provisional=computed.provisional,
        basis=computed.basis[:1000],
        responsible_id=person,
        unit_id=unit,
        status=ObligationStatus.published if done else ObligationStatus.open,
        completed_on=done,
    )
    db.add(ob)
    db.flush()
    return ob


def _arrange(settings: Settings, action_id: int) -> World:
    engine = make_engine(settings.resolved_database_url)
    db = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    try:
        action = db.get(Action, action_id)
        assert action is not None
        a = Unit(name="问责测试一中队", kind=UnitKind.squad)
        b = Unit(name="问责测试二中队", kind=UnitKind.squad)
        db.add_all([a, b])
        # The bureau began keeping its duties here before these (else they are 历史遗留).
        db.get_one(PlatformStart, 1).started_on = date(2026, 1, 1)
        db.flush()
        users = list(db.scalars(select(User).order_by(User.id).limit(2)))
        world = World(a.id, b.id, users[0].id, users[1].id, {})
        now = today()

        def expect(
            key: tuple[str, int], ref: str, due_on: date, done: date | None, unit: int, person: int
        ) -> None:
            end = done or now
            late = working_days_late(due_on, end) if end > due_on else None
            world.expected[key] = Expect(ref, late, done, unit, person)

        def publication(n: int, unit: int, person: int, done: date | None) -> PublicationObligation:
            number = f"问责测试〔2026〕{n}号"
            ob = _obligation(db, action, number, unit, person, done)
            expect(("publication", ob.id), number, DUE, done, unit, person)
            return ob

        ob1 = publication(1, a.id, world.zhang, date(2026, 10, 8))  # 1
        publication(2, a.id, world.li, date(2026, 10, 10))  # 3 (make-up Saturday)
        publication(3, b.id, world.li, date(2026, 10, 3))  # 0, in the holiday
        publication(4, b.id, world.zhang, DUE)  # on time
        publication(5, b.id, world.li, None)  # open since

        corr = CorrectionRequest(
            receipt_number="GZ-TEST-0001",
            obligation_id=ob1.id,
            source="public",
            requester_name="王某",
            contact="wang@example.com",
            what_is_wrong="金额有误",
            received_on=date(2026, 9, 29),
            limit_code="publicity.correction_request",
            due_on=date(2026, 10, 9),
            status=CorrectionStatus.corrected,
            handler_id=world.li,
            decided_by=world.li,
            decided_at=datetime(2026, 10, 11, 17, 30, tzinfo=UTC),
            decided_on=date(2026, 10, 12),  # 10 (make-up Saturday) and 12 -> 2
        )
        proposed = CorrectionRequest(  # a proposed correction awaits its second person: open
            receipt_number="GZ-TEST-0002",
            obligation_id=ob1.id,
            source="staff",
            requester_name="",
            contact="",
            what_is_wrong="地址有误",
            received_on=date(2026, 9, 29),
            limit_code="publicity.correction_request",
            due_on=date(2026, 10, 9),
            status=CorrectionStatus.proposed,
            handler_id=world.zhang,
            proposed_by=world.zhang,
        )
        withdrawal = Withdrawal(
            obligation_id=ob1.id,
            cause=WithdrawalCause.revoked,
            reason="决定被撤销",
            decision_ref="沪普应急撤〔2026〕1号",
            occurred_on=date(2026, 9, 24),
            limit_code="publicity.withdrawal_penalty",
            due_on=date(2026, 9, 29),
            responsible_id=world.zhang,
            unit_id=b.id,  # its own unit, not the decision's
            status=TaskStatus.open,
        )
        update = PublicationUpdate(
            obligation_id=ob1.id,
            decision_ref="沪普应急变〔2026〕1号",
            occurred_on=date(2026, 8, 31),
            limit_code="publicity.update_decision_changed",
            due_on=date(2026, 9, 28),
            responsible_id=world.li,
            unit_id=a.id,
            status=TaskStatus.done,
            done_on=date(2026, 10, 9),  # 29, 30 September, 8, 9 October -> 4
        )
        db.add_all([corr, proposed, withdrawal, update])
        db.flush()
        number = "问责测试〔2026〕1号"
        expect(
            ("correction", corr.id),
            f"GZ-TEST-0001（{number}）",
            corr.due_on,
            corr.decided_on,
            a.id,
            world.li,
        )
        expect(
            ("correction", proposed.id),
            f"GZ-TEST-0002（{number}）",
            proposed.due_on,
            None,
            a.id,
            world.zhang,
        )
        expect(("withdrawal", withdrawal.id), number, withdrawal.due_on, None, b.id, world.zhang)
        expect(("update", update.id), number, update.due_on, update.done_on, a.id, world.li)
        db.commit()
        return world
    finally:
        db.close()
        engine.dispose()


@pytest.fixture
def world(client: TestClient, db: Session, settings: Settings) -> Iterator[World]:
    """One action opened through the API; its duties written here with known days."""
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "penalty.general", "penalty", officers)
    yield _arrange(settings, action["id"])


ROW_RE = re.compile(r'<tr data-kind="(\w+)" data-id="(\d+)">(.*?)</tr>', re.DOTALL)


def page_rows(html: str) -> dict[tuple[str, int], list[str]]:
    """Each row's cells as text, keyed by (kind, record id)."""
    rows = {}
    for kind, record_id, body in ROW_RE.findall(html):
        cells = [re.sub(r"<[^>]+>", " ", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        rows[(kind, int(record_id))] = [" ".join(c.split()) for c in cells]
    return rows


def test_page_counts_late_working_days(client: TestClient, world: World) -> None:
    _as(client, "supervision")
    response = client.get("/app/insight/overdue?from=2026-09-01&to=2026-10-31")
    assert response.status_code == 200, response.text
    rows = page_rows(response.text)
    assert set(rows) & set(world.expected) == world.late()  # the on-time one is not listed
    assert [e.late for e in world.expected.values()].count(None) == 1
    for key in world.late():
        e, cells = world.expected[key], rows[key]
        assert cells[1] == e.reference
        assert cells[7] == (people_date(e.done) if e.done else "未完成")
        assert cells[8].split()[0] == str(e.late), (key, cells)
    labels = {key[0]: rows[key][0] for key in world.late()}
    assert labels == {
        "publication": "公示",
        "correction": "更正答复",
        "withdrawal": "撤下",
        "update": "更新",
    }
    # the limit in words (its basis), never its code (issue 13 point 5)
    assert "行政处罚法》第四十八条第二款" in rows[("withdrawal", world.one("withdrawal"))][5]
    assert "publicity." not in response.text and "overdue_report" not in response.text
    # the hand counts in the arrangement's comments agree with the library's count
    closed = {(k[0], world.expected[k].late) for k in world.late() if world.expected[k].done}
    assert closed == {("publication", 1), ("publication", 3), ("publication", 0)} | {
        ("correction", 2),
        ("update", 4),
    }
    for kind, page in (("correction", "corrections"), ("withdrawal", "withdrawals")):
        assert f'href="/app/publicity/{page}/{world.one(kind)}"' in response.text
    assert 'href="/app/insight/overdue"' in response.text  # in the navigation


def test_filters(client: TestClient, world: World) -> None:
    _as(client, "leader")

    def keys(query: str) -> set[tuple[str, int]]:
        response = client.get(f"/app/insight/overdue?{query}")
        assert response.status_code == 200, response.text
        return set(page_rows(response.text)) & set(world.expected)

    assert keys(f"unit={world.unit_a}") == world.late(unit=world.unit_a)
    assert keys(f"unit={world.unit_b}") == world.late(unit=world.unit_b)
    assert keys("kind=correction") == world.late("correction")
    assert keys(f"person={world.li}&kind=publication") == world.late("publication", person=world.li)
    assert keys("from=2026-09-30&to=2026-09-30") == world.late("publication")
    assert keys("from=2026-10-01") == world.late("correction")
    assert keys("to=2026-09-29") == world.late("withdrawal") | world.late("update")
    for bad in (
        "from=2026-13-01",
        "unit=abc",
        "unit=１",
        "kind=nope",
        "from=2026-10-02&to=2026-10-01",
    ):
        response = client.get(f"/app/insight/overdue?{bad}")
        assert response.status_code == 422, bad
        assert "无效" in response.text or "日期" in response.text


def test_xlsx_equals_page(client: TestClient, world: World) -> None:
    _as(client, "legal")
    query = f"unit={world.unit_b}&from=2026-09-01&to=2026-10-31"
    page = page_rows(client.get(f"/app/insight/overdue?{query}").text)
    response = client.get(f"/app/insight/overdue.xlsx?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    sheet = book["逾期明细"]
    assert "逾期问责报告" in sheet["A1"].value
    assert "问责测试二中队" in sheet["A2"].value and "2026-09-01" in sheet["A2"].value
    assert sheet.freeze_panes == "A4"
    header = [c.value for c in sheet[3]]
    assert header[:2] == ["类别", "决定书文号/编号"] and "逾期工作日" in header
    assert sheet.column_dimensions["B"].width > 20
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert sorted(r[10] for r in data if r[9] is not None) == [0]  # done in the holiday
    assert len(data) == len(page)
    for row, cells in zip(data, page.values(), strict=True):
        assert row[1] == cells[1]  # same order as the page
        assert isinstance(row[7], datetime)  # a real date cell
        assert people_date(row[7].date()) == cells[6].split()[0]
        assert (people_date(row[9].date()) if row[9] else "未完成") == cells[7]
        assert str(row[10]) == cells[8].split()[0]
    totals = [[c.value for c in row] for row in book["合计"].iter_rows(min_row=4)]
    unit_rows = totals[1 : totals.index(["按责任人", None, None, None, None])]
    assert unit_rows == [
        [
            "问责测试二中队",
            len(data),
            sum(1 for r in data if r[9] is None),
            sum(r[10] for r in data),
            max(r[10] for r in data),
        ]
    ]


def test_permission_and_access_log(client: TestClient, world: World, db: Session) -> None:
    for username in ("office", "archivist"):
        _as(client, username)
        assert client.get("/app/insight/overdue").status_code == 403
        assert client.get("/app/insight/overdue.xlsx").status_code == 403
        assert "/app/insight/overdue" not in client.get("/app").text
    client.cookies.clear()
    assert client.get("/app/insight/overdue.xlsx").status_code in (303, 401)

    def logged() -> int:
        db.rollback()
        return (
            db.scalar(
                select(func.count())
                .select_from(AccessLog)
                .where(AccessLog.record_type == "overdue_report")
            )
            or 0
        )

    before = logged()
    _as(client, "supervision")
    assert client.get("/app/insight/overdue?kind=withdrawal").status_code == 200
    assert client.get("/app/insight/overdue.xlsx?kind=withdrawal").status_code == 200
    assert logged() == before + 2
    purposes = list(
        db.scalars(select(AccessLog.purpose).where(AccessLog.record_type == "overdue_report"))
    )
    assert any("导出" in p and "撤下" in p for p in purposes)
