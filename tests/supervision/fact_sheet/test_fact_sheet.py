"""The fact sheet of the demo's corrected penalty: every published version with its
channels and digest, the decision's digest and ledger entry, each inclusion proof checked
again here with the ledger's verifier against the signed checkpoint; the PDF says the
same; reads are logged; nothing personal beyond the publication."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import login
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.keys import load_ledger_signer
from zhifa.core.models import AccessLog
from zhifa.core.settings import Settings
from zhifa.enforcement.models import PartyVersion
from zhifa.ledger import get_entry, latest_checkpoint, open_checkpoint, verify_inclusion
from zhifa.publicity.models import (
    Channel,
    Delivery,
    OutboxMessage,
    Publication,
    PublicationObligation,
)
from zhifa.web.app import create_app


@pytest.fixture(scope="module")
def app_client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings), follow_redirects=False) as client:
        login(client, "leader")
        yield client


def _corrected(settings: Settings) -> tuple[int, list[Publication]]:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine)() as db:
        second = db.scalars(select(Publication).where(Publication.version == 2)).first()
        assert second is not None, "the demo corrects one publication"
        ob = db.get_one(PublicationObligation, second.obligation_id)
        pubs = list(
            db.scalars(
                select(Publication)
                .where(Publication.obligation_id == ob.id)
                .order_by(Publication.version)
            )
        )
        for pub in pubs:
            db.expunge(pub)
    engine.dispose()
    return ob.action_id, pubs


def test_page_shows_versions_digests_and_proofs_that_verify(
    app_client: TestClient, demo_settings: Settings
) -> None:
    action_id, pubs = _corrected(demo_settings)
    page = app_client.get(f"/app/actions/{action_id}/facts")
    assert page.status_code == 200, page.text
    html = page.text
    for pub in pubs:
        assert f'data-version="{pub.version}"' in html and pub.digest in html
        assert f"账本第 {pub.ledger_index} 条" in html
        number = next(i["value"] for i in pub.snapshot["items"] if i["key"] == "doc_number")
        row = html.split(f'data-version="{pub.version}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-label="文号">{number}<' in row
    assert "已更正（旧版本）" in html and "证明有效" in html and "证明无效" not in html
    action_page = app_client.get(f"/app/actions/{action_id}")
    assert f'href="/app/actions/{action_id}/facts"' in action_page.text

    engine = make_engine(demo_settings.resolved_database_url)
    with make_session_factory(engine)() as db:
        verifier = load_ledger_signer(demo_settings).verifier()
        checkpoint = latest_checkpoint(db)
        assert checkpoint is not None
        signed = open_checkpoint(checkpoint.signed_note, [verifier])  # signature checked
        assert signed.root_hash.hex() in html
        # each proof as printed on the page leads from the entry's leaf to the signed root
        for block in re.findall(r'<div class="proof" data-index="(\d+)">(.*?)</div>', html, re.S):
            index, body = int(block[0]), block[1]
            entry = get_entry(db, index)
            assert entry is not None and entry.leaf_hash.hex() in body
            path = [bytes.fromhex(h) for h in re.findall(r"<li><code[^>]*>([0-9a-f]{64})<", body)]
            verify_inclusion(index, signed.size, entry.leaf_hash, path, signed.root_hash)
        # where each version went: every delivery of its messages, by channel name
        for pub in pubs:
            sent = db.execute(
                select(Channel.name)
                .join(Delivery, Delivery.channel_id == Channel.id)
                .join(OutboxMessage, OutboxMessage.id == Delivery.message_id)
                .where(OutboxMessage.publication_id == pub.id)
            ).scalars()
            row = html.split(f'data-version="{pub.version}"', 1)[1].split("</tr>", 1)[0]
            assert all(name in row for name in sent)
        # no one's personal details beyond what the publication shows
        names = {v.phone for v in db.scalars(select(PartyVersion)) if v.phone}
        assert not any(phone in html for phone in names)
        reads = db.scalars(select(AccessLog).where(AccessLog.record_type == "action")).all()
        logged = {(r.purpose, r.record_id) for r in reads}
        assert ("查看舆情应对事实清单", str(action_id)) in logged
    engine.dispose()


def test_pdf_says_the_same(app_client: TestClient, demo_settings: Settings) -> None:
    action_id, pubs = _corrected(demo_settings)
    response = app_client.get(f"/app/actions/{action_id}/facts.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "舆情应对事实清单" in flat and "包含证明" in flat
    for pub in pubs:
        assert pub.digest in flat


def test_an_action_one_may_not_see_is_missing(app_client: TestClient) -> None:
    assert app_client.get("/app/actions/999999/facts").status_code == 404
