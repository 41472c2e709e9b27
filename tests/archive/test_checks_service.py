"""四性检测 of a filed demo case through the service: at filing, on a schedule and before
a transfer, with the report a stored, ledgered PDF that names any failing item."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.archive.helpers import ARCHIVIST, closed_case, ready_to_file
from tests.factories import principal
from zhifa.archive.checks import service as checks
from zhifa.archive.checks.models import ArchiveCheck
from zhifa.archive.checks.rules import Stage
from zhifa.archive.filing import service as filing
from zhifa.archive.filing.models import ArchiveFile
from zhifa.core.blobstore import open_blob_store
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry


def _filed(db: Session, settings: Settings) -> ArchiveFile:
    ready_to_file(db)
    store = open_blob_store(settings)
    who = principal(db, ARCHIVIST)
    archive = filing.file_and_check(db, settings, store, closed_case(db).id, who)
    db.commit()
    return archive


def _report_text(settings: Settings, run: ArchiveCheck) -> str:
    with open_blob_store(settings).open(run.report_digest) as stream:
        reader = PdfReader(stream)
        return "".join(page.extract_text() for page in reader.pages)


def test_filing_runs_the_check_and_keeps_its_report(settings: Settings, db: Session) -> None:
    archive = _filed(db, settings)
    [run] = checks.checks_of(db, archive.id)
    assert run.stage == Stage.filing.value
    assert (run.verdict, run.failed, run.failed_items) == ("通过", 0, []), _report_text(
        settings, run
    )
    assert run.checks >= 12 and run.passed + run.warned == run.checks
    text = _report_text(settings, run)
    assert archive.archival_code in text and "四性检测" in text
    subjects = set(db.scalars(select(ledger_entry.c.subject)))
    assert f"archive_check:{run.id}" in subjects


def test_a_changed_byte_fails_the_check_and_names_the_item(settings: Settings, db: Session) -> None:
    archive = _filed(db, settings)
    victim = archive.items[0]
    path = _blob_path(settings, victim.digest)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    run = checks.run_check(db, settings, open_blob_store(settings), archive, Stage.periodic, None)
    db.commit()
    assert run.verdict == "不通过" and run.failed_items == [victim.item_no]
    text = _report_text(settings, run)
    assert "摘要与账本登记不一致" in text and victim.title[:6] in text


def test_files_come_due_for_the_periodic_check(settings: Settings, db: Session) -> None:
    archive = _filed(db, settings)
    now = datetime.now(UTC)
    assert archive.id not in {f.id for f in checks.files_due(db, settings, now)}
    later = now + timedelta(days=settings.archive_recheck_days + 1)
    assert archive.id in {f.id for f in checks.files_due(db, settings, later)}


def _blob_path(settings: Settings, digest: str) -> Path:
    algorithm, hexdigest = digest.split(":", 1)
    found = subprocess.run(
        ["find", str(settings.data_dir), "-name", hexdigest, "-path", f"*{algorithm}*"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    blobs = [Path(p) for p in found if "/retention/" not in p]
    assert len(blobs) == 1, found
    return blobs[0]
