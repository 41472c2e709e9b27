"""The demo populates the dashboard on SQLite and PostgreSQL: after the demo's cases,
publications, case review, accountability case and weak points, every figure shows
something, except those the demo cannot make honestly in one day (steps, service and
publication past limits that end days after seeding) and reads at night (only when seeded
at night); a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.keys import load_ledger_signer
from zhifa.core.models import AccessLog
from zhifa.core.settings import Settings
from zhifa.demo.accountability import seed_demo_accountability
from zhifa.demo.case_review import seed_demo_case_review
from zhifa.demo.publicity import seed_demo_publicity
from zhifa.demo.weak_points import seed_demo_weak_points
from zhifa.insight.weak_points import service
from zhifa.insight.weak_points.models import WeakPointFact
from zhifa.insight.weak_points.rules import Filters, at_night

NOT_IN_ONE_DAY = {"steps-late", "service-late", "publications-late"}


def _facts(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(WeakPointFact)) or 0)


def test_every_figure_shows_something(db: Session, settings: Settings) -> None:
    seed_demo_publicity(db, settings)
    seed_demo_case_review(db, settings, load_ledger_signer(settings))
    seed_demo_accountability(db)
    assert seed_demo_weak_points(db, settings, open_blob_store(settings)) == 1
    kept = _facts(db)
    assert seed_demo_weak_points(db, settings, open_blob_store(settings)) == 0
    assert _facts(db) == kept > 0  # refreshed at seeding, nothing added the second time
    logs = list(db.scalars(select(AccessLog.at)))
    counts = {
        c.figure.code: c.count for c in service.dashboard(db, principal(db, "leader"), Filters())
    }
    for code in NOT_IN_ONE_DAY:
        assert counts.pop(code) == 0, code
    night = counts.pop("reads-at-night")
    assert (night > 0) == any(at_night(at) for at in logs)
    assert {code for code, n in counts.items() if n == 0} == set()
