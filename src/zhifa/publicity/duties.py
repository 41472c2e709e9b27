"""The one list of publicity duties (公示办法 第七至十条): everything with a legal due day
that the deadline board shows and the overdue report judges.

A *duty* is a plain `Duty` row: what kind of task, which record, its reference and
subject, the unit and person responsible, the limit it comes from (code, basis), the
due day, and the day it was done (None while open). Whether a duty is done, and on which
day, is decided here once, by the source that reads its records; the board
(`publicity.service.board`) and the overdue report (`insight.accountability`) only read
`duties(...)`.

One source per kind, declared in the features' manifests (`core.features.DutySource`):
publicity's own (publication obligations, correction requests, withdrawals and updates of
changed decisions) are defined below; features that publicity must not import (the
catalogue's update obligations, the yearly figures, the filing of closed cases) declare
theirs in their manifests. A source may also have a `refresh`: catch-up work (e.g.
noticing that a duty was fulfilled) that `refresh_all` runs before the board or the report
is read, in the caller's transaction. Every process loads every manifest
(`core.features`), so the list is the same in the app, the command line and the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from zhifa.core.clock import today
from zhifa.core.features import registry
from zhifa.core.models import Unit, User
from zhifa.core.time_limits import limit
from zhifa.enforcement.models import Action
from zhifa.publicity import rules
from zhifa.publicity.models import (
    WITHDRAWAL_CAUSE_LABELS,
    CorrectionRequest,
    CorrectionStatus,
    ObligationStatus,
    PlatformStart,
    PublicationObligation,
    PublicationUpdate,
    TaskStatus,
    Withdrawal,
)
from zhifa.publicity.rules import BoardState
from zhifa.recording.documents.models import Document


class DutyKind(StrEnum):
    """The tasks, in the order the board lists them on the same due day."""

    publication = "publication"  # 公示 (第七条)
    correction = "correction"  # 更正答复 (第九条第一、二项)
    withdrawal = "withdrawal"  # 撤下 (第九条第三项; 行政处罚法 第四十八条第二款)
    update = "update"  # 变更后更新 (第八条第四项)
    catalogue_update = "catalogue_update"  # 事前公示更新 (第八条第一至三项)
    yearly_figures = "yearly_figures"  # 上年度执法数据 (第七条第四款: 每年1月31日前)
    archive_filing = "archive_filing"  # 案卷归档 (记录办法 第十条; the archive's manifest)
    complaint = "complaint"  # 投诉举报受理告知、答复 (信访条例; the supervision manifest)


DUTY_LABELS: dict[DutyKind, str] = {
    DutyKind.publication: "公示",
    DutyKind.correction: "更正答复",
    DutyKind.withdrawal: "撤下",
    DutyKind.update: "更新",
    DutyKind.catalogue_update: "事前公示更新",
    DutyKind.yearly_figures: "年度数据公开",
    DutyKind.archive_filing: "案卷归档",
    DutyKind.complaint: "投诉举报",
}


@dataclass(frozen=True)
class Duty:
    """One duty with a due day, as plain values."""

    kind: DutyKind
    record_id: int
    reference: str  # 决定书文号, receipt number, item code, certificate number …
    subject: str  # the case (案由) or the catalogue entry
    unit_id: int | None
    unit: str
    person_id: int | None
    person: str
    limit_code: str
    basis: str
    due_on: date
    due_provisional: bool
    done_on: date | None  # None while open
    link: str
    started_on: date | None = None  # the day the limit counts from
    detail: str = ""  # a short note: the receipt number, the cause, what to review
    decision_kind: str = ""  # penalty / compulsion / license, for duties about a decision
    obligation_id: int | None = None  # the decision's publication obligation
    waived: bool = False  # lifted: publication exempted (经批准不予公开)
    legacy: bool = False  # 历史遗留: due before the platform's start, charged to no one
    part: str = ""  # which of one record's duties, where it has several (a complaint's two)


@dataclass(frozen=True)
class Scope:
    """Which duties a reader wants. Days bound the due day. `unmet_or_late` lets a source
    leave out duties done on time (they can never be late: the overdue report)."""

    before: date | None = None  # due before this day
    start: date | None = None  # due on or after
    end: date | None = None  # due on or before
    unmet_or_late: bool = False

    def admits(self, due_on: date, done_on: date | None) -> bool:
        """The same bounds for a source that is not one query."""
        if self.unmet_or_late and done_on is not None and done_on <= due_on:
            return False
        return (
            (self.before is None or due_on < self.before)
            and (self.start is None or due_on >= self.start)
            and (self.end is None or due_on <= self.end)
        )

    def narrow(self, query: Select, due_column: Any) -> Select:
        if self.before is not None:
            query = query.where(due_column < self.before)
        if self.start is not None:
            query = query.where(due_column >= self.start)
        if self.end is not None:
            query = query.where(due_column <= self.end)
        return query


class Names:
    """Unit and people names, looked up once per read."""

    def __init__(self, db: Session) -> None:
        self.units = {u.id: u.name for u in db.scalars(select(Unit))}
        self.people = {u.id: u.full_name for u in db.scalars(select(User))}

    def unit(self, unit_id: int | None) -> str:
        return self.units.get(unit_id, "") if unit_id else ""

    def person(self, person_id: int | None) -> str:
        return self.people.get(person_id, "") if person_id else ""


Source = Callable[[Session, Scope, Names], Iterable[Duty]]


def refresh_all(db: Session) -> int:
    """Run every source's catch-up work (not committed); how many records it changed."""
    sources = registry().duty_sources.values()
    return sum(source.refresh(db) for source in sources if source.refresh is not None)


def duties(db: Session, scope: Scope | None = None, kind: DutyKind | None = None) -> list[Duty]:
    """Every registered duty in `scope` (all of them by default), of `kind` if given; those
    due before the platform's start are marked `legacy`."""
    wanted = scope or Scope()
    names = Names(db)
    sources = registry().duty_sources
    kinds = [kind] if kind else [k for k in DutyKind if k in sources]
    start = platform_started_on(db)
    return [
        replace(d, legacy=True) if d.due_on < start else d
        for k in kinds
        if k in sources
        for d in sources[k].read(db, wanted, names)
    ]


# ---- the platform's start and 逾期完成: one definition for the board, the report, the figures --


def platform_started_on(db: Session) -> date:
    """The day the bureau began to keep its duties here (migration 0022 records it: the day
    of the first ledger entry, or of the migration on a new installation). It is not a
    setting: moving it would excuse late duties, so it changes only in the database."""
    day = db.scalar(select(PlatformStart.started_on).where(PlatformStart.id == 1))
    return day if day is not None else today()


def done_late(duty: Duty) -> bool:
    """逾期完成: done after its due day (which runs to 24:00), neither lifted nor 历史遗留."""
    return (
        not duty.waived
        and not duty.legacy
        and duty.done_on is not None
        and duty.done_on > duty.due_on
    )


# ---- publicity's own sources -----------------------------------------------------------------


@dataclass(frozen=True)
class _Decision:
    """What every duty about one decision's publication shares."""

    obligation_id: int
    reference: str  # 决定书文号
    subject: str  # 案由
    kind: str
    unit_id: int | None
    decided_on: date


class _Decisions:
    def __init__(self, db: Session) -> None:
        self.db = db
        self._seen: dict[int, _Decision] = {}

    def __call__(self, obligation_id: int) -> _Decision:
        if obligation_id not in self._seen:
            ob = self.db.get(PublicationObligation, obligation_id)
            assert ob is not None
            doc = self.db.get(Document, ob.document_id) if ob.document_id else None
            action = self.db.get(Action, ob.action_id)
            self._seen[obligation_id] = _Decision(
                obligation_id=ob.id,
                reference=(doc.doc_number if doc else "") or rules.KIND_LABELS[ob.kind],
                subject=action.title if action else "",
                kind=ob.kind,
                unit_id=ob.unit_id,
                decided_on=ob.decided_on,
            )
        return self._seen[obligation_id]


_Row = PublicationObligation | CorrectionRequest | Withdrawal | PublicationUpdate
_PAGES = {
    DutyKind.publication: "obligations",
    DutyKind.correction: "corrections",
    DutyKind.withdrawal: "withdrawals",
    DutyKind.update: "updates",
}


def _duty(
    names: Names,
    decision: _Decision,
    kind: DutyKind,
    row: _Row,
    *,
    done_on: date | None,
    person_id: int | None,
    started_on: date,
    unit_id: int | None = None,
    reference: str = "",
    detail: str = "",
    waived: bool = False,
) -> Duty:
    """A duty about `decision`; unit and reference default to the decision's."""
    unit_id = unit_id or decision.unit_id
    return Duty(
        kind=kind,
        record_id=row.id,
        reference=reference or decision.reference,
        subject=decision.subject,
        unit_id=unit_id,
        unit=names.unit(unit_id),
        person_id=person_id,
        person=names.person(person_id),
        limit_code=row.limit_code,
        basis=limit(row.limit_code).basis,
        due_on=row.due_on,
        due_provisional=row.due_provisional,
        done_on=done_on,
        link=f"/app/publicity/{_PAGES[kind]}/{row.id}",
        started_on=started_on,
        detail=detail,
        decision_kind=decision.kind,
        obligation_id=decision.obligation_id,
        waived=waived,
    )


def publication_duties(db: Session, scope: Scope, names: Names) -> Iterator[Duty]:
    """Done when published or exempted (the day it was completed)."""
    ob_ = PublicationObligation
    query = scope.narrow(select(ob_), ob_.due_on)
    if scope.unmet_or_late:  # those met on time are many: leave them in the database
        query = query.where(or_(ob_.status == ObligationStatus.open, ob_.completed_on > ob_.due_on))
    decisions = _Decisions(db)
    for ob in db.scalars(query.order_by(ob_.id)):
        done = ob.completed_on if ob.status is not ObligationStatus.open else None
        decision = decisions(ob.id)
        yield _duty(
            names,
            decision,
            DutyKind.publication,
            ob,
            done_on=done,
            person_id=ob.responsible_id,
            started_on=ob.decided_on,
            waived=ob.status is ObligationStatus.exempted,
        )


def correction_duties(db: Session, scope: Scope, names: Names) -> Iterator[Duty]:
    """Answered when corrected or rejected (a proposed correction awaits its second
    person), by the handler; the reference is the receipt number with the 文号."""
    query = scope.narrow(select(CorrectionRequest), CorrectionRequest.due_on)
    decisions = _Decisions(db)
    for row in db.scalars(query.order_by(CorrectionRequest.id)):
        decision = decisions(row.obligation_id)
        answered = row.status in (CorrectionStatus.corrected, CorrectionStatus.rejected)
        yield _duty(
            names,
            decision,
            DutyKind.correction,
            row,
            done_on=(row.decided_on or row.received_on) if answered else None,
            person_id=row.handler_id,
            started_on=row.received_on,
            reference=f"{row.receipt_number}（{decision.reference}）",
            detail=row.receipt_number,
        )


def _tasks(model: type[Withdrawal] | type[PublicationUpdate], kind: DutyKind) -> Source:
    """Withdrawals and updates carry their own unit and person responsible; done on the
    day they were performed (or the change's day, for one done before it took effect)."""

    def load(db: Session, scope: Scope, names: Names) -> Iterator[Duty]:
        query = scope.narrow(select(model), model.due_on)
        decisions = _Decisions(db)
        for row in db.scalars(query.order_by(model.id)):
            detail = (
                WITHDRAWAL_CAUSE_LABELS[row.cause]
                if isinstance(row, Withdrawal)
                else row.decision_ref
            )
            yield _duty(
                names,
                decisions(row.obligation_id),
                kind,
                row,
                done_on=(row.done_on or row.occurred_on) if row.status is TaskStatus.done else None,
                person_id=row.responsible_id,
                started_on=row.occurred_on,
                unit_id=row.unit_id,
                detail=detail,
            )

    return load


withdrawal_duties = _tasks(Withdrawal, DutyKind.withdrawal)
update_duties = _tasks(PublicationUpdate, DutyKind.update)


# ---- the deadline board's view: what is open first, finished ones behind a filter ------------


class BoardLine(Protocol):
    """A board row as `publicity.service.board` makes it."""

    @property
    def duty(self) -> Duty: ...
    @property
    def state(self) -> BoardState: ...
    @property
    def days_left(self) -> int: ...


Line = TypeVar("Line", bound=BoardLine)
ALL_STATES = "全部"  # the board's state filter: also the finished ones
_FIRST = {BoardState.OVERDUE: 0, BoardState.DUE_SOON: 1, BoardState.OPEN: 2, BoardState.DONE: 3}


@dataclass(frozen=True)
class BoardView(Generic[Line]):
    """The board's rows, 已逾期 (longest late first) then 临期 then 未到期, finished ones only
    when asked; 历史遗留 apart; the counts at its top (over every row, whatever is shown)."""

    rows: list[Line]
    legacy: list[Line]
    counts: dict[str, int]


def board_view(
    lines: Iterable[Line], state: BoardState | None, everything: bool
) -> BoardView[Line]:
    """`state` shows only that state; without one, the unfinished (or `everything`)."""
    current = [line for line in lines if not line.duty.legacy]
    legacy = [line for line in lines if line.duty.legacy]
    counts = {s.value: sum(1 for line in current if line.state is s) for s in BoardState}
    counts["逾期完成"] = sum(1 for line in current if done_late(line.duty))
    counts["历史遗留"] = len(legacy)

    def shown(line: Line) -> bool:
        if state is not None:
            return line.state is state
        return everything or line.state is not BoardState.DONE

    rows = sorted(
        (line for line in current if shown(line)),
        key=lambda line: (
            _FIRST[line.state],
            line.days_left if line.state is not BoardState.DONE else 0,
            line.duty.due_on,
            line.duty.record_id,
        ),
    )
    return BoardView(rows, legacy, counts)
