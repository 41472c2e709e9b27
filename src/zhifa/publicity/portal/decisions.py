"""The portal's store: applying outbox messages to the read model, and searching it.

Search is Chinese full text by character bigrams. Each run of CJK characters becomes its
overlapping bigrams plus the run's last character on its own ("处罚款" → 处罚 罚款 款);
Latin letters and digits are words. A query term becomes a *phrase* of the same tokens, so
a match is an exact substring match: "罚款" matches only where 罚款 is written, never 罚 …
款 apart. A term ending in one character (or a Latin word) is a prefix phrase: "罚" finds
every text containing 罚 (a bigram starting with it, or a run ending in it). Terms
separated by spaces must all match.

Entries are listed newest first by `sort_key`: the decision day, then the order of
publication. The index lives in SQLite's FTS5 (``portal_search``: columns body, party,
unit, kind; rowid = ``-sort_key``, so newest first is the index's own forward order, read
incrementally up to the LIMIT, and a decision-date range is a rowid range FTS5 seeks to)
or in a PostgreSQL tsvector (party weighted A, unit B, kind C, body D; GIN index; the
query is a ``<->`` phrase tsquery). Latin words match from their start only ("500" finds
5000, "000" does not); punctuation separates tokens and is not itself searched.

Only entries being published are indexed: withdrawn and expired ones leave the index.
Counts stop at COUNT_CAP: one query reads the first COUNT_CAP + 1 ids, which give both the
(capped) count and any of the MAX_PAGE pages.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, cast, func, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session, defer

from zhifa.core.clock import SHANGHAI, people_date
from zhifa.publicity.channels.base import OUTBOX_EVENT_LABELS, OutboxEvent, OutgoingMessage
from zhifa.publicity.portal.models import (
    PortalEntry,
    PortalReceipt,
    PortalStatus,
    PortalVersion,
)

PAGE_SIZE = 20
COUNT_CAP = 1000  # counts above this read "1000+": exact counts of common words cost too much
MAX_PAGE = COUNT_CAP // PAGE_SIZE
MAX_TERMS = 8
_PG_MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
_PG_MAX_POSITIONS = 255  # positions kept per lexeme

_KIND = re.compile(r"[a-z]+")
_RUN = re.compile(r"(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|(?P<word>[0-9a-z]+)")

# ---- tokens -----------------------------------------------------------------------------


def _runs(value: str) -> Iterator[tuple[str, str]]:
    for match in _RUN.finditer(unicodedata.normalize("NFKC", value).lower()):
        yield str(match.lastgroup), match.group()


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(value: str) -> list[str]:
    """The tokens of a text as indexed, in order."""
    tokens: list[str] = []
    for kind, run in _runs(value):
        if kind == "cjk" and len(run) > 1:
            tokens += [*_bigrams(run), run[-1]]
        else:
            tokens.append(run)
    return tokens


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]
    prefix: bool  # the last token is a prefix


def phrase_of(term: str) -> Phrase | None:
    """The phrase that finds `term` as a substring (None: nothing searchable in it)."""
    runs = list(_runs(term))
    tokens: list[str] = []
    for position, (kind, run) in enumerate(runs):
        last = position == len(runs) - 1
        if kind == "cjk" and len(run) > 1:
            # Inside the query the run is whole in the text too, so its end token is there;
            # at the query's end the text's run may go on.
            tokens += _bigrams(run) if last else [*_bigrams(run), run[-1]]
        else:
            tokens.append(run)
    if not tokens:
        return None
    single_or_word = runs[-1][0] == "word" or len(runs[-1][1]) == 1
    return Phrase(tuple(tokens), prefix=single_or_word)


def phrases_of(query: str) -> list[Phrase]:
    found = (phrase_of(term) for term in query.split()[:MAX_TERMS])
    return [p for p in found if p is not None]


# ---- index writing ------------------------------------------------------------------------


def sort_key(day: date, seq: int) -> int:
    """Listing order, newest first = largest: the decision day, then the publication."""
    return (day.toordinal() << 32) | seq


def _key_range(start: date | None, end: date | None) -> tuple[int | None, int | None]:
    """The sort keys of decisions from `start` to `end` (both days included)."""
    low = start.toordinal() << 32 if start else None
    high = ((end.toordinal() + 1) << 32) - 1 if end else None
    return low, high


@dataclass(frozen=True)
class IndexText:
    body: str
    party: str
    unit: str
    kind: str

    def fts_row(self) -> dict[str, str]:
        return {name: " ".join(index_tokens(value)) for name, value in self._columns()}

    def tsvector(self) -> str:
        """A PostgreSQL tsvector literal: every token with its positions and weight."""
        positions: dict[tuple[str, str], list[int]] = {}
        at = 0
        columns = (self.party, self.unit, self.kind, self.body)
        for weight, value in zip(("A", "B", "C", ""), columns, strict=True):
            for token in index_tokens(value):
                at = min(at + 1, _PG_MAX_POSITION)
                positions.setdefault((token, weight), []).append(at)
            at += 1  # a gap: no phrase runs from one column into the next
        return " ".join(
            f"'{token}':" + ",".join(f"{p}{weight}" for p in places[:_PG_MAX_POSITIONS])
            for (token, weight), places in positions.items()
        )

    def _columns(self) -> Iterable[tuple[str, str]]:
        return (
            ("body", self.body),
            ("party", self.party),
            ("unit", self.unit),
            ("kind", self.kind),
        )


def item_values(snapshot: dict[str, Any]) -> dict[str, str]:
    return {str(i["key"]): str(i["value"]) for i in snapshot.get("items", [])}


def index_text(snapshot: dict[str, Any]) -> IndexText:
    values = item_values(snapshot)
    body = "\n".join([str(snapshot.get("kind_label", "")), *values.values()])
    party, unit = values.get("party_name", ""), values.get("authority", "")
    return IndexText(body=body, party=party, unit=unit, kind=str(snapshot.get("kind", "")))


# The full-text table (`portal_models.SEARCH_TABLE`); only values are bound.
_FTS_DELETE = text("DELETE FROM portal_search WHERE rowid = -:key")
_FTS_INSERT = text(
    "INSERT INTO portal_search (rowid, body, party, unit, kind)"
    " VALUES (-:key, :body, :party, :unit, :kind)"
)


def _is_postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def _unindex(db: Session, entry: PortalEntry) -> None:
    if _is_postgres(db):
        entry.search_vector = None
    else:
        db.execute(_FTS_DELETE, {"key": entry.sort_key})


def _index(db: Session, entry: PortalEntry, words: IndexText) -> None:
    if _is_postgres(db):
        entry.search_vector = words.tsvector()
    else:
        db.execute(_FTS_INSERT, {"key": entry.sort_key, **words.fts_row()})


# ---- applying messages ------------------------------------------------------------------------


_SUMMARY_KEYS = ("content", "measure", "certificate_name", "violation_type", "result")


def summary_of(values: dict[str, str]) -> str:
    return next((values[k] for k in _SUMMARY_KEYS if values.get(k)), "")[:500]


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _new_entry(db: Session, message: OutgoingMessage, day: date) -> PortalEntry:
    seq = int(db.scalar(select(func.coalesce(func.max(PortalEntry.seq), 0))) or 0) + 1
    decided = _day(item_values(message.snapshot).get("decided_on", "")) or day
    entry = PortalEntry(
        id=message.obligation_id,
        seq=seq,
        sort_key=sort_key(decided, seq),
        kind=message.kind,
        status=PortalStatus.current.value,
        version=message.version,
        publication_id=message.publication_id,
        published_on=day,
        digest=message.digest,
    )
    db.add(entry)
    return entry


def _show(db: Session, entry: PortalEntry, message: OutgoingMessage, day: date) -> None:
    """Publish, update or correct: the message's version becomes the current content."""
    _unindex(db, entry)  # under its present key: a corrected decision day moves it
    values = item_values(message.snapshot)
    entry.status = PortalStatus.current.value
    entry.kind = message.kind
    entry.version = message.version
    entry.publication_id = message.publication_id
    entry.unit_name = values.get("authority", "")[:200]
    entry.party_name = values.get("party_name", "")[:200]
    entry.doc_number = values.get("doc_number", "")[:100]
    entry.summary = summary_of(values)
    entry.decided_on = _day(values.get("decided_on", ""))
    entry.sort_key = sort_key(entry.decided_on or entry.published_on, entry.seq)
    entry.public_until = message.public_until
    entry.snapshot_json = message.snapshot_json
    entry.digest = message.digest
    entry.ledger_index = message.ledger_index
    if message.event != OutboxEvent.publish:
        entry.note = message.note[:1000]
        entry.changed_on = day
    db.flush()
    _index(db, entry, index_text(message.snapshot))


def _take_down(db: Session, entry: PortalEntry, message: OutgoingMessage, day: date) -> None:
    """Withdraw or expire: the content leaves the portal; the notice stays."""
    expired = message.event == OutboxEvent.expire
    entry.status = (PortalStatus.expired if expired else PortalStatus.withdrawn).value
    entry.note = message.note[:1000]
    entry.changed_on = day
    entry.snapshot_json = ""
    entry.party_name = ""
    entry.summary = ""
    db.flush()
    _unindex(db, entry)


def apply(db: Session, message: OutgoingMessage) -> str:
    """Apply one outbox message (idempotent by its key); returns the receipt."""
    done = db.get(PortalReceipt, message.idempotency_key)
    if done is not None:
        return done.receipt
    day = message.occurred_at.astimezone(SHANGHAI).date()
    entry = db.get(PortalEntry, message.obligation_id) or _new_entry(db, message, day)
    if message.event in (OutboxEvent.withdraw, OutboxEvent.expire):
        _take_down(db, entry, message, day)
    elif message.version >= entry.version:  # an older version never replaces a newer one
        _show(db, entry, message, day)
    event = OUTBOX_EVENT_LABELS[message.event]
    receipt = f"门户网站公开编号 {entry.id}，第 {message.version} 版{event}，{people_date(day)}"
    db.add(
        PortalVersion(
            entry_id=entry.id,
            version=message.version,
            event=message.event.value,
            occurred_on=day,
            note=message.note[:1000],
            digest=message.digest,
            ledger_index=message.ledger_index,
        )
    )
    db.add(
        PortalReceipt(idempotency_key=message.idempotency_key, entry_id=entry.id, receipt=receipt)
    )
    db.flush()
    return receipt


# ---- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    unit: str = ""
    party: str = ""

    def fts_match(self) -> str:
        """The FTS5 query ("" when no words are searched): the kind is a token of its own
        column, so a rare kind narrows the index walk instead of filtering its rows."""
        parts = [_fts(p, None) for p in phrases_of(self.q)]
        parts += [_fts(p, "party") for p in phrases_of(self.party)]
        parts += [_fts(p, "unit") for p in phrases_of(self.unit)]
        if parts and _KIND.fullmatch(self.kind):
            parts.append(_fts(Phrase((self.kind,), prefix=False), "kind"))
        return " AND ".join(parts)

    def key_range(self) -> tuple[int | None, int | None]:
        return _key_range(self.date_from, self.date_to)

    def tsquery(self) -> str:
        parts = [_ts(p, "") for p in phrases_of(self.q)]
        parts += [_ts(p, "A") for p in phrases_of(self.party)]
        parts += [_ts(p, "B") for p in phrases_of(self.unit)]
        if parts and _KIND.fullmatch(self.kind):
            parts.append(f"'{self.kind}':C")
        return " & ".join(parts)


def _fts(phrase: Phrase, column: str | None) -> str:
    # Tokens hold only CJK characters, a-z and 0-9: nothing to escape.
    quoted = '"' + " ".join(phrase.tokens) + '"' + ("*" if phrase.prefix else "")
    return f"{column} : {quoted}" if column else quoted


def _ts(phrase: Phrase, weight: str) -> str:
    last = len(phrase.tokens) - 1
    return " <-> ".join(
        f"'{token}':" + ("*" if phrase.prefix and i == last else "") + weight
        if weight or (phrase.prefix and i == last)
        else f"'{token}'"
        for i, token in enumerate(phrase.tokens)
    )


@dataclass
class ResultPage:
    entries: list[PortalEntry]
    total: int  # capped at COUNT_CAP + 1
    page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, min(MAX_PAGE, -(-self.total // PAGE_SIZE)))

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def _sql_filters(filters: Filters) -> list[Any]:
    where: list[Any] = [PortalEntry.status == PortalStatus.current.value]
    if filters.kind:
        where.append(PortalEntry.kind == filters.kind)
    low, high = filters.key_range()
    if low is not None:
        where.append(PortalEntry.sort_key >= low)
    if high is not None:
        where.append(PortalEntry.sort_key <= high)
    return where


_SQLITE_SEARCH = (
    "SELECT portal_entry.id FROM portal_search"
    " CROSS JOIN portal_entry ON portal_entry.sort_key = -portal_search.rowid"
    " WHERE portal_search MATCH :match AND portal_entry.status = 'current'"
)


def _ids_sqlite(db: Session, filters: Filters, limit: int) -> Sequence[int]:
    match = filters.fts_match()
    if not match:
        return _ids_plain(db, filters, limit)
    # The full-text table drives the loop (CROSS JOIN) in its own rowid order: newest
    # first without sorting the matches. Only constant SQL fragments; values are bound.
    # A decision-date range is a rowid range of the index (rowid = -sort_key).
    params: dict[str, Any] = {"match": match, "limit": limit}
    sql = _SQLITE_SEARCH
    low, high = filters.key_range()
    if high is not None:
        sql += " AND portal_search.rowid >= :first"
        params["first"] = -high
    if low is not None:
        sql += " AND portal_search.rowid <= :last"
        params["last"] = -low
    sql += " ORDER BY portal_search.rowid LIMIT :limit"
    return db.scalars(text(sql), params).all()


def _ids_plain(db: Session, filters: Filters, limit: int) -> Sequence[int]:
    return db.scalars(_ordered(select(PortalEntry.id).where(*_sql_filters(filters)), limit)).all()


def _ordered(sql: Select[Any], limit: int) -> Select[Any]:
    return sql.order_by(PortalEntry.sort_key.desc()).limit(limit)


def _ids_postgres(db: Session, filters: Filters, limit: int) -> Sequence[int]:
    where = _sql_filters(filters)
    query = filters.tsquery()
    if query:
        where.append(PortalEntry.search_vector.op("@@")(cast(query, TSQUERY)))
    return db.scalars(_ordered(select(PortalEntry.id).where(*where), limit)).all()


def _ids(db: Session, filters: Filters, limit: int) -> Sequence[int]:
    find = _ids_postgres if _is_postgres(db) else _ids_sqlite
    return find(db, filters, limit)


def search(db: Session, filters: Filters, page: int = 1) -> ResultPage:
    """One page of current entries matching `filters`, newest first. One query reads the
    ids of the first COUNT_CAP + 1 matches: the count (capped) and any page of them."""
    page = max(1, min(page, MAX_PAGE))
    window = _ids(db, filters, COUNT_CAP + 1)
    ids = window[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    listed = select(PortalEntry).options(defer(PortalEntry.snapshot_json))
    rows = {e.id: e for e in db.scalars(listed.where(PortalEntry.id.in_(ids)))}
    return ResultPage([rows[i] for i in ids], len(window), page)


def entry(db: Session, public_id: int) -> PortalEntry | None:
    return db.get(PortalEntry, public_id)


@dataclass(frozen=True)
class Detail:
    """One entry as the public page shows it (a row of `portal_entry` without its search
    vector) and its history (rows of `portal_version`, oldest first)."""

    entry: Any
    history: list[Any]

    def items(self) -> list[dict[str, str]]:
        """The current version's data items, in the standard's order."""
        if not self.entry.snapshot_json:
            return []
        return [dict(i) for i in json.loads(self.entry.snapshot_json).get("items", [])]


_ENTRY = PortalEntry.__table__
_VERSION = PortalVersion.__table__
_VERSION_COLUMNS = ("version", "event", "occurred_on", "note", "digest", "ledger_index")
# The public page's one query: the entry and its versions (plain rows, no ORM objects: the
# detail page is the portal's busiest read).
_DETAIL = (
    select(
        *(c for c in _ENTRY.c if c.name != "search_vector"),
        *(_VERSION.c[name].label(f"v_{name}") for name in _VERSION_COLUMNS),
    )
    .select_from(_ENTRY.outerjoin(_VERSION, _VERSION.c.entry_id == _ENTRY.c.id))
    .order_by(_VERSION.c.id)
)


@dataclass(frozen=True)
class VersionRow:
    version: int
    event: str
    occurred_on: date
    note: str
    digest: str
    ledger_index: int | None


def detail(db: Session, public_id: int) -> Detail | None:
    rows = db.execute(_DETAIL.where(_ENTRY.c.id == public_id)).all()
    if not rows:
        return None
    history = [
        VersionRow(*(getattr(r, f"v_{name}") for name in _VERSION_COLUMNS))
        for r in rows
        if r.v_version is not None
    ]
    return Detail(rows[0], history)
