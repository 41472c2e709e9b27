"""Document numbers (文号): one counter per kind and year, advanced only inside the
transaction that issues the document.

Why no gaps and no duplicates, also with several app processes:
- The counter row is created if missing with an insert that ignores a conflict, then
  read with ``SELECT … FOR UPDATE`` (PostgreSQL): a second issuer of the same kind and
  year waits until the first commits or rolls back, and then reads the new value.
  On SQLite every app transaction begins IMMEDIATE, so it already holds the database
  write lock; the same statements run serialised.
- The increment commits or rolls back with the issue itself. A refused or failed issue
  (bad fields, a rendering error, a lost race) rolls back and leaves the counter as it
  was, so the next issue takes the same number: none is ever skipped.
- ``(kind, number_year, number_seq)`` and ``doc_number`` are unique in the table, so
  even a bug elsewhere could not store a number twice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.errors import DomainError, NotFound
from zhifa.recording.documents.kinds import KINDS, document_kind, pattern_problem
from zhifa.recording.documents.models import DocumentCounter, DocumentNumberPattern


def take_number(db: Session, kind: str, year: int) -> DocumentCounter:
    """Lock the (kind, year) counter for this transaction and advance it by one. The
    caller records the returned row in the ledger with the issue."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(DocumentCounter)
        .values(kind=kind, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["kind", "year"])
    )
    counter = db.scalars(
        select(DocumentCounter)
        .where(DocumentCounter.kind == kind, DocumentCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    counter.last += 1
    return counter


def last_number(db: Session, kind: str, year: int) -> int:
    counter = db.get(DocumentCounter, (kind, year))
    return counter.last if counter else 0


def current_pattern(db: Session, kind: str) -> str | None:
    """The newest pattern set for ``kind``, else the kind's default (None: no 文号)."""
    spec = document_kind(kind)
    if spec.pattern is None:
        return None
    newest = db.scalar(
        select(DocumentNumberPattern.pattern)
        .where(DocumentNumberPattern.kind == kind)
        .order_by(DocumentNumberPattern.id.desc())
        .limit(1)
    )
    return newest or spec.pattern


def all_patterns(db: Session) -> dict[str, str | None]:
    return {code: current_pattern(db, code) for code in KINDS}


def set_pattern(
    db: Session, kind: str, pattern: str, reason: str, who: Principal | None
) -> DocumentNumberPattern:
    """Set a new 文号 pattern for ``kind`` from now on; numbering continues per year."""
    if kind not in KINDS:
        raise NotFound("文书种类不存在")
    if document_kind(kind).pattern is None:
        raise DomainError(f"《{document_kind(kind).title}》不编文号", "pattern")
    pattern = pattern.strip()
    problem = pattern_problem(pattern)
    if problem:
        raise DomainError(problem, "pattern")
    if not reason.strip():
        raise DomainError("变更原因不能为空", "reason")
    for other, used in all_patterns(db).items():
        if other != kind and used == pattern:
            raise DomainError(f"该文号格式已用于《{document_kind(other).title}》", "pattern")
    row = DocumentNumberPattern(
        kind=kind,
        pattern=pattern,
        reason=reason.strip()[:200],
        set_by=who.user_id if who else None,
    )
    db.add(row)
    record_change(db, actor_name(who), "document.pattern", row)
    return row
