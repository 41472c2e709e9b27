"""A real transfer-package source: a PDF made by WeasyPrint and a video made by PyAV in
a LocalBlobStore, their `blob.store` entries in a real ledger (SQLite and PostgreSQL)
among other entries, a signed checkpoint and each entry's inclusion proof."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.recording.media.files import make_video
from zhifa.archive.packages import CatalogueEntry, LedgerEvidence, PackageItem, PackageSource
from zhifa.blobs.local import LocalBlobStore
from zhifa.core.db import make_engine, make_session_factory
from zhifa.ledger import (
    SqlNodeStore,
    canonical_json,
    generate_signer,
    inclusion_proof,
    metadata,
    record,
    sign_checkpoint,
)

SIGNER = generate_signer("zhifa.test/archive")


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    from weasyprint import HTML

    html = "<h1>现场检查笔录</h1><p>检查时间：2026年5月1日 上午9时</p><p>=HYPERLINK(1)</p>"
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


@pytest.fixture(scope="session")
def video_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    return make_video(path, seconds=1.0).read_bytes()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def source(
    ledger_session: Session, tmp_path: Path, pdf_bytes: bytes, video_bytes: bytes
) -> PackageSource:
    store = LocalBlobStore(tmp_path / "blobs", create=True)
    blobs = [store.put(io.BytesIO(data)) for data in (pdf_bytes, video_bytes)]
    db = ledger_session
    record(db, kind="action.open", subject="action:1", actor="system", payload={"n": 1})
    entries = []
    for info in blobs:
        payload = {"table": "stored_blob", "row": {"digest": info.digest, "size": info.size}}
        entry = record(
            db,
            kind="blob.store",
            subject=f"stored_blob:{info.digest}",
            actor="system",
            payload=payload,
        )
        entries.append((entry, canonical_json(payload)))
        record(db, kind="media.ingest", subject="media:1", actor="system", payload={"x": 2})
    checkpoint = sign_checkpoint(db, SIGNER)
    db.commit()
    nodes = SqlNodeStore(db)
    names = ("现场检查笔录.pdf", "执法记录仪 视频.mp4")
    items = []
    for number, (info, (entry, payload), name) in enumerate(
        zip(blobs, entries, names, strict=True), 1
    ):
        evidence = LedgerEvidence(
            index=entry.index,
            leaf=entry.leaf,
            payload=payload,
            proof=inclusion_proof(nodes, entry.index, checkpoint.size),
        )
        items.append(
            PackageItem(
                entry=CatalogueEntry(
                    number,
                    name.rsplit(".", 1)[0],
                    date(2026, 5, 1),
                    1 if number == 1 else None,
                    "区应急管理局执法大队",
                ),
                filename=name,
                open=lambda d=info.digest: store.open(d),
                size=info.size,
                digest=info.digest,
                metadata={"题名": name, "格式": name.rsplit(".", 1)[1], "备注": "=1+1"},
                evidence=evidence,
            )
        )
    return PackageSource(
        archival_code="X123-ZF·2026-Y-0001",
        fonds="X123",
        retention="永久",
        title="某化工有限公司安全生产行政处罚案",
        organization="某区应急管理局",
        bagging_date=date(2026, 12, 7),
        checkpoint=checkpoint.signed_note,
        verifier=SIGNER.verifier().to_string(),
        items=items,
    )
