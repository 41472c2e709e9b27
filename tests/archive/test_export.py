"""`zhifa archive export` and `verify`: a filed demo case leaves as a BagIt package that
bagit and zhifa's offline verifier accept, with a signed 移交清单 beside it; a flipped
byte is reported by both; a file that fails its transfer check is not exported."""

from __future__ import annotations

import os
from pathlib import Path

import bagit
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.archive.helpers import ARCHIVIST, closed_case, ready_to_file
from tests.archive.test_checks_service import _blob_path
from tests.factories import principal
from zhifa.archive.filing import service as filing
from zhifa.archive.filing.models import ArchiveFile
from zhifa.archive.packages import service as packages
from zhifa.archive.packages import verify_bag
from zhifa.archive.packages.models import ArchiveTransfer
from zhifa.cli import app
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import DomainError
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.ledger import open_note


def _filed(db: Session, settings: Settings) -> ArchiveFile:
    ready_to_file(db)
    archive = filing.file_and_check(
        db, settings, open_blob_store(settings), closed_case(db).id, principal(db, ARCHIVIST)
    )
    db.commit()
    return archive


def test_an_exported_package_verifies_and_carries_a_signed_list(
    settings: Settings, db: Session, tmp_path: Path
) -> None:
    archive = _filed(db, settings)
    bag_path = tmp_path / "移交" / "Z031-2026-0001"
    bag_path.parent.mkdir()
    transfer = packages.export_file(
        db, settings, open_blob_store(settings), archive.id, bag_path, principal(db, ARCHIVIST)
    )
    db.commit()
    bagit.Bag(str(bag_path)).validate()
    report = verify_bag(bag_path)
    assert report.ok, report.findings
    assert report.items == archive.item_count
    info = (bag_path / "bag-info.txt").read_text(encoding="utf-8")
    assert f"External-Identifier: {archive.archival_code}" in info
    assert "Zhifa-Retention: 30年" in info
    listed = (bag_path / "manifest-sm3.txt").read_text(encoding="utf-8")
    assert all(item.sm3 in listed for item in archive.items)
    note = (bag_path.parent / f"{bag_path.name}.移交清单.sig").read_text(encoding="utf-8")
    verifier = load_ledger_signer(settings).verifier()
    opened = open_note(note, [verifier])
    assert transfer.tagmanifest_sha256 in opened.text and transfer.list_digest in opened.text
    assert (bag_path.parent / f"{bag_path.name}.移交清单.pdf").read_bytes().startswith(b"%PDF-")
    assert db.scalar(select(ArchiveTransfer.id).where(ArchiveTransfer.file_id == archive.id))


def test_a_flipped_byte_is_reported_by_bagit_and_by_zhifa(
    settings: Settings, db: Session, tmp_path: Path
) -> None:
    archive = _filed(db, settings)
    bag_path = tmp_path / "bag"
    packages.export_file(db, settings, open_blob_store(settings), archive.id, bag_path, None)
    db.commit()
    item = archive.items[-1]
    [target] = (bag_path / "data" / "files").glob(f"{item.item_no:04d}-*")
    data = bytearray(target.read_bytes())
    data[100] ^= 0x80
    target.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_path)).validate()
    report = verify_bag(bag_path)
    assert not report.ok
    assert any(f"{item.item_no:04d}" in str(f) for f in report.findings), report.findings
    runner = CliRunner()
    result = runner.invoke(app, ["archive", "verify", str(bag_path)])
    assert result.exit_code == 1 and "发现" in result.output


def test_a_file_failing_its_transfer_check_is_not_exported(
    settings: Settings, db: Session, tmp_path: Path
) -> None:
    archive = _filed(db, settings)
    path = _blob_path(settings, archive.items[0].digest)
    os.chmod(path, 0o644)
    path.write_bytes(b"not the filed bytes")
    with pytest.raises(DomainError, match="四性检测未通过"):
        packages.export_file(
            db, settings, open_blob_store(settings), archive.id, tmp_path / "bag", None
        )
    db.rollback()
    assert not (tmp_path / "bag").exists()
    assert db.scalar(select(ArchiveTransfer.id)) is None


def test_the_command_line_exports_and_verifies(
    settings: Settings, db: Session, tmp_path: Path
) -> None:
    archive = _filed(db, settings)
    runner = CliRunner()
    env = {"ZHIFA_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["ZHIFA_DATABASE_URL"] = settings.database_url
    bag_path = tmp_path / "out"
    result = runner.invoke(
        app, ["archive", "export", archive.archival_code, "--to", str(bag_path)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "已写出移交包" in result.output
    result = runner.invoke(app, ["archive", "verify", str(bag_path)])
    assert result.exit_code == 0 and "完整" in result.output
    result = runner.invoke(
        app, ["archive", "export", "没有这个档号", "--to", str(tmp_path / "x")], env=env
    )
    assert result.exit_code == 1 and "没有档号" in result.output
