"""Plumbing every command of the command line shares (`zhifa.cli` and the features'
command groups): the data-directory option, settings, sessions, and a failure that says
why in Chinese and exits."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings, SettingsError, load_settings

console = Console(soft_wrap=True)  # long findings stay on one line in logs
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="ZHIFA_DATA_DIR", help="数据目录（默认 ./zhifa-data）"),
]


def settings_of(data_dir: Path | None, **overrides: Any) -> Settings:
    try:
        return load_settings(data_dir, **overrides)
    except SettingsError as exc:
        console.print(f"[red]配置错误：{exc}[/red]")
        raise typer.Exit(2) from exc


def fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code)


def actor_key(settings: Settings) -> bytes | None:
    """The ledger's actor key when the secret key is known. Without it a command can
    still record `system` acts; recording a person's act then fails loudly
    (core.audit.ActorKeyMissing) instead of writing a name."""
    try:
        return settings.ledger_actor_key()
    except SettingsError:
        return None


def factory(settings: Settings, *, read_only: bool = False) -> sessionmaker[Session]:
    engine = make_engine(settings.resolved_database_url, write_transactions=not read_only)
    return make_session_factory(engine, actor_key=actor_key(settings))


def session(settings: Settings, *, read_only: bool = False) -> Session:
    return factory(settings, read_only=read_only)()


def config_file(settings: Settings) -> Path:
    """The TOML file settings are read from: ``ZHIFA_CONFIG``, else ``<data dir>/zhifa.toml``."""
    explicit = os.environ.get("ZHIFA_CONFIG")
    return Path(explicit) if explicit else settings.data_dir / "zhifa.toml"


def write_setting(path: Path, key: str, value: str) -> bool:
    """Set the top-level string ``key`` in the TOML file at ``path`` (made if missing),
    keeping every other line; False when the file already says so."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if tomllib.loads(text).get(key) == value:
        return False
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.MULTILINE)
    header = re.search(r"^\s*\[", text, re.MULTILINE)  # top-level keys come before tables
    top = text[: header.start()] if header else text
    if pattern.search(top):
        text = pattern.sub(line, top, count=1) + text[len(top) :]
    else:
        text = f"{line}\n{text}"
    if tomllib.loads(text).get(key) != value:
        raise SettingsError(f"无法在配置文件 {path} 中写入 {key}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
