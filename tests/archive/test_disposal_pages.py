"""The disposal and hold pages, as the people who use them: the due list, a batch made
from it and taken through each step by its own people, the 销毁清册 download, placing
and releasing a hold, and refusals shown beside the field."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.archive.disposal_helpers import closed_inspection_with_old_clips, months_ago
from tests.conftest import login
from zhifa.archive.disposal.models import DisposalBatch, DisposalItem
from zhifa.archive.holds.models import ArchiveHold
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import make_engine
from zhifa.core.settings import Settings
from zhifa.web.app import create_app


@contextmanager
def _as(app, username: str) -> Iterator[tuple[TestClient, str]]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as client:
        yield client, login(client, username)


def _post(client: TestClient, csrf: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, "csrf_token": csrf})


def _read(db: Session, query):  # type: ignore[no-untyped-def]
    """One value, read by a session that never takes the write lock (the fixture's
    session begins as a write: it must not hold SQLite's lock while the app serves)."""
    engine = make_engine(
        str(db.get_bind().url.render_as_string(hide_password=False)), write_transactions=False
    )
    try:
        with Session(engine) as reader:
            return reader.scalar(query)
    finally:
        engine.dispose()


def _refused(response, words: str) -> bool:  # type: ignore[no-untyped-def]
    """A clear 4xx with the message on the page again (not a 500, not a redirect)."""
    return 400 <= response.status_code < 500 and words in response.text


def _count(db: Session, table: type) -> int:
    return int(_read(db, select(func.count()).select_from(table)) or 0)


def test_a_batch_through_every_step_by_page(settings: Settings, db: Session) -> None:
    store = open_blob_store(settings)
    _, (clip,) = closed_inspection_with_old_clips(db, settings, store, months_ago(7))
    db.commit()
    app = create_app(settings)
    with _as(app, "zhangwei") as (client, _):
        assert client.get("/app/archive/disposal").status_code == 403
    with _as(app, "archivist") as (client, csrf):
        page = client.get("/app/archive/disposal")
        assert page.status_code == 200 and f'value="media:{clip.id}"' in page.text
        refused = _post(client, csrf, "/app/archive/disposal/batches", {"note": "空"})
        assert _refused(refused, "到期条目不能为空")
        assert _count(db, DisposalBatch) == 0
        made = _post(
            client, csrf, "/app/archive/disposal/batches", {"due_items": f"media:{clip.id}"}
        )
        assert made.status_code == 303
        path = made.headers["location"].split("?")[0]
        item = _read(db, select(DisposalItem.id))
        opinion = {f"opinion_{item}": "destroy"}
        assert _post(client, csrf, f"{path}/opinions", opinion).status_code == 303
    with _as(app, "legal") as (client, csrf):
        extend = {f"opinion_{item}": "extend", f"years_{item}": "", f"reason_{item}": ""}
        refused = _post(client, csrf, f"{path}/opinions", extend)
        assert _refused(refused, "年限和理由")
        assert _post(client, csrf, f"{path}/opinions", opinion).status_code == 303
    with _as(app, "leader") as (client, csrf):
        assert "待领导审批" in client.get(path).text
        refused = _post(client, csrf, f"{path}/decision", {"approve": "false", "note": ""})
        assert _refused(refused, "理由")
        assert _post(client, csrf, f"{path}/decision", {"approve": "true"}).status_code == 303
    for person in ("supervision", "office"):
        with _as(app, person) as (client, csrf):
            done = _post(client, csrf, f"{path}/witness", {"witness_statement": "已核对，同意监销"})
            assert done.status_code == 303
    with _as(app, "archivist") as (client, csrf):
        assert _post(client, csrf, f"{path}/execute", {}).status_code == 303
        page = client.get(path).text
        assert "已销毁" in page and "register.pdf" in page
        register = client.get(f"{path}/register.pdf")
        assert register.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(register.content)).pages)
        number = re.search(r"XH\d{4}-\d{3}", page)
        assert number and number.group(0) in text and "钱雅琴" in text  # legal's name
    assert not store.exists(clip.digest)


def test_holds_are_placed_and_released_by_page(settings: Settings, db: Session) -> None:
    store = open_blob_store(settings)
    _, (clip,) = closed_inspection_with_old_clips(db, settings, store, months_ago(7))
    db.commit()
    app = create_app(settings)
    hold = {
        "hold_kind": "litigation",
        "hold_target": "media",
        "hold_target_id": str(clip.id),
        "reason": "当事人提起行政诉讼",
        "hold_reference": "（2026）沪0107行初9号",
    }
    with _as(app, "legal") as (client, csrf):
        refused = _post(client, csrf, "/app/archive/holds", {**hold, "hold_target_id": "abc"})
        assert _refused(refused, "对象编号")
        assert _count(db, ArchiveHold) == 0
        assert _post(client, csrf, "/app/archive/holds", hold).status_code == 303
        page = client.get("/app/archive/holds").text
        assert "行政诉讼" in page and "保全中" in page
        hold_id = _read(db, select(ArchiveHold.id))
        with _as(app, "archivist") as (other, _other_csrf):
            due = other.get("/app/archive/disposal").text
            assert f'value="media:{clip.id}"' not in due and "不得销毁" in due
        release = f"/app/archive/holds/{hold_id}/release"
        refused = _post(client, csrf, release, {"release_reason": ""})
        assert _refused(refused, "解除理由至少 2 个字符")
        assert _post(client, csrf, release, {"release_reason": "判决生效"}).status_code == 303
        again = _post(client, csrf, release, {"release_reason": "再次解除"})
        assert again.status_code == 409 and "已经解除" in again.text
