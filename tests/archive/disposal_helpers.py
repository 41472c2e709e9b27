"""Test data of holds and disposal, made through the services: a closed inspection case
whose body-camera clips were recorded months ago (their 6 months ran out by the real
clock, so their locks have passed), and the people who take a batch through its steps."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from tests.factories import OFFICER, PARTNER, open_action, principal
from zhifa.archive.disposal import service as disposal
from zhifa.archive.disposal.models import DisposalBatch
from zhifa.archive.disposal.rules import Opinion
from zhifa.blobs import BlobStore
from zhifa.blobs.digests import hash_stream
from zhifa.core.db import factory_like
from zhifa.core.settings import Settings
from zhifa.demo.actions import issue_document, on_site_duties
from zhifa.demo.media import make_clip
from zhifa.enforcement import actions
from zhifa.enforcement.models import Action
from zhifa.recording.media.ingest import Received, ingest
from zhifa.recording.media.models import Media, UploadChannel

ARCHIVIST, LEGAL, OFFICE, LEADER, SUPERVISION = (
    "archivist",
    "legal",
    "office",
    "leader",
    "supervision",
)
_SITE = {"checked": "检查了消防通道和应急照明。", "problems": "未发现问题"}


def old_clip(folder: Path, recorded: datetime, name: str = "old.mp4") -> Path:
    return make_clip(folder / name, started=recorded, seconds=1, caption="old inspection")


def closed_inspection_with_old_clips(
    db: Session,
    settings: Settings,
    store: BlobStore,
    recorded: datetime,
    copies: int = 1,
    *,
    tus: bool = False,
) -> tuple[Action, list[Media]]:
    """A new inspection case, recorded on site today, with ``copies`` uploads of one clip
    recorded at ``recorded`` (``tus``: registered as resumable uploads), then closed."""
    db.commit()  # the case is opened through a session of its own
    action_id = open_action(settings, "inspection.on_site", title="消防通道专项检查")
    who, second = principal(db, OFFICER), principal(db, PARTNER)
    action = db.get(Action, action_id)
    assert action is not None
    on_site_duties(db, settings, store, action, who, [who.user_id, second.user_id])
    issue_document(db, settings, store, action, "site_inspection_record", _SITE, who)
    db.commit()
    uploads = []
    with tempfile.TemporaryDirectory() as folder:
        clip = old_clip(Path(folder), recorded)
        with clip.open("rb") as stream:
            digest, size = hash_stream(stream, store.algorithm)
        for number in range(copies):
            received = Received(
                path=clip,
                digest=digest,
                size=size,
                filename=f"old-{number}.mp4",
                action_id=action_id,
                device="DEMO-DSJ-001",
                channel=UploadChannel.tus if tus else UploadChannel.form,
                upload_id=f"test-{action_id}-{number}" if tus else None,
            )
            uploads.append(ingest(factory_like(db), store, who, received, settings.blob_max_bytes))
    actions.advance(db, action_id, actions.TransitionIn(to_step="closing"), who)
    db.commit()
    media = [db.get(Media, m.id) for m in uploads]
    assert all(m is not None for m in media)
    return action, media  # type: ignore[return-value]


def months_ago(months: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=31 * months)  # not a legal limit: test data


def through_approval(
    db: Session, store: BlobStore, batch: DisposalBatch, today: date
) -> DisposalBatch:
    """Two group members agree on every item, a leader approves, two 监销人 confirm."""
    for member in (ARCHIVIST, LEGAL):
        data = disposal.OpinionsIn(
            appraisal_opinions=[
                disposal.ItemOpinionIn(disposal_item=item.id, appraisal_opinion=Opinion.destroy)
                for item in batch.items
                if item.state == "proposed"
            ]
        )
        disposal.appraise(db, store, batch.id, data, principal(db, member), today)
    disposal.decide(db, batch.id, disposal.DecisionIn(approve=True), principal(db, LEADER), today)
    for person in (SUPERVISION, OFFICE):
        statement = disposal.WitnessIn(witness_statement="已核对，同意监销")
        disposal.witness(db, batch.id, statement, principal(db, person), today)
    db.commit()
    return batch


def execute(db: Session, store: BlobStore, batch_id: int, username: str, day: date) -> None:
    """Execute as ``username``: execution commits in sessions of its own, so ``db``
    holds no transaction meanwhile."""
    who = principal(db, username)
    db.commit()
    try:
        disposal.execute(factory_like(db), store, batch_id, who, day)
    finally:
        db.expire_all()  # what execution committed is read afresh
