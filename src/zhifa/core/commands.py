"""Plumbing every command of the command line shares (`zhifa.cli` and the features'
command groups): the data-directory option, settings, sessions, and a failure that says
why in Chinese and exits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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


def settings_of(data_dir: Path | None) -> Settings:
    try:
        return load_settings(data_dir)
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
