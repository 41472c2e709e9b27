"""`zhifa archive …`: 四性检测 of an archive file, transfer packages (移交) written from
the database and checked offline, without it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zhifa.core.commands import DataDir, console, fail, session, settings_of

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


@archive_app.command("export")
def archive_export(
    archival_code: Annotated[str, typer.Argument(help="档号")],
    to: Annotated[Path, typer.Option("--to", help="移交包的存放位置（新文件夹）")],
    data_dir: DataDir = None,
) -> None:
    """先做移交环节的四性检测，通过后写出移交包（BagIt）及签名的移交清单。"""
    from zhifa.archive.packages.service import export_by_code
    from zhifa.core.blobstore import open_blob_store
    from zhifa.core.errors import DomainError
    from zhifa.core.schema import all_metadata

    settings = settings_of(data_dir)
    all_metadata()
    with session(settings) as db:
        try:
            transfer = export_by_code(db, settings, open_blob_store(settings), archival_code, to)
        except DomainError as exc:
            db.rollback()
            raise fail(exc.message) from exc
        db.commit()
        size = f"{transfer.items} 件，{transfer.payload_bytes} 字节"
        console.print(f"已写出移交包 {transfer.location}（{size}）")
        console.print(f"移交清单：{to.parent / (to.name + '.移交清单.pdf')}（签名见 .sig 文件）")
