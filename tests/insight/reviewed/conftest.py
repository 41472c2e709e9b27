"""The archive tests' instances with the demo's closed cases (seeded once per session on
SQLite and on PostgreSQL, copied for each test) serve the review figure of the dashboard."""

from tests.archive.conftest import (  # noqa: F401 (fixtures)
    cases_postgres_template,
    cases_sqlite_template,
    db,
    settings,
)
