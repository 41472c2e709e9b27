"""`zhifa draw …`: check a published draw from its JSON alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from zhifa.core.commands import console
from zhifa.inspection.published import verify

draw_app = typer.Typer(help="双随机抽取（可公开验证）", no_args_is_help=True)


@draw_app.command("verify")
def draw_verify(
    file: Annotated[Path, typer.Argument(help="公布的抽取结果 JSON 文件", exists=True)],
) -> None:
    """从公布的 JSON 重算一次抽取：一致则退出码 0，不一致则列出差异、退出码 1。"""
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        console.print(f"不一致：无法读取 {file}（{exc}）")
        raise typer.Exit(1) from exc
    problems = verify(doc) if isinstance(doc, dict) else ["文件不是一个 JSON 对象"]
    if not problems:
        console.print("一致：公告、随机值与抽取结果均可由公布的数据重算得出")
        return
    console.print("不一致：")
    for problem in problems:
        console.print(f"  - {problem}", markup=False)
    raise typer.Exit(1)
