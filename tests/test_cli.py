"""The command line, run as a real process would: through Typer's runner and a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import schedule_2027
from zhifa.cli import app
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.demo.data import demo_accounts
from zhifa.enforcement.models import Party

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "db", "seed-demo", "serve", "demo", "calendar", "user"):
        assert command in result.output


def test_init_and_seed_are_idempotent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert runner.invoke(app, ["init", "--data-dir", str(data)]).exit_code == 0
    assert (data / "keys" / "secret_key").stat().st_mode & 0o077 == 0
    first = runner.invoke(app, ["seed-demo", "--data-dir", str(data)])
    assert first.exit_code == 0 and "行政相对人 50" in first.output
    assert runner.invoke(app, ["init", "--data-dir", str(data)]).exit_code == 0
    second = runner.invoke(app, ["seed-demo", "--data-dir", str(data)])
    assert "账号 0" in second.output and "行政相对人 0" in second.output
    # Every demo row matches its ledger entry and every file its digest …
    verified = runner.invoke(app, ["verify", "--full", "--data-dir", str(data)])
    assert verified.exit_code == 0, verified.output
    # … and the demo's transfer package verifies offline.
    [bag] = [p for p in (data / "transfers").iterdir() if p.is_dir()]
    checked = runner.invoke(app, ["archive", "verify", str(bag)])
    assert checked.exit_code == 0 and "完整" in checked.output
    engine = make_engine(f"sqlite:///{data / 'zhifa.sqlite3'}")
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Party)) == 50
        assert session.scalar(select(func.count()).select_from(User)) == len(demo_accounts())
    engine.dispose()
    token = runner.invoke(app, ["user", "token", "admin", "--data-dir", str(data)])
    assert token.exit_code == 0 and token.output.startswith("zf_")
    listed = runner.invoke(app, ["user", "tokens", "--data-dir", str(data)])
    assert "admin" in listed.output and token.output.strip() not in listed.output
    missing = runner.invoke(app, ["user", "token", "nobody", "--data-dir", str(data)])
    assert missing.exit_code == 1 and "用户不存在" in missing.output


def test_calendar_due(tmp_path: Path) -> None:
    args = ["--data-dir", str(tmp_path / "none")]
    # 2026 春节: Feb 14 (Sat) is a make-up working day, Feb 15–23 are holidays.
    result = runner.invoke(app, ["calendar", "due", "2026-02-10", "7", *args])
    assert result.output.strip() == "2026-02-26"
    # 2026 国庆: Oct 1–7 holidays; 30 calendar days from Sep 30 end on Oct 30 (a Friday).
    result = runner.invoke(app, ["calendar", "due", "2026-09-30", "30", "--calendar-days", *args])
    assert result.output.strip() == "2026-10-30"
    result = runner.invoke(app, ["calendar", "due", "2027-01-29", "7", *args])
    assert result.output.strip().endswith(" provisional")
    # a party's period across 春节 2027 (no notice yet) leans to the latest plausible day
    late = runner.invoke(app, ["calendar", "due", "2027-02-03", "5", "--lean", "latest", *args])
    assert late.output.splitlines()[0] == "2027-02-18 provisional latest"
    assert "最晚可能日" in late.output
    row = ["calendar", "due", "2027-02-03", "--limit", "publicity.withdrawal_penalty", *args]
    assert runner.invoke(app, row).output.splitlines()[0] == "2027-02-12 provisional earliest"
    bad = runner.invoke(app, ["calendar", "due", "2026-02-30", "7", *args])
    assert bad.exit_code == 2 and "起算日无效" in bad.output


def test_calendar_load_makes_a_year_official(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner.invoke(app, ["init", "--data-dir", str(data)])
    schedule = schedule_2027(["2027-02-20"])
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(schedule, ensure_ascii=False), encoding="utf-8")
    before = runner.invoke(app, ["calendar", "due", "2027-02-03", "5", "--data-dir", str(data)])
    assert before.output.strip().endswith("provisional")
    loaded = runner.invoke(app, ["calendar", "load", str(path), "--data-dir", str(data)])
    assert loaded.exit_code == 0, loaded.output
    assert "按新安排重算暂定期限" in loaded.output
    after = runner.invoke(app, ["calendar", "due", "2027-02-03", "5", "--data-dir", str(data)])
    # Feb 4, then Feb 5–12 off, then Feb 15, 16, 17, 18 (Feb 13/14 weekend).
    assert after.output.strip() == "2027-02-18"
    broken = tmp_path / "broken.json"
    broken.write_text('{"year": 2027', encoding="utf-8")
    refused = runner.invoke(app, ["calendar", "load", str(broken), "--data-dir", str(data)])
    assert refused.exit_code == 2


def test_bad_setting_is_named(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zhifa.cli", "init", "--data-dir", str(tmp_path / "d")],
        env={"ZHIFA_SESSION_HOURS": "many", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "ZHIFA_SESSION_HOURS" in result.stdout
    assert not (tmp_path / "d").exists()


def test_toml_file_and_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zhifa.core.settings import SettingsError, load_settings

    data = tmp_path / "data"
    data.mkdir()
    (data / "zhifa.toml").write_text('bureau_name = "测试局"\nsession_hours = 4\n')
    assert load_settings(data).bureau_name == "测试局"
    monkeypatch.setenv("ZHIFA_SESSION_HOURS", "6")
    assert load_settings(data).session_hours == 6
    (data / "zhifa.toml").write_text("unknown_key = 1\n")
    try:
        load_settings(data)
    except SettingsError as exc:
        assert "UNKNOWN_KEY" in str(exc)
    else:
        raise AssertionError("an unknown setting must be refused")


def test_init_with_sm3_digest(tmp_path: Path) -> None:
    import io

    from zhifa.core.blobstore import open_blob_store, store_blob
    from zhifa.core.errors import DomainError
    from zhifa.core.models import StoredBlob
    from zhifa.core.settings import load_settings

    data = tmp_path / "data"
    result = runner.invoke(app, ["init", "--digest", "sm3", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    settings = load_settings(data)
    assert settings.blob_digest == "sm3"
    again = runner.invoke(app, ["init", "--digest", "sha256", "--data-dir", str(data)])
    assert again.exit_code == 2 and "不能改为 sha256" in again.output
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        row = store_blob(db, open_blob_store(settings), io.BytesIO(b"abc"), None, 100)
        db.commit()
        assert row.digest.startswith("sm3:66c7f0f462eeedd9d1f2d46bdc10e4e2")  # GB/T 32905 "abc"
        try:
            store_blob(db, open_blob_store(settings), io.BytesIO(b"x" * 101), None, 100)
        except DomainError as exc:
            assert "文件过大" in exc.message
        else:
            raise AssertionError("an oversized file must be refused")
        db.rollback()
        assert db.scalar(select(func.count()).select_from(StoredBlob)) == 1
    engine.dispose()
    verified = runner.invoke(app, ["verify", "--full", "--data-dir", str(data)])
    assert verified.exit_code == 0, verified.output
