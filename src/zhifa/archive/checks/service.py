"""Running 四性检测 on an archive file (DA/T 70): at filing, before a transfer and on a
schedule. Every item's stored bytes are read once — hashed against the digest the ledger
holds and probed for usability — its ledger entry is proven into a signed checkpoint,
its metadata, numbering, lock and copies are checked, and the case's records are
compared with what was filed. The report is a PDF blob; the run is ledgered."""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.archive.checks import rules
from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.checks.report_pdf import report_pdf
from zhifa.archive.checks.usability import probe
from zhifa.archive.evidence import covering_checkpoint, row_evidence
from zhifa.archive.filing import records
from zhifa.archive.filing.models import ArchiveFile, ArchiveItem, ItemKind
from zhifa.archive.packages import layout
from zhifa.archive.packages.hashing import multi_hasher
from zhifa.archive.packages.models import ArchiveTransfer
from zhifa.blobs import BlobNotFound, BlobStore, parse_digest
from zhifa.core.access import log_access
from zhifa.core.audit import record_change, snapshot
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import store_blob
from zhifa.core.calendar import SHANGHAI
from zhifa.core.features import JobContext
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action
from zhifa.ledger import StoredCheckpoint, canonical_json, log_size
from zhifa.recording.access.service import restrictions_of
from zhifa.recording.media.models import Media

COPIES_REQUIRED = 1  # the store's own; a transfer package still on disk counts as another
_MAX_REPORT = 50 * 1024 * 1024


def run_check(
    db: Session,
    settings: Settings,
    store: BlobStore,
    archive: ArchiveFile,
    stage: rules.Stage,
    who: Principal | None,
) -> ArchiveCheck:
    """Check the file item by item, store the report and ledger the run."""
    checkpoint = covering_checkpoint(db, settings, max(log_size(db) - 1, 0))
    findings = _case_findings(db, archive)
    restricted = _restricted_media(db, archive.items)
    for item in archive.items:
        findings += _item_findings(db, store, archive, item, checkpoint, restricted)
    report = rules.CheckReport(
        archival_code=archive.archival_code,
        title=archive.title,
        stage=stage,
        checked_at=datetime.now(UTC),
        checker=who.full_name if who else "系统（定期检测）",
        findings=tuple(findings),
    )
    pdf = report_pdf(report)
    blob = store_blob(db, store, io.BytesIO(pdf), who, _MAX_REPORT)
    summary = report.summary
    run = ArchiveCheck(
        file_id=archive.id,
        stage=stage.value,
        verdict=report.verdict.value,
        checks=sum(s.checks for s in summary),
        passed=sum(s.passed for s in summary),
        failed=sum(s.failed for s in summary),
        warned=sum(s.warned for s in summary),
        failed_items=sorted({f.item for f in report.findings if f.item is not None and _failed(f)}),
        checkpoint_size=checkpoint.size,
        report_digest=blob.digest,
        checked_by=who.user_id if who else None,
    )
    db.add(run)
    record_change(db, actor_name(who), "archive.check", run)
    return run


def _failed(finding: rules.ItemFinding) -> bool:
    return finding.outcome is rules.Outcome.failed


def checks_of(db: Session, file_id: int) -> list[ArchiveCheck]:
    query = select(ArchiveCheck).where(ArchiveCheck.file_id == file_id)
    return list(db.scalars(query.order_by(ArchiveCheck.id.desc())))


# ---- the case ---------------------------------------------------------------------------


def _case_findings(db: Session, archive: ArchiveFile) -> list[rules.ItemFinding]:
    items = archive.items
    case = rules.of_item(
        None,
        "案卷",
        [
            *rules.count_findings(
                archive.item_count, len(items), archive.total_bytes, sum(i.size for i in items)
            ),
            rules.numbering_finding([i.item_no for i in items]),
        ],
    )
    metadata = rules.metadata_findings([_metadata(archive, i) for i in items])
    return case + metadata + rules.scope_findings(_expected(db, archive), [i.source for i in items])


def _metadata(archive: ArchiveFile, item: ArchiveItem) -> rules.ItemMetadata:
    meta = item.item_metadata
    described = meta.get("内容描述", {})
    return rules.ItemMetadata(
        number=meta.get("档号", {}).get("件号"),
        title=described.get("题名"),
        responsible=described.get("责任者"),
        date=_date(described.get("日期")),
        retention=described.get("保管期限"),
        archival_code=meta.get("档号", {}).get("档号"),
        doc_number=described.get("文件编号"),
        numbered=item.kind is ItemKind.document and bool(item.doc_number),
    )


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _expected(db: Session, archive: ArchiveFile) -> list[rules.Expected]:
    """What the case's records say must be in the file now: a record issued or taken
    after filing, or an item missing from the file, is named."""
    action = db.get(Action, archive.action_id)
    assert action is not None  # an archive file's action is never deleted (invariant 1)
    media, _unfiled = records.media_records(db, action)
    wanted = [*records.document_records(db, action), *media]
    return [rules.Expected(c.source, c.title) for c in wanted] + [
        rules.Expected(f"action:{action.id}", "执法过程记录表")
    ]


# ---- each item ----------------------------------------------------------------------------


def _restricted_media(db: Session, items: list[ArchiveItem]) -> set[str]:
    ids = [int(i.source.split(":")[1]) for i in items if i.kind is ItemKind.media]
    flags = restrictions_of(db, ids)
    return {f"media:{media_id}" for media_id, kinds in flags.items() if kinds}


def _item_findings(
    db: Session,
    store: BlobStore,
    archive: ArchiveFile,
    item: ArchiveItem,
    checkpoint: StoredCheckpoint,
    restricted: set[str],
) -> list[rules.ItemFinding]:
    findings: list[rules.Finding] = []
    with _spooled(store, item.digest) as read:
        if read is None:
            findings.append(rules.content_finding(False))
        else:
            path, computed, size = read
            findings.append(rules.content_finding(True, size))
            findings.append(rules.fixity_finding(item.digest, computed))
            findings += probe(path, _content_kind(db, item), item.content_type)
    findings.append(_ledger_finding(db, item, checkpoint))
    findings.append(
        rules.access_finding(item.classified, item.classified and item.source in restricted)
    )
    findings.append(_write_once(store, item, archive))
    findings.append(rules.copies_finding(_copies(db, store, archive, item), COPIES_REQUIRED))
    return rules.of_item(item.item_no, item.title, findings)


@contextmanager
def _spooled(store: BlobStore, digest: str) -> Iterator[tuple[Path, str, int] | None]:
    """The stored bytes in a temporary file (PyAV and pypdf want a seekable file), hashed
    with the blob's own algorithm on the way; None when the store has no such blob."""
    algorithm, _ = parse_digest(digest)
    with tempfile.TemporaryDirectory(prefix="zhifa-check-") as folder:
        path = Path(folder) / "content"
        try:
            with (
                store.open(digest) as stream,
                path.open("wb") as out,
                multi_hasher((algorithm,)) as hasher,
            ):
                digests, size = hasher.copy(stream, out.write)
        except BlobNotFound:
            yield None
            return
        yield path, f"{algorithm}:{digests[algorithm]}", size


def _content_kind(db: Session, item: ArchiveItem) -> rules.ContentKind:
    if item.kind is not ItemKind.media:
        return rules.ContentKind.document
    media = db.get(Media, int(item.source.split(":")[1]))
    return rules.ContentKind(media.kind.value) if media else rules.ContentKind.video


def _ledger_finding(db: Session, item: ArchiveItem, checkpoint: StoredCheckpoint) -> rules.Finding:
    """The item row is what its latest entry recorded, and that entry is in the tree the
    signed checkpoint signs."""
    found = row_evidence(db, item, checkpoint)
    if found is None:
        return rules.failed("checkpoint", "该件在账本中没有被签名检查点覆盖的条目")
    recorded = hashlib.sha256(canonical_json(snapshot(item))).hexdigest()
    if found.entry.payload_sha256 != recorded:
        return rules.failed("checkpoint", "该件的著录与账本条目记载的不一致（被改动而未记录）")
    return rules.checkpoint_finding(found.entry.index, checkpoint.size, found.proof_ok)


def _write_once(store: BlobStore, item: ArchiveItem, archive: ArchiveFile) -> rules.Finding:
    try:
        until = store.retained_until(item.digest)
    except BlobNotFound:
        return rules.failed("write_once", "存储中找不到该件，无法确认写保护状态")
    locked_until = until.astimezone(SHANGHAI).date() if until else None
    return rules.write_once_finding(until is not None, locked_until, archive.keep_until)


def _copies(
    db: Session, store: BlobStore, archive: ArchiveFile, item: ArchiveItem
) -> list[str | None]:
    """The store's copy (its SHA-256 as filed, if the blob is there) and the copy in every
    transfer package of this file still on this machine (as its manifest lists it)."""
    copies: list[str | None] = [item.sha256 if store.exists(item.digest) else None]
    query = select(ArchiveTransfer).where(ArchiveTransfer.file_id == archive.id)
    for transfer in db.scalars(query.order_by(ArchiveTransfer.id)):
        manifest = Path(transfer.location) / layout.manifest_name("sha256")
        if manifest.is_file():
            listed = layout.parse_manifest(manifest.read_text(encoding="utf-8"))
            path = layout.file_path(item.item_no, item.filename)
            copies.append(listed.get(path))
    return copies


# ---- on a schedule ----------------------------------------------------------------------

PERIODIC_BATCH = 3  # files per run: a run reads every byte of each, so it stays short


def files_due(db: Session, settings: Settings, now: datetime) -> list[ArchiveFile]:
    """Files whose newest check is older than ``archive_recheck_days`` (never checked:
    due at once), the longest unchecked first."""
    newest = (
        select(ArchiveCheck.file_id, func.max(ArchiveCheck.checked_at).label("at"))
        .group_by(ArchiveCheck.file_id)
        .subquery()
    )
    # not a legal limit: how often the bureau re-checks its archive (a setting)
    cutoff = now - timedelta(days=settings.archive_recheck_days)
    query = (
        select(ArchiveFile)
        .outerjoin(newest, newest.c.file_id == ArchiveFile.id)
        .where((newest.c.at.is_(None)) | (newest.c.at < cutoff))
        .order_by(newest.c.at.is_not(None), newest.c.at, ArchiveFile.id)
        .limit(PERIODIC_BATCH)
    )
    return list(db.scalars(query))


def periodic_check_job(context: JobContext) -> str:
    """The scheduled 四性检测 (长期保存环节): a few due files per run, each committed."""
    from zhifa.core.blobstore import open_blob_store

    store = open_blob_store(context.settings)
    done, failed = 0, 0
    with context.factory() as db:
        for archive in files_due(db, context.settings, datetime.now(UTC)):
            run = run_check(db, context.settings, store, archive, rules.Stage.periodic, None)
            failed += run.verdict != rules.Outcome.passed.value
            db.commit()
            done += 1
    if not done:
        return "没有到期需要定期检测的档案"
    return f"定期四性检测 {done} 卷" + (f"，其中 {failed} 卷未通过" if failed else "，均通过")


# ---- from the file's page ----------------------------------------------------------------


def check_now(
    db: Session, settings: Settings, store: BlobStore, archive: ArchiveFile, who: Principal
) -> ArchiveCheck:
    """An archivist's check outside the schedule (长期保存环节, like the scheduled one)."""
    return run_check(db, settings, store, archive, rules.Stage.periodic, who)


def read_report(db: Session, store: BlobStore, run: ArchiveCheck, who: Principal) -> bytes:
    """The report PDF, its read logged first (调阅留痕)."""
    archive = db.get(ArchiveFile, run.file_id)
    assert archive is not None  # foreign key
    action = db.get(Action, archive.action_id)
    log_access(
        db,
        who,
        "archive_check",
        run.id,
        f"查看档案 {archive.archival_code} 的四性检测报告",
        action_id=archive.action_id,
        party_id=action.party_id if action else None,
    )
    with store.open(run.report_digest) as stream:
        return stream.read()
