"""`zhifa init` asks for the portal's public address (the QR codes of certificate cards and
links given to the public open it), takes it from --public-url when run by a script, keeps
it in the configuration file, and refuses a localhost address in production settings."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhifa.cli import app
from zhifa.core.settings import SettingsError, load_settings

runner = CliRunner()
PUBLIC = "https://zhifa.putuo.example"


def test_flag_writes_the_address_into_the_configuration_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    config = data / "zhifa.toml"
    config.write_text('bureau_name = "测试局"\n\n[channel_urls]\nwechat = "https://wx.example"\n')
    result = runner.invoke(app, ["init", "--public-url", PUBLIC, "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert f"公示网站地址：{PUBLIC}（已写入" in result.output
    settings = load_settings(data)
    assert settings.public_base_url == PUBLIC
    assert settings.bureau_name == "测试局"
    assert settings.channel_urls == {"wechat": "https://wx.example"}  # the table is intact

    again = runner.invoke(app, ["init", "--public-url", PUBLIC + "/zf", "--data-dir", str(data)])
    assert again.exit_code == 0, again.output
    assert load_settings(data).public_base_url == PUBLIC + "/zf"
    assert config.read_text().count("public_base_url") == 1


def test_without_a_terminal_the_current_address_is_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = runner.invoke(app, ["init", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "公示网站地址：http://localhost:8000（非交互运行未询问" in result.output
    assert not (data / "zhifa.toml").exists()


@pytest.mark.parametrize(
    "address",
    ["http://localhost:8000", "http://127.0.0.1", "http://[::1]:8000/", "http://a.localhost"],
)
def test_production_refuses_a_loopback_address(tmp_path: Path, address: str) -> None:
    data = tmp_path / "data"
    result = runner.invoke(
        app,
        ["init", "--public-url", address, "--data-dir", str(data)],
        env={"ZHIFA_ENVIRONMENT": "production"},
    )
    assert result.exit_code == 2
    assert "ZHIFA_PUBLIC_BASE_URL" in result.output and "生产环境" in result.output
    assert "公示网站地址不能是 localhost" in result.output
    assert not data.exists()
    with pytest.raises(SettingsError, match="ZHIFA_PUBLIC_BASE_URL"):
        load_settings(data, environment="production", public_base_url=address)


def test_development_and_real_addresses_are_accepted(tmp_path: Path) -> None:
    assert load_settings(tmp_path).environment == "development"
    assert load_settings(tmp_path, public_base_url="http://localhost:8000").public_base_url
    production = load_settings(tmp_path, environment="production", public_base_url=PUBLIC)
    assert production.public_base_url == PUBLIC
    with pytest.raises(SettingsError, match="ZHIFA_ENVIRONMENT"):
        load_settings(tmp_path, environment="staging")


def _converse(command: list[str], env: dict[str, str], answers: list[str]) -> tuple[int, str]:
    """Run ``command`` on a pseudo-terminal; answer each prompt (a line ending in ': ')."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    output = b""
    pending = list(answers)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            output += chunk
            if pending and output.rstrip(b" ").endswith(b":"):
                os.write(leader, pending.pop(0).encode() + b"\n")
        elif process.poll() is not None:
            break
    code = process.wait(timeout=30)
    os.close(leader)
    return code, output.decode("utf-8", "replace")


def test_on_a_terminal_init_asks_and_refuses_localhost_in_production(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "ZHIFA_ENVIRONMENT": "production",
        "COLUMNS": "200",
    }
    code, output = _converse(
        [sys.executable, "-m", "zhifa.cli", "init", "--data-dir", str(data)],
        env,
        ["", PUBLIC],  # first accept the offered localhost default: refused, asked again
    )
    assert code == 0, output
    assert output.count("公示网站地址（公众扫执法证二维码") == 2, output
    assert "[http://localhost:8000]" in output  # the current value is offered
    assert "公示网站地址不能是 localhost" in output
    assert load_settings(data, environment="production").public_base_url == PUBLIC
