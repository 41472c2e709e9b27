"""The public ledger endpoints, checked the way an outside auditor would: proofs from
the HTTP answers verified with the ledger's own functions, and `zhifa verify --remote`
against a real server process."""

from __future__ import annotations

import base64
import shutil
import sqlite3
import urllib.request
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import login
from zhifa.cli import app
from zhifa.core.settings import Settings
from zhifa.ledger import (
    leaf_hash,
    open_checkpoint,
    parse_verifier,
    verify_consistency,
    verify_inclusion,
)

runner = CliRunner()


def _sign(settings: Settings) -> str:
    result = runner.invoke(app, ["checkpoint", "--data-dir", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def _proof(answer: dict[str, object]) -> list[bytes]:
    return [base64.b64decode(h) for h in answer["proof"]]  # type: ignore[attr-defined]


def test_endpoints_and_proofs(sqlite_client: TestClient, sqlite_settings: Settings) -> None:
    client = sqlite_client
    assert client.get("/log/checkpoint").status_code == 404
    first_note = _sign(sqlite_settings)
    key = client.get("/log/key")
    assert key.headers["content-type"] == "text/plain; charset=utf-8"
    verifier = parse_verifier(key.text.strip())
    note = client.get("/log/checkpoint")
    assert note.headers["content-type"] == "text/plain; charset=utf-8"
    assert note.text == first_note
    first = open_checkpoint(note.text, [verifier])
    assert first.origin == sqlite_settings.log_origin and first.size > 100
    entries = client.get("/log/entries", params={"start": 0, "end": 3}).json()["entries"]
    assert [e["index"] for e in entries] == [0, 1, 2]
    leaf = base64.b64decode(entries[2]["leaf"])
    assert b'"payload_sha256"' in leaf and "行政".encode() not in leaf  # nothing personal
    proof = client.get("/log/proof/inclusion", params={"index": 2, "size": first.size}).json()
    verify_inclusion(2, first.size, leaf_hash(leaf), _proof(proof), first.root_hash)
    login(client, "legal")  # more entries: the login and its reads
    client.get("/app/parties")
    second = open_checkpoint(_sign(sqlite_settings), [verifier])
    assert second.size > first.size
    answer = client.get(
        "/log/proof/consistency", params={"from": first.size, "to": second.size}
    ).json()
    assert answer["from"] == first.size and answer["to"] == second.size
    verify_consistency(first.size, second.size, first.root_hash, second.root_hash, _proof(answer))


def test_bad_parameters_are_400_with_a_message(sqlite_client: TestClient) -> None:
    client = sqlite_client
    cases = [
        ("/log/entries", {"start": 5, "end": 2}),
        ("/log/entries", {"start": 0, "end": 5000}),
        ("/log/entries", {"start": 0, "end": 10**9}),
        ("/log/proof/inclusion", {"index": 10**6, "size": 10**6 + 1}),
        ("/log/proof/inclusion", {"index": 9, "size": 5}),
        ("/log/proof/consistency", {"from": 9, "to": 5}),
        ("/log/proof/consistency", {"from": 1, "to": 10**9}),
    ]
    for path, params in cases:
        response = client.get(path, params=params)
        assert response.status_code == 400, (path, params, response.text)
        assert response.json()["detail"]
    malformed = client.get("/log/proof/inclusion", params={"index": "x", "size": 3})
    assert malformed.status_code == 400 and malformed.json()["field"] == "index"
    missing = client.get("/log/entries", params={"start": 0})
    assert missing.status_code == 400 and missing.json()["detail"] == "截止为必填项"
    assert missing.json()["field"] == "end"


def test_remote_audit(live_server: str, sqlite_settings: Settings, tmp_path: Path) -> None:
    _sign(sqlite_settings)
    key = runner.invoke(app, ["verify", "--remote", live_server, "--key", "x"])
    assert key.exit_code == 2 and "验证公钥无效" in key.output
    with urllib.request.urlopen(f"{live_server}/log/key") as answer:
        vkey = answer.read()
    state = tmp_path / "auditor.checkpoint"
    args = [
        "verify",
        "--remote",
        live_server,
        "--key",
        vkey.decode().strip(),
        "--state",
        str(state),
    ]
    first = runner.invoke(app, [*args, "--entries", "0,5,17"])
    assert first.exit_code == 0, first.output
    assert "检查点签名有效" in first.output and "条目 17 包含在检查点中" in first.output
    # The bureau goes on working; the auditor's next run checks consistency.
    database = sqlite_settings.data_dir / "zhifa.sqlite3"
    shutil.copy(database, tmp_path / "before.sqlite3")
    runner.invoke(app, ["user", "token", "admin", "--data-dir", str(sqlite_settings.data_dir)])
    _sign(sqlite_settings)
    second = runner.invoke(app, args)
    assert second.exit_code == 0 and "与上次见到的检查点" in second.output
    # Someone rolls the database back and re-grows it differently: the auditor notices.
    with sqlite3.connect(tmp_path / "before.sqlite3") as src, sqlite3.connect(database) as dst:
        src.backup(dst)
    runner.invoke(app, ["user", "token", "legal", "--data-dir", str(sqlite_settings.data_dir)])
    _sign(sqlite_settings)
    third = runner.invoke(app, args)
    assert third.exit_code == 1
    assert "不一致" in third.output or "账本变短了" in third.output
