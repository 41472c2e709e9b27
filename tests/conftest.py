"""Shared fixtures: the servers the suite needs are started here, by the suite itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg_server import create_database, drop_database, postgres_server


@pytest.fixture(scope="session")
def postgres_port() -> Iterator[int]:
    with postgres_server() as port:
        yield port


@pytest.fixture
def postgres_url(postgres_port: int) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    url = create_database(postgres_port)
    yield url
    drop_database(postgres_port, url)
