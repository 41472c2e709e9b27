"""Filing a closed demo case: the approved schedule gives its retention, the 档号 comes
from the scheme, items are numbered 1..n in 卷内目录 order, and everything is ledgered."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.archive.helpers import (
    ARCHIVIST,
    LEADER,
    closed_actions,
    code_scheme,
    file_case,
    ready_to_file,
    schedule_in,
)
from tests.factories import principal
from zhifa.archive.filing import service as filing
from zhifa.archive.filing.models import ArchiveItem, ItemKind
from zhifa.archive.retention import service as retention
from zhifa.core.audit import check_rows
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import Conflict, DomainError
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.ledger.models import ledger_entry
from zhifa.recording.documents.models import Document, DocumentStatus


def test_a_case_is_filed_whole_in_catalogue_order(settings: Settings, db: Session) -> None:
    store = open_blob_store(settings)
    archive = file_case(db, store)
    db.commit()
    action = db.get(Action, archive.action_id)
    assert action is not None
    issued = db.scalars(
        select(Document).where(
            Document.action_id == action.id, Document.status == DocumentStatus.issued
        )
    ).all()
    items = archive.items
    assert [i.item_no for i in items] == list(range(1, len(items) + 1))
    assert archive.item_count == len(items)
    assert archive.total_bytes == sum(i.size for i in items)
    filed_documents = {i.source for i in items if i.kind is ItemKind.document}
    assert filed_documents == {f"document:{d.id}" for d in issued}
    assert items[-1].kind is ItemKind.process
    assert [i.made_on for i in items[:-1]] == sorted(i.made_on for i in items[:-1])
    # A 简易程序 penalty is kept 30 years from 1 January after the year it closed.
    assert action.procedure == "penalty.summary"
    year = archive.closed_on.year
    assert (archive.period_code, archive.year) == ("D30", year)
    assert archive.retention_starts_on == date(year + 1, 1, 1)
    assert archive.keep_until == date(year + 30, 12, 31)
    assert archive.archival_code == f"Z031-ZF·{year}-D30-FZK-0001"
    assert archive.filing_due == date(archive.closed_on.year + 1, 6, 30)
    for item in items:
        assert store.exists(item.digest)
        meta = item.item_metadata
        assert meta["档号"] == {
            "档号": archive.archival_code,
            "全宗号": "Z031",
            "件号": item.item_no,
        }
        assert meta["电子属性"]["摘要值"] == item.digest
    assert all(i.pages and i.pages >= 1 for i in items if i.content_type == "application/pdf")
    subjects = set(db.scalars(select(ledger_entry.c.subject)))
    assert f"archive_file:{archive.id}" in subjects
    assert {f"archive_item:{i.id}" for i in items} <= subjects
    assert list(check_rows(db)) == []


def test_a_case_is_filed_once_and_only_when_closed(settings: Settings, db: Session) -> None:
    store = open_blob_store(settings)
    archive = file_case(db, store)
    db.commit()
    who = principal(db, ARCHIVIST)
    with pytest.raises(Conflict, match="已经归档"):
        filing.file_case(db, store, archive.action_id, who)
    db.rollback()
    still_open = db.scalars(select(Action).where(Action.status == ActionStatus.open)).first()
    assert still_open is not None
    with pytest.raises(DomainError, match="尚未办结"):
        filing.file_case(db, store, still_open.id, who)
    db.rollback()
    count = db.scalar(select(ArchiveItem.id).where(ArchiveItem.file_id != archive.id))
    assert count is None


def test_filing_needs_an_approved_schedule_and_a_scheme(settings: Settings, db: Session) -> None:
    store = open_blob_store(settings)
    action = closed_actions(db)[0]
    who = principal(db, ARCHIVIST)
    code_scheme(db)
    with pytest.raises(DomainError, match="尚未经领导批准"):
        filing.file_case(db, store, action.id, who)
    proposed = retention.propose(db, schedule_in(), who)
    with pytest.raises(DomainError, match="尚未经领导批准"):
        filing.file_case(db, store, action.id, who)
    with pytest.raises(DomainError, match="提出人不能审批"):
        retention.decide(db, proposed, retention.DecisionIn(approve=True), who)
    retention.decide(db, proposed, retention.DecisionIn(approve=True), principal(db, LEADER))
    assert filing.file_case(db, store, action.id, who).item_count >= 2


def test_cases_to_file_lists_closed_unfiled_cases_with_their_limit(
    settings: Settings, db: Session
) -> None:
    ready_to_file(db)
    closed = closed_actions(db)
    due = filing.cases_to_file(db)
    assert {row.action.id for row in due} == {a.id for a in closed}
    assert all(row.filing_due == date(row.closed_on.year + 1, 6, 30) for row in due)
    filing.file_case(db, open_blob_store(settings), closed[0].id, principal(db, ARCHIVIST))
    assert closed[0].id not in {row.action.id for row in filing.cases_to_file(db)}


def test_a_schedule_must_cover_every_class_and_keep_the_minimums(
    settings: Settings, db: Session
) -> None:
    data = schedule_in()
    who = principal(db, ARCHIVIST)
    short = data.model_copy(deep=True)
    for row in short.rows:
        if row.record_class.value == "media.inspection_unfiled":
            row.period_n = 3
    with pytest.raises(DomainError, match="不得少于6个月"):
        retention.propose(db, short, who)
    partial = data.model_copy(update={"rows": data.rows[1:]})
    with pytest.raises(DomainError, match="缺少"):
        retention.propose(db, partial, who)
    ledger_rows = data.model_copy(deep=True)
    for row in ledger_rows.rows:
        if row.record_class.value == "ledger":
            row.period_kind, row.period_n = "years", 30  # type: ignore[assignment]
    with pytest.raises(DomainError, match="只能永久保存"):
        retention.propose(db, ledger_rows, who)
