"""Disposal end to end on SQLite and PostgreSQL: the due list (archive files past their
period, unfiled inspection video past 6 months, minus holds), a batch through appraisal,
approval and two 监销人, execution that removes only what is unlocked and not shared, the
销毁清册, and `zhifa verify --full` clean afterwards."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.archive.disposal_helpers import (
    ARCHIVIST,
    LEADER,
    LEGAL,
    OFFICE,
    SUPERVISION,
    closed_inspection_with_old_clips,
    execute,
    months_ago,
    through_approval,
)
from tests.archive.helpers import file_case, ready_to_file
from tests.factories import principal
from zhifa.archive.disposal import service as disposal
from zhifa.archive.disposal.due import due, expired
from zhifa.archive.disposal.rules import (
    BatchStatus,
    BlobOutcome,
    ItemState,
    Opinion,
    TargetKind,
)
from zhifa.archive.holds import service as holds
from zhifa.archive.holds.rules import HoldKind, HoldTarget
from zhifa.core.audit import check_rows
from zhifa.core.blobstore import lock_after, open_blob_store, store_blob
from zhifa.core.clock import today
from zhifa.core.db import factory_like
from zhifa.core.errors import Conflict, DomainError
from zhifa.core.keys import load_ledger_verifier
from zhifa.core.models import StoredBlob, User
from zhifa.core.schema import all_metadata
from zhifa.core.settings import Settings
from zhifa.core.verification import verify_instance
from zhifa.enforcement.models import Action, ActionKind
from zhifa.ledger.models import ledger_entry
from zhifa.recording.av.marks import MarkIn, set_mark
from zhifa.recording.av.models import MarkKind
from zhifa.recording.media.models import Media, MediaKind

DEMO_INSPECTION = "危险化学品储存场所安全检查"


def _verify(settings: Settings, db: Session, store):  # type: ignore[no-untyped-def]
    all_metadata()
    return verify_instance(settings, db, store, load_ledger_verifier(settings), full=True)


def _demo_video(db: Session) -> Media:
    action = db.scalar(select(Action).where(Action.title == DEMO_INSPECTION))
    assert action is not None and action.kind is ActionKind.inspection
    video = db.scalar(
        select(Media).where(Media.action_id == action.id, Media.kind == MediaKind.video)
    )
    assert video is not None
    return video


def test_inspection_video_comes_due_after_six_months_unless_marked_or_held(
    settings: Settings, db: Session
) -> None:
    video = _demo_video(db)
    recorded = (video.recorded_at or video.uploaded_at).date()
    key = f"media:{video.id}"
    assert key not in {r.key for r in due(db, recorded + timedelta(days=150))}
    later = recorded + timedelta(days=200)
    assert key in {r.key for r in due(db, later)}
    store = open_blob_store(settings)
    # its content was locked for the 6 months from the start (第十条第三款)
    locked = store.retained_until(video.digest)
    assert locked is not None and locked.date() >= recorded + timedelta(days=180)
    hold = holds.place(
        db,
        store,
        holds.HoldIn(
            hold_kind=HoldKind.complaint,
            hold_target=HoldTarget.media,
            hold_target_id=video.id,
            reason="当事人投诉检查过程",
            hold_reference="投诉〔2026〕12号",
        ),
        principal(db, SUPERVISION),
    )
    held_lock = store.retained_until(video.digest)
    assert held_lock is not None and held_lock > locked  # a hold locks a year ahead
    assert held_lock.date() >= today() + timedelta(days=364)
    row = next(r for r in expired(db, later) if r.key == key)
    assert row.held == ["投诉举报（投诉〔2026〕12号）"] and not row.disposable
    holds.release(db, hold.id, holds.ReleaseIn(release_reason="投诉已办结"), principal(db, LEGAL))
    assert key in {r.key for r in due(db, later)}
    with pytest.raises(Conflict):
        holds.release(db, hold.id, holds.ReleaseIn(release_reason="再次解除"), None)
    action = db.get(Action, video.action_id)
    assert action is not None and action.opened_by is not None
    opener = db.get(User, action.opened_by)
    assert opener is not None
    dispute = MarkIn(kind=MarkKind.disputed, reason="当事人对检查过程有异议")
    set_mark(db, video.id, dispute, principal(db, opener.username))
    assert key not in {r.key for r in expired(db, later)}
    db.commit()
    assert list(check_rows(db)) == []


def test_a_hold_extends_the_locks_and_a_release_never_shortens_them(
    settings: Settings, db: Session
) -> None:
    store = open_blob_store(settings)
    archive = file_case(db, store)
    digests = {item.digest for item in archive.items}
    before = {d: store.retained_until(d) for d in digests}
    # filed: locked through keep_until (30 years), to the start of the next day (Beijing)
    assert set(before.values()) == {lock_after(archive.keep_until)}
    hold = holds.place(
        db,
        store,
        holds.HoldIn(
            hold_kind=HoldKind.litigation,
            hold_target=HoldTarget.action,
            hold_target_id=archive.action_id,
            reason="当事人提起行政诉讼",
            hold_reference="（2026）沪0107行初123号",
        ),
        principal(db, LEGAL),
    )
    db.commit()
    assert hold.locked_until is not None
    # a hold of a file locked 30 years changes nothing; on the open case's media it does
    assert {d: store.retained_until(d) for d in digests} == before
    holds.release(db, hold.id, holds.ReleaseIn(release_reason="判决生效"), principal(db, LEGAL))
    assert {d: store.retained_until(d) for d in digests} == before
    subjects = set(db.scalars(select(ledger_entry.c.kind)))
    assert {"archive.hold.place", "archive.hold.release"} <= subjects


def test_an_archive_file_past_its_period_is_appraised_and_a_new_period_given(
    settings: Settings, db: Session
) -> None:
    store = open_blob_store(settings)
    archive = file_case(db, store)
    db.commit()
    assert archive.keep_until is not None
    day = archive.keep_until + timedelta(days=1)
    key = f"archive_file:{archive.id}"
    assert key not in {r.key for r in due(db, archive.keep_until)}
    assert key in {r.key for r in due(db, day)}
    batch = disposal.create_batch(
        db, disposal.BatchIn(due_items=[key]), principal(db, ARCHIVIST), day
    )
    assert key not in {r.key for r in due(db, day)}  # in a batch under way
    item = batch.items[0]
    extend = disposal.OpinionsIn(
        appraisal_opinions=[
            disposal.ItemOpinionIn(
                disposal_item=item.id,
                appraisal_opinion=Opinion.extend,
                extend_years=10,
                reason="仍有利用价值",
            )
        ]
    )
    agree = disposal.OpinionsIn(
        appraisal_opinions=[
            disposal.ItemOpinionIn(disposal_item=item.id, appraisal_opinion=Opinion.destroy)
        ]
    )
    disposal.appraise(db, store, batch.id, extend, principal(db, ARCHIVIST), day)
    assert batch.status is BatchStatus.appraisal  # one member is not a group
    with pytest.raises(Conflict):
        disposal.appraise(db, store, batch.id, agree, principal(db, ARCHIVIST), day)
    disposal.appraise(db, store, batch.id, agree, principal(db, LEGAL), day)
    assert batch.status is BatchStatus.approval
    assert item.state is ItemState.extended
    assert item.new_keep_until is not None and item.new_keep_until.year == day.year + 10
    # 实施条例第二十四条: a new period — not due again until it ends
    assert key not in {r.key for r in expired(db, day + timedelta(days=365))}
    assert key in {r.key for r in due(db, item.new_keep_until + timedelta(days=1))}
    db.commit()
    assert list(check_rows(db)) == []


def test_who_may_take_each_step(settings: Settings, db: Session) -> None:
    store = open_blob_store(settings)
    _action, media = closed_inspection_with_old_clips(db, settings, store, months_ago(7))
    day = today()
    batch = disposal.create_batch(
        db, disposal.BatchIn(due_items=[f"media:{media[0].id}"]), principal(db, ARCHIVIST), day
    )
    agree = disposal.OpinionsIn(
        appraisal_opinions=[
            disposal.ItemOpinionIn(
                disposal_item=batch.items[0].id, appraisal_opinion=Opinion.destroy
            )
        ]
    )
    with pytest.raises(Conflict, match="领导审批"):
        disposal.decide(db, batch.id, disposal.DecisionIn(approve=True), principal(db, LEADER), day)
    disposal.appraise(db, store, batch.id, agree, principal(db, ARCHIVIST), day)
    disposal.appraise(db, store, batch.id, agree, principal(db, OFFICE), day)
    with pytest.raises(DomainError, match="鉴定小组成员"):
        disposal.decide(db, batch.id, disposal.DecisionIn(approve=True), principal(db, OFFICE), day)
    with pytest.raises(DomainError, match="编制人"):
        disposal.decide(
            db, batch.id, disposal.DecisionIn(approve=True), principal(db, ARCHIVIST), day
        )
    with pytest.raises(DomainError, match="理由"):
        disposal.decide(
            db, batch.id, disposal.DecisionIn(approve=False), principal(db, LEADER), day
        )
    disposal.decide(db, batch.id, disposal.DecisionIn(approve=True), principal(db, LEADER), day)
    statement = disposal.WitnessIn(witness_statement="同意监销")
    for person, problem in ((ARCHIVIST, "编制人"), (LEADER, "审批")):
        with pytest.raises(DomainError, match=problem):
            disposal.witness(db, batch.id, statement, principal(db, person), day)
    disposal.witness(db, batch.id, statement, principal(db, SUPERVISION), day)
    with pytest.raises(DomainError, match="不同的两人"):
        disposal.witness(db, batch.id, statement, principal(db, SUPERVISION), day)
    assert batch.status is BatchStatus.supervision
    with pytest.raises(Conflict, match="执行销毁"):
        execute(db, store, batch.id, ARCHIVIST, day)
    disposal.witness(db, batch.id, statement, principal(db, OFFICE), day)
    assert batch.status is BatchStatus.ready
    db.commit()
    with pytest.raises(DomainError, match="监销人和审批领导"):
        execute(db, store, batch.id, LEADER, day)
    assert store.exists(media[0].digest)


def test_disposal_end_to_end_then_verify_full_is_clean(settings: Settings, db: Session) -> None:
    """Two uploads of one old clip: the first batch takes one (its content is shared, so
    it stays), the second the other (now removed); a filed case past its period is still
    locked in the store and is reported so; `zhifa verify --full` is clean throughout."""
    store = open_blob_store(settings)
    ready_to_file(db)
    _action, media = closed_inspection_with_old_clips(db, settings, store, months_ago(7), copies=2)
    first, second = media
    assert first.digest == second.digest
    assert store.retained_until(first.digest) is None  # 6 months from recording: past
    archive = file_case(db, store)
    db.commit()
    assert archive.keep_until is not None
    day = max(today(), archive.keep_until + timedelta(days=1))
    batch = disposal.create_batch(
        db,
        disposal.BatchIn(due_items=[f"media:{first.id}", f"archive_file:{archive.id}"]),
        principal(db, ARCHIVIST),
        day,
    )
    through_approval(db, store, batch, day)
    execute(db, store, batch.id, ARCHIVIST, day)
    batch = disposal.get_batch(db, batch.id)
    states = {item.target_kind: item.state for item in batch.items}
    assert states == {
        TargetKind.media: ItemState.destroyed,
        TargetKind.archive_file: ItemState.locked,
    }
    outcomes = disposal.outcomes_of(db, batch)
    media_item = next(i for i in batch.items if i.target_kind is TargetKind.media)
    file_item = next(i for i in batch.items if i.target_kind is TargetKind.archive_file)
    assert {o.outcome for o in outcomes[media_item.id] if o.digest == first.digest} == {
        BlobOutcome.shared
    }
    assert {o.outcome for o in outcomes[file_item.id]} == {BlobOutcome.locked}
    assert all("锁定至" in o.detail for o in outcomes[file_item.id])
    assert store.exists(first.digest)
    assert all(store.exists(i.digest) for i in archive.items)
    register = disposal.register_of(store, batch)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(register)).pages)
    assert "档案销毁清册" in text and batch.number in text and "沈建平" in text
    assert store.retained_until(batch.register_digest or "") is not None
    report = _verify(settings, db, store)
    assert report.problems == [] and report.disposed == []

    # The locked file comes back on the due list; the second upload goes in a new batch.
    assert f"archive_file:{archive.id}" in {r.key for r in due(db, day)}
    again = disposal.create_batch(
        db, disposal.BatchIn(due_items=[f"media:{second.id}"]), principal(db, ARCHIVIST), day
    )
    through_approval(db, store, again, day)
    execute(db, store, again.id, ARCHIVIST, day)
    again = disposal.get_batch(db, again.id)
    assert again.items[0].state is ItemState.destroyed
    assert not store.exists(first.digest)
    assert db.get(StoredBlob, first.digest) is not None  # the ledger keeps its hash
    report = _verify(settings, db, store)
    assert report.problems == []
    gone = {first.digest, first.thumbnail_digest}
    assert len(report.disposed) == len(gone) == 2  # the clip and its thumbnail
    assert all(again.number in line and "沈建平" in line for line in report.disposed)
    assert f"media:{second.id}" not in {r.key for r in expired(db, day)}

    # Content gone without an approved disposal is still a problem.
    stray = store_blob(db, store, io.BytesIO(b"stray content"), None, 100)
    db.commit()
    store.remove(stray.digest)
    report = _verify(settings, db, store)
    assert [p.where for p in report.problems] == [stray.digest]


def test_the_monthly_job_is_declared_and_reports_the_due_list(
    settings: Settings, db: Session
) -> None:
    from zhifa.core.features import JobContext, registry

    job = registry().jobs["archive.disposal_due"]
    assert job.interval(settings) >= 28 * 24 * 3600
    store = open_blob_store(settings)
    demo = len(expired(db, today()))  # the demo's own routine inspection clip
    closed_inspection_with_old_clips(db, settings, store, months_ago(7))
    db.commit()
    report = job.run(JobContext(factory_like(db), settings))
    n = demo + 1
    assert report.startswith(f"到期待鉴定 {n} 件（案卷 0，未归档视音频 {n}）")


def test_a_tus_upload_of_unfiled_video_is_locked_as_it_is_stored(
    settings: Settings, db: Session
) -> None:
    """A resumable upload's video is locked through its 6 months when stored, like a form
    upload (the folder store no longer waits on the upload's own flock); the monthly
    job's pass leaves that lock as it is."""
    from zhifa.core.features import JobContext, registry
    from zhifa.recording.av.marks import retention_of

    store = open_blob_store(settings)
    yesterday = datetime.now(UTC) - timedelta(days=1)  # not a legal limit: test data
    action, (clip,) = closed_inspection_with_old_clips(db, settings, store, yesterday, tus=True)
    keep = retention_of(db, clip, action).keep_until
    assert keep is not None
    assert store.retained_until(clip.digest) == lock_after(keep)
    db.commit()
    registry().jobs["archive.disposal_due"].run(JobContext(factory_like(db), settings))
    assert store.retained_until(clip.digest) == lock_after(keep)
