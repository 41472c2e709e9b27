"""`zhifa publicity`: obligations and publication periods by hand (the worker runs the same
work on schedule), channel delivery, the 信用中国 export batch."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from zhifa.core import commands
from zhifa.core.commands import DataDir, fail, settings_of
from zhifa.core.db import transaction
from zhifa.core.errors import DomainError

publicity_app = typer.Typer(help="事后公示：公示义务与公示期", no_args_is_help=True)


def _publicity_refresh(data_dir: Path | None, on: str | None) -> None:
    from zhifa.publicity.service import refresh

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError as exc:
        raise fail(f"日期格式应为 YYYY-MM-DD：{on}", 2) from exc
    session = commands.session(settings_of(data_dir))
    try:
        created, expired = refresh(session, day)
    finally:
        session.close()
    typer.echo(f"新增公示义务 {created} 项；公示期满停止公示 {expired} 项")


@publicity_app.command("sync")
def publicity_sync(data_dir: DataDir = None) -> None:
    """为已签发的处罚、强制、许可决定补建公示义务（并处理公示期满的公示）。"""
    _publicity_refresh(data_dir, None)


OnDay = Annotated[str | None, typer.Option("--on", help="按该日计算（YYYY-MM-DD，默认今天）")]


@publicity_app.command("expire")
def publicity_expire(data_dir: DataDir = None, on: OnDay = None) -> None:
    """公示截止期已过的公示自动停止公示（记入账本）；可由定时任务每日运行。"""
    _publicity_refresh(data_dir, on)


@publicity_app.command("deliver")
def publicity_deliver(
    data_dir: DataDir = None,
    once: Annotated[bool, typer.Option("--once", help="只投递一轮（到期的投递）后退出")] = False,
) -> None:
    """把公示、更正、撤下等消息投递到各渠道（失败的按退避时间重试）；默认持续运行。"""
    import time

    from zhifa.publicity.outbox import close_stale_batch, deliver_due

    settings = settings_of(data_dir)
    factory = commands.factory(settings)
    while True:
        report = deliver_due(factory, settings)
        typer.echo(f"已投递 {report.delivered}，待重试 {report.retrying}，失败 {report.failed}")
        if once:
            return
        if number := close_stale_batch(factory, settings):
            typer.echo(f"信用中国报送批次 {number} 已生成文件")
        time.sleep(max(settings.outbox_interval_seconds, 1))


@publicity_app.command("export")
def publicity_export(data_dir: DataDir = None) -> None:
    """结束当前信用中国（上海）报送批次，生成 CSV 与 XLSX 文件（写入文件存储并记入账本）。"""
    from zhifa.core.blobstore import open_blob_store
    from zhifa.publicity.channels.credit_export import close_batch

    settings = settings_of(data_dir)
    factory = commands.factory(settings)
    try:
        with transaction(factory) as session:
            batch = close_batch(session, open_blob_store(settings), settings.blob_max_bytes, None)
            number, files = batch.number, sorted(batch.files)
    except DomainError as exc:
        raise fail(exc.message) from exc
    typer.echo(f"批次 {number} 已生成文件：{'、'.join(files)}")
