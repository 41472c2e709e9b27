"""Issue 11 point 8: an integer a request names that no column can hold is a 4xx, not an
overflow in the database driver. On SQLite the driver overflows above 2^63 − 1; on
PostgreSQL an id column (int4) already overflows above 2^31 − 1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import issue_api_token
from zhifa.core.models import User

# Above int4 (PostgreSQL id columns), and above int8 (SQLite, PostgreSQL BIGINT).
TOO_LARGE = (2**31, 2**63, 2**64 + 7)
# One account per role that names records in its routes: each route is tried with every
# token, so the permission check of each lets at least one of them reach the id.
USERS = ("admin", "legal", "leader", "supervision", "office", "archivist", "zhangwei")
_PARAM = re.compile(r"{(\w+)}")


def _tokens(db: Session) -> list[str]:
    users = db.scalars(select(User).where(User.username.in_(USERS))).all()
    return [issue_api_token(db, user.id, "边界测试", None) for user in users]


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # a feature's router, included as is
            yield from _api_routes(route.original_router.routes)


def _routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for route in _api_routes(client.app.router.routes):  # type: ignore[attr-defined]
        names = {p.name for p in route.dependant.path_params} | {
            p.name for d in route.dependant.dependencies for p in d.path_params
        }
        if any(name.endswith("_id") for name in names):
            found.extend((method, route.path) for method in route.methods - {"HEAD"})
    return found


def _as_someone_allowed(
    client: TestClient, method: str, url: str, tokens: list[str]
) -> httpx.Response:
    """The response to the first account whose permission check lets the request by."""
    for token in tokens:
        response = client.request(
            method, url, headers={"Authorization": f"Bearer {token}"}, json={}
        )
        if response.status_code not in (401, 403):
            break
    return response


def test_ids_beyond_the_columns_are_refused_on_every_route(client: TestClient, db: Session) -> None:
    tokens = _tokens(db)
    routes = _routes(client)
    assert len(routes) > 150  # every record route of the app, pages and API
    failures = []
    for method, path in routes:
        for value in TOO_LARGE:
            url = _PARAM.sub(lambda m: str(value) if m[1].endswith("_id") else "x", path)
            response = _as_someone_allowed(client, method, url, tokens)
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/actions?page={n}",
        "/api/v1/parties?page={n}",
        "/api/v1/actions?party_id={n}",
        "/api/v1/access-log?user={n}",
        "/api/v1/publicity/obligations?unit_id={n}",
        "/api/v1/recording/problems?officer_id={n}",
        "/api/v1/publicity/deliveries?channel={n}",
        "/api/v1/catalog/updates?law_change_id={n}",
        "/app/actions?page={n}",
        "/app/parties?page={n}",
        "/app/actions/new?party_id={n}",
    ],
)
def test_query_numbers_beyond_the_columns_are_422(
    client: TestClient, db: Session, path: str
) -> None:
    tokens = _tokens(db)
    for value in TOO_LARGE:
        response = _as_someone_allowed(client, "GET", path.format(n=value), tokens)
        assert response.status_code == 422, (path, value, response.status_code)


def test_correction_form_of_an_impossible_publication_is_404(client: TestClient) -> None:
    for value in (*TOO_LARGE, "١٢"):
        response = client.get("/corrections/new", params={"p": str(value)})
        assert response.status_code == 404
        assert "要求更正的公示信息不存在" in response.text
