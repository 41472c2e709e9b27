"""`zhifa ingest`: the body-camera dock's uploader (a client of the HTTP API; its logic lives
in `recording.dock`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zhifa.core.commands import console, fail

ingest_app = typer.Typer(help="音视频采集（执法记录仪采集站）", no_args_is_help=True)


@ingest_app.command("watch")
def ingest_watch(
    folder: Annotated[Path, typer.Argument(help="执法记录仪挂载（或拷贝）的目录")],
    device: Annotated[str, typer.Option("--device", help="执法记录仪编号（随文件上报）")],
    server: Annotated[str, typer.Option("--server", help="服务器地址，如 http://10.0.0.5:8000")],
    token: Annotated[
        str,
        typer.Option("--token", envvar="ZHIFA_TOKEN", help="API 令牌（zhifa user token 签发）"),
    ],
    action: Annotated[int | None, typer.Option("--action", help="全部文件归入该案件")] = None,
    activity: Annotated[
        int | None, typer.Option("--activity", help="与 --action 同用：归入该现场执法活动")
    ] = None,
    map_file: Annotated[
        Path | None, typer.Option("--map", help="映射文件（TOML，按文件路径和时间指定案件）")
    ] = None,
    state: Annotated[
        Path | None, typer.Option("--state", help="状态文件（默认：目录内 .zhifa-ingest.json）")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="只扫描上传一轮后退出")] = False,
    interval: Annotated[float, typer.Option(help="两次扫描的间隔（秒）")] = 10.0,
    settle: Annotated[
        float, typer.Option(help="文件最后修改后须静置的秒数（防止上传未写完的文件）")
    ] = 10.0,
    chunk_mb: Annotated[float, typer.Option("--chunk-mb", help="每次续传的数据量（MB）")] = 8.0,
    limit_rate: Annotated[
        int | None, typer.Option("--limit-rate", help="限速（KB/s），默认不限")
    ] = None,
) -> None:
    """上传采集目录中的新文件（断点续传，每个文件只上传一次，进程重启后从断点继续）。"""
    from zhifa.recording.dock.mapping import Target
    from zhifa.recording.dock.progress import RichReporter
    from zhifa.recording.dock.watcher import Fatal, Options, Summary, Watcher, folder_lock

    if (action is None) == (map_file is None):
        raise fail("须指定 --action 或 --map 之一", 2)
    if activity is not None and action is None:
        raise fail("--activity 须与 --action 同用（映射文件中可为每条规则指定 activity）", 2)
    options = Options(
        folder=folder,
        server=server,
        token=token,
        device=device,
        target=Target(action, activity) if action is not None else None,
        map_file=map_file,
        state_file=state,
        chunk_size=max(64 * 1024, int(chunk_mb * 1024 * 1024)),
        settle_seconds=settle,
        limit_rate=limit_rate * 1024 if limit_rate else None,
    )

    def report(summary: Summary) -> None:
        if summary.waiting:
            console.print(f"{len(summary.waiting)} 个文件尚无对应案件（请在映射文件中补充规则）")

    try:
        watcher = Watcher(options, RichReporter(console))
        with folder_lock(watcher.state_path):
            console.print(f"采集目录 {watcher.folder}，状态文件 {watcher.state_path}")
            if once:
                summary = watcher.run_once()
                report(summary)
                console.print(
                    f"本轮上传 {len(summary.uploaded)} 个，拒绝 {len(summary.refused)} 个，"
                    f"待重试 {len(summary.retry)} 个"
                )
                if summary.refused or summary.retry:
                    raise typer.Exit(1)
            else:
                watcher.run(interval, report)
    except Fatal as exc:
        raise fail(str(exc), 2) from exc
    except KeyboardInterrupt:
        console.print("已停止；未传完的文件下次启动时从断点继续。")
