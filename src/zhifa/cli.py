"""The command line: `zhifa --help` lists everything."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy import select

from zhifa.core.calendar_routes import (
    DueQuery,
    LeanChoice,
    LimitDueQuery,
    PeriodKind,
    compute_due,
    compute_limit_due,
    lean_of,
)
from zhifa.core.calendar_schedule import parse_schedule_file
from zhifa.core.calendar_store import store_schedule, working_calendar
from zhifa.core.commands import DataDir, actor_key, config_file, console, write_setting
from zhifa.core.commands import factory as _factory
from zhifa.core.commands import fail as _fail
from zhifa.core.commands import session as _session
from zhifa.core.commands import settings_of as _settings
from zhifa.core.db import make_engine, make_session_factory, transaction
from zhifa.core.errors import DomainError
from zhifa.core.features import load_features, load_router
from zhifa.core.keys import ensure_ledger_signer, ledger_key_path, load_ledger_signer
from zhifa.core.settings import Settings, SettingsError, load_settings
from zhifa.inspection.cli import draw_app

app = typer.Typer(help="zhifa 执法全过程记录与公示平台", no_args_is_help=True)


db_app = typer.Typer(help="数据库结构", no_args_is_help=True)
calendar_app = typer.Typer(help="工作日历（法定节假日与调休）", no_args_is_help=True)
user_app = typer.Typer(help="用户与 API 令牌", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(calendar_app, name="calendar")
app.add_typer(user_app, name="user")
app.add_typer(draw_app, name="draw")


def _init(settings: Settings) -> None:
    from zhifa.core import schema
    from zhifa.publicity.channels.registry import ensure_default_channels

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.keys_dir.mkdir(mode=0o700, exist_ok=True)
    secret = settings.keys_dir / "secret_key"
    if not secret.exists() and not settings.secret_key:
        secret.write_text(secrets.token_urlsafe(48))
        secret.chmod(0o600)
        console.print(f"已生成会话密钥 {secret}")
    _, made = ensure_ledger_signer(settings)
    if made:
        console.print(f"已生成账本签名密钥 {ledger_key_path(settings)}")
    if settings.resolved_blob_url.startswith("file://"):
        Path(settings.resolved_blob_url.removeprefix("file://")).mkdir(exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    schema.upgrade(engine)
    console.print(f"数据库结构已是最新版本（{schema.current_revision(engine)}）")
    with transaction(make_session_factory(engine, actor_key=actor_key(settings))) as session:
        if made := ensure_default_channels(session):
            console.print(f"已建立默认公示渠道 {made} 个")
    engine.dispose()


@app.command()
def init(
    data_dir: DataDir = None,
    digest: Annotated[
        str | None,
        typer.Option("--digest", help="新数据目录的文件摘要算法：sha256（默认）或 sm3（国密）"),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            help="公示网站地址：公众扫执法证二维码、打开公示链接所用的地址（如 "
            "https://zhifa.example.gov.cn）；不给时在终端中询问",
        ),
    ] = None,
) -> None:
    """新建数据目录：密钥、文件存储与数据库结构（可重复执行）。"""
    if public_url is None and sys.stdin.isatty() and _PUBLIC_URL_VARIABLE not in os.environ:
        public_url = _ask_public_url(data_dir)
    settings = _settings(data_dir, public_base_url=public_url)
    if digest is not None:
        settings = _choose_digest(settings, digest)
    _keep_public_url(settings, public_url)
    _init(settings)
    console.print(f"数据目录就绪：{settings.data_dir.resolve()}")


def _choose_digest(settings: Settings, digest: str) -> Settings:
    """The digest algorithm is fixed when the data directory is made: it names every blob."""
    if digest not in ("sha256", "sm3"):
        raise _fail(f"--digest 只能是 sha256 或 sm3，而不是 {digest}", 2)
    config = settings.data_dir / "zhifa.toml"
    if settings.blob_digest == digest:
        return settings
    if (settings.data_dir / "blobs").exists() or config.exists():
        raise _fail(
            f"数据目录已在使用 {settings.blob_digest}，不能改为 {digest}（已存文件以其摘要命名）",
            2,
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(f'blob_digest = "{digest}"\n', encoding="utf-8")
    console.print(f"文件摘要算法：{digest}（已写入 {config}）")
    return settings.model_copy(update={"blob_digest": digest})


# The portal's public address: certificate cards' QR codes and links given to the public
# open it. `zhifa init` asks for it on a terminal and keeps it in the configuration file.
_PUBLIC_URL_VARIABLE = "ZHIFA_PUBLIC_BASE_URL"


def _ask_public_url(data_dir: Path | None) -> str:
    """Ask until the answer is a valid address for these settings (the current one offered)."""
    current = _settings(data_dir, environment="development").public_base_url
    while True:
        answer = str(
            typer.prompt(
                "公示网站地址（公众扫执法证二维码、打开公示链接所用的地址）", default=current
            )
        ).strip()
        try:
            load_settings(data_dir, public_base_url=answer)
        except SettingsError as exc:
            console.print(f"[red]{exc}[/red]")
        else:
            return answer


def _keep_public_url(settings: Settings, given: str | None) -> None:
    current = settings.public_base_url
    if _PUBLIC_URL_VARIABLE in os.environ:
        if given is not None and given != os.environ[_PUBLIC_URL_VARIABLE]:
            raise _fail(
                f"环境变量 {_PUBLIC_URL_VARIABLE} 已设置，它优先于 --public-url；请修改环境变量", 2
            )
        console.print(f"公示网站地址：{current}（来自环境变量 {_PUBLIC_URL_VARIABLE}）")
    elif given is None:
        console.print(f"公示网站地址：{current}（非交互运行未询问；可用 --public-url 指定）")
    elif write_setting(config_file(settings), "public_base_url", given):
        console.print(f"公示网站地址：{given}（已写入 {config_file(settings)}）")
    else:
        console.print(f"公示网站地址：{given}")


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """把数据库结构升级到最新版本。"""
    from zhifa.core import schema

    engine = make_engine(_settings(data_dir).resolved_database_url)
    schema.upgrade(engine)
    console.print(f"数据库结构已是最新版本（{schema.current_revision(engine)}）")


@app.command("seed-demo")
def seed_demo(data_dir: DataDir = None) -> None:
    """写入演示数据（单位、账号、执法人员与执法证、行政相对人、执法事项、各类案件；可重复执行）。"""
    from zhifa.core.blobstore import open_blob_store
    from zhifa.demo.accountability import seed_demo_accountability
    from zhifa.demo.actions import seed_demo_actions
    from zhifa.demo.archive import seed_demo_archive
    from zhifa.demo.case_review import seed_demo_case_review
    from zhifa.demo.catalog import publish_demo_catalogue
    from zhifa.demo.complaints import seed_demo_complaints
    from zhifa.demo.draws import seed_demo_draws
    from zhifa.demo.figures import seed_demo_figures
    from zhifa.demo.publicity import seed_demo_publicity
    from zhifa.demo.seed import seed_demo as run_seed
    from zhifa.demo.weak_points import seed_demo_weak_points

    settings = _settings(data_dir)
    session = _session(settings)
    try:
        with console.status("正在写入演示数据…"):
            report = run_seed(session)
        with console.status("正在公示事前公示目录和执法人员名单…"):
            catalogue = publish_demo_catalogue(session)
        with console.status("正在办理演示案件（生成并签发文书）…"):
            cases = seed_demo_actions(session, settings, open_blob_store(settings))
        with console.status("正在公示演示案件的行政执法决定…"):
            published = seed_demo_publicity(session, settings)
        with console.status("正在发布上年度行政执法数据…"):
            figures = seed_demo_figures(session, settings)
        with console.status("正在抽取“双随机”演示批次…"):
            signer = load_ledger_signer(settings)
            drawn = seed_demo_draws(session, settings, signer, open_blob_store(settings))
        with console.status("正在批准保管期限表并归档演示案件…"):
            filed = seed_demo_archive(session, settings, open_blob_store(settings))
        with console.status("正在进行演示案卷评查…"):
            reviewed = seed_demo_case_review(session, settings, signer)
        complaints = seed_demo_complaints(session)
        seed_demo_accountability(session)
        seed_demo_weak_points(session, settings, open_blob_store(settings))
    finally:
        session.close()
    console.print(
        f"新增：单位 {report.units}，账号 {report.users}，执法证 {report.certificates}，"
        f"行政相对人 {report.parties}，执法事项 {report.power_items}，案件 {cases}，"
        f"公示目录与执法证 {catalogue}，公示决定 {published}，年度数据 {figures}，抽取 {drawn}，"
        f"归档 {filed}，评查案卷 {reviewed}，投诉举报 {complaints}"
    )


def _print_demo_logins() -> None:
    from zhifa.core.permissions import ROLE_LABELS, Role
    from zhifa.demo.data import DEMO_PASSWORD, demo_accounts

    table = Table(title=f"演示账号（密码均为 {DEMO_PASSWORD}）")
    table.add_column("用户名")
    table.add_column("姓名")
    table.add_column("角色")
    shown_officer = False
    for account in demo_accounts():
        if account.roles == ("officer",):
            if shown_officer:
                continue
            shown_officer = True
        table.add_row(
            account.username,
            account.full_name,
            "、".join(ROLE_LABELS[Role(r)] for r in account.roles),
        )
    console.print(table)
    console.print("其余执法人员账号见 系统管理 → 用户。")


# uvicorn would believe X-Forwarded-For from loopback (its forwarded_allow_ips default):
# the app alone decides, from ZHIFA_TRUSTED_PROXIES (core.access.ClientAddress).
_UVICORN: dict[str, Any] = {"log_level": "info", "proxy_headers": False}


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    portal_only: Annotated[
        bool,
        typer.Option("--portal-only", help="只启动公众门户（只读已公示内容，不能访问内部数据表）"),
    ] = False,
    no_jobs: Annotated[
        bool,
        typer.Option("--no-jobs", help="不在本进程运行定时任务（由 zhifa worker 运行）"),
    ] = False,
) -> None:
    """启动服务：内部工作平台 /app、接口 /api/v1 与公众门户 /；默认同时运行定时任务。"""
    import uvicorn

    from zhifa.core import schema
    from zhifa.web.app import create_app, create_portal_app

    settings = _settings(data_dir)
    engine = make_engine(settings.resolved_database_url)
    if schema.current_revision(engine) != schema.head_revision():
        raise _fail("数据库结构不是最新版本，请先运行 zhifa init 或 zhifa db upgrade")
    engine.dispose()
    if portal_only:
        try:
            portal = create_portal_app(settings)  # needs ledger.pub, not the private key
        except SettingsError as exc:
            raise _fail(str(exc)) from exc
        console.print(f"公众门户（独立进程）：http://{host}:{port}/")
        uvicorn.run(portal, host=host, port=port, **_UVICORN)
        return
    try:
        settings.resolved_secret_key()
        load_ledger_signer(settings)
    except SettingsError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"公众门户：http://{host}:{port}/")
    console.print(f"内部工作平台：http://{host}:{port}/app")
    console.print(f"接口文档：http://{host}:{port}/api/docs")
    if no_jobs:
        settings = settings.model_copy(update={"jobs_in_process": False})
    uvicorn.run(create_app(settings), host=host, port=port, **_UVICORN)


@app.command()
def worker(
    data_dir: DataDir = None,
    once: Annotated[bool, typer.Option("--once", help="到期的任务各运行一次后退出")] = False,
) -> None:
    """运行定时任务：签名账本检查点、投递公示消息、补建公示义务与公示期满停止公示等。

    每个任务运行前取得租约，多个 worker（或 worker 与 serve）同时运行时同一任务不会重复执行。"""
    from zhifa.core.jobs import JobRunner, enabled_jobs, holder_name, run_due

    settings = _settings(data_dir)
    factory = _factory(settings)
    jobs = enabled_jobs(settings)
    console.print(
        "定时任务："
        + ("、".join(f"{j.label}（每 {j.interval(settings):g} 秒）" for j in jobs) or "无")
    )
    if once:
        runs = {run.name: run for run in run_due(factory, settings, holder_name())}
        for job in jobs:
            run = runs.get(job.name)
            typer.echo(
                f"{job.name}：已运行，{run.report}"
                if run
                else f"{job.name}：未到期或由其他进程运行"
            )
        return
    runner = JobRunner(factory, settings)
    console.print(f"worker {runner.holder} 已启动；按 Ctrl+C 停止。")
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        console.print("已停止。")


@app.command()
def demo(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
) -> None:
    """一步启动演示：初始化、写入演示数据并启动服务。"""
    settings = _settings(data_dir)
    _init(settings)
    seed_demo(settings.data_dir)
    _print_demo_logins()
    serve(settings.data_dir, host, port)


@app.command()
def checkpoint(data_dir: DataDir = None) -> None:
    """立即签发账本检查点（账本自上次检查点以来有增长时）。"""
    from zhifa.core.checkpoints import checkpoint_if_grown

    settings = _settings(data_dir)
    try:
        signer = load_ledger_signer(settings)
    except SettingsError as exc:
        raise _fail(str(exc)) from exc
    session = _session(settings)
    try:
        stored = checkpoint_if_grown(session, signer, settings.log_origin)
    finally:
        session.close()
    if stored is None:
        console.print("账本自上次检查点以来没有新条目，无需签发。")
        return
    typer.echo(stored.signed_note, nl=False)


@app.command()
def verify(
    data_dir: DataDir = None,
    full: Annotated[bool, typer.Option("--full", help="重新计算全部文件的摘要")] = False,
    sample: Annotated[int, typer.Option(help="非 --full 时抽查的旧文件数")] = 100,
    remote: Annotated[
        str | None, typer.Option("--remote", help="只通过公开接口核验运行中的实例（审计）")
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help="--remote 时的验证公钥")] = None,
    entries: Annotated[
        str, typer.Option("--entries", help="--remote 时要核验包含证明的条目序号，如 0,5,9")
    ] = "",
    state: Annotated[
        Path | None, typer.Option("--state", help="--remote 时保存上次所见检查点的文件")
    ] = None,
) -> None:
    """核验记录未被删改：账本、检查点、记录、文件摘要、数据库回滚。全部正常时退出码为 0。"""
    if remote is not None:
        _verify_remote(remote, key, entries, state)
        return
    from rich.progress import Progress

    from zhifa.core.blobstore import open_blob_store
    from zhifa.core.schema import all_metadata
    from zhifa.core.verification import verify_instance

    settings = _settings(data_dir)
    all_metadata()  # every recorded table is known before rows are checked
    try:
        verifier = load_ledger_signer(settings).verifier()
        store = open_blob_store(settings)
    except (SettingsError, DomainError) as exc:
        raise _fail(str(exc), 2) from exc
    session = _session(settings, read_only=True)  # no write lock for the long pass
    started = datetime.now(UTC)
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("核验中…", total=None)

            def progress(phase: str, done: int, total: int) -> None:
                bar.update(task, description=f"核验{phase}", completed=done, total=total or None)

            report = verify_instance(
                settings, session, store, verifier, full=full, sample=sample, progress=progress
            )
    finally:
        session.close()
    console.print(
        f"账本条目 {report.entries}，检查点 {report.checkpoints}，核验文件 {report.blobs_checked}"
    )
    for note in report.disposed:
        console.print(f"ℹ {note}", highlight=False)
    for problem in report.problems:
        console.print(f"[red]✗ {problem}[/red]", highlight=False)
    if report.problems:
        _keep_verify_failures(settings, started, report.problems)
        raise _fail(f"发现 {len(report.problems)} 个问题")
    console.print("[green]✓ 全部核验通过[/green]")


def _keep_verify_failures(settings: Settings, run_at: datetime, problems: list[Any]) -> None:
    """A failing run's findings go to the accountability report (记录办法 第十四条（二））."""
    from sqlalchemy.exc import SQLAlchemyError

    from zhifa.ledger import LedgerError
    from zhifa.supervision.accountability.service import store_verify_failures

    session = _session(settings)
    try:
        store_verify_failures(session, run_at, problems)
        session.commit()
    except (LedgerError, SQLAlchemyError) as exc:
        session.rollback()
        console.print(f"[yellow]核验结果未能存入问责报告：{exc}[/yellow]", highlight=False)
    finally:
        session.close()


def _verify_remote(url: str, key: str | None, entries: str, state: Path | None) -> None:
    from zhifa.core.remote_audit import AuditError, audit_remote

    if not key:
        raise _fail("--remote 需要 --key（实例 /log/key 公布的验证公钥，应经可信渠道获得）", 2)
    try:
        indexes = [int(part) for part in entries.split(",") if part.strip()]
    except ValueError as exc:
        raise _fail(f"--entries 应为逗号分隔的条目序号：{entries}", 2) from exc
    state_file = state or Path.home() / ".zhifa-audit" / (
        "".join(c if c.isalnum() else "_" for c in url) + ".checkpoint"
    )
    try:
        report = audit_remote(url, key, state_file, indexes)
    except AuditError as exc:
        raise _fail(str(exc), 2) from exc
    for note in report.notes:
        console.print(f"✓ {note}", highlight=False)
    for problem in report.problems:
        console.print(f"[red]✗ {problem}[/red]", highlight=False)
    if report.problems:
        raise _fail(f"发现 {len(report.problems)} 个问题")


# ---- ledger ------------------------------------------------------------------------------

ledger_app = typer.Typer(help="账本：公开账本中匿名标识的解析", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("actor")
def ledger_actor(
    actor: Annotated[str, typer.Argument(help="公开账本条目中的 actor，如 u:3f9a…（或用户名）")],
    data_dir: DataDir = None,
) -> None:
    """查明公开账本中的匿名标识是哪个账号（或某账号的匿名标识）；仅限持有本实例密钥者。"""
    from zhifa.core.audit import IMPERSONAL_ACTORS, pseudonym, resolve_pseudonym
    from zhifa.core.models import User

    settings = _settings(data_dir)
    try:
        key = settings.ledger_actor_key()
    except SettingsError as exc:
        raise _fail(str(exc), 2) from exc
    if actor in IMPERSONAL_ACTORS:
        typer.echo(f"{actor}：非个人（系统任务、命令行、公众或未识别身份的登录尝试）")
        return
    session = _session(settings, read_only=True)
    try:
        user = resolve_pseudonym(session, key, actor)
        if user is None and not actor.startswith("u:"):
            user = session.scalar(select(User).where(User.username == actor))
        if user is None:
            raise _fail(f"本实例没有与 {actor} 对应的账号（或密钥已更换）")
        typer.echo(
            f"{pseudonym(key, user.id)}\t{user.username}\t{user.full_name}\t账号编号 {user.id}"
        )
    finally:
        session.close()


# ---- calendar ----------------------------------------------------------------------------


@calendar_app.command("due")
def calendar_due(
    start: Annotated[str, typer.Argument(help="起算日 YYYY-MM-DD（当日不计入）")],
    n: Annotated[int, typer.Argument(help="期间长度（与 --limit 同用时忽略）")] = 1,
    calendar_days: Annotated[
        bool, typer.Option("--calendar-days", help="按自然日计算（期满日遇节假日顺延）")
    ] = False,
    lean: Annotated[
        LeanChoice | None,
        typer.Option(
            "--lean",
            help="暂定年份的取向：earliest 本局义务取最早可能日，latest 当事人期限取最晚可能日",
        ),
    ] = None,
    limit_code: Annotated[
        str | None,
        typer.Option(
            "--limit", help="按时限表的一行计算（如 penalty.hearing_request），取向随该行"
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """计算“自…之日起 N 个工作日内”的最后一日；推算结果后缀 provisional 及取向
    （earliest/latest），依据写在第二行。"""
    try:
        start_day = date.fromisoformat(start)
    except ValueError as exc:
        raise _fail(f"起算日无效：{start}，应为 YYYY-MM-DD", 2) from exc
    settings = _settings(data_dir)
    calendar = _calendar(settings)
    kind = PeriodKind.calendar_days if calendar_days else PeriodKind.working_days
    try:
        if limit_code is not None:
            due = compute_limit_due(calendar, LimitDueQuery(start=start_day, code=limit_code))
            lean = lean_of(limit_code)
        else:
            due = compute_due(calendar, DueQuery(start=start_day, n=n, kind=kind, lean=lean))
    except DomainError as exc:
        raise _fail(exc.message, 2) from exc
    except ValidationError as exc:
        raise _fail(f"期间长度无效：{n}", 2) from exc
    suffix = (" provisional" + (f" {lean.value}" if lean else "")) if due.provisional else ""
    typer.echo(due.date.isoformat() + suffix)
    if lean is not None:
        typer.echo(due.basis)


def _calendar(settings: Settings):  # type: ignore[no-untyped-def]
    from zhifa.core.calendar import WorkingCalendar

    database = settings.resolved_database_url
    if database.startswith("sqlite") and not Path(database.split("///", 1)[1]).exists():
        return WorkingCalendar()  # no data directory yet: the library's schedules only
    session = _session(settings)
    try:
        return working_calendar(session)
    finally:
        session.close()


@calendar_app.command("load")
def calendar_load(
    file: Annotated[Path, typer.Argument(help="放假安排数据文件（JSON，格式见 docs/calendar.md）")],
    data_dir: DataDir = None,
    allow_example: Annotated[
        bool, typer.Option("--allow-example", help="允许加载标注为示例的文件（仅供测试）")
    ] = False,
) -> None:
    """加载某一年的官方放假安排；已推算的期限将按新安排重新计算。"""
    try:
        schedule = parse_schedule_file(file, allow_example=allow_example)
    except DomainError as exc:
        raise _fail(exc.message, 2) from exc
    settings = _settings(data_dir)
    factory = _factory(settings)
    with transaction(factory) as session:
        recomputed = store_schedule(session, schedule, os.environ.get("USER", "cli"), actor=None)
    console.print(
        f"已加载 {schedule.year} 年放假安排：节假日 {len(schedule.holidays)} 天，"
        f"调休上班 {len(schedule.makeup_workdays)} 天（{schedule.source}）；"
        f"按新安排重算暂定期限 {recomputed} 项"
    )


# ---- users and tokens --------------------------------------------------------------------


@user_app.command("token")
def user_token(
    username: Annotated[str, typer.Argument(help="用户名")],
    label: Annotated[str, typer.Option(help="用途说明，如“执法记录仪采集站1”")] = "",
    data_dir: DataDir = None,
) -> None:
    """签发新的 API 令牌（只显示这一次），客户端以 Authorization: Bearer 令牌 调用接口。"""
    from zhifa.core.auth import issue_api_token
    from zhifa.core.models import User

    session = _session(_settings(data_dir))
    try:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise _fail(f"用户不存在：{username}")
        typer.echo(issue_api_token(session, user.id, label, None))
    finally:
        session.close()


@user_app.command("tokens")
def user_tokens(data_dir: DataDir = None) -> None:
    """列出所有 API 令牌（不显示令牌本身）。"""
    from zhifa.core.models import ApiToken

    session = _session(_settings(data_dir))
    table = Table()
    for column in ("编号", "前缀", "用户", "用途", "签发时间", "状态"):
        table.add_column(column)
    try:
        for token in session.scalars(select(ApiToken).order_by(ApiToken.id)):
            table.add_row(
                str(token.id),
                token.prefix + "…",
                token.user.username,
                token.label,
                token.created_at.isoformat(timespec="seconds"),
                "已吊销" if token.revoked_at else "有效",
            )
    finally:
        session.close()
    console.print(table)


@user_app.command("revoke-token")
def user_revoke_token(
    token_id: Annotated[int, typer.Argument(help="令牌编号（见 zhifa user tokens）")],
    data_dir: DataDir = None,
) -> None:
    """吊销一个 API 令牌。"""
    from zhifa.core.auth import revoke_api_token

    session = _session(_settings(data_dir))
    try:
        revoke_api_token(session, token_id, None)
    except DomainError as exc:
        raise _fail(exc.message) from exc
    finally:
        session.close()
    console.print(f"令牌 {token_id} 已吊销")


# ---- the features' command groups (their manifests' `commands`) --------------------------
# Loading them loads every manifest: each command runs with the same registries as the app
# (a certificate revised here opens its update obligation as it would there).

for _name, _group in load_features().commands:
    app.add_typer(load_router(_group), name=_name)


if __name__ == "__main__":
    app()
