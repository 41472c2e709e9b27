"""Weak-points dashboard benchmark (issue 17 point 3): at 1,000,000 actions the dashboard
answers in <= 2 s on PostgreSQL.

Run: PYTHONPATH=src .venv/bin/python bench/weak_points.py [--actions 1000000] [--keep]

A fresh PostgreSQL database (127.0.0.1:5432, or a throw-away cluster as the tests start
one) gets the schema by the migrations, then, by `generate_series` in the server: 8
units, 200 officers, 1,000 parties, N actions with two officers each, and the dashboard's
facts at the rates of a busy bureau — per action one step with a limit, four in five an
activity that must be recorded, one in three a publication duty, one in five a decision
with a service limit; gaps, corrected documents, answered corrections and reads (half a
read per action with no part in the case, one in twenty at night, refused exports)
besides — every fact dated over three years, with its share of late, missing or open ones.

Timed (best of 3, wall): the dashboard (every figure's count, base and bars by unit, and
the readers over the threshold: the queries `service.dashboard` runs) and one figure's
drill-down (its page of records, its total, its bars by month and unit), for a few filter
sets. The baseline, measured in the same run: `SELECT count(*) FROM action`.

What is not timed here: `facts.refresh`, which the job runs as the ledger grows (its cost
is per changed action, not per action on record).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from tests.pg_server import create_database, drop_database, postgres_server

from zhifa.core import schema
from zhifa.core.db import make_engine
from zhifa.insight.weak_points import figures
from zhifa.insight.weak_points.rules import Filters

ON = date(2026, 12, 1)

FILL = [
    "INSERT INTO unit (id, name, kind, created_at) SELECT i, '执法大队第' || i || '中队', "
    "'squad', now() FROM generate_series(1, 8) i",
    "INSERT INTO user_account (id, username, full_name, password_hash, unit_id, is_active, "
    "password_changed_at, created_at) SELECT i, 'officer' || i, '执法人员' || i, 'x', "
    "1 + i % 8, true, now(), now() FROM generate_series(1, 200) i",
    "INSERT INTO party (id, kind, current_version, created_at) SELECT i, 'enterprise', 1, "
    "now() FROM generate_series(1, 1000) i",
    "INSERT INTO power_item (id, code, name, kind, field, basis, current_version, created_at) "
    "VALUES (1, 'B1', '安全生产行政处罚', 'penalty', '安全生产', '', 1, now())",
    "INSERT INTO action (id, kind, procedure, party_id, power_item_id, title, unit_id, "
    "current_step, status, opened_at, opened_by) SELECT i, "
    "(ARRAY['penalty','inspection','compulsion','license'])[1 + i % 4], 'penalty.general', "
    "1 + i % 1000, 1, '案件' || i, 1 + i % 8, 'closing', 'closed', "
    "timestamptz '2024-01-01' + (i % 1095) * interval '1 day', 1 + i % 200 "
    "FROM generate_series(1, :n) i",
    "INSERT INTO action_officer (action_id, officer_id, lead, added_at) "
    "SELECT i, 1 + i % 200, true, now() FROM generate_series(1, :n) i "
    "UNION ALL SELECT i, 1 + (i + 37) % 200, false, now() FROM generate_series(1, :n) i",
]

# (kind, which actions (a condition on i), state, due/done columns): one fact per action
FACT = (
    "INSERT INTO weak_point_fact (kind, state, record_type, record_id, action_id, unit_id, "
    "action_kind, person_id, day, due_on, done_on, label, link) SELECT {kind}, {state}, "
    "'{record}', i, i, 1 + i % 8, (ARRAY['penalty','inspection','compulsion','license'])"
    "[1 + i % 4], NULL, date '2024-01-01' + (i * 7) % 1095, {due}, {done}, "
    "'案件' || i, '/app/actions/' || i FROM generate_series(1, :n) i WHERE {where}"
)
DUTY = ("date '2024-01-01' + (i * 7) % 1095", "CASE WHEN i % 23 = 0 THEN NULL ELSE "
        "date '2024-01-01' + (i * 7) % 1095 + (i % 5) - 3 END")  # fmt: skip
FACTS = [
    ("'recording'", "CASE i % 40 WHEN 0 THEN 'missing' WHEN 1 THEN 'excepted' "
     "ELSE 'recorded' END", "activity", ("NULL", "NULL"), "i % 5 <> 0"),
    ("'gap'", "CASE WHEN i % 3 = 0 THEN 'unexplained' ELSE 'explained' END", "gap",
     ("NULL", "NULL"), "i % 50 = 0"),
    ("'service'", "''", "document", DUTY, "i % 5 = 0"),
    ("'corrected'", "''", "document", ("NULL", "NULL"), "i % 97 = 0"),
    ("'step'", "''", "action_transition", DUTY, "true"),
    ("'publication'", "''", "publication_obligation", DUTY, "i % 3 = 0"),
    ("'correction'", "CASE WHEN i % 2 = 0 THEN 'corrected' ELSE 'rejected' END",
     "correction_request", ("NULL", "NULL"), "i % 200 = 0"),
]  # fmt: skip
READS = (
    "INSERT INTO weak_point_fact (kind, state, record_type, record_id, action_id, unit_id, "
    "action_kind, person_id, day, label, link) SELECT {kind}, '', 'access_log', i, "
    "1 + (i * 13) % :n, 1 + i % 8, 'penalty', 1 + (i * 7) % 200, "
    "date '2024-01-01' + i % 1095, '调阅', '/app/access-log' "
    "FROM generate_series(1, :n) i WHERE {where}"
)
READ_FACTS = [("'no_part'", "i % 2 = 0"), ("'night'", "i % 20 = 0"),
              ("'export_refused'", "i % 1000 = 0")]  # fmt: skip

FILTER_SETS = {
    "no filter": Filters(),
    "one unit": Filters(unit_id=3),
    "one officer": Filters(officer_id=42),
    "kind + one year": Filters(date(2025, 1, 1), date(2025, 12, 31), action_kind="penalty"),
    "all four": Filters(date(2025, 1, 1), date(2025, 12, 31), 3, 42, "penalty"),
}  # fmt: skip


def fill(db: Session, n: int) -> None:
    for sql in FILL:
        db.execute(text(sql), {"n": n})
    for kind, state, record, (due, done), where in FACTS:
        sql = FACT.format(kind=kind, state=state, record=record, due=due, done=done, where=where)
        db.execute(text(sql), {"n": n})
    for kind, where in READ_FACTS:
        db.execute(text(READS.format(kind=kind, where=where)), {"n": n})
    db.commit()


def settle(engine: Engine) -> None:
    """What autovacuum does after a bulk load: statistics, and the visibility map that
    lets the covering index answer without the table."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def best(run: Callable[[], object], times: int = 3) -> float:
    walls = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        walls.append(time.perf_counter() - start)
    return min(walls)


def dashboard(db: Session, f: Filters) -> None:
    figures.by_unit(db, f, ON)
    figures.readers(db, f)


def drill(db: Session, f: Filters) -> None:
    fig = figures.BY_CODE["steps-late"]
    figures.fact_rows(db, fig, f, ON, 1)
    figures.by_month(db, fig, f, ON)
    figures.by_unit(db, f, ON, fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="leave the database for a look")
    args = parser.parse_args()
    with postgres_server() as port:
        url = create_database(port)
        engine = make_engine(url)
        try:
            schema.upgrade(engine)
            with Session(engine) as db:
                start = time.perf_counter()
                fill(db, args.actions)
                settle(engine)
                facts = db.scalar(text("SELECT count(*) FROM weak_point_fact"))
                print(f"filled {args.actions:,} actions (and VACUUM ANALYZE), {facts:,} facts "
                      f"in {time.perf_counter() - start:.0f} s")  # fmt: skip
                baseline = best(lambda: db.execute(text("SELECT count(*) FROM action")).scalar())
                print(f"baseline count(*) over action: {baseline * 1000:.0f} ms\n")
                print(
                    f"{'filters':<18}{'dashboard ms':>14}{'ratio':>8}"
                    f"{'drill-down ms':>15}{'ratio':>8}"
                )
                for name, f in FILTER_SETS.items():
                    whole = best(lambda f=f: dashboard(db, f))
                    one = best(lambda f=f: drill(db, f))
                    print(f"{name:<18}{whole * 1000:14.0f}{whole / baseline:7.1f}x"
                          f"{one * 1000:15.0f}{one / baseline:7.1f}x")  # fmt: skip
                print("\naim: dashboard and drill-down <= 2000 ms each")
        finally:
            engine.dispose()
            if not args.keep:
                drop_database(port, url)


if __name__ == "__main__":
    main()
