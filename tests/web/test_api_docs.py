"""Issue 11 point 10: /api/docs and the OpenAPI schema are for signed-in staff unless the
setting ZHIFA_API_DOCS says otherwise (public | staff | off); and every operation in the
schema declares the refusals the app answers with (the fuzz test relies on both)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import login
from zhifa.core.auth import issue_api_token
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

DOCS = ("/api/openapi.json", "/api/docs")


def _client(settings: Settings, mode: str) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"api_docs": mode}))
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture(params=["staff", "public", "off"])
def docs_client(request: pytest.FixtureRequest, sqlite_settings: Settings) -> Iterator[TestClient]:
    yield from _client(sqlite_settings, request.param)


def test_default_is_staff_only(sqlite_settings: Settings) -> None:
    assert Settings(data_dir=sqlite_settings.data_dir).api_docs == "staff"


def test_who_may_read_the_docs(docs_client: TestClient, db: Session) -> None:
    mode = docs_client.app.state.settings.api_docs  # type: ignore[attr-defined]
    anonymous = [docs_client.get(path) for path in DOCS]
    expected = {"public": 200, "staff": 401, "off": 404}[mode]
    assert [r.status_code for r in anonymous] == [expected, expected]
    if mode == "staff":
        assert anonymous[0].json()["detail"] == "接口文档仅供登录的工作人员查看，请先登录"
    user = db.scalar(select(User.id).where(User.username == "zhangwei"))
    bearer = {"Authorization": f"Bearer {issue_api_token(db, user, '文档', None)}"}
    as_token = [docs_client.get(path, headers=bearer).status_code for path in DOCS]
    login(docs_client, "zhangwei")
    signed_in = [docs_client.get(path).status_code for path in DOCS]
    staff = 404 if mode == "off" else 200
    assert as_token == signed_in == [staff, staff]


@pytest.fixture
def db(sqlite_settings: Settings) -> Iterator[Session]:
    engine = make_engine(sqlite_settings.resolved_database_url)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


def test_every_operation_declares_the_refusals(sqlite_settings: Settings) -> None:
    spec = create_app(sqlite_settings).openapi()
    assert "HTTPValidationError" not in str(spec)  # FastAPI's 422 is not what the app sends
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert {"400", "401", "403", "404", "409", "422", "429"} <= set(answers), path
            if method == "head":
                continue
            content = set(answers["404"]["content"])
            json = path.startswith(("/api/", "/log/")) or path.endswith(".json")
            assert content == ({"application/json"} if json else {"text/html"}), path
    pdf = spec["paths"]["/api/v1/documents/{document_id}/pdf"]["get"]["responses"]["200"]
    assert set(pdf["content"]) == {"application/pdf"}
