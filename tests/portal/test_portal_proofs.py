"""A published decision proved from the public portal process alone (issue 12 point 6):
`zhifa serve --portal-only` runs as its own process, and everything an outside reader
needs comes from it over HTTP — the snapshot, the leaf its page names, the signed
checkpoint, the public key and the inclusion proof — checked with `zhifa.ledger`'s
verifiers. The portal process holds the public key only (`ledger.pub`)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import urllib.error
import urllib.request

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import zhifa_server
from tests.factories import writing
from tests.portal.helpers import publish_decision
from zhifa.core.checkpoints import checkpoint_if_grown
from zhifa.core.keys import ensure_ledger_signer, ledger_key_path, ledger_verifier_path
from zhifa.core.settings import Settings, SettingsError
from zhifa.ledger import (
    ProofError,
    latest_checkpoint,
    leaf_hash,
    open_checkpoint,
    parse_verifier,
    verify_consistency,
    verify_inclusion,
)
from zhifa.publicity.models import PublicationObligation
from zhifa.recording.documents.models import Document
from zhifa.web.app import create_portal_app

LEDGER_LINK = re.compile(r'href="/log/entries\?start=(\d+)&amp;end=(\d+)"')
ISSUE_ENTRY = re.compile(r"第 (\d+) 条")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.status == 200, url
        return answer.read()  # type: ignore[no-any-return]


def _json(url: str) -> dict:  # type: ignore[type-arg]
    return json.loads(_get(url))  # type: ignore[no-any-return]


@pytest.fixture
def public_only(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The data directory of a public host: the verifier file, no private key."""
    if settings.database_url:  # PostgreSQL; SQLite's file is in the data directory
        monkeypatch.setenv("ZHIFA_DATABASE_URL", settings.database_url)
    return settings


def test_publication_proved_from_the_portal_process_alone(
    client: TestClient, db: Session, public_only: Settings
) -> None:
    settings = public_only
    signer, _ = ensure_ledger_signer(settings)
    with writing(db) as session:
        checkpoint_if_grown(session, signer, settings.log_origin)  # the worker's job
    before = latest_checkpoint(db)  # a checkpoint a reader saw before the publication
    assert before is not None
    published = publish_decision(client, db)  # through the full app, as staff would
    public_id = published["obligation_id"]
    with writing(db) as session:
        checkpoint_if_grown(session, signer, settings.log_origin)
    document = db.scalars(
        select(Document)
        .join(PublicationObligation, PublicationObligation.document_id == Document.id)
        .where(PublicationObligation.id == public_id)
    ).one()
    # The public host has the verifier only: the portal starts without the private key.
    ledger_key_path(settings).unlink()

    with zhifa_server(settings.data_dir, "--portal-only") as portal:
        snapshot = _get(f"{portal}/p/{public_id}.json")
        page = _get(f"{portal}/p/{public_id}").decode()
        start, end = (int(n) for n in LEDGER_LINK.search(page).groups())  # type: ignore[union-attr]
        assert end == start + 1
        (entry,) = _json(f"{portal}/log/entries?start={start}&end={end}")["entries"]
        leaf = base64.b64decode(entry["leaf"])
        assert entry["index"] == start
        assert json.loads(leaf)["payload_sha256"] == hashlib.sha256(snapshot).hexdigest()

        key = _get(f"{portal}/log/key").decode().strip()
        assert key == ledger_verifier_path(settings).read_text().strip()
        checkpoint = open_checkpoint(
            _get(f"{portal}/log/checkpoint").decode(), [parse_verifier(key)]
        )
        assert checkpoint.size > start
        proof = _json(f"{portal}/log/proof/inclusion?index={start}&size={checkpoint.size}")
        hashes = [base64.b64decode(h) for h in proof["proof"]]
        verify_inclusion(start, checkpoint.size, leaf_hash(leaf), hashes, checkpoint.root_hash)

        # The signed log only grew since the checkpoint a reader saw before publication.
        seen = open_checkpoint(before.signed_note, [parse_verifier(key)])
        grown = _json(f"{portal}/log/proof/consistency?from={seen.size}&to={checkpoint.size}")
        hashes = [base64.b64decode(h) for h in grown["proof"]]
        verify_consistency(seen.size, checkpoint.size, seen.root_hash, checkpoint.root_hash, hashes)
        assert seen.size <= start  # the publication came after it

        # A tampered snapshot or a wrong leaf does not verify.
        assert json.loads(leaf)["payload_sha256"] != hashlib.sha256(snapshot + b" ").hexdigest()
        proof_hashes = [base64.b64decode(h) for h in proof["proof"]]
        with pytest.raises(ProofError):
            verify_inclusion(
                start, checkpoint.size, leaf_hash(leaf + b" "), proof_hashes, checkpoint.root_hash
            )

        # The decision document itself, checked by the digest printed on it, from the same
        # process: its issue entry is in the signed log too.
        page = _get(f"{portal}/verify/document?digest={document.pdf_digest}").decode()
        assert "核验通过" in page and str(document.doc_number) in page
        issued_at = int(ISSUE_ENTRY.search(page).group(1))  # type: ignore[union-attr]
        assert issued_at == document.issue_entry
        (issued,) = _json(f"{portal}/log/entries?start={issued_at}&end={issued_at + 1}")["entries"]
        issued_leaf = base64.b64decode(issued["leaf"])
        assert json.loads(issued_leaf)["kind"] == "document.issue"
        proof = _json(f"{portal}/log/proof/inclusion?index={issued_at}&size={checkpoint.size}")
        hashes = [base64.b64decode(h) for h in proof["proof"]]
        verify_inclusion(
            issued_at, checkpoint.size, leaf_hash(issued_leaf), hashes, checkpoint.root_hash
        )

        # What the page does not link stays off the public process.
        with pytest.raises(urllib.error.HTTPError) as refused:
            _get(f"{portal}/app")
        assert refused.value.code == 404


def test_portal_needs_the_public_key_file_only(sqlite_settings: Settings) -> None:
    settings = sqlite_settings
    signer, made = ensure_ledger_signer(settings)
    assert not made
    ledger_verifier_path(settings).unlink()  # a data directory from before ledger.pub
    with pytest.raises(
        SettingsError, match=r"账本验证公钥 .* 不存在；请在保存签名密钥的实例上运行"
    ):
        create_portal_app(settings)
    assert not ensure_ledger_signer(settings)[1]  # `zhifa init` writes the file back
    public = signer.verifier().to_string()
    assert ledger_verifier_path(settings).read_text() == public + "\n"
    ledger_key_path(settings).unlink()
    assert create_portal_app(settings).state.ledger_verifier.to_string() == public
