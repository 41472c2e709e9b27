"""`zhifa archive …`: transfer packages (移交) checked offline, without the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zhifa.core.commands import console

archive_app = typer.Typer(help="档案（移交包）", no_args_is_help=True)


@archive_app.command("verify")
def archive_verify(
    bag: Annotated[Path, typer.Argument(help="移交包（BagIt 文件夹）")],
    key: Annotated[
        str | None,
        typer.Option("--key", help="所信任的账本公钥（默认使用包内 verifier.txt）"),
    ] = None,
) -> None:
    """离线核验移交包：完整则退出码 0，发现问题则逐条列出、退出码 1。"""
    from zhifa.archive.packages import verify_bag

    report = verify_bag(bag, trusted_verifier=key)
    if report.ok:
        console.print(f"完整：{bag} 的 {report.items} 件文件、清单与账本证明均核验无误")
        return
    console.print(f"发现 {len(report.findings)} 个问题：{bag}")
    for finding in report.findings:
        console.print(f"- {finding}", markup=False, highlight=False)
    raise typer.Exit(1)
