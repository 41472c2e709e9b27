""" "No API or page removes content any other way": every route of the app is called by a
signed-in administrator (who holds every permission) with no body, an empty JSON body
and a plausible form, and afterwards every stored blob is still there; and in the source
the blob store's ``remove`` is called from the disposal service only."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.routing import Route

from tests.archive.disposal_helpers import ARCHIVIST, LEGAL
from tests.archive.helpers import file_case
from tests.conftest import login
from tests.factories import principal
from tests.web.test_admin_and_officers import _api_routes
from zhifa.archive.disposal import service as disposal
from zhifa.archive.holds import service as holds
from zhifa.archive.holds.rules import HoldKind, HoldTarget
from zhifa.core.blobstore import open_blob_store
from zhifa.core.models import StoredBlob
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

SRC = Path(__file__).resolve().parents[2] / "src" / "zhifa"
MUTATING = ("POST", "PUT", "PATCH", "DELETE")
#: Would end the walking session itself, not remove content.
SESSION_ENDERS = {("POST", "/app/logout")}
PLAUSIBLE = {
    "reason": "测试理由",
    "note": "测试说明",
    "witness_statement": "同意监销",
    "approve": "true",
    "due_items": "archive_file:1",
    "hold_kind": "review",
    "hold_target": "archive_file",
    "hold_target_id": "1",
    "hold_reference": "测试〔2026〕1号",
    "release_reason": "测试解除",
    "opinion_1": "destroy",
    "confirm": "true",
}


def _routes(app) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    seen = set()
    for path, route in _api_routes(app.routes):
        for method in route.methods:
            seen.add((method, path))
    for route in app.routes:
        if isinstance(route, Route) and route.methods:
            for method in route.methods:
                seen.add((method, route.path))
    yield from sorted(seen)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _prepare(db: Session, settings: Settings) -> None:
    """Something to act on: a filed case, a hold and a batch still being appraised."""
    store = open_blob_store(settings)
    archive = file_case(db, store)
    assert archive.keep_until is not None
    day = archive.keep_until + timedelta(days=1)
    target = disposal.BatchIn(due_items=[f"archive_file:{archive.id}"])
    assert disposal.create_batch(db, target, principal(db, ARCHIVIST), day).id == 1
    holds.place(
        db,
        store,
        holds.HoldIn(
            hold_kind=HoldKind.complaint,
            hold_target=HoldTarget.archive_file,
            hold_target_id=archive.id,
            reason="测试保全",
            hold_reference="测试〔2026〕1号",
        ),
        principal(db, LEGAL),
    )
    db.commit()


def test_no_route_removes_stored_content(settings: Settings, db: Session) -> None:
    _prepare(db, settings)
    store = open_blob_store(settings)
    before = set(store.iter_digests())
    registered = set(db.scalars(select(StoredBlob.digest)))
    db.commit()
    assert registered and registered <= before
    app = create_app(settings)
    called, archive_paths = 0, set()
    errors = []  # server errors are other tests' business (test_fuzz_api); listed, not judged
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        csrf = login(client, "admin")
        headers = {"X-CSRF-Token": csrf}
        for method, path in _routes(app):
            if method not in MUTATING or (method, path) in SESSION_ENDERS:
                continue
            url = _concrete(path)
            if path.startswith("/app/archive/"):
                archive_paths.add(path)
            for kwargs in ({}, {"json": {}}, {"data": {**PLAUSIBLE, "csrf_token": csrf}}):
                response = client.request(method, url, headers=headers, **kwargs)
                if response.status_code >= 500:
                    errors.append((method, path))
                called += 1
    assert called > 300  # the walk reaches every feature's routes
    assert len(archive_paths) >= 7  # holds and every step of a batch among them
    after = set(store.iter_digests())
    assert before <= after, sorted(before - after)
    assert all(store.exists(d) for d in registered)
    print("server errors met on the walk:", sorted(set(errors)))


def _removers() -> set[str]:
    """Source files (outside the blob package) that call ``<something store>.remove``."""
    found = set()
    for path in SRC.rglob("*.py"):
        if path.is_relative_to(SRC / "blobs"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "remove"
                and "store" in ast.unparse(node.func.value).lower()
            ):
                found.add(str(path.relative_to(SRC)))
            if isinstance(node, ast.Constant) and node.value == "remove":
                found.add(f"{path.relative_to(SRC)} (getattr 'remove')")
    return found


def test_only_the_disposal_service_removes_content() -> None:
    assert _removers() == {"archive/disposal/service.py"}


def test_the_static_check_would_notice_another_remover() -> None:
    source = "def purge(store, digest):\n    store.remove(digest)\n"
    tree = ast.parse(source)
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "remove"
        and "store" in ast.unparse(n.func.value).lower()
    ]
    assert len(calls) == 1
