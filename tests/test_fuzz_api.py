"""Issue 11 point 8: the API fuzzed from its own OpenAPI schema with schemathesis, against a
live `zhifa serve` on SQLite with the demo data — as a staff user with an API token (every
operation but the two below) and anonymously (the public routes: portal, certificates,
figures, the public log). Derandomised generation (the same cases every run) and a bounded
number of examples per operation keep it to a few minutes on two cores.

Asserted: no server error (5xx), and every answer is one the schema declares — its status
code, its content type and, for JSON, the shape of its body.

schemathesis runs as its own command (`schemathesis run`), and the test reads its JSON
report: its pytest plugin does not work with pytest 9, and the command is what anyone would
run by hand against a server (the command line is in the report, see `_run`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import zhifa_server

SECRET = "b" * 40  # the ZHIFA_SECRET_KEY zhifa_server starts the server with
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = 8  # fuzzed cases per operation, besides the examples and coverage phases' cases
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,"
CHECKS += "response_schema_conformance"
# Left out of the staff run: each could end the run's own credentials half-way.
EXCLUDED = (
    ("DELETE", "/api/v1/tokens/{token_id}"),  # may revoke the fuzzing token itself
    ("PUT", "/api/v1/users/{user_id}"),  # may deactivate the admin or take away its role
)


@pytest.fixture(scope="module")
def fuzz_target(
    seeded_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A live server on a copy of the demo data, and an admin's API token for it."""
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(seeded_sqlite_template, data_dir)
    command = ["user", "token", "admin", "--label", "模糊测试", "--data-dir", str(data_dir)]
    token = subprocess.run(
        [sys.executable, "-m", "zhifa.cli", *command],
        env={**os.environ, "ZHIFA_SECRET_KEY": SECRET},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with zhifa_server(data_dir) as url:
        yield url, token


def _schema(url: str, token: str, path: Path) -> Path:
    """The OpenAPI schema, read as staff: it is not public (setting api_docs)."""
    request = urllib.request.Request(
        f"{url}/api/openapi.json", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        path.write_bytes(response.read())
    return path


def _run(schema: Path, url: str, report: Path, *options: str) -> dict[str, Any]:
    """One `schemathesis run` against ``url``; its JSON report (and what it printed)."""
    args = [
        str(SCHEMATHESIS),
        "run",
        str(schema),
        "--url",
        url,
        *options,
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--generation-deterministic",
        "--no-shrink",
        "--suppress-health-check",  # timing-based: the machine is shared with other tests
        "too_slow",
        # One worker: with two, Hypothesis's ast.parse of lambda sources in two threads at
        # once sometimes fails on Python 3.11 ("AST constructor recursion depth mismatch").
        # The server is the bottleneck anyway: one worker is as fast here.
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--no-color",
    ]
    # Run in the report's folder: schemathesis keeps a cache folder where it runs.
    finished = subprocess.run(args, capture_output=True, text=True, timeout=540, cwd=report.parent)
    assert report.exists(), finished.stdout[-4000:] + finished.stderr[-4000:]
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    result["output"] = finished.stdout
    return result


def _problems(result: dict[str, Any]) -> str:
    listed = json.dumps(result["errors"] + result["failures"], ensure_ascii=False, indent=1)
    return f"{listed}\n{result['output'][-8000:]}"


def _figures(who: str, result: dict[str, Any]) -> str:
    cases = result["test_cases"]
    server_errors = sum(f["count"] for f in result["failures"] if f["type"] == "ServerError")
    return (
        f"schemathesis {who}: {result['operations']['tested']} operations, "
        f"{cases['generated']} cases, {server_errors} server errors, "
        f"{cases['unique_failures']} unique failures"
    )


def test_api_as_staff(
    fuzz_target: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, token = fuzz_target
    schema = _schema(url, token, tmp_path / "openapi.json")
    methods = {path: set(ops) for path, ops in json.loads(schema.read_text())["paths"].items()}
    assert all(methods[path] == {method.lower()} for method, path in EXCLUDED)
    exclusions = [arg for _method, path in EXCLUDED for arg in ("--exclude-path", path)]
    bearer = ("-H", f"Authorization: Bearer {token}")
    result = _run(schema, url, tmp_path / "staff.json", *bearer, *exclusions)
    with capsys.disabled():
        print(f"\n{_figures('as staff', result)}")
    assert result["errors"] == [], _problems(result)
    assert result["failures"] == [], _problems(result)
    assert result["operations"]["tested"] == result["operations"]["total"] - len(EXCLUDED)
    assert result["test_cases"]["generated"] > 20 * result["operations"]["tested"]


def test_public_routes_anonymously(
    fuzz_target: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, token = fuzz_target
    schema = _schema(url, token, tmp_path / "openapi.json")
    public = ("--include-path-regex", "^/(?!api/)")  # no token sent
    result = _run(schema, url, tmp_path / "anonymous.json", *public)
    with capsys.disabled():
        print(f"\n{_figures('anonymously', result)}")
    assert result["errors"] == [], _problems(result)
    assert result["failures"] == [], _problems(result)
    assert result["operations"]["tested"] >= 15  # portal, certificates, figures, public log
